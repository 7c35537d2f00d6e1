import type { Button } from '../../core/messaging/channel.js';
import type { ChatRow, PersonRoles } from '../../db/repositories/directory-repository.js';
import type { InboundRow } from '../../db/repositories/inbox-repository.js';

/** What a handler knows about one stored inbound message. */
export interface IntakeContext {
  row: InboundRow;
  /** Cleaned text (control characters removed, first 4,096 characters). */
  text: string;
  chat: ChatRow;
  personId: number;
  personName: string;
  roles: PersonRoles['roles'];
  /** A button press, when the message is one. */
  action?: { messageId: string; buttonId: string };
  /**
   * Reply in the same chat. `key` makes the reply idempotent across job re-runs; the default
   * key allows one reply per inbound message. The reply to a button press also answers the
   * press; `alert` marks a refusal (Telegram shows it as an alert, not in the chat).
   */
  reply(text: string, opts?: { buttons?: Button[][]; key?: string; mention?: boolean; caseId?: number; alert?: boolean }): Promise<void>;
}

/**
 * One kind of message the intake understands before triage: commands, button presses,
 * conversation steps. The first handler that returns an outcome consumes the message.
 */
export interface IntakeHandler {
  name: string;
  /** Also see messages in groups that are not bound to a node (e.g. the bind command). */
  seesUnboundGroups?: boolean;
  /**
   * An outcome label when consumed (stored on the inbound row, with the case it concerned),
   * null to pass the message on.
   */
  handle(ctx: IntakeContext): Promise<string | { outcome: string; caseId?: number } | null>;
}
