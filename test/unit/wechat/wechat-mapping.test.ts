import { describe, expect, it } from 'vitest';
import { textFormOf, withButtonHints } from '../../../bot/wechat/button-hints.js';
import { toChannelSendError } from '../../../bot/wechat/errors.js';
import { messageToInbound, stripSelfMentions, type WxMessageFacts } from '../../../bot/wechat/to-inbound.js';
import { ratingButtons, residentTexts, taskCard, type CardFacts } from '../../../core/cases/notifications.js';
import { noticeMessageButtons, noticeMessageText } from '../../../core/notices/flow.js';

const at = new Date('2026-11-23T02:00:00Z');
const base: WxMessageFacts = {
  id: 'msg-1',
  self: false,
  kind: 'text',
  room: { id: 'r1@chatroom', topic: '幸福社区第一网格居民群' },
  talker: { id: 'wxid_hu', name: '胡晓梅' },
  text: '3号楼楼道堆满杂物',
  selfNames: ['接诉助手', '网格小助手'],
  sentAt: at,
};

describe('WeChat messages as InboundMessage', () => {
  it('maps a room message to a group message from its sender', () => {
    expect(messageToInbound(base)).toEqual({
      kind: 'message',
      message: {
        channel: 'wechat',
        chatId: 'r1@chatroom',
        chatKind: 'group',
        chatTitle: '幸福社区第一网格居民群',
        messageId: 'msg-1',
        sender: { id: 'wxid_hu', name: '胡晓梅' },
        text: '3号楼楼道堆满杂物',
        sentAt: at,
      },
    });
  });

  it('maps a contact’s message to a direct chat keyed by the contact', () => {
    const { room: _room, ...direct } = base;
    const m = messageToInbound({ ...direct, text: '绑定 ABCD-EFGH' });
    expect(m).toMatchObject({ kind: 'message', message: { chatId: 'wxid_hu', chatKind: 'direct', text: '绑定 ABCD-EFGH' } });
  });

  it('drops mentions of the bot (its name or its alias in the room), keeps other people’s', () => {
    expect(stripSelfMentions('@接诉助手\u2005绑定群 hp-xf-01', base.selfNames)).toBe('绑定群 hp-xf-01');
    expect(stripSelfMentions('@网格小助手 #1001', base.selfNames)).toBe('#1001');
    expect(stripSelfMentions('楼道灯坏了 @接诉助手', base.selfNames)).toBe('楼道灯坏了');
    expect(stripSelfMentions('@李建国\u2005你看看这个', base.selfNames)).toBe('@李建国 你看看这个');
    expect(messageToInbound({ ...base, text: '@接诉助手\u2005' })).toEqual({ kind: 'ignore', reason: 'empty text' });
  });

  it('ignores the bot’s own messages, official accounts and system messages', () => {
    expect(messageToInbound({ ...base, self: true })).toMatchObject({ kind: 'ignore' });
    expect(messageToInbound({ ...base, talker: { ...base.talker, official: true } })).toMatchObject({ kind: 'ignore' });
    expect(messageToInbound({ ...base, kind: 'system', text: '"胡晓梅"邀请"朱宏"加入了群聊' })).toMatchObject({ kind: 'ignore' });
  });

  it('attaches a photo and a location', () => {
    const photo = messageToInbound({ ...base, kind: 'image', text: '', photo: { ref: 'wechat:msg-1', url: 'file:///data/wechat/media/msg-1.jpg' } });
    expect(photo).toMatchObject({ kind: 'message', message: { text: '', photos: [{ ref: 'wechat:msg-1', url: 'file:///data/wechat/media/msg-1.jpg' }] } });
    const loc = messageToInbound({ ...base, kind: 'location', text: '', location: { lat: 39.99, lng: 116.33, label: '幸福小区3号楼' } });
    expect(loc).toMatchObject({ kind: 'message', message: { location: { lat: 39.99, lng: 116.33, label: '幸福小区3号楼' } } });
  });

  it('marks voice, video and stickers as unsupported', () => {
    expect(messageToInbound({ ...base, kind: 'unsupported', text: '' })).toEqual({ kind: 'unsupported', chatId: 'r1@chatroom', chatKind: 'group' });
    expect(messageToInbound({ ...base, kind: 'image', text: '' })).toMatchObject({ kind: 'unsupported' });
  });
});

const card = (status: CardFacts['status']): CardFacts => ({
  number: 1001,
  typeName: '环境卫生',
  level: 'routine',
  status,
  summary: '楼道堆物',
  location: {},
  placeName: '幸福社区第一网格',
  reporterName: '胡晓梅',
  photos: 0,
  signDueAt: null,
  resolveDueAt: null,
  supervised: false,
  coHandlers: [],
  timezone: 'Asia/Shanghai',
});

describe('buttons as text on WeChat', () => {
  it('knows the typed form of every button the loop and the notices use', () => {
    expect(textFormOf({ id: 'c:sign:1001', label: '签收' })?.say).toBe('签收 #1001');
    expect(textFormOf({ id: 'c:return:1001', label: '退单' })?.say).toBe('退单 #1001 原因');
    expect(textFormOf({ id: 'r:s:1001', label: '满意' })?.say).toBe('1 满意');
    expect(textFormOf({ id: 'e:ok:1001', label: '同意延期' })?.say).toBe('同意延期 #1001');
    expect(textFormOf({ id: 'nack:7', label: '确认收到' })?.say).toBe('1（确认收到）');
    expect(textFormOf({ id: 'nf:3:no', label: '取消' })?.say).toBe('取消');
  });

  it('adds no hint to a new task card: it already says 签收 / 退单', () => {
    const c = taskCard(card('dispatched'));
    expect(withButtonHints(c.text, c.buttons)).toBe(c.text);
  });

  it('hints the actions a signed card does not spell out', () => {
    const c = taskCard(card('signed'));
    const out = withButtonHints(c.text, c.buttons);
    expect(out.startsWith(c.text)).toBe(true);
    expect(out.split('\n').at(-1)).toBe('回复：延期 #1001 天数 原因 / 吹哨 #1001 部门 / 退单 #1001 原因');
  });

  it('adds no hint to the rating question or a notice that needs confirming', () => {
    const rating = residentTexts.resolved(1001, '环境卫生', '网格员李建国', '已清理');
    expect(withButtonHints(rating, ratingButtons(1001))).toBe(rating);
    const notice = noticeMessageText({ id: 7, text: '周六停水', needsAck: true });
    expect(withButtonHints(notice, noticeMessageButtons({ id: 7, needsAck: true }))).toBe(notice);
  });

  it('shows the label of a button it has no text form for, and leaves button-less texts alone', () => {
    expect(withButtonHints('测试卡片', [[{ id: 'noop:1', label: '按钮' }]])).toBe('测试卡片\n回复：按钮');
    expect(withButtonHints('你好', undefined)).toBe('你好');
  });
});

describe('WeChat send errors', () => {
  it('tells permanent from retryable failures', () => {
    expect(toChannelSendError(new Error('room not found')).retryable).toBe(false);
    expect(toChannelSendError(new Error('ETIMEDOUT')).retryable).toBe(true);
    expect(toChannelSendError(new Error('发送消息太频繁')).retryable).toBe(true);
    expect(toChannelSendError(new Error('not logged in'))).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
  });
});
