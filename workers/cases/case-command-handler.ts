import { formatCaseNumber } from '../../core/cases/case-number.js';
import { commandHint } from '../../core/cases/notifications.js';
import type { Classifier } from '../../core/classification/types.js';
import { parseCaseCommand, type RatingAnswer } from '../../core/commands/parse-case-command.js';
import type { CaseLoopRepository } from '../../db/repositories/case-loop-repository.js';
import type { CaseRepository } from '../../db/repositories/case-repository.js';
import type { IntakeContext, IntakeHandler } from '../intake/intake-handler.js';
import type { CaseService } from './case-service.js';
import type { OutboundRef } from '../jobs.js';

const RATING_BUTTONS: Record<string, RatingAnswer> = {
  s: { fixed: true, satisfaction: 'satisfied' },
  b: { fixed: true, satisfaction: 'basically_satisfied' },
  u: { fixed: true, satisfaction: 'unsatisfied' },
  x: { fixed: false, satisfaction: 'unsatisfied' },
};
/** Buttons that act at once, with the note they leave; the others answer with the typed form (they need words). */
/** Roles that handle cases and may use the staff commands. */
const STAFF_ROLES = new Set(['grid_worker', 'grid_leader', 'area_leader', 'street_chief', 'department', 'manager']);

const DIRECT_BUTTON_ACTIONS = {
  sign: { action: 'sign', note: '' },
  resolve: { action: 'resolve', note: '已处理完毕' },
} as const;

/**
 * The loop in chat: 签收 / 进展 / 办结 / 退单 / 转派 / 延期 / 吹哨 (typed or as buttons), ratings,
 * "我也遇到", and grid workers' patrol reports (上报).
 */
export function createCaseCommandHandler(deps: {
  service: CaseService;
  loop: CaseLoopRepository;
  cases: CaseRepository;
  classifier: Classifier;
  scheduleDispatch(caseId: number, key: string): Promise<void>;
  enqueueSend(outbound: OutboundRef): Promise<void>;
  now: () => Date;
  /** How far back a bare "1" looks for the rating question it answers (the rating grace, and a day). */
  ratingLookbackMs: number;
}): IntakeHandler {
  const actor = (ctx: IntakeContext) => ({ personId: ctx.personId, roles: ctx.roles.map((r) => ({ role: r.role, nodeId: r.nodeId, departmentId: r.departmentId })) });

  async function button(ctx: IntakeContext, id: string): Promise<string | null> {
    const [kind, what, num] = id.split(':');
    const n = Number(num);
    if (!Number.isInteger(n) || n <= 0) return null;
    if (kind === 'c') {
      if (what && Object.hasOwn(DIRECT_BUTTON_ACTIONS, what)) {
        const direct = DIRECT_BUTTON_ACTIONS[what as keyof typeof DIRECT_BUTTON_ACTIONS];
        const r = await deps.service.act({ kind: 'act', action: direct.action, caseNumber: n, text: direct.note }, actor(ctx));
        await ctx.reply(r.text, { alert: !r.ok });
        return r.ok ? 'case_action' : 'case_action_refused';
      }
      const hint = commandHint(what ?? '', n);
      if (!hint) return null;
      await ctx.reply(hint);
      return 'case_action_hint';
    }
    if (kind === 'r' && what && RATING_BUTTONS[what]) {
      const r = await deps.service.rate(ctx.personId, n, RATING_BUTTONS[what]!, '');
      await ctx.reply(r?.text ?? `感谢您的评价！工单 ${formatCaseNumber(n)} 已关闭。`, { mention: true, alert: Boolean(r && !r.ok) });
      return r && !r.ok ? 'rating_refused' : 'rating';
    }
    if (kind === 'e' && (what === 'ok' || what === 'no')) {
      const r = await deps.service.act({ kind: 'act', action: what === 'ok' ? 'approve_extension' : 'refuse_extension', caseNumber: n, text: '' }, actor(ctx));
      await ctx.reply(r.text, { alert: !r.ok });
      return r.ok ? 'case_action' : 'case_action_refused';
    }
    return null;
  }

  return {
    name: 'case-commands',
    async handle(ctx) {
      if (ctx.action) return button(ctx, ctx.action.buttonId);
      const cmd = parseCaseCommand(ctx.text);
      if (!cmd) return null;
      // A resident who starts with 反馈 / 完成 / 上报 … is describing a problem, not typing a
      // staff command: leave it to triage.
      const staff = ctx.roles.some((r) => STAFF_ROLES.has(r.role));
      if (!staff && (cmd.kind === 'malformed' || cmd.kind === 'patrol')) return null;
      switch (cmd.kind) {
        case 'malformed':
          await ctx.reply(`格式不对，请这样写：${cmd.usage}`);
          return 'command_malformed';
        case 'act': {
          const r = await deps.service.act(cmd, actor(ctx));
          await ctx.reply(r.text, { mention: true });
          return r.ok ? 'case_action' : 'case_action_refused';
        }
        case 'rate': {
          // Which case: the one named, the one the replied-to message is about, or — for a bare
          // "1" — the one whose rating question is the bot's latest word to this person here.
          let caseNumber = cmd.caseNumber;
          const repliedTo = ctx.row.replyToPlatformMessageId;
          if (caseNumber === null && repliedTo) {
            const caseId = await deps.loop.caseOfMessage(ctx.row.channel, ctx.row.platformChatId, repliedTo);
            if (!caseId) return null; // e.g. a "1" confirming a notice
            caseNumber = (await deps.loop.byId(caseId))?.number ?? null;
          } else if (caseNumber === null) {
            const caseId = await deps.loop.ratingAskedIn(ctx.chat.id, ctx.chat.kind === 'group' ? ctx.row.senderPlatformId : null, deps.ratingLookbackMs);
            if (!caseId) return null; // just chatter, or an answer to someone else
            caseNumber = (await deps.loop.byId(caseId))?.number ?? null;
          }
          if (caseNumber === null) return null;
          const r = await deps.service.rate(ctx.personId, caseNumber, cmd.answer, cmd.comment);
          await ctx.reply(r?.text ?? '感谢您的评价，工单已关闭。', { mention: true });
          return r && !r.ok ? 'rating_refused' : 'rating';
        }
        case 'me_too': {
          const caseId =
            cmd.caseNumber !== null
              ? ((await deps.loop.byNumber(cmd.caseNumber))?.id ?? null)
              : ctx.row.replyToPlatformMessageId
                ? await deps.loop.caseOfMessage(ctx.row.channel, ctx.row.platformChatId, ctx.row.replyToPlatformMessageId)
                : null;
          const c = caseId ? await deps.loop.byId(caseId) : undefined;
          if (!c) {
            if (cmd.caseNumber === null && !ctx.row.replyToPlatformMessageId) return null;
            await ctx.reply('没有找到要加入的工单。请回复机器人关于该工单的消息，或写「我也遇到 #编号」。');
            return 'me_too_refused';
          }
          // Only neighbours join: the case must be in the community of the group written in.
          const tree = await deps.loop.tree();
          const here = ctx.chat.nodeId ?? ctx.roles[0]?.nodeId ?? null;
          const community = (id: number | null) => tree.ancestorAt(id, 'community')?.id ?? null;
          if (community(here) === null || community(here) !== community(c.nodeId)) {
            await ctx.reply(`工单 ${formatCaseNumber(c.number)} 不在本社区，不能加入。请直接描述您遇到的问题。`, { mention: true });
            return 'me_too_refused';
          }
          if (['resolved', 'closed', 'cancelled'].includes(c.status)) {
            await ctx.reply(`工单 ${formatCaseNumber(c.number)} 已办结。如问题仍在，请直接描述问题重新反映。`, { mention: true });
            return 'me_too_refused';
          }
          const { count } = await deps.service.merge(c, ctx.personId, ctx.chat.id, ctx.row.id);
          await ctx.reply(`已合并到 ${formatCaseNumber(c.number)}（${deps.service.typeName(c.type)}）：同一问题已有 ${count} 人反映，处理进展会同步告诉您。`, { mention: true, caseId: c.id });
          return { outcome: 'case_merged', caseId: c.id };
        }
        case 'patrol': {
          const grid = ctx.roles.find((r) => r.role === 'grid_worker');
          if (!grid) {
            await ctx.reply('「上报」是网格员巡查上报问题用的。居民请直接在群里描述问题。');
            return 'command_refused';
          }
          const classification = await deps.classifier.classify(cmd.text);
          const { caseRow, created, outboundId } = await deps.cases.openFromInbound({
            inboundMessageId: ctx.row.id,
            classification: { ...classification, actionable: true, caseType: classification.caseType ?? 'other' },
            description: cmd.text,
            reporterPersonId: ctx.personId,
            chatId: ctx.chat.id,
            nodeId: grid.nodeId,
            source: 'patrol',
            at: deps.now(),
            reply: (num) => ({
              channel: ctx.row.channel,
              platformChatId: ctx.row.platformChatId,
              payload: { text: `已登记巡查上报：工单 ${formatCaseNumber(num)}（${deps.service.typeName(classification.caseType ?? 'other')}）。`, replyToPlatformMessageId: ctx.row.platformMessageId },
            }),
          });
          await deps.enqueueSend({ id: outboundId, channel: ctx.row.channel });
          if (created) await deps.scheduleDispatch(caseRow.id, 'new');
          return { outcome: 'patrol_case_opened', caseId: caseRow.id };
        }
      }
    },
  };
}
