import { mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvite } from '../../app/commands/invite.js';
import type { RunningJiesu } from '../../app/start.js';
import { startTestApp } from '../support/test-app.js';
import { cases, inboundMessages, orgNodes, outboundMessages, roleAssignments, simMessages } from '../../db/schema.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';
import { createWechatMock, type MockContact, type MockRoom, type WechatMock } from './wechat-support.js';

/**
 * WeChat end to end on wechaty-puppet-mock: onboarding, binding a room, a report answered
 * with #<number> mentioning the reporter, the grid worker's 签收 / 办结 typed in a direct chat,
 * the rating by reply, refusals, photos and locations, and the alert when the login is lost.
 * The pacing rules are tested with a fake clock in test/unit/wechat.
 */
eachQueueBackend((backend) => {
  describe('WeChat, end to end on wechaty-puppet-mock', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let app: RunningJiesu;
    let wx: WechatMock;
    let manager: MockContact, worker: MockContact, resident: MockContact, neighbour: MockContact, stranger: MockContact;
    let room: MockRoom;
    let dataDir: string;

    const invite = async (role: string, node: string) => {
      let out = '';
      const code = await runInvite(['--role', role, '--node', node], { stdout: (s) => void (out += s), stderr: () => {} }, (fn) => fn(db.db));
      expect(code).toBe(0);
      return out.trim().split('\n').at(-1)!;
    };
    /** The bot's next text in a chat (after `before` of them) that matches. */
    const botSays = (chatId: string, match: (t: string) => boolean, before = 0) =>
      eventually(async () => wx.botSaid(chatId).slice(before).find(match));
    const inboundRow = (messageId: string) =>
      eventually(async () => {
        const [row] = await db.db.select().from(inboundMessages).where(and(eq(inboundMessages.channel, 'wechat'), eq(inboundMessages.platformMessageId, messageId)));
        return row && (row.status === 'processed' || row.status === 'ignored') ? row : undefined;
      });
    const caseStatus = (n: number, status: string) =>
      eventually(async () => (await db.db.select().from(cases).where(eq(cases.number, n)))[0]?.status === status);

    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
      wx = createWechatMock('接诉助手');
      manager = wx.person('wxid_sunli', '孙丽');
      worker = wx.person('wxid_zhouqiang', '周强');
      resident = wx.person('wxid_huxm', '胡晓梅');
      neighbour = wx.person('wxid_zhuhong', '朱宏');
      stranger = wx.person('wxid_luren', '路人');
      room = wx.room('xf01-residents@chatroom', '幸福社区第一网格居民群', [manager, worker, resident, neighbour, stranger]);
      dataDir = await mkdtemp(path.join(tmpdir(), 'jiesu-wx-'));
      app = await startTestApp(
        db,
        {
          REDIS_URL: backend.redisUrl,
          JIESU_DATA_DIR: dataDir,
          WECHATY_PUPPET: 'wechaty-puppet-mock',
          // The pacing is tested with a fake clock; here gaps would only slow the test down.
          WECHAT_MIN_GAP_MS: '0',
          WECHAT_MAX_GAP_MS: '0',
        },
        { wechat: { puppet: wx.puppet, printQr: () => {} } },
      );
      wx.login();
      await eventually(async () => app.wechat?.isLoggedIn);
      // The demo grid's worker moved to WeChat: 周强 (invited below) takes the grid.
      const [grid] = await db.db.select().from(orgNodes).where(eq(orgNodes.code, 'hp-xf-01'));
      await db.db.delete(roleAssignments).where(and(eq(roleAssignments.nodeId, grid!.id), eq(roleAssignments.role, 'grid_worker')));
    }, 90_000);
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    it('runs WeChat without buttons or edits', () => {
      expect(app.wechat?.capabilities).toMatchObject({ buttons: false, edit: false, maxTextLength: 1500 });
    });

    it('onboards a manager and a grid worker with `绑定 <code>` in a direct chat; refuses a wrong code', async () => {
      wx.says(manager, wx.bot, `绑定 ${await invite('manager', 'hp')}`);
      const ok = await botSays(manager.id, (t) => t.includes('绑定成功'));
      expect(ok).toContain('和平街道');
      wx.says(worker, wx.bot, `绑定 ${await invite('grid_worker', 'hp-xf-01')}`);
      expect(await botSays(worker.id, (t) => t.includes('绑定成功'))).toContain('幸福社区第一网格');
      wx.says(stranger, wx.bot, '绑定 ABCD-EFGH');
      expect(await botSays(stranger.id, (t) => t.includes('邀请码无效'))).toBeTruthy();
    });

    it('ignores the room until a manager binds it with `@bot 绑定群 hp-xf-01`; refuses a resident’s', async () => {
      const early = wx.says(resident, room, '楼道的灯坏了好几天了');
      expect((await inboundRow(early)).outcome).toBe('unbound_chat');
      wx.says(stranger, room, '@接诉助手\u2005绑定群 hp-xf-01', [wx.bot]);
      expect(await botSays(room.id, (t) => t.includes('只有该节点或其上级节点的管理员'))).toMatch(/^@路人/);
      const bind = wx.says(manager, room, '@接诉助手\u2005绑定群 hp-xf-01', [wx.bot]);
      expect(await botSays(room.id, (t) => t.includes('本群已绑定到「幸福社区第一网格」'))).toBeTruthy();
      // The bot's mention was stripped before the command was read.
      expect((await inboundRow(bind)).text).toBe('绑定群 hp-xf-01');
    });

    let n = 0;
    it('answers a report in the room with #<number>, mentioning the reporter', async () => {
      wx.says(resident, room, '3号楼楼道里堆满了杂物，消防通道都堵了，麻烦处理一下');
      const reply = await botSays(room.id, (t) => t.includes('您反映的问题已受理'));
      expect(reply).toMatch(/^@胡晓梅\u2005您反映的问题已受理，工单 #\d+/);
      n = Number(/#(\d+)/.exec(reply)![1]);
      const sent = wx.sent.find((s) => s.text === reply)!;
      expect(sent.mentionIds).toEqual([resident.id]);
    });

    it('sends the task card to the grid worker in a direct chat, readable without buttons', async () => {
      const card = await botSays(worker.id, (t) => t.includes(`工单 #${n} ·`) && t.includes('📋'));
      expect(card).toContain('反映人：胡晓梅');
      expect(card).toContain(`回复「签收 #${n}」签收，「退单 #${n} 原因」退回。`);
      // The card already says how: no extra hint line.
      expect(card).not.toContain('回复：');
    });

    it('refuses 签收 from someone who is not the handler, and a 办结 without a result', async () => {
      wx.says(stranger, wx.bot, `签收 #${n}`);
      expect(await botSays(stranger.id, (t) => t.includes(`不能签收工单 #${n}`))).toBeTruthy();
      wx.says(worker, wx.bot, `办结 #${n}`);
      expect(await botSays(worker.id, (t) => t.includes('办结 #编号 处理结果'))).toBeTruthy();
    });

    it('takes the worker’s 签收 and 办结 typed in the direct chat; the new card comes as a new message', async () => {
      const before = wx.botSaid(worker.id).length;
      wx.says(worker, wx.bot, `签收 #${n}`);
      await caseStatus(n, 'signed');
      expect(await botSays(room.id, (t) => t.includes(`已签收工单 #${n}`))).toMatch(/^@胡晓梅/);
      // No edits on WeChat: the updated card is sent again, with the text forms of its buttons.
      const card = await botSays(worker.id, (t) => t.includes('📋') && t.includes('状态：已签收'), before);
      expect(card.split('\n').at(-1)).toBe(`回复：延期 #${n} 天数 原因 / 吹哨 #${n} 部门 / 退单 #${n} 原因`);
      const edits = await db.db.select().from(outboundMessages).where(and(eq(outboundMessages.channel, 'wechat'), eq(outboundMessages.kind, 'edit')));
      expect(edits.length).toBeGreaterThan(0);
      await eventually(async () => (await db.db.select().from(outboundMessages).where(eq(outboundMessages.id, edits[0]!.id)))[0]?.status === 'sent');

      wx.says(worker, wx.bot, `办结 #${n} 杂物已全部清走，消防通道已畅通`);
      await caseStatus(n, 'resolved');
      const ask = await botSays(room.id, (t) => t.includes(`工单 #${n}`) && t.includes('办结') && t.includes('请评价'));
      expect(ask).toContain('回复 1 满意、2 基本满意、3 不满意');
      expect(ask).not.toContain('回复：');
    });

    it('takes the rating as a reply "1" from the reporter, and refuses a neighbour’s', async () => {
      wx.says(neighbour, room, `#${n} 满意`);
      expect(await botSays(room.id, (t) => t.includes(`只有反映人可以评价工单 #${n}`))).toMatch(/^@朱宏/);
      wx.says(resident, room, '1');
      await caseStatus(n, 'closed');
      const [c] = await db.db.select().from(cases).where(eq(cases.number, n));
      expect(c).toMatchObject({ fixed: true, rating: 'satisfied' });
    });

    it('never takes the bot’s own messages as input', async () => {
      const rows = await db.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'wechat'));
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.some((r) => r.senderPlatformId === wx.bot.id)).toBe(false);
    });

    it('keeps a picture (saved in the data directory) and a location with the message', async () => {
      const img = wx.sendsImage(resident, room);
      const row = await inboundRow(img);
      const photo = row.attachments.photos![0]!;
      expect(photo.ref).toBe(`wechat:${img}`);
      expect(existsSync(fileURLToPath(photo.url!))).toBe(true);
      expect(photo.url).toContain(path.join(dataDir, 'wechat', 'media'));
      const loc = await inboundRow(wx.sendsLocation(resident, room));
      expect(loc.attachments.location).toMatchObject({ lat: expect.closeTo(39.995, 2), lng: expect.closeTo(116.334, 2) });
    });

    it('splits a long text at about 1,500 characters', async () => {
      const before = wx.botSaid(manager.id).length;
      await app.wechat!.send({ chatId: manager.id, text: `${'日报'.repeat(700)}\n\n${'周报'.repeat(300)}` });
      const parts = wx.botSaid(manager.id).slice(before);
      expect(parts).toHaveLength(2);
      expect(parts.every((p) => p.length <= 1500)).toBe(true);
    });

    it('reports a lost login to the managers on the other channels, and holds sends until the next login', async () => {
      await wx.puppet.logout('kicked out');
      // The demo's managers' group is on the sim channel.
      const alert = await eventually(async () =>
        (await db.db.select().from(simMessages).where(eq(simMessages.chatId, 'm-hp'))).find((m) => m.text.includes('微信机器人账号') && m.text.includes('掉线')),
      );
      expect(alert.text).toContain('kicked out');
      expect(app.wechat!.isLoggedIn).toBe(false);
      await expect(app.wechat!.send({ chatId: manager.id, text: 'hi' })).rejects.toMatchObject({ retryable: true });
      wx.login();
      await eventually(async () => app.wechat?.isLoggedIn);
    });
  });
});
