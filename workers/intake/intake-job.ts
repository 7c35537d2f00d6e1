import { UnrecoverableError, type Job } from 'bullmq';
import { SAFETY_ADVICE, caseReceivedReply, unknownButtonReply } from '../../core/cases/replies.js';
import type { Classifier, TaxonomyEntry } from '../../core/classification/types.js';
import { prepareText } from '../../core/intake/prepare-text.js';
import type { CaseRepository, CaseRow } from '../../db/repositories/case-repository.js';
import { residentTexts } from '../../core/cases/notifications.js';

const LEVEL_RANK = { routine: 0, major: 1, emergency: 2 } as const;
import type { ChatRow, DirectoryRepository, PersonRoles } from '../../db/repositories/directory-repository.js';
import type { InboxRepository } from '../../db/repositories/inbox-repository.js';
import type { OutboundRepository } from '../../db/repositories/outbound-repository.js';
import type { OutboundPayload } from '../../db/schema.js';
import { type OutboundRef, intakeJobSchema, type IntakeJob } from '../jobs.js';
import type { IntakeContext, IntakeHandler } from './intake-handler.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface IntakeDeps {
  inbox: InboxRepository;
  directory: DirectoryRepository;
  cases: CaseRepository;
  outbound: OutboundRepository;
  classifier: Classifier;
  taxonomy: TaxonomyEntry[];
  /** Commands, button presses and conversation steps, tried in order before triage. */
  handlers: IntakeHandler[];
  /** Queue the send job for a recorded outbound message. */
  enqueueSend(outbound: OutboundRef): Promise<void>;
  /** The clock (injected in tests). */
  now?: () => Date;
  /** The closed loop's part in intake: duplicates join open cases; new cases get dispatched. */
  loopHooks?: {
    duplicateOf(nodeId: number, type: string, text: string, inboundId: number): Promise<CaseRow | null>;
    merge(c: CaseRow, personId: number, chatId: number, inboundId: number): Promise<{ joined: boolean; count: number }>;
    /** A new case: dispatch it; `receipt` (not yet queued) may be rewritten to say who got it. */
    opened(c: CaseRow, receipt?: OutboundRef): Promise<void>;
    /** Photos or a location alone: the case this person just reported here, if any (now linked). */
    attachMedia(personId: number, chatId: number, inboundId: number): Promise<CaseRow | null>;
    /** After a case opens: link the photos this person sent just before. */
    linkRecentMedia(personId: number, chatId: number, caseId: number): Promise<void>;
  };
  logger: Log;
}

/**
 * The intake job: for one stored message, let the handlers (commands, buttons) take it, or
 * triage it: ignore chatter, open a case for a complaint or request, and reply.
 */
export function createIntakeProcessor(deps: IntakeDeps) {
  const typeName = (code: string | null) => deps.taxonomy.find((t) => t.code === code)?.name ?? '其他';

  return async function processIntake(job: Pick<Job<IntakeJob>, 'data'>): Promise<string> {
    const parsed = intakeJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid intake job: ${parsed.error.message}`);
    const view = await deps.inbox.getForIntake(parsed.data.inboundId);
    if (!view) throw new UnrecoverableError(`inbound message ${parsed.data.inboundId} does not exist`);
    const { row } = view;
    if (row.status === 'processed' || row.status === 'ignored') return 'already_done';

    let personId: number;
    let chat: ChatRow;
    let roles: PersonRoles['roles'];
    let personName: string;
    if (view.known) {
      // Nearly every message: a known person in a known chat, read with the message itself.
      ({ personId, chat, roles, displayName: personName } = view.known);
      if (chat.kind === 'group' && chat.nodeId !== null && !view.known.member) await deps.directory.addMember(chat.id, personId);
    } else {
      const isDirect = row.chatKind === 'direct';
      const ensureChat = (p?: number) =>
        deps.directory.ensureChat({
          channel: row.channel,
          platformChatId: row.platformChatId,
          kind: row.chatKind,
          title: row.chatTitle ?? undefined,
          personId: p,
        });
      // A direct chat needs the person first; a group chat does not, so both are looked up at once.
      const ensurePerson = deps.directory.ensurePerson(row.channel, row.senderPlatformId, row.senderName);
      [personId, chat] = isDirect
        ? await ensurePerson.then(async (p) => [p, await ensureChat(p)] as const)
        : await Promise.all([ensurePerson, ensureChat()]);
      const [, roleMap] = await Promise.all([
        chat.kind === 'group' && chat.nodeId !== null ? deps.directory.addMember(chat.id, personId) : undefined,
        deps.directory.rolesOf([personId]),
      ]);
      const me = roleMap.get(personId);
      roles = me?.roles ?? [];
      // rolesOf already read the person's row (its display name) in the same round trip.
      personName = me ? me.displayName : await deps.directory.displayName(personId);
    }
    const finish = (status: 'processed' | 'ignored', outcome: string, classification?: unknown, caseId?: number) =>
      deps.inbox.finish(row.id, { status, outcome, classification, chatId: chat.id, personId, caseId }).then(() => outcome);
    const unbound = chat.kind === 'group' && chat.nodeId === null;
    const ctx: IntakeContext = {
      row,
      text: prepareText(row.text),
      chat,
      personId,
      personName,
      roles,
      action: row.attachments.action,
      async reply(text, opts = {}) {
        const mention = opts.mention && chat.kind === 'group';
        const payload: OutboundPayload = {
          text: mention ? `@${personName} ${text}` : text,
          replyToPlatformMessageId: row.attachments.action ? undefined : row.platformMessageId,
          ...(opts.buttons ? { buttons: opts.buttons } : {}),
          ...(mention ? { mentions: [{ platformUserId: row.senderPlatformId, name: personName }] } : {}),
          ...(row.attachments.action ? { answersAction: { platformMessageId: row.platformMessageId, alert: Boolean(opts.alert) } } : {}),
        };
        const { id, inserted } = await deps.outbound.record({
          dedupeKey: opts.key ?? `reply:${row.id}`,
          channel: row.channel,
          chatId: chat.id,
          platformChatId: row.platformChatId,
          caseId: opts.caseId,
          payload,
        });
        await deps.enqueueSend({ id, channel: row.channel, inserted });
      },
    };

    for (const h of deps.handlers) {
      if (unbound && !h.seesUnboundGroups) continue;
      const result = await h.handle(ctx);
      if (typeof result === 'string') return finish('processed', result);
      if (result) return finish('processed', result.outcome, undefined, result.caseId);
    }
    if (unbound) return finish('ignored', 'unbound_chat');
    if (ctx.action) {
      await ctx.reply(unknownButtonReply, { alert: true });
      return finish('ignored', 'action_unknown');
    }
    const hasMedia = Boolean(row.attachments.photos?.length || row.attachments.location);
    if (!ctx.text) {
      if (!hasMedia) return finish('ignored', 'empty');
      let c = await deps.loopHooks?.attachMedia(personId, chat.id, row.id);
      if (!c) {
        await finish('ignored', 'media_only');
        // The text of the same report may be opening its case at this very moment: it links the
        // photos already finished as media_only, and this second look catches the case it opened
        // before this photo was finished (each side writes before it reads, so one sees the other).
        c = await deps.loopHooks?.attachMedia(personId, chat.id, row.id);
        if (!c) return 'media_only';
      }
      await ctx.reply(`已将${row.attachments.photos?.length ? '照片' : '位置'}补充到工单 #${c.number}。`, { mention: true, caseId: c.id });
      return finish('processed', 'media_attached', undefined, c.id);
    }

    const classification = await deps.classifier.classify(ctx.text);
    if (!classification.actionable) {
      deps.logger.info({ inboundId: row.id, engine: classification.engine }, 'chatter ignored');
      return finish('ignored', 'chatter', classification);
    }

    // A direct message belongs to the grid of the group the person writes in (or their role's node).
    const nodeId = chat.nodeId ?? (await deps.directory.homeNode(personId)) ?? roles[0]?.nodeId ?? null;
    if (nodeId === null) {
      await ctx.reply('暂时无法确定您所在的网格。请在您所在小区的居民群里描述问题，我们会派给对应的网格员。');
      return finish('ignored', 'no_node', classification);
    }
    // 重复: the same problem in the same grid within the window joins the first case — unless the
    // new report is graver (a fire reported beside a routine hazard needs its own emergency case).
    if (deps.loopHooks && classification.caseType) {
      const found = await deps.loopHooks.duplicateOf(nodeId, classification.caseType, ctx.text, row.id);
      const dup = found && LEVEL_RANK[classification.level] <= LEVEL_RANK[found.level] ? found : null;
      if (dup) {
        const { count } = await deps.loopHooks.merge(dup, personId, chat.id, row.id);
        const merged = residentTexts.merged(dup.number, typeName(dup.type), count);
        await ctx.reply(classification.level === 'emergency' ? `${merged}\n${SAFETY_ADVICE}` : merged, { mention: true, caseId: dup.id });
        return finish('processed', 'case_merged', classification, dup.id);
      }
    }
    const { caseRow, outboundId, created } = await deps.cases.openFromInbound({
      inboundMessageId: row.id,
      classification,
      description: row.text,
      reporterPersonId: personId,
      chatId: chat.id,
      nodeId,
      at: deps.now?.(),
      reply: (caseNumber) => ({
        channel: row.channel,
        platformChatId: row.platformChatId,
        payload: {
          text: caseReceivedReply({ reporterName: personName, caseNumber, typeName: typeName(classification.caseType), level: classification.level }),
          replyToPlatformMessageId: row.platformMessageId,
          mentions: [{ platformUserId: row.senderPlatformId, name: personName }],
        },
      }),
    });
    if (created) {
      deps.logger.info({ inboundId: row.id, caseId: caseRow.id, caseNumber: caseRow.number, type: caseRow.type, level: caseRow.level }, 'case opened');
    }
    const receipt = { id: outboundId, channel: row.channel };
    if (!created) {
      await deps.enqueueSend(receipt); // a re-run: the receipt may not have been queued
      return 'case_opened';
    }
    await deps.loopHooks?.linkRecentMedia(personId, chat.id, caseRow.id);
    if (classification.level === 'emergency') {
      // The safety advice goes out first, before any routing.
      await deps.enqueueSend(receipt);
      await deps.loopHooks?.opened(caseRow);
    } else {
      // Dispatched first, so the receipt can say who has the case (one message, not two).
      try {
        await deps.loopHooks?.opened(caseRow, receipt);
      } finally {
        await deps.enqueueSend(receipt);
      }
    }
    return 'case_opened';
  };
}
