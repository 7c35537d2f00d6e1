/**
 * Notices in chat: the manager's guided flow (发通知 / /notice) in their direct chat, 通知状态,
 * 提醒 and 撤回, and the recipients' confirmations (a button press or "1").
 *
 * The draft lives in the database, so a restart mid-flow loses nothing, and each draft step
 * remembers the message that made it: a re-run of that message's intake job replays the reply
 * instead of applying the message twice.
 */
import { isAckText, parseNoticeButton, parseNoticeCommand, type NoticeCommand } from '../../core/notices/commands.js';
import { advance, promptFor, type Draft, type FlowInput, type FlowStep, type NoticeStatus } from '../../core/notices/flow.js';
import { managedRoots, resolveScope, scopeWithin, type DirectorySnapshot, type NoticeScope } from '../../core/notices/scope.js';
import { noticeStatusText, noticeTexts, type StatusChat } from '../../core/notices/texts.js';
import type { NoticeRepository, NoticeRow } from '../../db/repositories/notice-repository.js';
import type { NoticeDeliverJob } from '../jobs.js';
import type { IntakeContext, IntakeHandler } from '../intake/intake-handler.js';
import { acksByChat } from './recipients.js';

export interface NoticeHandlerDeps {
  notices: NoticeRepository;
  /** Queue the fan-out, `delayMs` from now (0: at once). Idempotent per notice. */
  enqueueFanout(noticeId: number, delayMs: number): Promise<void>;
  /** Drop a scheduled fan-out that has not started. */
  removeFanout(noticeId: number): Promise<void>;
  enqueueReminders(jobs: (NoticeDeliverJob & { channel: string })[]): Promise<void>;
  now(): Date;
  timezone: string;
  /** A draft untouched this long is forgotten. */
  draftTtlMs: number;
  /** How long after delivery a bare "1" still confirms a notice. */
  ackWindowMs: number;
}

function toDraft(n: NoticeRow): Draft {
  return {
    id: n.id,
    status: n.status,
    step: (n.flowStep as FlowStep | null) ?? null,
    text: n.text,
    image: n.image,
    scope: n.scope && Object.keys(n.scope as object).length ? (n.scope as NoticeScope) : null,
    needsAck: n.needsAck,
    scheduledAt: n.scheduledAt,
  };
}

export function createNoticeHandler(deps: NoticeHandlerDeps): IntakeHandler {
  const { notices } = deps;

  /** "和平街道(hp)：幸福社区(hp-xf)、阳光社区(hp-yg)" for the scope prompt. */
  const scopeHint = (snapshot: DirectorySnapshot, roots: number[]) =>
    roots
      .map((id) => {
        const node = snapshot.nodes.find((n) => n.id === id);
        if (!node) return '';
        const kids = snapshot.nodes.filter((n) => n.parentId === id).map((n) => `${n.name}(${n.code})`);
        return `${node.name}(${node.code})${kids.length ? `：${kids.slice(0, 12).join('、')}${kids.length > 12 ? ' 等' : ''}` : ''}`;
      })
      .filter(Boolean)
      .join('；');

  const replyPrompt = async (ctx: IntakeContext, n: NoticeRow, prefix?: string) => {
    const draft = toDraft(n);
    let hint = '';
    if (draft.status === 'draft' && draft.step === 'scope') hint = scopeHint(await notices.snapshot(), managedRoots(ctx.roles));
    const p = promptFor(draft, deps.timezone, hint);
    await ctx.reply(prefix ? `${prefix}\n${p.text}` : p.text, p.buttons ? { buttons: p.buttons } : {});
  };

  const delayFor = (n: NoticeRow) => Math.max(0, (n.scheduledAt?.getTime() ?? 0) - deps.now().getTime());

  /** Replaying a message that already moved a draft: the same reply, the same (idempotent) effects. */
  const replay = async (ctx: IntakeContext, n: NoticeRow) => {
    if (n.status === 'scheduled') await deps.enqueueFanout(n.id, delayFor(n));
    await replyPrompt(ctx, n);
    return 'notice_flow';
  };

  const flowStep = async (ctx: IntakeContext, n: NoticeRow, input: FlowInput): Promise<string> => {
    const draft = toDraft(n);
    const roots = managedRoots(ctx.roles);
    const snapshot = draft.step === 'scope' ? await notices.snapshot() : undefined;
    const outcome = advance(draft, input, {
      now: deps.now(),
      timezone: deps.timezone,
      resolveScope: (text) => resolveScope(text, snapshot!, { personId: ctx.personId, roots }),
    });
    if (outcome.kind === 'invalid') {
      const p = promptFor(draft, deps.timezone);
      await ctx.reply(outcome.message, p.buttons ? { buttons: p.buttons } : {});
      return 'notice_flow_invalid';
    }
    if (outcome.kind === 'cancel') {
      const row = await notices.cancelDraft(n.id, ctx.row.id);
      await replyPrompt(ctx, row ?? n);
      return 'notice_flow';
    }
    if (outcome.kind === 'confirm') {
      const row = await notices.confirm(n.id, draft.scheduledAt ?? deps.now(), ctx.row.id);
      if (!row) {
        await ctx.reply(noticeTexts.noDraft);
        return 'notice_flow_invalid';
      }
      await deps.enqueueFanout(row.id, delayFor(row));
      await replyPrompt(ctx, row);
      return 'notice_confirmed';
    }
    const row = await notices.saveDraft(n.id, draft.step!, outcome.patch, ctx.row.id);
    if (!row) {
      await ctx.reply(noticeTexts.noDraft);
      return 'notice_flow_invalid';
    }
    await replyPrompt(ctx, row);
    return 'notice_flow';
  };

  /** The notice, if this manager may act on it (else the reply saying why has been sent). */
  const noticeFor = async (ctx: IntakeContext, id: number): Promise<NoticeRow | null> => {
    const roots = managedRoots(ctx.roles);
    if (!roots.length) {
      await ctx.reply(noticeTexts.managersOnly);
      return null;
    }
    const n = await notices.get(id);
    if (!n || n.status === 'draft') {
      await ctx.reply(noticeTexts.unknownNotice(id));
      return null;
    }
    if (n.authorPersonId !== ctx.personId) {
      const { nodes } = await notices.roleHoldersData();
      if (!scopeWithin(n.scope as NoticeScope, nodes, roots)) {
        await ctx.reply(noticeTexts.notYours(id));
        return null;
      }
    }
    return n;
  };

  const statusChats = async (n: NoticeRow) => {
    const rows = await notices.deliveriesWithChats(n.id);
    const acks = n.needsAck ? await acksByChat(notices, n, rows) : new Map();
    return { rows, acks };
  };

  const command = async (ctx: IntakeContext, cmd: NoticeCommand): Promise<string> => {
    if (cmd.kind === 'usage') {
      await ctx.reply(noticeTexts.usage(cmd.command));
      return 'command_refused';
    }
    if (cmd.kind === 'start') {
      if (!managedRoots(ctx.roles).length) {
        await ctx.reply(noticeTexts.managersOnly);
        return 'command_refused';
      }
      if (ctx.chat.kind !== 'direct') {
        await ctx.reply(noticeTexts.directOnly);
        return 'command_refused';
      }
      const draft = await notices.createDraft({ authorPersonId: ctx.personId, draftChatId: ctx.chat.id, lastInboundId: ctx.row.id });
      await replyPrompt(ctx, draft);
      return 'notice_flow';
    }
    const n = await noticeFor(ctx, cmd.noticeId);
    if (!n) return 'command_refused';
    if (cmd.kind === 'status') {
      const { rows, acks } = await statusChats(n);
      const names = await notices.names([...new Set([...acks.values()].flatMap((a) => [...a.confirmed, ...a.unconfirmed]))]);
      const name = (p: number) => names.get(p) ?? `#${p}`;
      const chats: StatusChat[] = rows.map((r) => ({
        title: r.title ?? (r.kind === 'direct' ? `私聊：${r.personId ? name(r.personId) : r.platformChatId}` : r.platformChatId),
        status: r.status,
        error: r.error,
        confirmed: (acks.get(r.chatId)?.confirmed ?? []).map(name),
        unconfirmed: (acks.get(r.chatId)?.unconfirmed ?? []).map(name),
      }));
      const label = (n.scope as NoticeScope).label ?? '';
      await ctx.reply(noticeStatusText({ id: n.id, status: n.status as NoticeStatus, needsAck: n.needsAck, scheduledAt: n.scheduledAt, label }, chats, deps.timezone));
      return 'command';
    }
    if (cmd.kind === 'remind') {
      if (!n.needsAck) {
        await ctx.reply(noticeTexts.remindNotNeeded(n.id));
        return 'command_refused';
      }
      if (n.status !== 'sending' && n.status !== 'sent') {
        await ctx.reply(noticeTexts.remindNotSent(n.id));
        return 'command_refused';
      }
      const { rows, acks } = await statusChats(n);
      const targets = rows.filter((r) => r.status === 'sent' && (acks.get(r.chatId)?.unconfirmed.length ?? 0) > 0);
      const people = new Set(targets.flatMap((r) => acks.get(r.chatId)!.unconfirmed));
      if (!targets.length) {
        await ctx.reply(noticeTexts.remindNobody(n.id));
        return 'command';
      }
      // The round is this message: a re-run of it queues the same jobs and sends nothing twice.
      await deps.enqueueReminders(targets.map((r) => ({ noticeId: n.id, chatId: r.chatId, kind: 'remind' as const, round: ctx.row.id, channel: r.channel })));
      await ctx.reply(noticeTexts.remindQueued(n.id, targets.length, people.size));
      return 'command';
    }
    // cancel
    const cancelled = await notices.cancelScheduled(n.id);
    if (!cancelled) {
      const now = (await notices.get(n.id))!;
      await ctx.reply(noticeTexts.cannotCancel(n.id, now.status as NoticeStatus));
      return 'command_refused';
    }
    await deps.removeFanout(n.id);
    await ctx.reply(noticeTexts.cancelled(n.id));
    return 'command';
  };

  const ack = async (ctx: IntakeContext, noticeId: number, pressed: boolean): Promise<string> => {
    const n = await notices.get(noticeId);
    if (!n || n.status === 'draft' || n.status === 'cancelled') {
      await ctx.reply(noticeTexts.unknownNotice(noticeId), { alert: pressed });
      return 'notice_ack_refused';
    }
    if (!n.needsAck) {
      await ctx.reply(noticeTexts.ackNotNeeded(noticeId), { alert: pressed });
      return 'notice_ack_refused';
    }
    const delivered = await notices.delivery(noticeId, ctx.chat.id);
    if (!delivered || delivered.status !== 'sent') {
      if (pressed) await ctx.reply(noticeTexts.ackNotRecipient(noticeId), { alert: true });
      return 'notice_ack_refused';
    }
    const first = await notices.recordAck(noticeId, ctx.personId, ctx.chat.id);
    await ctx.reply(first ? noticeTexts.acked(noticeId) : noticeTexts.alreadyAcked(noticeId), { mention: true });
    return first ? 'notice_ack' : 'notice_ack_repeat';
  };

  return {
    name: 'notices',
    async handle(ctx) {
      // Drafts move only in a manager's direct chat: a replayed message there repeats its step.
      if (ctx.chat.kind === 'direct') {
        const again = await notices.byLastInbound(ctx.row.id);
        if (again && again.authorPersonId === ctx.personId) return replay(ctx, again);
      }

      if (ctx.action) {
        const b = parseNoticeButton(ctx.action.buttonId);
        if (!b) return null;
        if (b.kind === 'ack') return ack(ctx, b.noticeId, true);
        const draft = ctx.chat.kind === 'direct' ? await notices.activeDraft(ctx.personId, ctx.chat.id, new Date(deps.now().getTime() - deps.draftTtlMs)) : undefined;
        if (!draft || draft.id !== b.draftId) {
          await ctx.reply(noticeTexts.staleButton, { alert: true });
          return 'notice_flow_invalid';
        }
        return flowStep(ctx, draft, { text: '', choice: b.choice });
      }

      const cmd = parseNoticeCommand(ctx.text);
      if (cmd) return command(ctx, cmd);

      if (ctx.chat.kind === 'direct') {
        const draft = await notices.activeDraft(ctx.personId, ctx.chat.id, new Date(deps.now().getTime() - deps.draftTtlMs));
        if (draft) {
          const photo = ctx.row.attachments.photos?.[0];
          return flowStep(ctx, draft, { text: ctx.text, ...(photo ? { photo: photo.url ?? photo.ref } : {}) });
        }
      }

      if (isAckText(ctx.text)) {
        let noticeId: number | undefined;
        if (ctx.row.replyToPlatformMessageId) noticeId = await notices.noticeForMessage(ctx.chat, ctx.row.replyToPlatformMessageId);
        if (noticeId === undefined) noticeId = (await notices.latestAckable(ctx.chat.id, new Date(deps.now().getTime() - deps.ackWindowMs)))?.id;
        if (noticeId === undefined) return null;
        return ack(ctx, noticeId, false);
      }
      return null;
    },
  };
}

