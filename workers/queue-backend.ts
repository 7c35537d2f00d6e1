/**
 * The one module that knows which BullMQ backend is in use: Redis (REDIS_URL set; the
 * production and scale-out set-up) or BullMQ's PostgreSQL backend in Jiesu's own database
 * (the embedded default). Everything else asks this module for queues and workers.
 */
import {
  Queue,
  Worker,
  createPostgresBackend,
  runMigrations,
  type JobsOptions,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

export type QueueBackendName = 'redis' | 'postgres';

/** A queue or worker on either backend (the backend type parameter erased). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobQueue<T = unknown> = Queue<T, any, string, any, any, string, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobWorker<T = unknown> = Worker<T, any, string, any, any, any>;

export interface QueueBackendOptions {
  /** Redis URL; unset means the PostgreSQL backend on `databaseUrl`. */
  redisUrl?: string;
  databaseUrl: string;
  /** Redis key prefix; on PostgreSQL the schema (`bullmq` unless given) separates queues. */
  prefix: string;
  pgSchema?: string;
  /** Pool size for the PostgreSQL backend; each worker also holds one LISTEN connection. */
  pgPoolSize?: number;
  /**
   * Connection errors of queues and workers (a Redis or database outage), at most one report
   * per queue or worker every few seconds; BullMQ prints every one to the console otherwise.
   */
  onError?: (err: Error, source: string, suppressed: number) => void;
  /**
   * How long `close()` waits for each worker (its in-flight jobs) and queue before cutting its
   * connections (default CLOSE_GRACE_MS).
   */
  closeGraceMs?: number;
}

/**
 * A worker's or queue's close() can wait forever after a Redis outage: its client parked in
 * ioredis' reconnecting state never emits the 'end' its close awaits (taskforcesh/bullmq#4656,
 * #2430). Jiesu's jobs are short; a close that takes longer than this is cut off.
 */
export const CLOSE_GRACE_MS = 10_000;

/** A worker or queue did not close in time; its connections were cut instead. */
export class CloseTimeoutError extends Error {
  constructor(
    readonly source: string,
    readonly graceMs: number,
  ) {
    super(`${source} did not close within ${graceMs} ms; its connections were cut`);
    this.name = 'CloseTimeoutError';
  }
}

const sleep = (ms: number) =>
  new Promise<false>((resolve) => {
    setTimeout(() => resolve(false), ms).unref();
  });

/**
 * `close()` within `graceMs`; else cut the connections (`cut`, then the target's own
 * `disconnect()`, neither awaited: both can wait on the same lost client) and give the close a
 * moment to finish. True when it closed in time.
 */
async function closeWithin(target: { close(): Promise<unknown>; disconnect(): Promise<unknown> }, graceMs: number, cut: () => void): Promise<boolean> {
  const closing = target.close().then(
    () => true,
    () => true, // a close that failed is over
  );
  if (await Promise.race([closing, sleep(graceMs)])) return true;
  cut();
  void target.disconnect().catch(() => {});
  await Promise.race([closing, sleep(1000)]);
  return false;
}

const ERROR_REPORT_INTERVAL_MS = 5000;

/** Listen for a queue's or worker's errors, reporting them (throttled) to `onError`. */
function reportErrors(emitter: { on(event: 'error', listener: (err: Error) => void): unknown }, source: string, onError: QueueBackendOptions['onError']) {
  let last = 0;
  let dropped = 0;
  emitter.on('error', (err: Error) => {
    const now = Date.now();
    if (now - last < ERROR_REPORT_INTERVAL_MS) {
      dropped++;
      return;
    }
    last = now;
    onError?.(err, source, dropped);
    dropped = 0;
  });
}

/** Creates queues and workers on the configured backend and closes them all at the end. */
export interface QueueBackend {
  readonly name: QueueBackendName;
  queue<T = unknown>(name: string, defaultJobOptions?: JobsOptions): JobQueue<T>;
  /** Every queue opened so far (metrics, the dashboard). */
  all(): JobQueue[];
  worker<T = unknown>(
    name: string,
    processor: Processor<T>,
    opts?: Omit<WorkerOptions, 'connection' | 'prefix'>,
  ): JobWorker<T>;
  /**
   * Closes workers first (letting in-flight jobs finish), then queues, then connections; a
   * worker or queue that takes longer than `closeGraceMs` has its connections cut.
   */
  close(): Promise<void>;
}

export async function createQueueBackend(opts: QueueBackendOptions): Promise<QueueBackend> {
  const queues = new Map<string, JobQueue<any>>();
  const workers: JobWorker<any>[] = [];
  let closeConnections: () => Promise<void>;
  /** Drop the backend's connections at once (a close that hangs); the pool's are left to pool.end(). */
  let cutConnections: () => void = () => {};
  let make: {
    queue: (name: string, defaults?: JobsOptions) => JobQueue<any>;
    worker: (name: string, p: Processor<any>, o: Omit<WorkerOptions, 'connection' | 'prefix'>) => JobWorker<any>;
  };
  let name: QueueBackendName;

  if (opts.redisUrl) {
    name = 'redis';
    // Workers block on their own duplicated connections; this one serves queues and commands.
    const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    await connection.ping();
    // Every client BullMQ makes from it (each worker's blocking connection), to cut them all when
    // a close hangs: ioredis' disconnect() ends even a client that is still reconnecting.
    const clients = new Set<Redis>();
    const duplicate = connection.duplicate.bind(connection);
    connection.duplicate = ((...args: Parameters<typeof duplicate>) => {
      const c = duplicate(...args);
      clients.add(c);
      c.once('end', () => clients.delete(c));
      return c;
    }) as typeof connection.duplicate;
    cutConnections = () => {
      for (const c of clients) c.disconnect();
    };
    // Job schedulers (the sweeper's, the reports') live in Redis. A Redis that comes back empty
    // (no persistence, a failover to an empty replica) has lost them, and with the sweeper's the
    // only thing that re-queues what PostgreSQL says is unfinished. So every scheduler upserted
    // here is upserted again whenever the connection is ready again; where it survived, that
    // leaves its schedule as it was.
    const schedulers = new Map<string, () => Promise<unknown>>();
    connection.on('ready', () => {
      for (const upsert of schedulers.values()) void upsert().catch(() => {}); // retried on the next reconnect
    });
    const rememberSchedulers = (q: JobQueue<any>): JobQueue<any> => {
      const upsert = q.upsertJobScheduler.bind(q);
      const remove = q.removeJobScheduler.bind(q);
      q.upsertJobScheduler = ((...args: Parameters<typeof upsert>) => {
        schedulers.set(`${q.name}\n${args[0]}`, () => upsert(...args));
        return upsert(...args);
      }) as typeof upsert;
      q.removeJobScheduler = ((id: string) => {
        schedulers.delete(`${q.name}\n${id}`);
        return remove(id);
      }) as typeof remove;
      return q;
    };
    make = {
      queue: (n, d) => rememberSchedulers(new Queue(n, { connection, prefix: opts.prefix, defaultJobOptions: d })),
      worker: (n, p, o) => new Worker(n, p, { ...o, connection, prefix: opts.prefix }),
    };
    closeConnections = async () => {
      // quit() waits for the reply, which a connection still reconnecting may never get
      await closeWithin({ close: () => connection.quit(), disconnect: async () => connection.disconnect() }, opts.closeGraceMs ?? CLOSE_GRACE_MS, () => connection.disconnect());
    };
  } else {
    name = 'postgres';
    const schema = opts.pgSchema ?? 'bullmq';
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid BullMQ schema name: ${schema}`);
    const migrator = new pg.Client({ connectionString: opts.databaseUrl });
    await migrator.connect();
    try {
      await runMigrations(migrator, schema);
    } finally {
      await migrator.end();
    }
    // One shared pool: by default every queue and worker would open its own.
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.pgPoolSize ?? 40,
      options: `-c search_path=${schema},public`,
    });
    pool.on('error', () => {}); // idle-client errors surface on the next query instead
    pool.setMaxListeners(100); // every queue and worker on the shared pool listens for errors
    const connection = pool;
    make = {
      queue: (n, d) => new Queue(n, { connection, defaultJobOptions: d }, createPostgresBackend),
      worker: (n, p, o) => new Worker(n, p, { ...o, connection }, createPostgresBackend),
    };
    closeConnections = () => pool.end();
  }

  return {
    name,
    queue(qName, defaults) {
      let q = queues.get(qName);
      if (!q) {
        q = make.queue(qName, defaults) as JobQueue<any>;
        reportErrors(q, `queue ${qName}`, opts.onError);
        queues.set(qName, q);
      }
      return q;
    },
    all() {
      return [...queues.values()];
    },
    worker(wName, processor, o = {}) {
      const w = make.worker(wName, processor, o);
      reportErrors(w, `worker ${wName}`, opts.onError);
      workers.push(w);
      return w;
    },
    async close() {
      const grace = opts.closeGraceMs ?? CLOSE_GRACE_MS;
      const closeAll = (targets: { name: string; close(): Promise<unknown>; disconnect(): Promise<unknown> }[], kind: string) =>
        Promise.all(
          targets.map(async (t) => {
            if (!(await closeWithin(t, grace, cutConnections))) opts.onError?.(new CloseTimeoutError(`${kind} ${t.name}`, grace), `${kind} ${t.name}`, 0);
          }),
        );
      await closeAll(workers, 'worker');
      await closeAll([...queues.values()], 'queue');
      await closeConnections();
    },
  };
}
