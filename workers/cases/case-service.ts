/**
 * The closed loop's actions: dispatch (派单), handling (签收、进展、办结、退单、转派、延期、吹哨),
 * evaluation (评价), merging duplicates. Each action checks permission and state in core/,
 * writes its transition and event in one transaction, then tells the people concerned.
 */
import { canApply, CASE_ACTION_NAMES, nextStatus, type CaseAction } from '../../core/cases/case-actions.js';
import { formatCaseNumber } from '../../core/cases/case-number.js';
import { CASE_STATUS_NAMES } from '../../core/cases/case-status.js';
import { commandHint, LEVEL_NAMES, ratingButtons, residentTexts, staffTexts, taskCard, buttonIds } from '../../core/cases/notifications.js';
import { mayAct, type Actor } from '../../core/cases/permissions.js';
import { fairest, route, type RoutingRules } from '../../core/cases/routing.js';
import type { SlaPolicy } from '../../core/cases/sla-policy.js';
import { maskPersonalData } from '../../core/classification/mask-personal-data.js';
import type { TaxonomyEntry } from '../../core/classification/types.js';
import type { CaseCommand, RatingAnswer } from '../../core/commands/parse-case-command.js';
import type { OrgTree } from '../../core/org/org-tree.js';
import { CaseConflictError, type CaseLoopRepository, type CaseRow } from '../../db/repositories/case-loop-repository.js';
import type { DirectoryRepository } from '../../db/repositories/directory-repository.js';
import type { CaseNotifier } from './case-notifier.js';
import { caseReceivedReply } from '../../core/cases/replies.js';
import type { OutboundRef } from '../jobs.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CaseServiceDeps {
  loop: CaseLoopRepository;
  directory: DirectoryRepository;
  notify: CaseNotifier;
  taxonomy: TaxonomyEntry[];
  sla: SlaPolicy;
  rules: RoutingRules;
  /** Queue the SLA timers of a case (delayed jobs) after its deadlines change. */
  scheduleTimers(c: CaseRow): Promise<void>;
  /** Queue a dispatch job (for a new case, or after the 退单 event `key`). */
  scheduleDispatch(caseId: number, key: string): Promise<void>;
  now: () => Date;
  logger: Log;
}

/** What to answer the person who asked for an action. */
export interface ActionReply {
  ok: boolean;
  text: string;
}

export function createCaseService(deps: CaseServiceDeps) {
  const { loop, notify, sla } = deps;
  const tz = sla.config.calendar.timezone;
  const typeName = (code: string) => deps.taxonomy.find((t) => t.code === code)?.name ?? '其他';
  const slaFacts = (c: CaseRow) => ({ level: c.level, type: c.type, text: c.description });

  async function cardFor(c: CaseRow, tree: OrgTree) {
    const [reporterName, co, departments, photos] = await Promise.all([
      c.reporterPersonId ? deps.directory.displayName(c.reporterPersonId) : Promise.resolve('—'),
      loop.coHandlers(c.id),
      loop.departments(),
      loop.photoCount(c.id),
    ]);
    return taskCard({
      number: c.number,
      typeName: typeName(c.type),
      level: c.level,
      status: c.status,
      summary: c.summary,
      location: c.location as Record<string, string>,
      placeName: tree.node(c.nodeId)?.name ?? '未知网格',
      reporterName,
      photos,
      signDueAt: c.signDueAt,
      resolveDueAt: c.resolveDueAt,
      supervised: c.supervised,
      coHandlers: co.map((x) => departments.find((d) => d.id === x.departmentId)?.name ?? '').filter(Boolean),
      timezone: tz,
    });
  }

  async function refreshCard(c: CaseRow, eventId: number) {
    if (!c.handlerPersonId) return;
    await notify.editCard(c, c.handlerPersonId, eventId, await cardFor(c, await loop.tree()));
  }

  async function ladderPeople(c: CaseRow, tree: OrgTree, role: 'grid_leader' | 'area_leader' | 'street_chief'): Promise<number[]> {
    const level = role === 'grid_leader' ? 'community' : 'street';
    const node = tree.ancestorAt(c.nodeId, level) ?? tree.path(c.nodeId).at(-1);
    return node ? loop.peopleWithRole([role], [node.id]) : [];
  }

  async function handlerName(c: CaseRow) {
    return c.handlerPersonId ? `网格员${await deps.directory.displayName(c.handlerPersonId)}` : '工作人员';
  }

  /**
   * Tell everyone about a dispatch: the lead department, the handler's task card, the work
   * group, the reporters, the ladder for major and emergency cases. Every message is keyed by
   * the dispatch event, so running it again (a retried job) sends only what is missing.
   */
  async function announceDispatch(cr: CaseRow, eventId: number, tree: OrgTree, receipt?: OutboundRef): Promise<void> {
    const handler = cr.handlerPersonId!;
    const leadDepartmentId = cr.leadDepartmentId;
    if (leadDepartmentId) {
      await loop.addCoHandler(cr.id, leadDepartmentId, 'lead');
      for (const p of await loop.departmentPeople(leadDepartmentId)) {
        await notify.person(cr, p, `lead:${cr.id}:${eventId}`, staffTexts.whistled(cr.number, typeName(cr.type), tree.node(cr.nodeId)?.name ?? '', cr.summary, 'lead'));
      }
    }
    await notify.card(cr, handler, eventId, await cardFor(cr, tree));
    // The community's work group sees every assignment, with the handler mentioned.
    await notify.workGroups(cr, `assigned:${cr.id}:${eventId}`, staffTexts.assigned(cr.number, typeName(cr.type), tree.node(cr.nodeId)?.name ?? '', LEVEL_NAMES[cr.level], cr.signDueAt, tz), tree.path(cr.nodeId).map((n) => n.id), [handler]);
    // A case dispatched before its receipt went out (the intake job dispatches at once): the
    // receipt says both, one message in the residents' group instead of two.
    const inReceipt =
      receipt !== undefined &&
      cr.reporterPersonId !== null &&
      (await notify.amendPending(
        receipt.id,
        caseReceivedReply({
          reporterName: await deps.directory.displayName(cr.reporterPersonId),
          caseNumber: cr.number,
          typeName: typeName(cr.type),
          level: cr.level,
          dispatched: { handlerName: await handlerName(cr), signDue: cr.signDueAt, resolveDue: cr.resolveDueAt, timezone: tz },
        }),
      ));
    if (!inReceipt) await notify.reporters(cr, `dispatched:${cr.id}:${eventId}`, residentTexts.dispatched(cr.number, typeName(cr.type), await handlerName(cr), cr.signDueAt, cr.resolveDueAt, tz));
    if (cr.level === 'emergency') {
      const alert = staffTexts.emergency(cr.number, typeName(cr.type), tree.node(cr.nodeId)?.name ?? '', cr.summary);
      const people = new Set([handler, ...(await ladderPeople(cr, tree, 'grid_leader')), ...(await ladderPeople(cr, tree, 'street_chief'))]);
      for (const p of people) await notify.person(cr, p, `emergency:${cr.id}`, alert);
      await notify.managers(cr, `emergency:${cr.id}`, alert, tree.path(cr.nodeId).map((n) => n.id));
    } else if (cr.level === 'major') {
      for (const p of await ladderPeople(cr, tree, 'grid_leader')) {
        await notify.person(cr, p, `major:${cr.id}`, `【重大问题】工单 ${formatCaseNumber(cr.number)}（${typeName(cr.type)}，${tree.node(cr.nodeId)?.name ?? ''}）${cr.summary}，已派给 ${await handlerName(cr)}。`);
      }
    }
    await deps.scheduleTimers(cr);
    // The sweeper re-announces a dispatched case without this mark (see awaitingDispatch).
    await loop.markAnnounced(cr.id, deps.now());
  }

  /** 派单: route the case and hand it over (task card, residents told, timers set). */
  async function dispatch(caseId: number, opts: { receipt?: OutboundRef; /** The row as just opened in this job (saves reading it again). */ opened?: CaseRow } = {}): Promise<'dispatched' | 'skipped' | 'unassigned'> {
    const c = opts.opened?.id === caseId ? opts.opened : await loop.byId(caseId);
    if (!c) return 'skipped';
    if (!canApply(c.status, 'dispatch')) {
      // A retried job (or the sweeper) after a dispatch that committed but whose messages did
      // not all go out: the same messages, keyed by the same dispatch event, so only the missing
      // ones are sent.
      if (c.status === 'dispatched' && !c.announcedAt) {
        const last = await loop.lastEventOf(c.id, 'dispatch');
        if (last) await announceDispatch(c, last.id, await loop.tree());
      }
      return 'skipped';
    }
    const tree = await loop.tree();
    // Routing looks only at the case's grid, community and street (and the reporter's role there).
    const candidates = await loop.candidates(tree.path(c.nodeId).map((n) => n.id));
    let handler: number | null = null;
    let leadDepartmentId: number | null = null;
    // 自行发现: a grid worker's own patrol report stays with them unless excluded.
    const reporter = candidates.find((x) => x.personId === c.reporterPersonId);
    // Only a case dispatched before can have been sent back (退单).
    const excluded = c.dispatchedAt === null ? [] : await loop.returnedBy(c.id);
    if (c.source === 'patrol' && reporter?.roles.some((r) => r.role === 'grid_worker' && r.nodeId === c.nodeId) && !excluded.includes(reporter.personId)) {
      handler = reporter.personId;
    }
    const decision = route({ caseNodeId: c.nodeId, caseType: c.type, tree, candidates, departments: await loop.departments(), rules: deps.rules, exclude: excluded });
    handler ??= decision.handlerPersonId;
    leadDepartmentId = decision.leadDepartmentId;
    const now = deps.now();
    if (!handler) {
      await notify.managers(c, `unassigned:${c.id}:${c.updatedAt.getTime()}`, staffTexts.unassigned(c.number, tree.node(c.nodeId)?.name ?? '未知网格'), tree.path(c.nodeId).map((n) => n.id));
      deps.logger.warn({ caseId: c.id, caseNumber: c.number }, 'no handler found');
      return 'unassigned';
    }
    const d = sla.deadlines(slaFacts(c), now);
    let moved;
    try {
      moved = await loop.transition({
        caseId: c.id,
        from: c.status,
        to: nextStatus(c.status, 'dispatch'),
        action: 'dispatch',
        actorPersonId: null,
        note: `派给 ${await deps.directory.displayName(handler)}（${decision.via === 'grid' ? '属地' : '兜底'}）`,
        data: { handlerPersonId: handler, via: decision.via, leadDepartmentId },
        patch: { handlerPersonId: handler, leadDepartmentId, dispatchedAt: now, announcedAt: null, signDueAt: d.sign, resolveDueAt: d.resolve, resolveStartedAt: now, feedbackDueAt: d.feedback, signedAt: null },
        at: now,
        version: c.version,
      });
    } catch (err) {
      if (err instanceof CaseConflictError) return 'skipped';
      throw err;
    }
    const cr = moved.caseRow;
    await announceDispatch(cr, moved.eventId, tree, opts.receipt);
    deps.logger.info({ caseId: cr.id, caseNumber: cr.number, handler, via: decision.via }, 'case dispatched');
    return 'dispatched';
  }

  /** Find a transfer target: a node code (routed inside it) or a person's display name. */
  async function transferTarget(target: string, c: CaseRow, tree: OrgTree): Promise<{ personId: number; nodeId: number | null } | null> {
    const node = tree.byCode(target);
    const candidates = await loop.candidates();
    if (node) {
      const inNode = candidates.filter((x) => x.roles.some((r) => r.nodeId === node.id && ['grid_worker', 'grid_leader', 'area_leader', 'street_chief', 'department'].includes(r.role)));
      const pick = fairest(inNode.filter((x) => x.roles.some((r) => r.role === 'grid_worker'))) ?? fairest(inNode);
      return pick ? { personId: pick.personId, nodeId: node.level === 'grid' ? node.id : c.nodeId } : null;
    }
    const people = candidates.filter((x) => x.roles.some((r) => r.role !== 'resident'));
    for (const p of people) {
      if ((await deps.directory.displayName(p.personId)) === target) {
        const grid = p.roles.find((r) => r.role === 'grid_worker');
        return { personId: p.personId, nodeId: grid?.nodeId ?? c.nodeId };
      }
    }
    return null;
  }

  /** A handler's or leader's action from chat (typed or a button). */
  async function act(cmd: Extract<CaseCommand, { kind: 'act' }>, actor: Actor): Promise<ActionReply> {
    const c = await loop.byNumber(cmd.caseNumber);
    if (!c) return { ok: false, text: `没有找到工单 ${formatCaseNumber(cmd.caseNumber)}，请核对编号。` };
    const tree = await loop.tree();
    const facts = {
      nodeId: c.nodeId,
      handlerPersonId: c.handlerPersonId,
      reporterIds: (await loop.reporters(c.id)).map((r) => r.personId),
      coHandlerDepartmentIds: (await loop.coHandlers(c.id)).map((x) => x.departmentId),
    };
    const verb = CASE_ACTION_NAMES[cmd.action];
    const perm = mayAct(cmd.action, actor, facts, tree);
    if (!perm.ok) return { ok: false, text: `不能${verb}工单 ${formatCaseNumber(c.number)}：${perm.reason}。` };
    if (!canApply(c.status, cmd.action)) {
      return { ok: false, text: `工单 ${formatCaseNumber(c.number)} 当前状态为「${CASE_STATUS_NAMES[c.status]}」，不能${verb}。` };
    }
    const now = deps.now();
    const n = formatCaseNumber(c.number);
    const move = (action: CaseAction, patch: Parameters<CaseLoopRepository['transition']>[0]['patch'], note: string | null, data?: unknown) =>
      loop.transition({ caseId: c.id, from: c.status, to: nextStatus(c.status, action), action, actorPersonId: actor.personId, note, data, patch, at: now, version: c.version });
    try {
      switch (cmd.action) {
        case 'sign': {
          const m = await move('sign', { signedAt: now }, null);
          await notify.reporters(m.caseRow, `signed:${c.id}:${m.eventId}`, residentTexts.signed(c.number, typeName(c.type), await handlerName(m.caseRow)));
          await refreshCard(m.caseRow, m.eventId);
          return { ok: true, text: `已签收 ${n}。处理中请回复「进展 ${n} 情况」，完成后回复「办结 ${n} 结果」。` };
        }
        case 'progress': {
          if (!cmd.text) return { ok: false, text: commandHint('progress', c.number)! };
          const m = await move('progress', c.firstFeedbackAt ? {} : { firstFeedbackAt: now }, cmd.text);
          await notify.reporters(m.caseRow, `progress:${c.id}:${m.eventId}`, residentTexts.progress(c.number, await handlerName(m.caseRow), maskPersonalData(cmd.text)));
          await refreshCard(m.caseRow, m.eventId);
          return { ok: true, text: `已记录 ${n} 的进展，并告知反映人。` };
        }
        case 'resolve': {
          const m = await move('resolve', { resolvedAt: now, ...(c.firstFeedbackAt ? {} : { firstFeedbackAt: now }) }, cmd.text);
          await notify.reporters(m.caseRow, `resolved:${c.id}:${m.eventId}`, residentTexts.resolved(c.number, typeName(c.type), await handlerName(m.caseRow), maskPersonalData(cmd.text)), ratingButtons(c.number));
          await refreshCard(m.caseRow, m.eventId);
          await deps.scheduleTimers(m.caseRow);
          return { ok: true, text: `已办结 ${n}，已请反映人评价。` };
        }
        case 'return': {
          const m = await move('return', { pendingExtension: null }, cmd.text, { handlerPersonId: c.handlerPersonId });
          await refreshCard({ ...m.caseRow, status: 'returned' }, m.eventId);
          const who = await deps.directory.displayName(actor.personId);
          for (const p of await ladderPeople(m.caseRow, tree, 'grid_leader')) {
            await notify.person(m.caseRow, p, `returned:${c.id}:${m.eventId}`, staffTexts.returned(c.number, who, cmd.text));
          }
          await notify.reporters(m.caseRow, `returned:${c.id}:${m.eventId}`, residentTexts.returned(c.number));
          await deps.scheduleDispatch(c.id, `return-${m.eventId}`);
          return { ok: true, text: `已退单 ${n}，将重新派单。` };
        }
        case 'transfer': {
          const target = await transferTarget(cmd.target ?? '', c, tree);
          if (!target) return { ok: false, text: `找不到接收人「${cmd.target}」。请写工作人员姓名或网格编码（如 hp-xf-02）。` };
          if (target.personId === c.handlerPersonId) return { ok: false, text: `${n} 已经由此人承办。` };
          const d = sla.deadlines(slaFacts(c), now);
          const m = await move('transfer', { handlerPersonId: target.personId, nodeId: target.nodeId, dispatchedAt: now, signDueAt: d.sign, signedAt: null, pendingExtension: null }, cmd.text, { from: c.handlerPersonId, to: target.personId });
          if (c.handlerPersonId) await notify.editCard({ ...m.caseRow }, c.handlerPersonId, m.eventId, { text: `工单 ${n} 已转派给 ${await deps.directory.displayName(target.personId)}：${cmd.text}`, buttons: [] });
          await notify.card(m.caseRow, target.personId, m.eventId, await cardFor(m.caseRow, tree));
          await notify.reporters(m.caseRow, `transfer:${c.id}:${m.eventId}`, residentTexts.dispatched(c.number, typeName(c.type), await handlerName(m.caseRow), m.caseRow.signDueAt, m.caseRow.resolveDueAt, tz));
          await deps.scheduleTimers(m.caseRow);
          return { ok: true, text: `已将 ${n} 转派给 ${await deps.directory.displayName(target.personId)}。` };
        }
        case 'request_extension': {
          if (c.pendingExtension) return { ok: false, text: `${n} 已有一个待审批的延期申请。` };
          const days = cmd.days ?? 0;
          await loop.patch(c.id, { pendingExtension: { days, reason: cmd.text, requestedBy: actor.personId, at: now.toISOString() } });
          const eventId = await loop.logEvent({ caseId: c.id, actorPersonId: actor.personId, action: 'request_extension', status: c.status, note: cmd.text, data: { days }, at: now });
          const leaders = await ladderPeople(c, tree, 'grid_leader');
          const approvers = leaders.length ? leaders : await ladderPeople(c, tree, 'street_chief');
          const text = staffTexts.extensionRequest(c.number, await deps.directory.displayName(actor.personId), days, cmd.text);
          const buttons = [[{ id: buttonIds.extension(c.number, true), label: '同意延期' }, { id: buttonIds.extension(c.number, false), label: '驳回' }]];
          for (const p of approvers) await notify.person(c, p, `ext-req:${c.id}:${eventId}`, `${text}\n回复「同意延期 ${n}」或「驳回延期 ${n} 原因」。`, buttons);
          return { ok: true, text: `已提交 ${n} 延期 ${days} 天的申请，等待网格长审批。` };
        }
        case 'approve_extension':
        case 'refuse_extension': {
          const pending = c.pendingExtension;
          if (!pending) return { ok: false, text: `${n} 没有待审批的延期申请。` };
          if (pending.requestedBy === actor.personId) return { ok: false, text: `不能审批自己提出的延期申请（${n}）。` };
          const approve = cmd.action === 'approve_extension';
          const due = approve && c.resolveDueAt ? sla.extend(slaFacts(c), c.resolveDueAt, pending.days) : c.resolveDueAt;
          // Only one decision wins when two leaders answer at once.
          if (!(await loop.decideExtension(c.id, approve ? due : undefined))) return { ok: false, text: `${n} 的延期申请已经处理过了。` };
          const eventId = await loop.logEvent({ caseId: c.id, actorPersonId: actor.personId, action: cmd.action, status: c.status, note: cmd.text || null, data: { days: pending.days, resolveDueAt: due?.toISOString() }, at: now });
          const updated = (await loop.byId(c.id))!;
          await notify.person(updated, pending.requestedBy, `ext-dec:${c.id}:${eventId}`, approve ? staffTexts.extensionApproved(c.number, due!, tz) : staffTexts.extensionRefused(c.number, cmd.text));
          if (approve) {
            await refreshCard(updated, eventId);
            await deps.scheduleTimers(updated);
          }
          return { ok: true, text: approve ? `已批准 ${n} 延期 ${pending.days} 天。` : `已驳回 ${n} 的延期申请。` };
        }
        case 'whistle': {
          const all = await loop.departments();
          const dep = all.find((d) => d.code === cmd.target || d.name === cmd.target || d.name.includes(cmd.target ?? '\u0000'));
          if (!dep) return { ok: false, text: `找不到部门「${cmd.target}」。可选：${all.map((d) => d.name).join('、')}。` };
          const added = await loop.addCoHandler(c.id, dep.id, cmd.coRole ?? 'support');
          if (!added) return { ok: false, text: `${dep.name} 已在协同处置 ${n}。` };
          const eventId = await loop.logEvent({ caseId: c.id, actorPersonId: actor.personId, action: 'whistle', status: c.status, note: cmd.text || null, data: { departmentId: dep.id, role: cmd.coRole ?? 'support' }, at: now });
          for (const p of await loop.departmentPeople(dep.id)) {
            await notify.person(c, p, `whistle:${c.id}:${dep.id}`, staffTexts.whistled(c.number, typeName(c.type), tree.node(c.nodeId)?.name ?? '', c.summary, cmd.coRole ?? 'support'));
          }
          await refreshCard(c, eventId);
          return { ok: true, text: `已吹哨：${dep.name} 作为${cmd.coRole === 'lead' ? '主办' : '协办'}单位参与 ${n}。` };
        }
        case 'cancel': {
          const m = await move('cancel', { closedAt: now }, cmd.text);
          await notify.reporters(m.caseRow, `cancel:${c.id}:${m.eventId}`, `工单 ${n} 已撤销：${maskPersonalData(cmd.text)}`);
          await refreshCard(m.caseRow, m.eventId);
          return { ok: true, text: `已撤销 ${n}。` };
        }
        default:
          return { ok: false, text: `${verb}由系统自动进行。` };
      }
    } catch (err) {
      if (err instanceof CaseConflictError) return { ok: false, text: `工单 ${n} 的状态刚刚变化了，请发送「${n}」查看最新状态。` };
      throw err;
    }
  }

  /** 评价: a reporter's answer. Not fixed or 不满意 reopens; all reporters satisfied closes. */
  async function rate(personId: number, caseNumber: number | null, answer: RatingAnswer, comment: string): Promise<ActionReply | null> {
    const c = caseNumber ? await loop.byNumber(caseNumber) : await loop.latestResolvedReportedBy(personId);
    if (!c) return caseNumber ? { ok: false, text: `没有找到工单 ${formatCaseNumber(caseNumber)}。` } : null;
    const n = formatCaseNumber(c.number);
    const reporters = (await loop.reporters(c.id)).map((r) => r.personId);
    if (!reporters.includes(personId)) return { ok: false, text: `只有反映人可以评价工单 ${n}。` };
    if (c.status !== 'resolved') return { ok: false, text: `工单 ${n} 当前状态为「${CASE_STATUS_NAMES[c.status]}」，现在不需要评价。` };
    const now = deps.now();
    const fresh = await loop.recordRating({ caseId: c.id, personId, round: c.reopenCount, fixed: answer.fixed, satisfaction: answer.satisfaction, comment: comment || null, at: now });
    if (!fresh) return { ok: false, text: `您已评价过工单 ${n}，谢谢。` };
    const words = [answer.fixed ? '' : '问题未解决', answer.satisfaction === 'unsatisfied' && answer.fixed ? '不满意' : '', comment].filter(Boolean).join('，');
    try {
      if (!answer.fixed || answer.satisfaction === 'unsatisfied') {
        const d = sla.deadlines(slaFacts(c), now);
        const m = await loop.transition({
          caseId: c.id,
          from: 'resolved',
          to: nextStatus('resolved', 'rate_unsatisfied'),
          action: 'rate_unsatisfied',
          actorPersonId: personId,
          note: words,
          data: answer,
          patch: { reopenCount: c.reopenCount + 1, resolvedAt: null, resolveDueAt: d.resolve, resolveStartedAt: now, fixed: answer.fixed, rating: answer.satisfaction },
          at: now,
        });
        if (m.caseRow.handlerPersonId) {
          await notify.person(m.caseRow, m.caseRow.handlerPersonId, `reopen:${c.id}:${m.eventId}`, staffTexts.reopened(c.number, words));
          await refreshCard(m.caseRow, m.eventId);
        }
        await notify.reporters(m.caseRow, `reopen:${c.id}:${m.eventId}`, residentTexts.reopened(c.number));
        await deps.scheduleTimers(m.caseRow);
        return { ok: true, text: `收到，${n} 已退回承办人重新处理。` };
      }
      const rated = await loop.ratings(c.id, c.reopenCount);
      if (rated.length < reporters.length) return { ok: true, text: `感谢您对 ${n} 的评价！` };
      const worst = rated.some((r) => r.satisfaction === 'basically_satisfied') ? 'basically_satisfied' : 'satisfied';
      const m = await loop.transition({
        caseId: c.id,
        from: 'resolved',
        to: nextStatus('resolved', 'rate_satisfied'),
        action: 'rate_satisfied',
        actorPersonId: personId,
        note: comment || null,
        data: answer,
        patch: { closedAt: now, fixed: true, rating: worst },
        at: now,
      });
      await notify.reporters(m.caseRow, `closed:${c.id}:${m.eventId}`, residentTexts.closed(c.number));
      await refreshCard(m.caseRow, m.eventId);
      return null;
    } catch (err) {
      if (err instanceof CaseConflictError) return { ok: false, text: `工单 ${n} 的状态刚刚变化了，请发送「${n}」查看最新状态。` };
      throw err;
    }
  }

  /** Join a report to an open case (duplicate or "我也遇到"): one more reporter, higher priority. */
  async function merge(c: CaseRow, personId: number, chatId: number, inboundMessageId: number | null): Promise<{ joined: boolean; count: number }> {
    const joined = await loop.addReporter(c.id, personId, chatId, inboundMessageId, deps.now());
    const count = (await loop.reporters(c.id)).length;
    if (joined) {
      await loop.raisePriority(c.id);
      await loop.logEvent({ caseId: c.id, actorPersonId: personId, action: 'merge', status: c.status, note: null, data: { inboundMessageId, reporters: count }, at: deps.now() });
    }
    return { joined, count };
  }

  return { dispatch, act, rate, merge, typeName, levelName: (l: CaseRow['level']) => LEVEL_NAMES[l] };
}

export type CaseService = ReturnType<typeof createCaseService>;
