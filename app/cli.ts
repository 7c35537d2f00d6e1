/**
 * `npx jiesu <command>`: operations on the same data directory or database as `npm start`.
 * Each command works while the bot runs (it borrows the running embedded PostgreSQL) and
 * when nothing runs (it starts the embedded PostgreSQL for itself and stops it after).
 */
import { parseArgs } from 'node:util';
import { asc } from 'drizzle-orm';
import { CASE_STATUS_NAMES } from '../core/cases/case-status.js';
import { createCaseRepository } from '../db/repositories/case-repository.js';
import { createDirectoryRepository } from '../db/repositories/directory-repository.js';
import { people } from '../db/schema.js';
import { seedDemo } from '../db/seed-demo.js';
import { runClassify } from './commands/classify.js';
import { runEval } from './commands/eval.js';
import { runEvalExamples } from './commands/eval-examples.js';
import { runInvite } from './commands/invite.js';
import { runReport } from './commands/report.js';
import { ConfigError, loadConfig } from './config.js';
import { loadTaxonomy } from './load-taxonomy.js';
import { createLogger } from './logger.js';
import { openStore, type Store } from './store.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

const USAGE = `用法: npx jiesu <命令>

  seed --demo                     写入演示组织架构（和平街道）；已有数据时不重复写入
  org list [--json]               打印组织架构树及节点编码
  invite --role <角色> --node <节点编码> [--department <部门编码>]
                                  生成一次性邀请码（7 天有效），最后一行即邀请码
  case show <编号> [--json]        打印一个工单的时间线
  report --period day|week|month [--date YYYY-MM-DD] [--node 节点编码] [--json] [--chart 文件.png]
                                  日报/周报/月报（默认今天所在的周期，截至现在）
  eval --train FILE (--test FILE | --cv K) [--titles FILE] [--engine offline|llm|hybrid] [--json]
                                  训练并评估分类器（CSV：id,label,text）
  eval-examples [--prompts 目录] [--cv K] [--json]
                                  用 prompts/examples 自身做交叉验证：分诊、类型准确率与紧急事件识别
  classify [--engine offline|llm|hybrid] [--json]
                                  从标准输入读取 {"text": "..."} 行，逐行输出分类结果
  help                            显示本说明
`;

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config, createLogger({ level: 'warn', pretty: false }));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function seed(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { demo: { type: 'boolean' } } });
  if (!values.demo) {
    io.stderr('请使用 `npx jiesu seed --demo`（目前只有演示数据）\n');
    return 2;
  }
  const seeded = await withStore((s) => seedDemo(s.database.db));
  io.stdout(seeded ? '已写入演示组织架构：和平街道（2 个社区、4 个网格）\n' : '演示组织架构已存在，未重复写入\n');
  return 0;
}

async function orgList(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const nodes = await withStore((s) => createDirectoryRepository(s.database.db).allNodes());
  if (values.json) {
    io.stdout(`${JSON.stringify(nodes.map((n) => ({ code: n.code, name: n.name, level: n.level, parent: nodes.find((p) => p.id === n.parentId)?.code ?? null })))}\n`);
    return 0;
  }
  if (!nodes.length) {
    io.stdout('组织架构为空。运行 `npx jiesu seed --demo` 写入演示数据。\n');
    return 0;
  }
  const LEVEL: Record<string, string> = { street: '街道', community: '社区', grid: '网格', household: '联户' };
  const print = (parentId: number | null, depth: number) => {
    for (const n of nodes.filter((x) => x.parentId === parentId)) {
      io.stdout(`${'  '.repeat(depth)}${n.name}（${LEVEL[n.level]}）  ${n.code}\n`);
      print(n.id, depth + 1);
    }
  };
  print(null, 0);
  return 0;
}

async function caseShow(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true });
  const n = Number(String(positionals[0] ?? '').replace(/^[#＃]/, ''));
  if (!Number.isInteger(n) || n <= 0) {
    io.stderr('用法: npx jiesu case show <编号>，例如 npx jiesu case show 1001\n');
    return 2;
  }
  const taxonomy = await loadTaxonomy();
  return withStore(async (s) => {
    const repo = createCaseRepository(s.database.db);
    const c = await repo.byNumber(n);
    if (!c) {
      io.stderr(`没有找到工单 #${n}\n`);
      return 1;
    }
    const events = await repo.events(c.id);
    const names = new Map(
      (await s.database.db.select({ id: people.id, name: people.displayName }).from(people).orderBy(asc(people.id))).map((p) => [p.id, p.name]),
    );
    if (values.json) {
      io.stdout(`${JSON.stringify({ case: c, events })}\n`);
      return 0;
    }
    const typeName = taxonomy.find((t) => t.code === c.type)?.name ?? c.type;
    io.stdout(`工单 #${c.number}  ${typeName}  ${c.level}  ${CASE_STATUS_NAMES[c.status]}\n${c.summary}\n\n`);
    for (const e of events) {
      const who = e.actorPersonId ? (names.get(e.actorPersonId) ?? `#${e.actorPersonId}`) : '系统';
      const move = e.toStatus ? `${e.fromStatus ? CASE_STATUS_NAMES[e.fromStatus] : '—'} → ${CASE_STATUS_NAMES[e.toStatus]}` : '';
      io.stdout(`${e.at.toISOString()}  ${who}  ${e.action}  ${move}${e.note ? `  ${e.note}` : ''}\n`);
    }
    return 0;
  });
}

/** Runs one CLI command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  try {
    if (cmd === 'seed') return await seed([sub, ...rest].filter((x): x is string => x !== undefined), io);
    if (cmd === 'org' && sub === 'list') return await orgList(rest, io);
    if (cmd === 'invite') return await runInvite(argv.slice(1), io, (fn) => withStore((s) => fn(s.database.db)));
    if (cmd === 'case' && sub === 'show') return await caseShow(rest, io);
    if (cmd === 'report') {
      const config = loadConfig();
      return await runReport(argv.slice(1), io, {
        withDb: (fn) => withStore((s) => fn(s.database.db)),
        taxonomy: await loadTaxonomy(),
        timezone: config.JIESU_TIMEZONE,
        basicWeight: config.REPORT_BASIC_SATISFACTION_WEIGHT,
      });
    }
    if (cmd === 'eval') return await runEval(argv.slice(1), io);
    if (cmd === 'eval-examples') return await runEvalExamples(argv.slice(1), io);
    if (cmd === 'classify') {
      process.stdin.setEncoding('utf8');
      return await runClassify(argv.slice(1), io, process.stdin);
    }
    if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(`未知命令：${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

