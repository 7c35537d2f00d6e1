/**
 * Small pieces of talking through Wechaty: real @mentions in a room, the id of what was sent,
 * and the login QR code in the terminal.
 */
import type { Contact, Room } from 'wechaty';

export const idOf = (sent: unknown): string | undefined =>
  sent && typeof sent === 'object' && 'id' in sent && typeof (sent as { id: unknown }).id === 'string' ? (sent as { id: string }).id : undefined;

/**
 * `@胡晓梅 您反映的问题…` with 胡晓梅 as a real mention: Room.say's template form puts each
 * contact's name (as the room shows it) where the text named them and passes the mention list
 * to WeChat, so the person gets the 「有人@我」 notice.
 */
export async function sayWithMentions(room: Room, text: string, mentions: { contact: Contact; name: string }[]) {
  const parts: string[] = [];
  const contacts: Contact[] = [];
  let rest = text;
  for (const { contact, name } of mentions) {
    const needle = `@${name}`;
    const at = rest.indexOf(needle);
    if (at < 0) continue;
    parts.push(rest.slice(0, at));
    contacts.push(contact);
    // WeChat separates a mention from what follows with U+2005.
    rest = rest.slice(at + needle.length).replace(/^ /, '\u2005');
  }
  if (!contacts.length) return room.say(text);
  parts.push(rest);
  const template = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
  return room.say(template, ...contacts);
}

export function printQrInTerminal(qrcode: string): void {
  // qrcode-terminal is CommonJS; loaded on demand, only when a login is needed.
  import('qrcode-terminal')
    .then((mod) => {
      const qr = (mod as { default?: { generate: (s: string, o: object) => void } }).default ?? (mod as unknown as { generate: (s: string, o: object) => void });
      qr.generate(qrcode, { small: true });
    })
    .catch(() => undefined);
}
