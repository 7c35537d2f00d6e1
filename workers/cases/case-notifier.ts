import type { Button } from '../../core/messaging/channel.js';
import type { CaseLoopRepository, CaseRow } from '../../db/repositories/case-loop-repository.js';
import type { DirectoryRepository } from '../../db/repositories/directory-repository.js';
import type { OutboundRepository } from '../../db/repositories/outbound-repository.js';
import type { OutboundRef } from '../jobs.js';

interface Log {
  warn(obj: object, msg?: string): void;
}

/**
 * Where the loop's messages go: the chats the reporters wrote in (mentioning them), a
 * person's direct chat, the managers' groups above a node, and task cards edited in place.
 * Every message is an outbound row with a deterministic key, so re-runs send nothing twice.
 */
export function createCaseNotifier(deps: {
  loop: CaseLoopRepository;
  outbound: OutboundRepository;
  directory: DirectoryRepository;
  enqueueSend(outbound: OutboundRef): Promise<void>;
  logger: Log;
}) {
  const { loop, outbound } = deps;

  async function sendTo(chat: { id: number; channel: string; platformChatId: string }, key: string, caseId: number, text: string, extra: { buttons?: Button[][]; mentions?: { platformUserId: string; name: string }[] } = {}) {
    const { id, inserted } = await outbound.record({
      dedupeKey: key,
      channel: chat.channel,
      chatId: chat.id,
      platformChatId: chat.platformChatId,
      caseId,
      payload: { text, ...(extra.buttons?.length ? { buttons: extra.buttons } : {}), ...(extra.mentions?.length ? { mentions: extra.mentions } : {}) },
    });
    await deps.enqueueSend({ id, channel: chat.channel, inserted });
    return id;
  }

  return {
    /** Every reporter, in the chat they reported in; one message per chat, mentioning them. */
    async reporters(c: CaseRow, key: string, text: string, buttons?: Button[][], opts: { except?: number[] } = {}): Promise<void> {
      const except = new Set(opts.except ?? []);
      for (const { chat, people: all } of await loop.reporterChats(c.id)) {
        const people = all.filter((p) => !except.has(p.personId));
        if (!people.length) continue;
        const personIds = [...new Set(people.map((p) => p.personId))];
        const names = await Promise.all(personIds.map((p) => deps.directory.displayName(p)));
        const mention = chat.kind === 'group';
        const prefix = mention ? `${names.map((n) => `@${n}`).join(' ')} ` : '';
        // Mentions need the platform ids of the people in this chat's channel.
        const mentions = mention
          ? people.flatMap((p) => (p.platformUserId === null ? [] : [{ platformUserId: p.platformUserId, name: p.displayName ?? '' }]))
          : undefined;
        await sendTo(chat, `${key}:chat:${chat.id}`, c.id, `${prefix}${text}`, { buttons, mentions });
      }
    },

    /** Rewrite a message still waiting to be sent (the receipt, once the case is dispatched). */
    amendPending: (outboundId: number, text: string) => outbound.amendPendingText(outboundId, text),

    /** A person's direct chat with the bot; returns the outbound id (null when they have none). */
    async person(c: CaseRow, personId: number, key: string, text: string, buttons?: Button[][]): Promise<number | null> {
      const chat = await loop.directChat(personId);
      if (!chat) {
        deps.logger.warn({ caseId: c.id, personId }, 'no direct chat with this person; message not sent');
        return null;
      }
      return sendTo(chat, `${key}:p:${personId}`, c.id, text, { buttons });
    },

    /** The managers' groups bound to the case's node or above it. */
    async managers(c: CaseRow, key: string, text: string, nodePath: number[]): Promise<void> {
      for (const chat of await loop.groupChats('managers', nodePath)) await sendTo(chat, `${key}:chat:${chat.id}`, c.id, text);
    },

    /** The work groups bound to the case's node or above it, mentioning these people there. */
    async workGroups(c: CaseRow, key: string, text: string, nodePath: number[], mention: number[]): Promise<void> {
      for (const chat of await loop.groupChats('work', nodePath)) {
        const ids = await deps.directory.identitiesOf(mention, chat.channel);
        const names = await Promise.all(mention.map((p) => deps.directory.displayName(p)));
        const at = names.map((n) => `@${n}`).join(' ');
        await sendTo(chat, `${key}:chat:${chat.id}`, c.id, at ? `${at} ${text}` : text, {
          mentions: ids.map((i) => ({ platformUserId: i.platformUserId, name: i.displayName ?? '' })),
        });
      }
    },

    /** Send a task card (a new message) to a handler. */
    async card(c: CaseRow, personId: number, eventId: number, card: { text: string; buttons: Button[][] }): Promise<void> {
      const chat = await loop.directChat(personId);
      if (!chat) {
        deps.logger.warn({ caseId: c.id, personId }, 'handler has no direct chat; task card not sent');
        return;
      }
      await sendTo(chat, `card:${c.id}:${personId}:${eventId}`, c.id, card.text, { buttons: card.buttons });
    },

    /** Edit the person's latest card for the case in place. */
    async editCard(c: CaseRow, personId: number, eventId: number, card: { text: string; buttons: Button[][] }): Promise<void> {
      const cardId = await loop.cardOf(c.id, personId);
      if (!cardId) return;
      const original = await outbound.get(cardId);
      if (!original) return;
      const id = await outbound.enqueue({
        dedupeKey: `card-edit:${cardId}:${eventId}`,
        channel: original.channel,
        chatId: original.chatId,
        platformChatId: original.platformChatId,
        kind: 'edit',
        editsOutboundId: cardId,
        caseId: c.id,
        payload: { text: card.text, buttons: card.buttons },
      });
      await deps.enqueueSend({ id, channel: original.channel });
    },
  };
}

export type CaseNotifier = ReturnType<typeof createCaseNotifier>;
