/**
 * The manager's guided flow in their direct chat with the bot, as a state machine:
 *
 *   text → scope → ack → time → preview → (confirmed | cancelled)
 *
 * Pure: the caller stores the draft (so a restart mid-flow loses nothing), resolves scopes and
 * provides the clock. Every reply is a function of the stored draft alone, so a re-run of the
 * same message replays the same reply.
 */
import type { Button } from '../messaging/channel.js';
import { noticeButtons, type FlowChoice } from './commands.js';
import type { NoticeScope, ScopeResult } from './scope.js';
import { formatWallClock, parseSendTime } from './send-time.js';

export type FlowStep = 'text' | 'scope' | 'ack' | 'time' | 'preview';
export const FLOW_STEPS: readonly FlowStep[] = ['text', 'scope', 'ack', 'time', 'preview'];
export type NoticeStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Draft {
  id: number;
  status: NoticeStatus;
  step: FlowStep | null;
  text: string;
  image: string | null;
  scope: NoticeScope | null;
  needsAck: boolean;
  /** Chosen at the time step: null means "now". */
  scheduledAt: Date | null;
}

export interface FlowInput {
  text: string;
  photo?: string;
  /** A flow button press (already checked to belong to this draft). */
  choice?: FlowChoice;
}

export interface FlowEnv {
  now: Date;
  timezone: string;
  resolveScope(input: string): ScopeResult;
}

export type FlowOutcome =
  /** Move on: store the patch (including the new step). */
  | { kind: 'update'; patch: Partial<Pick<Draft, 'step' | 'text' | 'image' | 'needsAck' | 'scheduledAt'>> & { scope?: NoticeScope } }
  /** Stay: tell them why, then ask again. */
  | { kind: 'invalid'; message: string }
  | { kind: 'cancel' }
  | { kind: 'confirm' };

export const MAX_NOTICE_LENGTH = 2000;

const CANCEL = /^(?:取消|退出|算了|不发了|cancel|\/cancel)$/i;
const YES = /^(?:需要|要|是|需要确认|要确认|1|１|y|yes)$/i;
const NO = /^(?:不需要|不要|否|不用|无需|无需确认|不需要确认|2|２|n|no)$/i;
const CONFIRM = /^(?:确认|确认发送|发送|确定|好|ok|yes|y|1|１)$/i;

export function advance(draft: Draft, input: FlowInput, env: FlowEnv): FlowOutcome {
  const text = input.text.trim();
  if (input.choice === 'no' || (CANCEL.test(text) && !input.choice)) return { kind: 'cancel' };
  switch (draft.step) {
    case 'text': {
      if (input.choice) return { kind: 'invalid', message: '请先发送通知内容。' };
      if (!text) return { kind: 'invalid', message: input.photo ? '收到图片。请再发送通知的文字内容（图片会随通知一起发出）。' : '通知内容不能为空。' };
      if (text.length > MAX_NOTICE_LENGTH) return { kind: 'invalid', message: `通知太长了（${text.length} 字），请控制在 ${MAX_NOTICE_LENGTH} 字以内。` };
      return { kind: 'update', patch: { step: 'scope', text, image: input.photo ?? draft.image } };
    }
    case 'scope': {
      const r = env.resolveScope(input.choice === 'all' ? '全部' : text);
      if (!r.ok) return { kind: 'invalid', message: r.message };
      if (r.chatIds.length === 0) return { kind: 'invalid', message: `「${r.scope.label}」范围内没有机器人所在的群或可私聊的人，请换一个范围。` };
      return { kind: 'update', patch: { step: 'ack', scope: r.scope } };
    }
    case 'ack': {
      const yes = input.choice === 'ack1' || (!input.choice && YES.test(text));
      const no = input.choice === 'ack0' || (!input.choice && NO.test(text));
      if (!yes && !no) return { kind: 'invalid', message: '请回复「需要」或「不需要」。' };
      return { kind: 'update', patch: { step: 'time', needsAck: yes } };
    }
    case 'time': {
      if (input.choice && input.choice !== 'now') return { kind: 'invalid', message: '请回复「现在」或一个时间。' };
      const t = input.choice === 'now' ? { kind: 'now' as const } : parseSendTime(text, env.now, env.timezone);
      if (t.kind === 'error') return { kind: 'invalid', message: t.message };
      return { kind: 'update', patch: { step: 'preview', scheduledAt: t.kind === 'at' ? t.at : null } };
    }
    case 'preview': {
      if (input.choice === 'ok' || (!input.choice && CONFIRM.test(text))) {
        if (draft.scheduledAt && draft.scheduledAt.getTime() <= env.now.getTime()) {
          return { kind: 'invalid', message: `定时 ${formatWallClock(draft.scheduledAt, env.timezone)} 已经过了。请回复「取消」后重新发起，或回复「确认」前先重新选择时间。` };
        }
        return { kind: 'confirm' };
      }
      return { kind: 'invalid', message: '请点「确认发送」或「取消」（也可以回复「确认」或「取消」）。' };
    }
    default:
      return { kind: 'invalid', message: '这条通知已经不在编辑中了。' };
  }
}

export interface FlowReply {
  text: string;
  buttons?: Button[][];
}

/** The header line of a notice as recipients see it. */
export function noticeMessageText(n: { id: number; text: string; needsAck: boolean; authorName?: string | null }): string {
  const lines = [`📢【通知】${n.text}`];
  if (n.authorName) lines.push(`—— ${n.authorName}（通知 #${n.id}）`);
  else lines.push(`—— 通知 #${n.id}`);
  if (n.needsAck) lines.push('请点击「确认收到」或回复 1 确认。');
  return lines.join('\n');
}

export function noticeMessageButtons(n: { id: number; needsAck: boolean }): Button[][] | undefined {
  return n.needsAck ? [[{ id: noticeButtons.ack(n.id), label: '确认收到' }]] : undefined;
}

export function previewCounts(scope: NoticeScope): string {
  const groups = scope.groups ?? 0;
  const directs = scope.directs ?? 0;
  const where = directs ? (groups ? `${groups} 个群和 ${directs} 个私聊` : `${directs} 个私聊`) : `${groups} 个群`;
  return `将发送到 ${where}，约 ${scope.people ?? 0} 人`;
}

/** What the bot says for the draft's current state (after a step, or on a replay). */
export function promptFor(draft: Draft, timezone: string, scopeHint = ''): FlowReply {
  if (draft.status === 'cancelled') return { text: '已取消，这条通知不会发送。需要时再发「发通知」。' };
  if (draft.status !== 'draft') {
    const when = draft.scheduledAt ? `将于 ${formatWallClock(draft.scheduledAt, timezone)}（北京时间）发送；发送前可回复「撤回 ${draft.id}」撤回` : '正在发送';
    return { text: `通知 #${draft.id} 已确认，${when}。\n回复「通知状态 ${draft.id}」查看发送和确认情况。` };
  }
  const b = (choice: FlowChoice, label: string) => ({ id: noticeButtons.flow(draft.id, choice), label });
  const cancelButton = b('no', '取消');
  switch (draft.step) {
    case 'text':
      return { text: '📝 发通知（第 1/4 步）\n请发送通知内容（可附一张图片）。随时回复「取消」可退出。' };
    case 'scope':
      return {
        text: `📝 发通知（第 2/4 步）\n请选择发送范围：回复节点编码（多个用空格分开，如 hp-xf hp-yg-01）、「全部」，或角色（如「全体网格员」，可与节点一起写：「hp-xf 全体网格员」）。${scopeHint ? `\n您管理的范围：${scopeHint}` : ''}`,
        buttons: [[b('all', '全部'), cancelButton]],
      };
    case 'ack':
      return { text: '📝 发通知（第 3/4 步）\n是否需要收到的人确认（点按钮或回复 1）？请回复「需要」或「不需要」。', buttons: [[b('ack1', '需要确认'), b('ack0', '无需确认')], [cancelButton]] };
    case 'time':
      return { text: '📝 发通知（第 4/4 步）\n什么时候发送？回复「现在」，或一个时间，如「明天 9:00」「2026-11-23 09:00」（北京时间）。', buttons: [[b('now', '现在发送'), cancelButton]] };
    case 'preview': {
      const scope = draft.scope!;
      const lines = [
        '👀 通知预览（确认前不会发送）：',
        '————————',
        noticeMessageText({ id: draft.id, text: draft.text, needsAck: draft.needsAck }),
        ...(draft.image ? ['[附图片]'] : []),
        '————————',
        `范围：${scope.label}`,
        `需要确认：${draft.needsAck ? '是' : '否'}`,
        `发送时间：${draft.scheduledAt ? `${formatWallClock(draft.scheduledAt, timezone)}（北京时间）` : '立即'}`,
        `${previewCounts(scope)}。`,
        '请点「确认发送」，或回复「确认」/「取消」。',
      ];
      return { text: lines.join('\n'), buttons: [[b('ok', '确认发送'), cancelButton]] };
    }
    default:
      return { text: '这条通知已经不在编辑中了。' };
  }
}
