import { ChannelSendError } from '../../core/messaging/channel.js';

/**
 * WeChat's "you are sending too fast" answers, as the puppets pass them on: the web protocol's
 * ret code 1205, the clients' 操作过于频繁 / 发送消息太频繁, and the puppet services' English.
 */
const TOO_FREQUENT = /频繁|太快|too\s*(?:frequent|fast|many)|frequently|rate[\s_-]?limit|\b1205\b/i;

/** The account (or the session behind it) is gone: no send works until someone logs in again. */
const LOGGED_OUT = /not\s*log(?:ged)?\s*in|no\s*login|login\s*(?:required|expired)|logout|未登录|登录已失效/i;

/** The chat itself is gone or closed to us: sending again fails the same way. */
const PERMANENT = /not\s*(?:found|exist)|no\s+such|不存在|已被移出|被移出群|not\s*(?:a\s*)?member|blocked|拉黑|删除了?好友|not\s*friend/i;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function isTooFrequent(err: unknown): boolean {
  return TOO_FREQUENT.test(message(err));
}

export function isLoggedOut(err: unknown): boolean {
  return LOGGED_OUT.test(message(err));
}

/**
 * A puppet failure as a ChannelSendError: a missing room or contact is permanent, everything
 * else (network, a puppet hiccup, "too frequent") may work later. The paced sender adds the
 * back-off (`retryAfterMs`) for "too frequent" and for repeated failures.
 */
export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  const text = `wechat: ${message(err)}`;
  if (isLoggedOut(err)) return new ChannelSendError(text, true, 60_000);
  if (!isTooFrequent(err) && PERMANENT.test(message(err))) return new ChannelSendError(text, false);
  return new ChannelSendError(text, true);
}
