/**
 * One-time invite codes: what they look like, how typed input is normalised, and how long
 * they stay valid. Pure: the random bytes and the clock come from the caller.
 */

/** No 0/O, 1/I/L: codes are read off a phone and typed back, often on a Chinese keyboard. */
export const INVITE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const INVITE_CODE_LENGTH = 8;
/** 7 days. */
export const INVITE_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A display code (`K7QH-M2XP`) from random bytes. Uses rejection sampling so every symbol
 * is equally likely; returns null when the bytes ran out (ask again with more).
 */
export function inviteCodeFromBytes(bytes: Uint8Array): string | null {
  const n = INVITE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  for (const b of bytes) {
    if (b >= limit) continue;
    out += INVITE_ALPHABET[b % n];
    if (out.length === INVITE_CODE_LENGTH) return `${out.slice(0, 4)}-${out.slice(4)}`;
  }
  return null;
}

/**
 * The canonical form of a typed code: full-width characters folded, case, spaces and dashes
 * dropped. Returns null when it cannot be a code at all.
 */
export function normalizeInviteCode(input: string): string | null {
  const folded = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-－—–_·.]/g, '');
  if (folded.length !== INVITE_CODE_LENGTH) return null;
  for (const ch of folded) if (!INVITE_ALPHABET.includes(ch)) return null;
  return folded;
}

/** Looks like a code on its own (a pasted `K7QH-M2XP`), not like a sentence. */
export function looksLikeBareInviteCode(text: string): boolean {
  const t = text.normalize('NFKC').trim();
  return /^[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}$/.test(t) && normalizeInviteCode(t) !== null && /[A-Z]/.test(t.toUpperCase());
}

export const inviteExpiresAt = (createdAt: Date): Date => new Date(createdAt.getTime() + INVITE_VALIDITY_MS);

export type InviteState = 'valid' | 'used' | 'expired';

export function inviteState(invite: { usedAt: Date | null; expiresAt: Date }, now: Date): InviteState {
  if (invite.usedAt) return 'used';
  if (invite.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}
