import { describe, expect, it } from 'vitest';
import type { ChatChannel } from '../../../core/messaging/channel.js';
import type { OutboundRepository } from '../../../db/repositories/outbound-repository.js';
import { createSendProcessor } from '../../../workers/send-job.js';

describe('the send job when the database fails between the send and its record', () => {
  it('records the message the platform took on the retry instead of sending it again', async () => {
    const row = { id: 7, status: 'pending', kind: 'send', channel: 'sim', platformChatId: 'g-1', payload: { text: '您的工单已受理' } } as Record<string, unknown>;
    let databaseUp = false;
    const errors: unknown[] = [];
    const outbound = {
      get: async () => ({ ...row }),
      markSent: async (_id: number, platformMessageId: string) => {
        if (!databaseUp) throw new Error('write CONNECTION_CLOSED');
        Object.assign(row, { status: 'sent', platformMessageId });
      },
      recordError: async (...args: unknown[]) => void errors.push(args),
    } as unknown as OutboundRepository;
    const sent: string[] = [];
    const channel: ChatChannel = {
      name: 'sim',
      capabilities: { buttons: true, edit: true, photos: true, maxTextLength: 4096 },
      start: async () => {},
      stop: async () => {},
      send: async (m) => {
        sent.push(m.text);
        return { messageId: `p-${sent.length}` };
      },
      edit: async () => {},
    };
    const process = createSendProcessor({ outbound, channels: new Map([['sim', channel]]), logger: { info() {}, warn() {} } });

    await expect(process({ data: { outboundId: 7 }, attemptsMade: 0, opts: { attempts: 6 } })).rejects.toThrow('CONNECTION_CLOSED');
    expect(errors).toEqual([]); // not a channel failure: nothing to record, and no way to
    databaseUp = true;
    expect(await process({ data: { outboundId: 7 }, attemptsMade: 1, opts: { attempts: 6 } })).toBe('sent');
    expect(sent).toEqual(['您的工单已受理']);
    expect(row).toMatchObject({ status: 'sent', platformMessageId: 'p-1' });
    // A later run finds it sent.
    expect(await process({ data: { outboundId: 7 }, attemptsMade: 0, opts: { attempts: 6 } })).toBe('skipped');
    expect(sent).toHaveLength(1);
  });
});
