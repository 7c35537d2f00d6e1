/**
 * A `/command` that no handler took: an unknown one, or a known one with arguments its handler
 * could not read (the answer says so without guessing which). Telegram shows `/…` as a command, so a resident who types
 * one expects an answer; one addressed to another bot (`/cmd@OtherBot`) is not ours to answer,
 * and a lone `/` or `//` is not a command at all.
 */
export function unknownSlashCommand(raw: string): string | null {
  const m = /^\/([a-z][a-z0-9_]{0,31})(@\w+)?(?=\s|$)/i.exec(raw.trim());
  if (!m || m[2]) return null;
  return `/${m[1]!.toLowerCase()}`;
}
