import { DelayedError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ChannelSendError, type ChatChannel, type OutboundMessage } from '../../../core/messaging/channel.js';
import type { OutboundRepository } from '../../../db/repositories/outbound-repository.js';
import { createSendProcessor } from '../../../workers/send-job.js';

/** The send job against an in-memory outbound table and a channel without edits (WeChat's shape). */
function setup(channelSend: (m: OutboundMessage) => Promise<{ messageId: string }>) {
  const rows = new Map<number, any>([
    [1, { id: 1, status: 'sent', kind: 'send', channel: 'wechat', platformChatId: 'wxid_w', platformMessageId: 'm-1', payload: { text: 'card v1' } }],
    [2, { id: 2, status: 'pending', kind: 'edit', editsOutboundId: 1, channel: 'wechat', platformChatId: 'wxid_w', payload: { text: 'card v2' } }],
    [3, { id: 3, status: 'pending', kind: 'send', channel: 'wechat', platformChatId: 'r@chatroom', payload: { text: 'hello' } }],
  ]);
  const errors: { id: number; error: string; final: boolean }[] = [];
  const outbound = {
    get: async (id: number) => rows.get(id),
    markSent: async (id: number, platformMessageId: string) => void Object.assign(rows.get(id), { status: 'sent', platformMessageId }),
    recordError: async (id: number, error: string, final: boolean) => void errors.push({ id, error, final }),
  } as unknown as OutboundRepository;
  const edits: string[] = [];
  const channel: ChatChannel = {
    name: 'wechat',
    capabilities: { buttons: false, edit: false, photos: true, maxTextLength: 1500 },
    start: async () => {},
    stop: async () => {},
    send: channelSend,
    edit: async (_c, id) => void edits.push(id),
  };
  const process = createSendProcessor({ outbound, channels: new Map([['wechat', channel]]), logger: { info() {}, warn() {} } });
  return { rows, errors, edits, process };
}

describe('the send job on a channel without edits, and with waits', () => {
  it('sends an edit as a new message', async () => {
    const sent: string[] = [];
    const s = setup(async (m) => {
      sent.push(m.text);
      return { messageId: 'm-2' };
    });
    expect(await s.process({ data: { outboundId: 2 }, attemptsMade: 0, opts: { attempts: 6 } })).toBe('sent');
    expect(sent).toEqual(['card v2']);
    expect(s.edits).toEqual([]);
    expect(s.rows.get(2)).toMatchObject({ status: 'sent', platformMessageId: 'm-2' });
  });

  it('moves the job to delayed for retryAfterMs (no attempt used), recording why, even on the last attempt', async () => {
    const s = setup(async () => {
      throw new ChannelSendError('wechat: daily cap of 800 messages reached', true, 3_600_000);
    });
    const moved: { at: number; token?: string }[] = [];
    const job = { data: { outboundId: 3 }, attemptsMade: 5, opts: { attempts: 6 }, moveToDelayed: async (at: number, token?: string) => void moved.push({ at, token }) };
    const before = Date.now();
    await expect(s.process(job, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.token).toBe('tok');
    expect(moved[0]!.at).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(s.errors).toEqual([{ id: 3, error: 'wechat: daily cap of 800 messages reached', final: false }]);
  });

  it('without a worker token (the notice delivery path) rethrows as before', async () => {
    const s = setup(async () => {
      throw new ChannelSendError('paced', true, 5000);
    });
    await expect(s.process({ data: { outboundId: 3 }, attemptsMade: 0, opts: { attempts: 6 } })).rejects.toMatchObject({ retryAfterMs: 5000 });
    const p = setup(async () => {
      throw new ChannelSendError('wechat: no room', false);
    });
    await expect(p.process({ data: { outboundId: 3 }, attemptsMade: 0, opts: { attempts: 6 } }, 'tok')).rejects.toBeInstanceOf(UnrecoverableError);
    expect(p.errors[0]!.final).toBe(true);
  });
});
