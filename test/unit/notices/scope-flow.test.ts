import { describe, expect, it } from 'vitest';
import { advance, promptFor, type Draft, type FlowEnv } from '../../../core/notices/flow.js';
import { expectedInChat, resolveScope, roleHolders, scopeWithin, type DirectorySnapshot } from '../../../core/notices/scope.js';
import { noticeStatusText } from '../../../core/notices/texts.js';

// hp (street) → hp-xf, hp-yg (communities) → grids; another street zz outside.
const snapshot: DirectorySnapshot = {
  nodes: [
    { id: 1, code: 'hp', name: '和平街道', parentId: null },
    { id: 2, code: 'hp-xf', name: '幸福社区', parentId: 1 },
    { id: 3, code: 'hp-yg', name: '阳光社区', parentId: 1 },
    { id: 4, code: 'hp-xf-01', name: '幸福社区第一网格', parentId: 2 },
    { id: 5, code: 'hp-yg-01', name: '阳光社区第一网格', parentId: 3 },
    { id: 9, code: 'zz', name: '另一街道', parentId: null },
  ],
  chats: [
    { id: 10, kind: 'group', nodeId: 4, purpose: 'residents', personId: null, title: '幸福一网格居民群', channel: 'sim' },
    { id: 11, kind: 'group', nodeId: 5, purpose: 'residents', personId: null, title: '阳光一网格居民群', channel: 'sim' },
    { id: 12, kind: 'group', nodeId: 2, purpose: 'work', personId: null, title: '幸福社区工作群', channel: 'sim' },
    { id: 13, kind: 'group', nodeId: 1, purpose: 'managers', personId: null, title: '管理群', channel: 'sim' },
    { id: 14, kind: 'group', nodeId: 9, purpose: 'residents', personId: null, title: '外街道群', channel: 'sim' },
    { id: 20, kind: 'direct', nodeId: null, purpose: null, personId: 102, title: null, channel: 'sim' },
  ],
  members: [
    { chatId: 10, personId: 100 },
    { chatId: 10, personId: 101 },
    { chatId: 10, personId: 103 },
    { chatId: 11, personId: 102 },
    { chatId: 11, personId: 104 },
    { chatId: 12, personId: 101 },
    { chatId: 12, personId: 105 },
    { chatId: 13, personId: 1 },
    { chatId: 13, personId: 105 },
    { chatId: 14, personId: 200 },
  ],
  roles: [
    { personId: 1, role: 'manager', nodeId: 1 },
    { personId: 101, role: 'grid_worker', nodeId: 4 },
    { personId: 102, role: 'grid_worker', nodeId: 5 },
    { personId: 105, role: 'grid_leader', nodeId: 2 },
    { personId: 100, role: 'resident', nodeId: 4 },
  ],
};
const manager = { personId: 1, roots: [1] };

describe('scope resolution', () => {
  it('全部 reaches every bound group in the managed subtree, never outside it', () => {
    const r = resolveScope('全部', snapshot, manager);
    expect(r.ok && r.chatIds).toEqual([10, 11, 12, 13]);
    // Members minus the author.
    expect(r.ok && r.recipients).toEqual([100, 101, 102, 103, 104, 105]);
    expect(r.ok && r.scope.areaRoots).toEqual([1]);
  });

  it('node codes and names select subtrees', () => {
    const r = resolveScope('hp-xf', snapshot, manager);
    expect(r.ok && r.chatIds).toEqual([10, 12]);
    const byName = resolveScope('阳光社区第一网格，幸福社区', snapshot, manager);
    expect(byName.ok && byName.chatIds.sort()).toEqual([10, 11, 12]);
  });

  it('roles reach holders through work groups, else their direct chat', () => {
    const r = resolveScope('全体网格员', snapshot, manager);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.chatIds).toEqual([12, 20]);
    expect(r.recipients).toEqual([101, 102]);
    expect(r.groups).toBe(1);
    expect(r.directs).toBe(1);
    const narrowed = resolveScope('hp-xf 网格员', snapshot, manager);
    expect(narrowed.ok && narrowed.recipients).toEqual([101]);
  });

  it('refuses nodes outside the subtree, unknown words, and non-managers', () => {
    expect(resolveScope('zz', snapshot, manager)).toMatchObject({ ok: false, message: expect.stringContaining('不在您的管辖范围') });
    expect(resolveScope('火星', snapshot, manager)).toMatchObject({ ok: false, message: expect.stringContaining('不认识「火星」') });
    expect(resolveScope('全部', snapshot, { personId: 101, roots: [] })).toMatchObject({ ok: false, message: expect.stringContaining('管理员') });
  });

  it('knows who is expected to confirm and who may see a notice', () => {
    const r = resolveScope('全体网格员', snapshot, manager);
    if (!r.ok) throw new Error('scope');
    const holders = roleHolders(r.scope, snapshot);
    expect(expectedInChat(r.scope, { kind: 'group', personId: null }, [101, 105], holders, 1)).toEqual([101]);
    expect(expectedInChat({ roles: [] }, { kind: 'group', personId: null }, [1, 101, 105], new Set(), 1)).toEqual([101, 105]);
    expect(scopeWithin(r.scope, snapshot.nodes, [1])).toBe(true);
    expect(scopeWithin(r.scope, snapshot.nodes, [2])).toBe(false);
    expect(scopeWithin(r.scope, snapshot.nodes, [])).toBe(false);
  });
});

describe('the guided flow', () => {
  const now = new Date('2026-11-22T02:00:00Z');
  const env: FlowEnv = { now, timezone: 'Asia/Shanghai', resolveScope: (t) => resolveScope(t, snapshot, manager) };
  const start: Draft = { id: 5, status: 'draft', step: 'text', text: '', image: null, scope: null, needsAck: false, scheduledAt: null };
  const apply = (d: Draft, text: string, extra: object = {}): Draft => {
    const o = advance(d, { text, ...extra }, env);
    if (o.kind !== 'update') throw new Error(`${text}: ${JSON.stringify(o)}`);
    return { ...d, ...o.patch } as Draft;
  };

  it('walks text → scope → ack → time → preview, then confirms', () => {
    let d = apply(start, '明天上午停水，请提前储水', { photo: 'http://x/p.jpg' });
    expect(d).toMatchObject({ step: 'scope', text: '明天上午停水，请提前储水', image: 'http://x/p.jpg' });
    d = apply(d, 'hp-xf');
    expect(d.step).toBe('ack');
    d = apply(d, '需要');
    expect(d).toMatchObject({ step: 'time', needsAck: true });
    d = apply(d, '明天 9:00');
    expect(d.step).toBe('preview');
    expect(d.scheduledAt).toEqual(new Date('2026-11-23T01:00:00Z'));
    const preview = promptFor(d, 'Asia/Shanghai');
    expect(preview.text).toContain('将发送到 2 个群，约 4 人');
    expect(preview.text).toContain('2026-11-23 09:00');
    expect(preview.text).toContain('明天上午停水');
    expect(preview.buttons?.flat().map((b) => b.id)).toEqual(['nf:5:ok', 'nf:5:no']);
    expect(advance(d, { text: '确认' }, env)).toEqual({ kind: 'confirm' });
    expect(advance(d, { text: '', choice: 'ok' }, env)).toEqual({ kind: 'confirm' });
  });

  it('keeps the step on bad input and says why; 取消 cancels anywhere', () => {
    expect(advance(start, { text: '' }, env)).toMatchObject({ kind: 'invalid' });
    const atScope = { ...start, step: 'scope' as const, text: 'x' };
    expect(advance(atScope, { text: 'zz' }, env)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('管辖范围') });
    expect(advance({ ...atScope, step: 'ack' }, { text: '也许' }, env)).toMatchObject({ kind: 'invalid' });
    expect(advance({ ...atScope, step: 'time' }, { text: '昨天 9:00' }, env)).toMatchObject({ kind: 'invalid' });
    expect(advance(atScope, { text: '取消' }, env)).toEqual({ kind: 'cancel' });
    expect(advance(atScope, { text: '', choice: 'no' }, env)).toEqual({ kind: 'cancel' });
    expect(advance({ ...atScope, step: 'preview', scheduledAt: new Date('2026-11-22T01:00:00Z') }, { text: '确认' }, env)).toMatchObject({ kind: 'invalid' });
  });

  it('words every state, confirmed and cancelled included', () => {
    expect(promptFor({ ...start, status: 'cancelled', step: null }, 'Asia/Shanghai').text).toContain('已取消');
    expect(promptFor({ ...start, status: 'scheduled', step: null, scheduledAt: new Date('2026-11-23T01:00:00Z') }, 'Asia/Shanghai').text).toContain('撤回 5');
    expect(promptFor({ ...start, step: 'scope' }, 'Asia/Shanghai', '和平街道(hp)').text).toContain('和平街道(hp)');
  });
});

describe('the status report', () => {
  it('lists sent, failed with reasons, confirmed and unconfirmed, and fits one message', () => {
    const chats = Array.from({ length: 400 }, (_, i) => ({
      title: `群${i}`,
      status: (i === 3 ? 'failed' : 'sent') as 'sent' | 'failed',
      error: i === 3 ? 'bot was kicked' : null,
      confirmed: i % 2 ? ['张三'] : [],
      unconfirmed: [`李四${i}`],
    }));
    const text = noticeStatusText({ id: 8, status: 'sent', needsAck: true, scheduledAt: null, label: '全部' }, chats, 'Asia/Shanghai');
    expect(text).toContain('通知 #8：已发送');
    expect(text).toContain('成功 399，失败 1');
    expect(text).toContain('群3：bot was kicked');
    expect(text).toContain('确认：1/401 人');
    expect(text).toContain('未确认：李四0');
    expect(text.length).toBeLessThanOrEqual(3600);
    expect(text).toMatch(/还有 \d+ 行/);
  });
});
