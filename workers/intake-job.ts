import { UnrecoverableError, type Job } from 'bullmq';
import { CASE_STATUS_NAMES } from '../core/cases/case-status.js';
import {
  HELP_TEXT,
  caseReceivedReply,
  caseStatusReply,
  myCasesReply,
  notYourCaseReply,
  unknownButtonReply,
  unknownCaseReply,
} from '../core/cases/replies.js';
import type { Classifier, TaxonomyEntry } from '../core/classification/types.js';
import { parseCommand, type Command } from '../core/commands/parse-command.js';
import { prepareText } from '../core/intake/prepare-text.js';
import type { CaseRepository } from '../db/repositories/case-repository.js';
import type { DirectoryRepository } from '../db/repositories/directory-repository.js';
import type { InboxRepository, InboundRow } from '../db/repositories/inbox-repository.js';
import type { OutboundRepository } from '../db/repositories/outbound-repository.js';
import type { OutboundPayload } from '../db/schema.js';
import { intakeJobSchema, type IntakeJob } from './jobs.js';

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
  /** Queue the send job for a recorded outbound message. */
  enqueueSend(outboundId: number): Promise<void>;
  logger: Log;
}

export type IntakeOutcome =
  | 'case_opened'
  | 'chatter'
  | 'empty'
  | 'unbound_chat'
  | 'command'
  | 'action_unknown'
  | 'already_done';

/** The intake job: classify one stored message, open a case or ignore it, and reply. */
export function createIntakeProcessor(deps: IntakeDeps) {
  const typeName = (code: string | null) => deps.taxonomy.find((t) => t.code === code)?.name ?? '其他';

  async function reply(row: InboundRow, chatId: number, text: string): Promise<void> {
    const payload: OutboundPayload = { text, replyToPlatformMessageId: row.platformMessageId };
    const id = await deps.outbound.enqueue({
      dedupeKey: `reply:${row.id}`,
      channel: row.channel,
      chatId,
      platformChatId: row.platformChatId,
      payload,
    });
    await deps.enqueueSend(id);
  }

  async function runCommand(row: InboundRow, chatId: number, personId: number, cmd: Command): Promise<void> {
    if (cmd.kind === 'help') return reply(row, chatId, HELP_TEXT);
    if (cmd.kind === 'my_cases') {
      const open = await deps.cases.openReportedBy(personId);
      return reply(
        row,
        chatId,
        myCasesReply(open.map((c) => ({ caseNumber: c.number, typeName: typeName(c.type), statusName: CASE_STATUS_NAMES[c.status] }))),
      );
    }
    const c = await deps.cases.byNumber(cmd.caseNumber);
    if (!c) return reply(row, chatId, unknownCaseReply(cmd.caseNumber));
    const roles = (await deps.directory.rolesOf([personId])).get(personId)?.roles ?? [];
    const staff = roles.some((r) => r.role !== 'resident');
    if (!staff && !(await deps.cases.isReporter(c.id, personId))) return reply(row, chatId, notYourCaseReply(c.number));
    const handlerName = c.handlerPersonId ? await deps.directory.displayName(c.handlerPersonId) : null;
    return reply(
      row,
      chatId,
      caseStatusReply({ caseNumber: c.number, typeName: typeName(c.type), statusName: CASE_STATUS_NAMES[c.status], summary: c.summary, handlerName }),
    );
  }

  return async function processIntake(job: Pick<Job<IntakeJob>, 'data'>): Promise<IntakeOutcome> {
    const parsed = intakeJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid intake job: ${parsed.error.message}`);
    const row = await deps.inbox.get(parsed.data.inboundId);
    if (!row) throw new UnrecoverableError(`inbound message ${parsed.data.inboundId} does not exist`);
    if (row.status === 'processed' || row.status === 'ignored') return 'already_done';

    const isDirect = row.chatKind === 'direct';
    const personId = await deps.directory.ensurePerson(row.channel, row.senderPlatformId, row.senderName);
    const chat = await deps.directory.ensureChat({
      channel: row.channel,
      platformChatId: row.platformChatId,
      kind: row.chatKind,
      title: row.chatTitle ?? undefined,
      personId: isDirect ? personId : undefined,
    });
    const finish = (status: 'processed' | 'ignored', outcome: IntakeOutcome, classification?: unknown) =>
      deps.inbox.finish(row.id, { status, outcome, classification, chatId: chat.id, personId }).then(() => outcome);

    if (chat.kind === 'group' && chat.nodeId === null) return finish('ignored', 'unbound_chat');
    if (chat.kind === 'group') await deps.directory.addMember(chat.id, personId);

    if (row.attachments.action) {
      await reply(row, chat.id, unknownButtonReply);
      return finish('ignored', 'action_unknown');
    }
    const text = prepareText(row.text);
    const hasMedia = Boolean(row.attachments.photos?.length || row.attachments.location);
    if (!text && !hasMedia) return finish('ignored', 'empty');

    const cmd = parseCommand(text);
    if (cmd) {
      await runCommand(row, chat.id, personId, cmd);
      return finish('processed', 'command');
    }
    if (!text) return finish('ignored', 'empty');

    const classification = await deps.classifier.classify(text);
    if (!classification.actionable) {
      deps.logger.info({ inboundId: row.id, engine: classification.engine }, 'chatter ignored');
      return finish('ignored', 'chatter', classification);
    }

    let nodeId = chat.nodeId;
    if (nodeId === null) {
      const roles = (await deps.directory.rolesOf([personId])).get(personId)?.roles ?? [];
      nodeId = roles[0]?.nodeId ?? null;
    }
    const reporterName = await deps.directory.displayName(personId);
    const { caseRow, outboundId, created } = await deps.cases.openFromInbound({
      inboundMessageId: row.id,
      classification,
      description: row.text,
      reporterPersonId: personId,
      chatId: chat.id,
      nodeId,
      reply: (caseNumber) => ({
        channel: row.channel,
        platformChatId: row.platformChatId,
        payload: {
          text: caseReceivedReply({ reporterName, caseNumber, typeName: typeName(classification.caseType), level: classification.level }),
          replyToPlatformMessageId: row.platformMessageId,
          mentions: [{ platformUserId: row.senderPlatformId, name: reporterName }],
        },
      }),
    });
    if (created) deps.logger.info({ inboundId: row.id, caseId: caseRow.id, caseNumber: caseRow.number, type: caseRow.type, level: caseRow.level }, 'case opened');
    await deps.enqueueSend(outboundId);
    return 'case_opened';
  };

}
