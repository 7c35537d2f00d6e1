/**
 * How repeated wrong invite codes from one sender are slowed down, then blocked. Pure: the
 * caller passes the times of that sender's recent failures and the current time.
 *
 * With 31^8 possible codes, guessing is hopeless once each guess costs time: the first few
 * typos are free, then every further failure doubles the wait, and a burst of failures
 * blocks the sender for the rest of the window.
 */
export interface ThrottleRules {
  /** Failures counted within this window. */
  windowMs: number;
  /** Failures allowed without any wait. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** This many failures within the window block the sender until the oldest leaves it. */
  blockAfter: number;
}

export const DEFAULT_THROTTLE_RULES: ThrottleRules = {
  windowMs: 60 * 60 * 1000,
  freeFailures: 3,
  baseDelayMs: 30 * 1000,
  maxDelayMs: 15 * 60 * 1000,
  blockAfter: 10,
};

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number; blocked: boolean };

export function throttleDecision(failures: readonly Date[], now: Date, rules: ThrottleRules = DEFAULT_THROTTLE_RULES): ThrottleDecision {
  const t = now.getTime();
  const recent = failures
    .map((d) => d.getTime())
    .filter((x) => x > t - rules.windowMs && x <= t)
    .sort((a, b) => b - a);
  if (recent.length >= rules.blockAfter) {
    // Blocked until enough failures have aged out to fall below the limit.
    const oldestCounted = recent[rules.blockAfter - 1]!;
    return { allowed: false, retryAfterMs: oldestCounted + rules.windowMs - t, blocked: true };
  }
  if (recent.length < rules.freeFailures || recent.length === 0) return { allowed: true };
  const extra = recent.length - rules.freeFailures;
  const delay = Math.min(rules.maxDelayMs, rules.baseDelayMs * 2 ** extra);
  const waitUntil = recent[0]! + delay;
  return waitUntil > t ? { allowed: false, retryAfterMs: waitUntil - t, blocked: false } : { allowed: true };
}

/** "3 分钟" / "45 秒" for a refusal message. */
export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} 秒`;
  const m = Math.ceil(s / 60);
  return m < 60 ? `${m} 分钟` : `${Math.ceil(m / 60)} 小时`;
}
