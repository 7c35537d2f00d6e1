/**
 * The onboarding commands people type: redeeming an invite code, binding a group to a node,
 * asking who they are, and help. Chinese first, `/command` aliases for Telegram (a
 * `/command@SomeBot` suffix is accepted; the channel drops commands meant for other bots).
 */
export type GroupPurpose = 'residents' | 'work' | 'managers';

export type OnboardingCommand =
  | { kind: 'redeem'; code: string }
  | { kind: 'bind_group'; nodeCode: string | null; purpose: GroupPurpose | null }
  | { kind: 'unbind_group' }
  | { kind: 'whoami' }
  | { kind: 'help' };

const PURPOSES: Record<string, GroupPurpose> = {
  居民: 'residents',
  居民群: 'residents',
  residents: 'residents',
  工作: 'work',
  工作群: 'work',
  work: 'work',
  管理: 'managers',
  管理群: 'managers',
  managers: 'managers',
};

const BOT_SUFFIX = String.raw`(?:@\w+)?`;

export function parseOnboardingCommand(raw: string): OnboardingCommand | null {
  const text = raw.normalize('NFKC').trim();
  if (!text) return null;
  let m = new RegExp(String.raw`^/start${BOT_SUFFIX}(?:\s+(\S+))?$`, 'i').exec(text);
  if (m) return m[1] ? { kind: 'redeem', code: m[1] } : { kind: 'help' };
  m = /^(?:绑定|邀请码)(?!群)[\s:：]*([A-Za-z0-9][A-Za-z0-9\s-]{6,12})$/.exec(text);
  if (m) return { kind: 'redeem', code: m[1]!.trim() };
  m = new RegExp(String.raw`^(?:/bind${BOT_SUFFIX}|绑定群)(?:[\s:：]+(\S+))?(?:\s+(\S+))?$`, 'i').exec(text);
  if (m) {
    const purpose = m[2] ? (PURPOSES[m[2].toLowerCase()] ?? null) : null;
    if (m[2] && !purpose) return { kind: 'bind_group', nodeCode: null, purpose: null };
    return { kind: 'bind_group', nodeCode: m[1] ?? null, purpose };
  }
  if (new RegExp(String.raw`^(?:/unbind${BOT_SUFFIX}|解绑群|解除绑定群)$`, 'i').test(text)) return { kind: 'unbind_group' };
  if (new RegExp(String.raw`^(?:/whoami${BOT_SUFFIX}|我是谁)[?？]?$`, 'i').test(text)) return { kind: 'whoami' };
  if (new RegExp(String.raw`^(?:/help${BOT_SUFFIX}|帮助|菜单)$`, 'i').test(text)) return { kind: 'help' };
  return null;
}
