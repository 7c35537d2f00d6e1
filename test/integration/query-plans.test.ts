/**
 * Statements that run with every message or every case action must find their rows through an
 * index, never by reading a table that grows by the day (messages, cases, their events and
 * reporters, sent messages). Each repository call is captured as sent and explained with
 * sequential scans priced out (`enable_seqscan = off`): a plan that still reads a growing table
 * whole has no index to use. A small table would be scanned on any plan, so this is the only
 * way to see it before a year of data does (`npm run bench -- --history 300000`).
 *
 * The database sorts text by a language's rules (ICU, `zh`), as an external PostgreSQL set up
 * for Chinese would, not bytewise as the embedded one does: under such a collation a `like
 * 'prefix%'` cannot use a plain index.
 */
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, migrateDatabase, type Database } from '../../db/client.js';
import { createCaseLoopRepository } from '../../db/repositories/case-loop-repository.js';
import { createCaseRepository } from '../../db/repositories/case-repository.js';
import { createDirectoryRepository } from '../../db/repositories/directory-repository.js';
import { createInboxRepository } from '../../db/repositories/inbox-repository.js';
import { createNoticeRepository } from '../../db/repositories/notice-repository.js';
import { createOnboardingRepository } from '../../db/repositories/onboarding-repository.js';
import { createOutboundRepository } from '../../db/repositories/outbound-repository.js';
import { createReportRepository } from '../../db/repositories/report-repository.js';
import { cases, chats, orgNodes, people } from '../../db/schema.js';
import { seedDemo } from '../../db/seed-demo.js';

const GROWING = [
  'inbound_messages',
  'outbound_messages',
  'cases',
  'case_events',
  'case_reporters',
  'case_ratings',
  'chat_members',
  'sim_messages',
  'notices',
  'notice_deliveries',
  'notice_acks',
  'onboarding_failures',
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/**
 * Reads of a whole growing table: a sequential scan, or (sequential scans being priced out) an
 * index not entered by its leading column: walked end to end, or skipped through value by
 * value (PostgreSQL 18's skip scan), which on a year of data is nearly the same.
 */
function wholeReads(node: PlanNode, leading: ReadonlyMap<string, string>): string[] {
  const growing = node['Relation Name'] !== undefined && GROWING.includes(node['Relation Name']);
  const type = node['Node Type'];
  const entered = () => {
    const column = leading.get(node['Index Name'] ?? '');
    return Boolean(node['Index Cond'] && column && new RegExp(`\\b${column}\\b`).test(node['Index Cond']));
  };
  const whole =
    (growing && type === 'Seq Scan') ||
    (growing && (type === 'Index Scan' || type === 'Index Only Scan') && !entered()) ||
    (type === 'Bitmap Index Scan' && GROWING.some((t) => leading.get(`table:${node['Index Name']}`) === t) && !entered());
  const own = whole ? [`${type} on ${node['Index Name'] ?? node['Relation Name']}${node['Index Cond'] ? ` (${node['Index Cond']})` : ''}`] : [];
  return [...own, ...(node.Plans ?? []).flatMap((n) => wholeReads(n, leading))];
}

describe('statements on growing tables use an index', () => {
  let base: Database;
  let admin: postgres.Sql;
  const name = `t_plans_${randomBytes(4).toString('hex')}`;
  let traced: Database;
  let sent: { query: string; parameters: unknown[] }[] = [];
  let explainer: postgres.Sql;
  /** Each index's leading column (and, under `table:<index>`, its table). */
  const leading = new Map<string, string>();

  beforeAll(async () => {
    const adminUrl = inject('pgAdminUrl');
    admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template template0 encoding 'UTF8' locale_provider icu icu_locale 'zh'`);
    const url = adminUrl.replace(/\/postgres$/, `/${name}`);
    await migrateDatabase(url);
    base = connectDatabase(url);
    await seedDemo(base.db);
    traced = connectDatabase(base.url, { max: 1, onQuery: (query, parameters) => sent.push({ query, parameters }) });
    explainer = postgres(base.url, { max: 1, onnotice: () => {} });
    const rows = await explainer<{ index: string; table: string; column: string }[]>`
      select ci.relname as index, ct.relname as table, a.attname as column
      from pg_index i join pg_class ci on ci.oid = i.indexrelid join pg_class ct on ct.oid = i.indrelid
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
      where ct.relnamespace = 'public'::regnamespace`;
    for (const r of rows) {
      leading.set(r.index, r.column);
      leading.set(`table:${r.index}`, r.table);
    }
  });
  afterAll(async () => {
    await explainer.end();
    await traced.close();
    await base.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  /** Run `call`, then explain every statement it sent; returns the whole-table reads in their plans. */
  async function scansOf(call: () => Promise<unknown>, expectIndex?: string): Promise<string[]> {
    sent = [];
    await call();
    expect(sent.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const s of sent) {
      if (!/^\s*(select|update|delete|with)/i.test(s.query)) continue;
      // EXPLAIN without ANALYZE plans a statement without running it (updates included).
      const [plan] = (await explainer.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        return tx.unsafe(`explain (format json) ${s.query}`, s.parameters as never[]);
      })) as unknown as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
      const root = plan!['QUERY PLAN'][0]!.Plan;
      if (expectIndex && !JSON.stringify(root).includes(`"Index Name":"${expectIndex}"`)) found.push(`not through ${expectIndex}: ${s.query.slice(0, 120)}`);
      found.push(...wholeReads(root, leading).map((t) => `${t}: ${s.query.slice(0, 120)}`));
    }
    return found;
  }

  it('for intake, duplicates, photos, ratings, "my cases" and dispatch', async () => {
    const loop = createCaseLoopRepository(traced.db);
    const cases = createCaseRepository(traced.db);
    const inbox = createInboxRepository(traced.db);
    const directory = createDirectoryRepository(traced.db);
    const outbound = createOutboundRepository(traced.db);
    const [li] = await base.db.select().from(people).where(eq(people.displayName, '李建国'));
    const [group] = await base.db.select().from(chats).where(eq(chats.kind, 'group'));
    const personId = li!.id;
    const chatId = group!.id;
    const since = new Date(Date.now() - 3600_000);
    const tree = await loop.tree();
    const nodeIds = tree.path(group!.nodeId).map((n) => n.id);
    const { id: inboundId } = await inbox.store({
      channel: 'sim',
      chatId: group!.platformChatId,
      messageId: 'plan-1',
      chatKind: 'group',
      sender: { id: 'u-plan', name: '居民' },
      text: '楼道灯坏了',
      sentAt: new Date(),
    });

    // [name, call, the index it must use where a looser one would also pass]
    const calls: [string, () => Promise<unknown>, string?][] = [
      ['getForIntake', () => inbox.getForIntake(inboundId)],
      ['openSimilar', () => loop.openSimilar(group!.nodeId!, 'facilities', since, inboundId)],
      ['photoCount', () => loop.photoCount(1)],
      // Not inbound_case_idx: `case_id is null` holds for most messages.
      ['linkRecentMedia', () => loop.linkRecentMedia(personId, chatId, 1, since), 'inbound_media_pending_idx'],
      ['recentCaseReportedIn', () => loop.recentCaseReportedIn(personId, chatId, since)],
      ['ratingAskedIn', () => loop.ratingAskedIn(chatId, 'u-plan', 4 * 86400_000)],
      ['latestResolvedReportedBy', () => loop.latestResolvedReportedBy(personId)],
      ['openReportedBy', () => cases.openReportedBy(personId)],
      // Not cases_status_idx, which reads every open case for each role holder.
      ['candidates', () => loop.candidates(nodeIds), 'cases_open_by_handler_idx'],
      ['cardOf', () => loop.cardOf(1, personId)],
      ['caseOfMessage', () => loop.caseOfMessage('sim', group!.platformChatId, 'm-1')],
      ['reporterChats', () => loop.reporterChats(1)],
      ['lastEventOf', () => loop.lastEventOf(1, 'dispatch')],
      ['homeNode', () => directory.homeNode(personId)],
      ['outbound.get', () => outbound.get(1)],
      // Case actions (sign, progress, resolve, rate, transfer) and their notices.
      ['byNumber', () => loop.byNumber(1001)],
      ['cases.byNumber', () => cases.byNumber(1001)],
      ['events', () => cases.events(1)],
      ['isReporter', () => cases.isReporter(1, personId)],
      ['reporters', () => loop.reporters(1)],
      ['coHandlers', () => loop.coHandlers(1)],
      ['returnedBy', () => loop.returnedBy(1)],
      ['directChat', () => loop.directChat(personId)],
      ['groupChats', () => loop.groupChats('work', nodeIds)],
      ['hasMark', () => loop.hasMark(1, 'sign-due')],
      ['ratings', () => loop.ratings(1, 0)],
      ['peopleWithRole', () => loop.peopleWithRole(['grid_leader'], nodeIds)],
      ['identitiesOf', () => directory.identitiesOf([personId], 'sim')],
      ['rolesOf', () => directory.rolesOf([personId])],
      // The sweeper, every 30 s.
      ['unfinished', () => inbox.unfinished(since)],
      ['stalePending', () => outbound.stalePending(60_000)],
      ['awaitingDispatch', () => loop.awaitingDispatch(since)],
      ['withDeadlines', () => loop.withDeadlines()],
    ];
    const problems: string[] = [];
    for (const [name, call, index] of calls) problems.push(...(await scansOf(call, index)).map((p) => `${name} → ${p}`));
    expect(problems).toEqual([]);
  });

  it('for notices, onboarding and reports', async () => {
    const notices = createNoticeRepository(traced.db);
    const onboarding = createOnboardingRepository(traced.db);
    const reports = createReportRepository(traced.db);
    const [li] = await base.db.select().from(people).where(eq(people.displayName, '李建国'));
    const [group] = await base.db.select().from(chats).where(eq(chats.kind, 'group'));
    const [direct] = await base.db.select().from(chats).where(eq(chats.kind, 'direct'));
    const [community] = await base.db.select().from(orgNodes).where(eq(orgNodes.level, 'community'));
    const personId = li!.id;
    const since = new Date(Date.now() - 3600_000);
    // Writes go to rows that do not exist (the seeded directory stays as it is); their plans are the same.
    const none = 2_000_000_000;
    // A case for the report to find, so that its events and ratings are read too.
    await base.db.insert(cases).values({ type: 'facilities', level: 'routine', status: 'reported', summary: '路灯不亮', description: '路灯不亮', nodeId: community!.id });

    // Not explained here, each read whole on purpose, none per message:
    // - notices.snapshot(): every chat membership, to resolve a notice's area into chats and
    //   count its recipients; once at the scope step of a draft and once per fan-out, and an
    //   area notice reaches those members anyway.
    // - notices.unfinished(): scheduled and half-sent notices, once at start-up.
    // - reports.timelines(null, …): every case that may count in the period, for a report of
    //   everything (a scoped report reads its nodes' cases through cases_node_idx, below): a
    //   report runs a few times a day, not per message (see ReportRepository.timelines).
    const calls: [string, () => Promise<unknown>, string?][] = [
      // The guided flow in a manager's direct chat: every message there looks for a draft.
      ['byLastInbound', () => notices.byLastInbound(1)],
      ['activeDraft', () => notices.activeDraft(personId, direct!.id, since)],
      ['createDraft', () => notices.createDraft({ authorPersonId: personId, draftChatId: direct!.id, lastInboundId: 1 }), 'notices_draft_idx'],
      ['saveDraft', () => notices.saveDraft(none, 'text', { step: 'scope', text: '停水通知' }, 1)],
      ['cancelDraft', () => notices.cancelDraft(none, 1)],
      ['confirm', () => notices.confirm(none, new Date(), 1)],
      ['cancelScheduled', () => notices.cancelScheduled(none)],
      ['get', () => notices.get(1)],
      // A "1" or a button press confirming a notice, in any chat.
      ['noticeForMessage', () => notices.noticeForMessage(group!, 'm-1'), 'outbound_platform_msg_idx'],
      ['latestAckable', () => notices.latestAckable(group!.id, since), 'notice_deliveries_chat_time_idx'],
      ['delivery', () => notices.delivery(1, group!.id)],
      // Fan-out and one delivery job per target chat.
      ['startSending', () => notices.startSending(none)],
      ['hasDeliveries', () => notices.hasDeliveries(1)],
      ['pendingDeliveries', () => notices.pendingDeliveries(1)],
      ['chat', () => notices.chat(group!.id)],
      ['outboundByKey', () => notices.outboundByKey('notice:1:1')],
      ['linkOutbound', () => notices.linkOutbound(none, group!.id, 1)],
      ['markDelivery', () => notices.markDelivery(none, group!.id, 'sent', null, 1)],
      ['finishIfDone', () => notices.finishIfDone(none)],
      // 通知状态, 提醒, and the author's progress message.
      ['deliveryCounts', () => notices.deliveryCounts(1)],
      ['deliveriesWithChats', () => notices.deliveriesWithChats(1)],
      ['ackedBy', () => notices.ackedBy(1)],
      ['membersOf', () => notices.membersOf([group!.id])],
      ['names', () => notices.names([personId])],
      ['platformIds', () => notices.platformIds([personId], 'sim')],
      ['roleHoldersData', () => notices.roleHoldersData()],
      // Invite codes and group binding; every wrong code is counted.
      ['redeem', () => onboarding.redeem('ABCD-EFGH', personId)],
      ['recentFailures', () => onboarding.recentFailures('sim', 'u-plan', since)],
      ['recordFailure', () => onboarding.recordFailure('sim', 'u-plan', new Date(), since)],
      ['departmentByCode', () => onboarding.departmentByCode('zj')],
      ['bindChat', () => onboarding.bindChat(none, { nodeId: community!.id, purpose: 'work', boundBy: personId })],
      ['unbindChat', () => onboarding.unbindChat(none)],
      // Reports: a community's (the daily report to its work group, or 日报 asked there).
      ['nodes', () => reports.nodes()],
      ['timelines', () => reports.timelines([community!.id], new Date(Date.now() - 86400_000), new Date())],
      ['peopleNames', () => reports.peopleNames([personId])],
      ['reportChats', () => reports.reportChats()],
    ];
    const problems: string[] = [];
    for (const [name, call, index] of calls) problems.push(...(await scansOf(call, index)).map((p) => `${name} → ${p}`));
    expect(problems).toEqual([]);
  });
});
