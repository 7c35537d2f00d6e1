import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../app/cli.js';
import type { InboundMessage } from '../../core/messaging/channel.js';
import { createInboxRepository } from '../../db/repositories/inbox-repository.js';
import { createOnboardingRepository } from '../../db/repositories/onboarding-repository.js';
import { cases, chats, identities, invites, orgNodes, outboundMessages, people, roleAssignments } from '../../db/schema.js';
import { startPipeline } from '../support/pipeline.js';
import { eachQueueBackend, eventually } from '../support/test-database.js';

let seq = 0;

eachQueueBackend((backend) => {
  describe('onboarding in chat (channel-agnostic, on the sim channel)', () => {
    let p: Awaited<ReturnType<typeof startPipeline>>;
    beforeAll(async () => {
      p = await startPipeline({ redisUrl: backend.redisUrl });
    });
    afterAll(async () => p?.stop());

    const db = () => p.database.db;
    const dm = (userId: string, text: string, name = '新同事'): InboundMessage => ({
      channel: 'sim',
      chatId: `d-${userId}`,
      chatKind: 'direct',
      messageId: `ob-${++seq}`,
      sender: { id: userId, name },
      text,
      sentAt: new Date(),
    });
    const inGroup = (chatId: string, userId: string, text: string, name = '群成员'): InboundMessage => ({
      channel: 'sim',
      chatId,
      chatKind: 'group',
      chatTitle: '新建的居民群',
      messageId: `ob-${++seq}`,
      sender: { id: userId, name },
      text,
      sentAt: new Date(),
    });
    /** Send a message through the pipeline; wait until it is done and return its outcome and reply. */
    const say = async (m: InboundMessage) => {
      const { inboundId } = await p.workers.ingest.receive(m);
      const row = await eventually(async () => {
        const r = await createInboxRepository(db()).get(inboundId);
        return r && (r.status === 'processed' || r.status === 'ignored') ? r : undefined;
      });
      const [reply] = await db().select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `reply:${inboundId}`));
      return { outcome: row.outcome, reply: reply?.payload.text, row };
    };
    const invite = async (role: string, node: string) => {
      const out: string[] = [];
      const prev = process.env.DATABASE_URL;
      process.env.DATABASE_URL = p.database.url;
      try {
        const code = await runCli(['invite', '--role', role, '--node', node], { stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
        expect(code).toBe(0);
      } finally {
        if (prev === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = prev;
      }
      return out.join('').trimEnd().split('\n').at(-1)!;
    };
    const simUserOf = async (name: string) => {
      const [row] = await db()
        .select({ id: identities.platformUserId })
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(and(eq(people.displayName, name), eq(identities.channel, 'sim')));
      return row!.id;
    };

    it('prints a one-time code as the last line of `jiesu invite`, stored only as a hash', async () => {
      const code = await invite('grid_worker', 'hp-xf-01');
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      const rows = await db().select().from(invites);
      expect(rows.some((r) => r.codeHash.includes(code) || r.codeHash.includes(code.replace('-', '')))).toBe(false);
      expect(rows.at(-1)!.expiresAt.getTime() - rows.at(-1)!.createdAt.getTime()).toBe(7 * 24 * 3600 * 1000);
    });

    it('binds a person to the role on the node with /start <code>, once', async () => {
      const code = await invite('grid_worker', 'hp-xf-01');
      const r = await say(dm('u-wang', `/start ${code}`, '王小二'));
      expect(r.outcome).toBe('invite_redeemed');
      expect(r.reply).toContain('绑定成功');
      expect(r.reply).toContain('幸福社区第一网格');
      expect(r.reply).toContain('网格员');
      const roles = await db()
        .select({ role: roleAssignments.role, node: orgNodes.code })
        .from(roleAssignments)
        .innerJoin(orgNodes, eq(orgNodes.id, roleAssignments.nodeId))
        .where(eq(roleAssignments.personId, r.row.personId!));
      expect(roles).toEqual([{ role: 'grid_worker', node: 'hp-xf-01' }]);

      // The same person again: no harm done. Someone else: the code is spent.
      expect((await say(dm('u-wang', `绑定 ${code.toLowerCase()}`, '王小二'))).reply).toContain('无需重复绑定');
      const other = await say(dm('u-li', code, '李四'));
      expect(other.outcome).toBe('invite_refused');
      expect(other.reply).toContain('已被使用');

      const who = await say(dm('u-wang', '我是谁', '王小二'));
      expect(who.reply).toContain('幸福社区第一网格（hp-xf-01）网格员');
    });

    it('refuses an expired code', async () => {
      const [node] = await db().select().from(orgNodes).where(eq(orgNodes.code, 'hp-yg-01'));
      const { code } = await createOnboardingRepository(db()).createInvite({ role: 'grid_worker', nodeId: node!.id, now: new Date(Date.now() - 8 * 24 * 3600 * 1000) });
      const r = await say(dm('u-late', `/start ${code}`));
      expect(r.outcome).toBe('invite_refused');
      expect(r.reply).toContain('已过期');
    });

    it('slows down repeated wrong guesses, even when the next guess is right', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await say(dm('u-guess', `/start ZZZZ-ZZZ${i + 2}`));
        expect(r.outcome).toBe('invite_refused');
        expect(r.reply).toContain('邀请码无效');
      }
      const good = await invite('household_leader', 'hp-xf-02');
      const r = await say(dm('u-guess', `/start ${good}`));
      expect(r.outcome).toBe('invite_throttled');
      expect(r.reply).toMatch(/尝试次数过多，请 \d+ 秒后再试/);
      // Another sender is not affected.
      expect((await say(dm('u-other', `/start ${good}`))).outcome).toBe('invite_redeemed');
    });

    it('tells people not to post invite codes in a group', async () => {
      const r = await say(inGroup('g-hp-xf-01', '11', '/start K7QH-M2XP', '胡晓梅'));
      expect(r.outcome).toBe('command_refused');
      expect(r.reply).toContain('请私聊我');
    });

    it('lets only a manager bind a group, then treats it as the node’s group; /unbind undoes it', async () => {
      const group = 'g-new-1';
      const manager = await simUserOf('孙丽');
      // Unbound: chatter, complaints and help are ignored; a stranger's /bind is refused.
      expect((await say(inGroup(group, 'u-res', '楼下的路灯坏了一个星期了'))).outcome).toBe('unbound_chat');
      expect((await say(inGroup(group, 'u-res', '帮助'))).outcome).toBe('unbound_chat');
      const refused = await say(inGroup(group, 'u-res', '/bind hp-xf-02', '路人甲'));
      expect(refused.outcome).toBe('command_refused');
      expect(refused.reply).toContain('只有该节点或其上级节点的管理员');
      expect((await say(inGroup(group, manager, '/bind no-such-node', '孙丽'))).reply).toContain('没有编码为「no-such-node」');

      const bound = await say(inGroup(group, manager, '绑定群 hp-xf-02', '孙丽'));
      expect(bound.outcome).toBe('group_bound');
      expect(bound.reply).toContain('幸福社区第二网格');
      const [chat] = await db().select().from(chats).where(eq(chats.platformChatId, group));
      const [node] = await db().select().from(orgNodes).where(eq(orgNodes.code, 'hp-xf-02'));
      expect(chat).toMatchObject({ nodeId: node!.id, purpose: 'residents' });
      expect(chat!.boundAt).toBeInstanceOf(Date);

      const report = await say(inGroup(group, 'u-res', '小区东门的路灯坏了一个星期了，晚上很黑', '居民甲'));
      expect(report.outcome).toBe('case_opened');
      const [c] = await db().select().from(cases).where(eq(cases.inboundMessageId, report.row.id));
      expect(c!.nodeId).toBe(node!.id);
      expect((await say(inGroup(group, 'u-res', '我是谁', '居民甲'))).reply).toContain('本群绑定在「幸福社区第二网格」（hp-xf-02），居民群');

      expect((await say(inGroup(group, 'u-res', '/unbind', '居民甲'))).outcome).toBe('command_refused');
      const unbound = await say(inGroup(group, manager, '解绑群', '孙丽'));
      expect(unbound.outcome).toBe('group_unbound');
      expect((await say(inGroup(group, 'u-res', '小区南门的垃圾桶满了没人清理'))).outcome).toBe('unbound_chat');
    });

    it('lists in /help the commands this person may use', async () => {
      const manager = await simUserOf('孙丽');
      const m = await say(dm(manager, '/help', '孙丽'));
      expect(m.reply).toContain('#编号');
      expect(m.reply).toContain('绑定群');
      const r = await say(dm('u-plain', '帮助'));
      expect(r.reply).toContain('我的工单');
      expect(r.reply).not.toContain('绑定群');
    });
  });
});
