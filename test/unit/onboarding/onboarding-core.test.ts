import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_RULES, formatWait, throttleDecision } from '../../../core/onboarding/attempt-throttle.js';
import {
  INVITE_ALPHABET,
  INVITE_VALIDITY_MS,
  inviteCodeFromBytes,
  inviteExpiresAt,
  inviteState,
  looksLikeBareInviteCode,
  normalizeInviteCode,
} from '../../../core/onboarding/invite-code.js';
import { parseOnboardingCommand } from '../../../core/onboarding/onboarding-commands.js';
import { helpReply } from '../../../core/onboarding/replies.js';

describe('invite codes', () => {
  it('are eight unambiguous symbols shown as XXXX-XXXX', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) % 248);
    const code = inviteCodeFromBytes(bytes)!;
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    for (const ch of '01OIL') expect(INVITE_ALPHABET).not.toContain(ch);
  });

  it('use every symbol equally (bytes past the last full round are skipped)', () => {
    expect(inviteCodeFromBytes(Uint8Array.from([248, 249, 255, 0, 1, 2, 3, 4, 5, 6, 7]))).toBe('2345-6789');
    expect(inviteCodeFromBytes(Uint8Array.from([1, 2, 3]))).toBeNull();
  });

  it.each([
    ['K7QH-M2XP', 'K7QHM2XP'],
    ['k7qh m2xp', 'K7QHM2XP'],
    ['Ｋ７ＱＨ－Ｍ２ＸＰ', 'K7QHM2XP'],
    [' K7QHM2XP ', 'K7QHM2XP'],
  ])('normalises %s', (input, expected) => {
    expect(normalizeInviteCode(input)).toBe(expected);
  });

  it.each(['K7QH-M2X', 'K7QH-M2XPP', 'K0QH-M2XP', '楼道灯坏了好几天'])('rejects %s', (input) => {
    expect(normalizeInviteCode(input)).toBeNull();
  });

  it('recognises a code pasted alone, not a sentence', () => {
    expect(looksLikeBareInviteCode('K7QH-M2XP')).toBe(true);
    expect(looksLikeBareInviteCode('k7qhm2xp')).toBe(true);
    expect(looksLikeBareInviteCode('23456789')).toBe(false);
    expect(looksLikeBareInviteCode('3号楼门口有垃圾')).toBe(false);
  });

  it('expire after 7 days and are used once', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const expiresAt = inviteExpiresAt(created);
    expect(expiresAt.getTime() - created.getTime()).toBe(INVITE_VALIDITY_MS);
    expect(inviteState({ usedAt: null, expiresAt }, new Date('2026-01-07T23:59:59Z'))).toBe('valid');
    expect(inviteState({ usedAt: null, expiresAt }, new Date('2026-01-08T00:00:00Z'))).toBe('expired');
    expect(inviteState({ usedAt: created, expiresAt }, created)).toBe('used');
  });
});

describe('the wrong-code throttle', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (...secs: number[]) => secs.map((s) => new Date(now.getTime() - s * 1000));

  it('lets the first few typos through', () => {
    expect(throttleDecision([], now)).toEqual({ allowed: true });
    expect(throttleDecision(ago(1, 2), now)).toEqual({ allowed: true });
  });

  it('then makes each further try wait, doubling', () => {
    expect(throttleDecision(ago(1, 2, 3), now)).toEqual({ allowed: false, retryAfterMs: 29_000, blocked: false });
    expect(throttleDecision(ago(31, 32, 33), now)).toEqual({ allowed: true });
    expect(throttleDecision(ago(31, 32, 33, 34), now)).toEqual({ allowed: false, retryAfterMs: 29_000, blocked: false });
    expect(throttleDecision(ago(61, 62, 63, 64), now)).toEqual({ allowed: true });
  });

  it('blocks a burst of failures until the oldest leaves the hour', () => {
    const ten = ago(600, 500, 400, 300, 200, 100, 50, 40, 30, 20);
    const d = throttleDecision(ten, now);
    expect(d).toMatchObject({ allowed: false, blocked: true });
    expect(d.allowed === false && d.retryAfterMs).toBe(3600_000 - 600_000);
  });

  it('forgets failures older than the window', () => {
    expect(throttleDecision(ago(4000, 4001, 4002, 4003, 4004), now, DEFAULT_THROTTLE_RULES)).toEqual({ allowed: true });
  });

  it('says how long in Chinese', () => {
    expect(formatWait(29_000)).toBe('29 秒');
    expect(formatWait(90_000)).toBe('2 分钟');
    expect(formatWait(3000_000)).toBe('50 分钟');
  });
});

describe('onboarding commands', () => {
  it.each([
    ['/start K7QH-M2XP', { kind: 'redeem', code: 'K7QH-M2XP' }],
    ['/start@jiesu_bot K7QHM2XP', { kind: 'redeem', code: 'K7QHM2XP' }],
    ['绑定 K7QH-M2XP', { kind: 'redeem', code: 'K7QH-M2XP' }],
    ['绑定：k7qh-m2xp', { kind: 'redeem', code: 'k7qh-m2xp' }],
    ['/start', { kind: 'help' }],
    ['/bind hp-xf-01', { kind: 'bind_group', nodeCode: 'hp-xf-01', purpose: null }],
    ['/bind@jiesu_bot hp-xf 工作群', { kind: 'bind_group', nodeCode: 'hp-xf', purpose: 'work' }],
    ['绑定群 hp-xf-01', { kind: 'bind_group', nodeCode: 'hp-xf-01', purpose: null }],
    ['绑定群', { kind: 'bind_group', nodeCode: null, purpose: null }],
    ['/bind hp 乱写', { kind: 'bind_group', nodeCode: null, purpose: null }],
    ['/unbind', { kind: 'unbind_group' }],
    ['解绑群', { kind: 'unbind_group' }],
    ['/whoami', { kind: 'whoami' }],
    ['我是谁？', { kind: 'whoami' }],
    ['帮助', { kind: 'help' }],
    ['/help@jiesu_bot', { kind: 'help' }],
  ])('reads %s', (text, expected) => {
    expect(parseOnboardingCommand(text)).toEqual(expected);
  });

  it.each(['绑定手机号怎么弄', '3号楼垃圾没人收', '#1024', '我的工单', ''])('leaves %s to others', (text) => {
    expect(parseOnboardingCommand(text)).toBeNull();
  });
});

describe('help', () => {
  it('keeps the case commands and adds what this person may do', () => {
    const resident = helpReply({ roles: [], chatKind: 'group' });
    expect(resident).toContain('#编号');
    expect(resident).toContain('我是谁');
    expect(resident).not.toContain('绑定群');
    const manager = helpReply({ roles: ['manager'], chatKind: 'direct' });
    expect(manager).toContain('绑定群');
    expect(manager).toContain('npx jiesu invite');
    expect(manager).toContain('绑定 邀请码');
  });
});
