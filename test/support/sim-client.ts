import { expect } from 'vitest';
import { eventually } from './test-database.js';

export type SimMsg = { id: string; from: string; text: string; replyTo?: string; buttons?: { id: string; label: string }[]; editedAt?: string };

/** A thin client of the sim HTTP API, speaking as demo people by name. */
export function simClient(baseUrl: () => string) {
  let people: Map<string, string> | undefined;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl()}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const who = async (name: string) => {
    if (!people) {
      const chats = (await api('GET', '/api/sim/chats')).body as { members: { id: string; name: string }[] }[];
      people = new Map(chats.flatMap((c) => c.members.map((m) => [m.name, m.id] as const)));
    }
    const id = people.get(name);
    if (!id) throw new Error(`no demo person ${name}`);
    return id;
  };
  const messages = async (chat: string) => (await api('GET', `/api/sim/chats/${encodeURIComponent(chat)}/messages`)).body as SimMsg[];
  return {
    api,
    who,
    messages,
    /** The direct chat of a person with the bot. */
    dm: async (name: string) => `d-${await who(name)}`,
    async say(chat: string, name: string, text: string): Promise<string> {
      const r = await api('POST', `/api/sim/chats/${encodeURIComponent(chat)}/messages`, { from: await who(name), text });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    },
    async press(chat: string, name: string, messageId: string, buttonId: string): Promise<number> {
      return (await api('POST', `/api/sim/chats/${encodeURIComponent(chat)}/actions`, { from: await who(name), messageId, buttonId })).status;
    },
    /** Wait for a bot message in a chat that matches. */
    botSays: (chat: string, match: (m: SimMsg) => boolean, timeoutMs?: number) =>
      eventually(async () => (await messages(chat)).find((m) => m.from === 'bot' && match(m)), timeoutMs),
    /** The bot's answer to one message. */
    answerTo: (chat: string, id: string) => eventually(async () => (await messages(chat)).find((m) => m.from === 'bot' && m.replyTo === id)),
  };
}
