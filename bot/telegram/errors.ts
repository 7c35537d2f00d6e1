import { GrammyError, HttpError } from 'grammy';
import { ChannelSendError } from '../../core/messaging/channel.js';

/** Telegram refusals that no retry can fix: the chat is gone or the bot may not write there. */
const PERMANENT_400 = /chat not found|user not found|peer_id_invalid|bot was kicked|bot was blocked|not enough rights|have no rights|chat_write_forbidden|group chat was upgraded|message to edit not found|message can't be edited|button_data_invalid|message is too long|wrong file identifier|can't parse/i;

/**
 * A grammY failure as a ChannelSendError: 429 and server or network trouble are retryable
 * (429 with Telegram's `retry_after`), "bot was blocked by the user", "chat not found" and
 * other refusals are permanent.
 */
export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (err instanceof GrammyError) {
    const text = `telegram ${err.error_code}: ${err.description}`;
    if (err.error_code === 429) {
      const after = err.parameters?.retry_after;
      return new ChannelSendError(text, true, (typeof after === 'number' ? after : 1) * 1000);
    }
    if (err.error_code >= 500) return new ChannelSendError(text, true);
    if (err.error_code === 403 || err.error_code === 401 || err.error_code === 404) return new ChannelSendError(text, false);
    if (err.error_code === 400 && PERMANENT_400.test(err.description)) return new ChannelSendError(text, false);
    // Other 400s are malformed requests: sending the same request again fails the same way.
    return new ChannelSendError(text, err.error_code === 409);
  }
  if (err instanceof HttpError) return new ChannelSendError(`telegram network error: ${err.message}`, true);
  return new ChannelSendError(`telegram: ${err instanceof Error ? err.message : String(err)}`, true);
}

/**
 * Telegram's answer to a call on a group that became a supergroup: the new chat id. Retryable:
 * the chat is moved (see TelegramChannel.moved) and the message goes to the new id.
 */
export class ChatMovedError extends ChannelSendError {
  override name = 'ChatMovedError';
  constructor(
    readonly fromChatId: string,
    readonly toChatId: string,
  ) {
    super(`telegram: group ${fromChatId} was upgraded to supergroup ${toChatId}`, true);
  }
}

/** Editing a message into exactly what it already shows is not a failure. */
export const isNotModified = (err: unknown): boolean => err instanceof GrammyError && /message is not modified/i.test(err.description);
