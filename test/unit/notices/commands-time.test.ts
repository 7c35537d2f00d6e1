import { describe, expect, it } from 'vitest';
import { isAckText, parseNoticeButton, parseNoticeCommand } from '../../../core/notices/commands.js';
import { formatWallClock, parseSendTime } from '../../../core/notices/send-time.js';

describe('notice commands', () => {
  it('parses the Chinese commands and their /notice aliases', () => {
    expect(parseNoticeCommand('发通知')).toEqual({ kind: 'start' });
    expect(parseNoticeCommand('/notice')).toEqual({ kind: 'start' });
    expect(parseNoticeCommand('/notice@jiesu_bot')).toEqual({ kind: 'start' });
    expect(parseNoticeCommand('通知状态 12')).toEqual({ kind: 'status', noticeId: 12 });
    expect(parseNoticeCommand('通知状态#12')).toEqual({ kind: 'status', noticeId: 12 });
    expect(parseNoticeCommand('/notice status 12')).toEqual({ kind: 'status', noticeId: 12 });
    expect(parseNoticeCommand('提醒 7')).toEqual({ kind: 'remind', noticeId: 7 });
    expect(parseNoticeCommand('/notice remind 7')).toEqual({ kind: 'remind', noticeId: 7 });
    expect(parseNoticeCommand('撤回 3')).toEqual({ kind: 'cancel', noticeId: 3 });
    expect(parseNoticeCommand('/notice cancel 3')).toEqual({ kind: 'cancel', noticeId: 3 });
  });

  it('answers a command without an id with usage, and leaves ordinary speech alone', () => {
    expect(parseNoticeCommand('通知状态')).toEqual({ kind: 'usage', command: 'status' });
    expect(parseNoticeCommand('撤回 abc')).toEqual({ kind: 'usage', command: 'cancel' });
    expect(parseNoticeCommand('/notice remind')).toEqual({ kind: 'usage', command: 'remind' });
    expect(parseNoticeCommand('提醒大家明天停水')).toBeNull();
    expect(parseNoticeCommand('楼下垃圾没人清运')).toBeNull();
    expect(parseNoticeCommand('#1234')).toBeNull();
  });

  it('recognises typed confirmations and button ids', () => {
    for (const t of ['1', '１', ' 1 ', '确认', '确认收到']) expect(isAckText(t)).toBe(true);
    for (const t of ['11', '收到了吗', '2', '']) expect(isAckText(t)).toBe(false);
    expect(parseNoticeButton('nack:42')).toEqual({ kind: 'ack', noticeId: 42 });
    expect(parseNoticeButton('nf:9:ok')).toEqual({ kind: 'flow', draftId: 9, choice: 'ok' });
    expect(parseNoticeButton('nf:9:evil')).toBeNull();
    expect(parseNoticeButton('case:1:sign')).toBeNull();
  });
});

describe('send time (Asia/Shanghai)', () => {
  // 2026-11-22 10:00 in Shanghai.
  const now = new Date('2026-11-22T02:00:00Z');
  const at = (text: string) => {
    const r = parseSendTime(text, now);
    if (r.kind !== 'at') throw new Error(`${text}: ${JSON.stringify(r)}`);
    return formatWallClock(r.at, 'Asia/Shanghai');
  };

  it('reads now, relative days, periods and absolute dates', () => {
    expect(parseSendTime('现在', now)).toEqual({ kind: 'now' });
    expect(parseSendTime('立即发送', now)).toEqual({ kind: 'now' });
    expect(at('明天 9:00')).toBe('2026-11-23 09:00');
    expect(at('明天9点')).toBe('2026-11-23 09:00');
    expect(at('后天 下午3点半')).toBe('2026-11-24 15:30');
    expect(at('今天 晚上8点')).toBe('2026-11-22 20:00');
    expect(at('2026-11-23 09:00')).toBe('2026-11-23 09:00');
    expect(at('2026/12/1 8:05')).toBe('2026-12-01 08:05');
    expect(at('11月23日 9:00')).toBe('2026-11-23 09:00');
    expect(at('２０２６-１１-２３ ０９:００')).toBe('2026-11-23 09:00');
  });

  it('is an instant in UTC+8', () => {
    const r = parseSendTime('2026-11-23 09:00', now);
    expect(r).toEqual({ kind: 'at', at: new Date('2026-11-23T01:00:00Z') });
  });

  it('rolls a bare past time to tomorrow, refuses past dates and nonsense', () => {
    expect(at('9:00')).toBe('2026-11-23 09:00');
    expect(at('11:00')).toBe('2026-11-22 11:00');
    expect(parseSendTime('2026-11-21 09:00', now)).toMatchObject({ kind: 'error', message: expect.stringContaining('已经过去') });
    expect(parseSendTime('今天 9:00', now)).toMatchObject({ kind: 'error' });
    expect(parseSendTime('2026-02-30 09:00', now)).toMatchObject({ kind: 'error', message: expect.stringContaining('没有这个日期') });
    expect(parseSendTime('明天 25:00', now)).toMatchObject({ kind: 'error' });
    expect(parseSendTime('下周吧', now)).toMatchObject({ kind: 'error', message: expect.stringContaining('现在') });
    expect(parseSendTime('2030-01-01 09:00', now)).toMatchObject({ kind: 'error', message: expect.stringContaining('一年') });
  });
});
