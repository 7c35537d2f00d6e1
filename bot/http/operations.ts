/**
 * Operations endpoints on the local HTTP server:
 * - `GET /metrics`: Prometheus text format (prom-client). Queue depths per queue and state,
 *   failed jobs, cases by status, inbound messages by status, sends failed by channel; the
 *   counts are queried on each scrape. Behind ADMIN_TOKEN when it is set.
 * - `/admin/queues`: the @bull-board queue dashboard (its Express adapter, mounted through a
 *   tiny Express app). Always behind ADMIN_TOKEN: unset, the dashboard stays off (401).
 *
 * The token is accepted as `Authorization: Bearer <token>` or `?token=<token>`; a valid
 * `?token=` also sets an HttpOnly cookie scoped to the dashboard path, so the page's own
 * asset and API requests (which carry no token) work in a browser.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue } from '../../workers/queue-backend.js';
import { sendJson } from './json.js';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'jiesu_admin';
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

interface Log {
  error(obj: object, msg?: string): void;
}

export interface OperationsOptions {
  /** ADMIN_TOKEN; unset: /metrics is open (local server), the dashboard is off. */
  adminToken?: string;
  /** The queues to show and measure (read on each request: workers may add some later). */
  queues: () => JobQueue[];
  /** The raw SQL client of Jiesu's database. */
  sql: postgres.Sql;
  logger: Log;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function createOperations(opts: OperationsOptions) {
  const expected = opts.adminToken ? digest(opts.adminToken) : undefined;
  /** The cookie carries a hash of the token, never the token itself. */
  const cookieToken = opts.adminToken ? createHash('sha256').update(`jiesu-admin:${opts.adminToken}`).digest('hex') : undefined;

  const tokenOf = (req: IncomingMessage, url: URL): { token?: string; fromQuery: boolean } => {
    const auth = req.headers.authorization;
    const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
    if (m) return { token: m[1]!.trim(), fromQuery: false };
    const q = url.searchParams.get('token');
    return q !== null ? { token: q, fromQuery: true } : { fromQuery: false };
  };
  const authorised = (req: IncomingMessage, url: URL): { ok: boolean; setCookie: boolean } => {
    if (!expected) return { ok: false, setCookie: false };
    const { token, fromQuery } = tokenOf(req, url);
    if (token !== undefined && timingSafeEqual(digest(token), expected)) return { ok: true, setCookie: fromQuery };
    const c = cookieValue(req, COOKIE);
    if (c && cookieToken && c.length === cookieToken.length && timingSafeEqual(Buffer.from(c), Buffer.from(cookieToken))) return { ok: true, setCookie: false };
    return { ok: false, setCookie: false };
  };
  const unauthorised = (res: ServerResponse, why: string) => {
    res.setHeader('www-authenticate', 'Bearer realm="jiesu-admin"');
    sendJson(res, 401, { error: why });
  };

  // --- /metrics -----------------------------------------------------------------------
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jiesu_' });
  const count = async <T extends Record<string, unknown>>(query: Promise<T[]>): Promise<T[]> => {
    try {
      return await query;
    } catch (err) {
      opts.logger.error({ err }, 'metrics query failed');
      return [];
    }
  };
  new Gauge({
    name: 'jiesu_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed, completed, prioritized)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        opts.queues().map(async (q) => {
          try {
            const counts = await q.getJobCounts(...JOB_STATES);
            for (const s of JOB_STATES) this.set({ queue: q.name, state: s }, Number(counts[s] ?? 0));
          } catch (err) {
            opts.logger.error({ err, queue: q.name }, 'metrics: queue counts failed');
          }
        }),
      );
    },
  });
  new Gauge({
    name: 'jiesu_jobs_failed',
    help: 'Failed jobs kept in each queue (retries exhausted; kept 7 days)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        opts.queues().map(async (q) => {
          try {
            this.set({ queue: q.name }, Number((await q.getJobCounts('failed')).failed ?? 0));
          } catch {
            // reported by jiesu_queue_jobs
          }
        }),
      );
    },
  });
  /** A gauge of `count(*)` grouped by one column, counted afresh on every scrape. */
  const countBy = (name: string, help: string, label: string, query: () => Promise<{ key: string; n: number }[]>) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await count(query())) this.set({ [label]: r.key }, r.n);
      },
    });
  countBy('jiesu_cases', 'Cases by status', 'status', () => opts.sql<{ key: string; n: number }[]>`select status::text as key, count(*)::int as n from cases group by status`);
  countBy(
    'jiesu_inbound_messages',
    'Inbound messages by status (received, queued, processed, ignored, failed)',
    'status',
    () => opts.sql<{ key: string; n: number }[]>`select status::text as key, count(*)::int as n from inbound_messages group by status`,
  );
  countBy(
    'jiesu_sends_failed',
    'Outbound messages that failed for good, by channel',
    'channel',
    () => opts.sql<{ key: string; n: number }[]>`select channel as key, count(*)::int as n from outbound_messages where status = 'failed' group by channel`,
  );
  countBy(
    'jiesu_sends_pending',
    'Outbound messages not yet delivered, by channel',
    'channel',
    () => opts.sql<{ key: string; n: number }[]>`select channel as key, count(*)::int as n from outbound_messages where status = 'pending' group by channel`,
  );

  // --- /admin/queues (bull-board through a tiny Express app, built on first use) ------------
  let dashboard: Promise<{ app: (req: IncomingMessage, res: ServerResponse) => void; sync: () => void }> | undefined;
  const buildDashboard = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }, { default: express }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
      import('express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    const shown = new Set<string>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: '接诉 Jiesu 队列' } } as any });
    const sync = () => {
      for (const q of opts.queues()) {
        if (shown.has(q.name)) continue;
        shown.add(q.name);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        board.addQueue(new BullMQAdapter(q as any));
      }
    };
    sync();
    const app = express();
    app.disable('x-powered-by');
    app.use(DASHBOARD_PATH, serverAdapter.getRouter());
    return { app: app as unknown as (req: IncomingMessage, res: ServerResponse) => void, sync };
  };

  return {
    /** A hook for the HTTP server: true when it answered the request. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      if (url.pathname === '/metrics') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: `不支持的方法：${req.method}` });
          return true;
        }
        if (expected && !authorised(req, url).ok) {
          unauthorised(res, '需要管理令牌（ADMIN_TOKEN）：Authorization: Bearer <token> 或 ?token=');
          return true;
        }
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return true;
      }
      if (url.pathname === DASHBOARD_PATH || url.pathname.startsWith(`${DASHBOARD_PATH}/`)) {
        if (!expected) {
          unauthorised(res, '队列面板未开启：请设置 ADMIN_TOKEN 后重启');
          return true;
        }
        const auth = authorised(req, url);
        if (!auth.ok) {
          unauthorised(res, '需要管理令牌（ADMIN_TOKEN）：Authorization: Bearer <token> 或 ?token=');
          return true;
        }
        if (auth.setCookie) {
          res.setHeader('set-cookie', `${COOKIE}=${cookieToken}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict`);
        }
        dashboard ??= buildDashboard().catch((err) => {
          dashboard = undefined;
          throw err;
        });
        const d = await dashboard;
        d.sync();
        await new Promise<void>((resolve) => {
          res.once('finish', resolve);
          res.once('close', resolve);
          d.app(req, res);
        });
        return true;
      }
      return false;
    },
    registry,
  };
}

export type Operations = ReturnType<typeof createOperations>;
