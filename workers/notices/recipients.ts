import { expectedInChat, roleHolders, type NoticeScope } from '../../core/notices/scope.js';
import type { NoticeRepository, NoticeRow } from '../../db/repositories/notice-repository.js';

export interface ChatAcks {
  confirmed: number[];
  unconfirmed: number[];
}

/** Per target chat: who is expected to confirm the notice there, and who has. */
export async function acksByChat(
  repo: NoticeRepository,
  notice: Pick<NoticeRow, 'id' | 'scope' | 'authorPersonId'>,
  chats: { chatId: number; kind: 'group' | 'direct'; personId: number | null }[],
): Promise<Map<number, ChatAcks>> {
  const scope = notice.scope as NoticeScope;
  const [members, acked, holders] = await Promise.all([
    repo.membersOf(chats.filter((c) => c.kind === 'group').map((c) => c.chatId)),
    repo.ackedBy(notice.id),
    scope.roles?.length ? repo.roleHoldersData().then((d) => roleHolders(scope, d)) : Promise.resolve(new Set<number>()),
  ]);
  const out = new Map<number, ChatAcks>();
  for (const c of chats) {
    const expected = expectedInChat({ roles: scope.roles ?? [] }, { kind: c.kind, personId: c.personId }, members.get(c.chatId) ?? [], holders, notice.authorPersonId);
    out.set(c.chatId, { confirmed: expected.filter((p) => acked.has(p)), unconfirmed: expected.filter((p) => !acked.has(p)) });
  }
  return out;
}
