/**
 * Everything else the notice feature says: refusals, acknowledgements, reminders and the
 * status report. Pure.
 */
import { formatWallClock } from './send-time.js';
import type { NoticeStatus } from './flow.js';

export const noticeTexts = {
  managersOnly: '只有管理员可以发通知、查看通知状态、提醒或撤回通知。',
  directOnly: '请在与我的私聊中发「发通知」，编辑过程不会打扰群里的人。',
  unknownNotice: (id: number) => `没有找到通知 #${id}。`,
  notYours: (id: number) => `通知 #${id} 不在您的管辖范围内。`,
  usage: (command: 'status' | 'remind' | 'cancel') =>
    ({
      status: '请带上通知编号，如：通知状态 12',
      remind: '请带上通知编号，如：提醒 12',
      cancel: '请带上通知编号，如：撤回 12',
    })[command],
  staleButton: '这个按钮已过期：请按最新一条消息下的按钮，或重新发「发通知」。',
  noDraft: '没有正在编辑的通知。发「发通知」开始。',
  cancelled: (id: number) => `已撤回通知 #${id}，它不会发出。`,
  cannotCancel: (id: number, status: NoticeStatus) =>
    status === 'cancelled'
      ? `通知 #${id} 已经撤回过了。`
      : status === 'sent'
        ? `通知 #${id} 已经发出，无法撤回。`
        : status === 'sending'
          ? `通知 #${id} 已开始发送，无法撤回。`
          : `通知 #${id} 还没有确认发送，无需撤回。`,
  remindNotNeeded: (id: number) => `通知 #${id} 不需要确认，无需提醒。`,
  remindNotSent: (id: number) => `通知 #${id} 还没有发出，发出后才能提醒。`,
  remindNobody: (id: number) => `通知 #${id} 的接收人都已确认，无需提醒。`,
  remindQueued: (id: number, chats: number, people: number) => `已向 ${chats} 个会话中尚未确认的 ${people} 人发送通知 #${id} 的提醒。`,
  acked: (id: number) => `已确认收到通知 #${id}，谢谢！`,
  alreadyAcked: (id: number) => `您已确认过通知 #${id}，无需重复确认。`,
  ackNotRecipient: (id: number) => `通知 #${id} 没有发到这里，无需确认。`,
  ackNotNeeded: (id: number) => `通知 #${id} 不需要确认。`,
  done: (id: number, sent: number, failed: number) =>
    `通知 #${id} 已发送完毕：成功 ${sent} 个会话${failed ? `，失败 ${failed} 个` : ''}。回复「通知状态 ${id}」查看详情。`,
};

export function reminderText(n: { id: number; text: string }, names: string[]): string {
  const excerpt = n.text.length > 60 ? `${n.text.slice(0, 60)}…` : n.text;
  return [`⏰【提醒】通知 #${n.id} 还需要确认：${names.map((x) => `@${x}`).join(' ')}`, `「${excerpt}」`, '请点击「确认收到」或回复 1 确认。'].join('\n');
}

export const NOTICE_STATUS_NAMES: Record<NoticeStatus, string> = {
  draft: '编辑中',
  scheduled: '定时待发',
  sending: '发送中',
  sent: '已发送',
  cancelled: '已撤回',
};

export interface StatusChat {
  title: string;
  status: 'pending' | 'sent' | 'failed';
  error: string | null;
  confirmed: string[];
  unconfirmed: string[];
}

/** The status report for 通知状态 <id>; long lists are cut to fit one message. */
export function noticeStatusText(
  n: { id: number; status: NoticeStatus; needsAck: boolean; scheduledAt: Date | null; label: string },
  chats: StatusChat[],
  timezone: string,
  maxLength = 3500,
): string {
  const sent = chats.filter((c) => c.status === 'sent').length;
  const failed = chats.filter((c) => c.status === 'failed');
  const pending = chats.length - sent - failed.length;
  const head = [`📋 通知 #${n.id}：${NOTICE_STATUS_NAMES[n.status]}`, `范围：${n.label}`];
  if (n.status === 'scheduled' && n.scheduledAt) head.push(`定时：${formatWallClock(n.scheduledAt, timezone)}（北京时间）`);
  if (n.status !== 'scheduled' && n.status !== 'cancelled' && n.status !== 'draft') {
    head.push(`发送：成功 ${sent}，失败 ${failed.length}，待发 ${pending}（共 ${chats.length} 个会话）`);
  }
  const body: string[] = [];
  if (failed.length) {
    body.push('发送失败：');
    for (const c of failed) body.push(`· ${c.title}：${c.error ?? '原因不明'}`);
  }
  if (n.needsAck && n.status !== 'scheduled' && n.status !== 'cancelled') {
    const people = new Map<string, boolean>();
    for (const c of chats) {
      for (const p of c.confirmed) people.set(p, true);
      for (const p of c.unconfirmed) if (!people.has(p)) people.set(p, false);
    }
    const yes = [...people.values()].filter(Boolean).length;
    head.push(`确认：${yes}/${people.size} 人`);
    body.push('按会话：');
    for (const c of chats) {
      if (c.status !== 'sent') continue;
      const total = c.confirmed.length + c.unconfirmed.length;
      body.push(`· ${c.title}：已确认 ${c.confirmed.length}/${total}${c.unconfirmed.length ? `；未确认：${c.unconfirmed.join('、')}` : ''}`);
    }
    if (people.size > yes) body.push(`回复「提醒 ${n.id}」提醒未确认的人。`);
  }
  const lines = [...head];
  let length = lines.join('\n').length;
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    if (length + line.length + 1 > maxLength) {
      lines.push(`……（还有 ${body.length - i} 行，略）`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}
