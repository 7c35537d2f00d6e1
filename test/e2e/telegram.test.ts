import { and, eq } from 'drizzle-orm';
import type { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { createOnboardingRepository } from '../../db/repositories/onboarding-repository.js';
import { cases, inboundMessages, orgNodes } from '../../db/schema.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';
import { TOKEN, apiRecorder, botMessages, startTelegramServer, userPresses, userSays, type TgChat, type TgUser } from './telegram-support.js';

const MANAGER: TgUser = { userId: 501, name: '孙丽' };
const STRANGER: TgUser = { userId: 502, name: '路人' };
const RESIDENT: TgUser = { userId: 601, name: '胡晓梅' };
const WORKER: TgUser = { userId: 701, name: '张建华' };
const dmOf = (u: TgUser): TgChat => ({ chatId: u.userId, type: 'private' });
const GROUP: TgChat = { chatId: -1001200300, type: 'supergroup', title: '阳光社区第一网格居民群' };

eachQueueBackend((backend) => {
  describe('Telegram, end to end against telegram-test-api', () => {
    let tg: TelegramServer;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningJiesu;
    const api = apiRecorder();

    beforeAll(async () => {
      tg = await startTelegramServer();
      db = await createTestDatabase({ migrate: false });
      app = await startTestApp(
        db,
        {
          REDIS_URL: backend.redisUrl,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: tg.config.apiURL,
          TELEGRAM_RETRY_MAX_DELAY_SECONDS: '2',
          // The group limit is tested with a fake clock; here it would only slow the test down.
          TELEGRAM_RATE_GROUP_BURST: '50',
        },
        { telegram: { transformers: [api.transformer] } },
      );
    });
    afterAll(async () => {
      await app?.stop();
      await tg?.stop();
      await db?.drop();
    });

    /** The bot's answer to one button press (callback query). */
    const answerOf = (queryId: string) =>
      eventually(async () => api.calls.find((c) => c.method === 'answerCallbackQuery' && c.payload.callback_query_id === queryId)?.payload);
    const statusOf = async (n: number) => (await db.db.select().from(cases).where(eq(cases.number, n)))[0]?.status;
    const replyTo = (chat: TgChat, messageId: number) => eventually(async () => botMessages(tg, chat.chatId).find((m) => m.replyTo === messageId));
    const inboundOutcome = (chat: TgChat, messageId: number) =>
      eventually(async () => {
        const [row] = await db.db
          .select()
          .from(inboundMessages)
          .where(and(eq(inboundMessages.channel, 'telegram'), eq(inboundMessages.platformChatId, String(chat.chatId)), eq(inboundMessages.platformMessageId, String(messageId))));
        return row && (row.status === 'processed' || row.status === 'ignored') ? row.outcome : undefined;
      });

    it('runs on long polling', () => {
      expect(app.telegram?.mode).toBe('polling');
    });

    it('onboards a manager with an invite code in a direct chat', async () => {
      const [street] = await db.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp'));
      const { code } = await createOnboardingRepository(db.db).createInvite({ role: 'manager', nodeId: street!.id });
      const id = await userSays(tg, MANAGER, dmOf(MANAGER), `/start ${code}`);
      const reply = await replyTo(dmOf(MANAGER), id);
      expect(reply.text).toContain('绑定成功');
      expect(reply.text).toContain('和平街道');
      expect(reply.text).toContain('管理员');
    });

    it('refuses a wrong code', async () => {
      const id = await userSays(tg, STRANGER, dmOf(STRANGER), '/start ABCD-EFGH');
      expect((await replyTo(dmOf(STRANGER), id)).text).toContain('邀请码无效');
    });

    it('ignores an unbound group, refuses a stranger’s /bind and binds on the manager’s', async () => {
      const early = await userSays(tg, RESIDENT, GROUP, '楼道的灯坏了好几天了');
      expect(await inboundOutcome(GROUP, early)).toBe('unbound_chat');
      const refused = await userSays(tg, RESIDENT, GROUP, '/bind hp-yg-01');
      expect((await replyTo(GROUP, refused)).text).toContain('只有该节点或其上级节点的管理员');
      const bind = await userSays(tg, MANAGER, GROUP, '/bind@TestNameBot hp-yg-01');
      expect((await replyTo(GROUP, bind)).text).toContain('本群已绑定到「阳光社区第一网格」');
      expect(botMessages(tg, GROUP.chatId).some((m) => m.replyTo === early)).toBe(false);
    });

    let caseNumber = 0;
    it('answers a resident’s complaint in the bound group with #<number>, mentioning them', async () => {
      const id = await userSays(tg, RESIDENT, GROUP, '3号楼楼道里堆满了杂物，消防通道都堵了，麻烦处理一下');
      const reply = await replyTo(GROUP, id);
      expect(reply.text).toMatch(/^@胡晓梅 您反映的问题已受理，工单 #\d+/);
      expect(reply.entities).toEqual([{ type: 'text_mention', offset: 0, length: 4, user: expect.objectContaining({ id: RESIDENT.userId }) }]);
      caseNumber = Number(/#(\d+)/.exec(reply.text)![1]);
    });

    it('ignores chatter', async () => {
      const id = await userSays(tg, RESIDENT, GROUP, '收到，谢谢');
      expect(await inboundOutcome(GROUP, id)).toBe('chatter');
      expect(botMessages(tg, GROUP.chatId).some((m) => m.replyTo === id)).toBe(false);
    });

    it('answers a #n status query, after a 429 retried in place', async () => {
      const before = api.calls.filter((c) => c.method === 'sendMessage').length;
      api.failNext('sendMessage', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      const id = await userSays(tg, RESIDENT, GROUP, `#${caseNumber}`);
      const reply = await replyTo(GROUP, id);
      expect(reply.text).toContain(`工单 #${caseNumber}`);
      // Whichever message met the 429 (the reply, or a dispatch notice still under way) was
      // sent again after retry_after, once, and arrived.
      const sent = () => api.calls.filter((c) => c.method === 'sendMessage').slice(before).map((c) => c.payload.text as string);
      const retried = await eventually(async () => sent().find((t, i, all) => all.indexOf(t) !== i));
      expect(sent().filter((t) => t === retried)).toHaveLength(2);
      await eventually(async () => botMessages(tg, GROUP.chatId).find((m) => m.text === retried));
    });

    it('says in a direct chat what it understands when sent a sticker', async () => {
      await userSays(tg, RESIDENT, dmOf(RESIDENT), '', { sticker: { file_id: 'st1', file_unique_id: 'st1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } });
      const hint = await eventually(async () => botMessages(tg, RESIDENT.userId).find((m) => m.text.includes('我能看懂')));
      expect(hint.text).toContain('文字、照片');
    });

    it('sends buttons, answers a press (stored as an action) and edits the message in place', async () => {
      const channel = app.telegram!;
      const { messageId } = await channel.send({ chatId: String(GROUP.chatId), text: '测试卡片', buttons: [[{ id: 'noop:1', label: '按钮' }]] });
      const card = botMessages(tg, GROUP.chatId).find((m) => String(m.messageId) === messageId)!;
      expect(card.buttons).toEqual([[{ text: '按钮', callback_data: 'noop:1' }]]);

      await userPresses(tg, RESIDENT, GROUP, Number(messageId), 'noop:1');
      const press = await eventually(async () => {
        const rows = await db.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'telegram'));
        return rows.find((r) => r.attachments.action?.buttonId === 'noop:1' && r.status !== 'received' && r.status !== 'queued');
      });
      expect(press.attachments.action).toEqual({ messageId, buttonId: 'noop:1' });
      expect(press.outcome).toBe('action_unknown');
      // A button Jiesu does not know is refused with an alert on the press, not in the chat.
      const answer = await answerOf(`${press.platformMessageId}`.replace(/^cb-/, ''));
      expect(answer).toMatchObject({ show_alert: true, text: expect.stringContaining('这个按钮已失效') });
      expect(botMessages(tg, GROUP.chatId).some((m) => m.text.includes('这个按钮已失效'))).toBe(false);

      await channel.edit(String(GROUP.chatId), messageId, { chatId: String(GROUP.chatId), text: '测试卡片（已处理）' });
      const edited = botMessages(tg, GROUP.chatId).find((m) => String(m.messageId) === messageId)!;
      expect(edited.text).toBe('测试卡片（已处理）');
      expect(edited.buttons).toEqual([]);
    });

    it('runs the loop by buttons: task card, 签收 and 办结 (card edited in place), refusals as alerts, the rating', async () => {
      // A grid worker of the group's grid joins by invite code; with no open cases, the next case is theirs.
      const [grid] = await db.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp-yg-01'));
      const { code } = await createOnboardingRepository(db.db).createInvite({ role: 'grid_worker', nodeId: grid!.id });
      const joined = await userSays(tg, WORKER, dmOf(WORKER), `/start ${code}`);
      expect((await replyTo(dmOf(WORKER), joined)).text).toContain('绑定成功');

      const said = await userSays(tg, RESIDENT, GROUP, '小区北门的路灯坏了，晚上一片漆黑，老人走路容易摔倒');
      const n = Number(/#(\d+)/.exec((await replyTo(GROUP, said)).text)![1]);
      const card = await eventually(async () => botMessages(tg, WORKER.userId).find((m) => m.text.includes(`工单 #${n} ·`) && m.text.includes('📋')));
      expect(card.text).toContain('反映人：胡晓梅');
      expect(card.buttons).toEqual([
        [
          { text: '签收', callback_data: `c:sign:${n}` },
          { text: '退单', callback_data: `c:return:${n}` },
        ],
      ]);
      const cardNow = () => botMessages(tg, WORKER.userId).find((m) => m.messageId === card.messageId)!;

      // 签收 by button: a toast on the press, the reply in the chat, the card edited in place.
      const sign = await userPresses(tg, WORKER, dmOf(WORKER), card.messageId, `c:sign:${n}`);
      expect(await answerOf(sign)).toMatchObject({ show_alert: false, text: expect.stringContaining(`已签收 #${n}`) });
      await eventually(async () => (await statusOf(n)) === 'signed');
      await eventually(async () => cardNow().buttons?.flat().some((b) => b.callback_data === `c:resolve:${n}`));
      expect(cardNow().text).toContain('状态：已签收');
      await eventually(async () => botMessages(tg, WORKER.userId).find((m) => m.text.startsWith(`已签收 #${n}`)));

      // The old 签收 pressed again: refused with an alert, nothing said in the chat.
      const dmBefore = botMessages(tg, WORKER.userId).length;
      const replay = await userPresses(tg, WORKER, dmOf(WORKER), card.messageId, `c:sign:${n}`);
      expect(await answerOf(replay)).toMatchObject({ show_alert: true, text: expect.stringContaining('不能签收') });

      // 办结 by button: resolved at once; the card loses its buttons; the resident is asked to rate.
      const resolve = await userPresses(tg, WORKER, dmOf(WORKER), card.messageId, `c:resolve:${n}`);
      expect(await answerOf(resolve)).toMatchObject({ show_alert: false, text: expect.stringContaining(`已办结 #${n}`) });
      await eventually(async () => (await statusOf(n)) === 'resolved');
      await eventually(async () => cardNow().text.includes('状态：已办结') && cardNow().buttons?.length === 0);
      expect(botMessages(tg, WORKER.userId).slice(dmBefore).some((m) => m.text.includes('不能签收'))).toBe(false);
      const ask = await eventually(async () => botMessages(tg, GROUP.chatId).find((m) => m.text.includes(`#${n}`) && m.text.includes('办结：已处理完毕')));
      expect(ask.buttons!.flat().map((b) => b.text)).toEqual(['满意', '基本满意', '不满意', '问题未解决']);

      // A stranger pressing the resident's rating button: an alert, and nothing changes.
      const groupBefore = botMessages(tg, GROUP.chatId).length;
      const stranger = await userPresses(tg, STRANGER, GROUP, ask.messageId, `r:s:${n}`);
      expect(await answerOf(stranger)).toMatchObject({ show_alert: true, text: `只有反映人可以评价工单 #${n}。` });
      expect(await statusOf(n)).toBe('resolved');

      // The resident's rating by button closes the case.
      const rate = await userPresses(tg, RESIDENT, GROUP, ask.messageId, `r:s:${n}`);
      expect(await answerOf(rate)).toMatchObject({ show_alert: false });
      await eventually(async () => (await statusOf(n)) === 'closed');
      const after = botMessages(tg, GROUP.chatId).slice(groupBefore);
      expect(after.some((m) => m.text.includes('只有反映人'))).toBe(false);
      await eventually(async () => botMessages(tg, GROUP.chatId).slice(groupBefore).find((m) => m.text.startsWith('@胡晓梅')));
    });

    it('splits a message over 4,096 characters', async () => {
      const before = botMessages(tg, MANAGER.userId).length;
      await app.telegram!.send({ chatId: String(MANAGER.userId), text: `${'日报'.repeat(2500)}\n\n${'周报'.repeat(500)}` });
      const parts = botMessages(tg, MANAGER.userId).slice(before);
      expect(parts).toHaveLength(2);
      expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    });
  });
});
