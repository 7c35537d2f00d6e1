/**
 * The composition root: wires the store, the queues, the channels, the classifier and the
 * workers into one running Jiesu. `npm start` and the end-to-end tests both go through it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { loadDefaultClassifier } from './classifier/load-default-classifier.js';
import { createKeywordClassifier } from '../core/classification/keyword-classifier.js';
import type { Classifier } from '../core/classification/types.js';
import type { ChatChannel } from '../core/messaging/channel.js';
import { createHttpServer, listen } from '../bot/http/server.js';
import { createOperations } from '../bot/http/operations.js';
import { SimChannel } from '../bot/sim/sim-channel.js';
import type { TelegramChannel, TelegramChannelOptions } from '../bot/telegram/telegram-channel.js';
import type { WechatChannel, WechatChannelOptions } from '../bot/wechat/wechat-channel.js';
import { createSimRepository } from '../db/repositories/sim-repository.js';
import { seedDemo } from '../db/seed-demo.js';
import { parsePaceSpec } from '../core/notices/pacing.js';
import { loadPolicies } from '../workers/cases/default-policies.js';
import { createWorkers, type Workers } from '../workers/create-workers.js';
import { reportOptionsFromConfig } from '../workers/reports/report-service.js';
import { createQueueBackend, type QueueBackend } from '../workers/queue-backend.js';
import type { Config } from './config.js';
import { DEFAULT_PROMPTS_DIR, loadTaxonomy } from './load-taxonomy.js';
import type { Logger } from './logger.js';
import { openStore, type Store } from './store.js';

export interface RunningJiesu {
  config: Config;
  store: Store;
  queues: QueueBackend;
  workers: Workers;
  sim?: SimChannel;
  telegram?: TelegramChannel;
  wechat?: WechatChannel;
  server: Server;
  /** http://host:port of the local page and API. */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** Replaces the configured classifier (tests). */
  classifier?: Classifier;
  /** Extra Telegram channel options (tests: API transformers). */
  telegram?: Partial<TelegramChannelOptions>;
  /** Extra WeChat channel options (tests: the mock puppet). */
  wechat?: Partial<WechatChannelOptions>;
  /** The clock (tests inject a fake one so deadlines pass at once). */
  now?: () => Date;
}

/** The configured engine; the offline model is trained from prompts/ (cached in the data directory). */
async function buildClassifier(config: Config, logger: Logger): Promise<Classifier> {
  const taxonomy = await loadTaxonomy();
  if (config.CLASSIFIER_ENGINE === 'keyword') return createKeywordClassifier(taxonomy);
  return loadDefaultClassifier({
    promptsDir: DEFAULT_PROMPTS_DIR,
    engine: config.CLASSIFIER_ENGINE,
    taxonomy,
    cacheDir: path.join(config.dataDir, 'models'),
    logger: logger.child({ component: 'classifier' }),
    llm: config.LLM_BASE_URL
      ? {
          baseURL: config.LLM_BASE_URL,
          apiKey: config.LLM_API_KEY,
          model: config.LLM_MODEL ?? '',
          timeoutMs: config.LLM_TIMEOUT_MS,
          hybridThreshold: config.HYBRID_THRESHOLD,
        }
      : undefined,
  });
}

export async function startJiesu(config: Config, opts: StartOptions): Promise<RunningJiesu> {
  const { logger } = opts;
  const store = await openStore(config, logger, { longRunning: true });
  const cleanups: { name: string; run: () => Promise<void> }[] = [{ name: 'store', run: () => store.close() }];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      logger.debug({ step: c.name }, 'stopping');
      await c.run().catch((err) => logger.error({ err, step: c.name }, 'shutdown step failed'));
    }
  };
  try {
    const seed = config.SEED_DEMO ?? store.embedded;
    if (seed && (await seedDemo(store.database.db))) logger.info('seeded the demo directory (和平街道)');

    const taxonomy = await loadTaxonomy();
    const classifier = opts.classifier ?? (await buildClassifier(config, logger));

    const queues = await createQueueBackend({
      redisUrl: config.REDIS_URL,
      databaseUrl: store.database.url,
      prefix: config.QUEUE_PREFIX,
      onError: (err, source, suppressed) => logger.warn({ err: err.message, source, suppressed }, 'queue connection error'),
    });
    cleanups.push({ name: 'queues', run: () => queues.close() });

    const channels = new Map<string, ChatChannel>();
    let sim: SimChannel | undefined;
    if (config.SIM_ENABLED) {
      sim = new SimChannel(createSimRepository(store.database.db));
      channels.set(sim.name, sim);
    }
    let telegram: TelegramChannel | undefined;
    if (config.TELEGRAM_BOT_TOKEN) {
      // Imported only here: set-ups without Telegram never load grammY.
      const { TelegramChannel } = await import('../bot/telegram/telegram-channel.js');
      const { SendLimiter } = await import('../bot/telegram/send-limiter.js');
      telegram = new TelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhook: config.TELEGRAM_WEBHOOK_URL ? { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET ?? '' } : undefined,
        limiter: new SendLimiter({
          perSecond: config.TELEGRAM_RATE_PER_SECOND,
          groupPerMinute: config.TELEGRAM_RATE_GROUP_PER_MINUTE,
          groupBurst: config.TELEGRAM_RATE_GROUP_BURST,
        }),
        retryMaxDelaySeconds: config.TELEGRAM_RETRY_MAX_DELAY_SECONDS,
        photoDir: config.TELEGRAM_DOWNLOAD_PHOTOS ? path.join(config.dataDir, 'telegram', 'photos') : undefined,
        logger: logger.child({ channel: 'telegram' }),
        ...opts.telegram,
      });
      channels.set(telegram.name, telegram);
    }
    let wechat: WechatChannel | undefined;
    let wechatNoticeGate: import('./wechat.js').WechatSetup['noticeGate'] | undefined;
    if (config.WECHATY_PUPPET || config.WECHAT_ENABLED || opts.wechat?.puppet) {
      // Imported only here: set-ups without WeChat never load Wechaty.
      const { createWechat } = await import('./wechat.js');
      const setup = await createWechat(config, { db: store.database.db, queues, channels: () => channels.keys(), logger, overrides: opts.wechat });
      wechat = setup.channel;
      wechatNoticeGate = setup.noticeGate;
      channels.set(wechat.name, wechat);
    }

    const policies = await loadPolicies({ sla: config.SLA_CONFIG_FILE, routing: config.ROUTING_CONFIG_FILE });
    const workers = createWorkers({
      ...policies,
      now: opts.now,
      notices: { pace: parsePaceSpec(config.NOTICE_PACE), timezone: config.JIESU_TIMEZONE, now: opts.now, ...(wechatNoticeGate ? { gates: { wechat: wechatNoticeGate } } : {}) },
      database: store.database,
      queues,
      channels,
      classifier,
      taxonomy,
      logger,
      concurrency: config.WORKER_CONCURRENCY,
      intakeConcurrency: config.INTAKE_CONCURRENCY,
      directSends: config.DIRECT_SENDS,
      runProcessors: config.RUN_WORKERS,
      sweepIntervalMs: config.SWEEP_INTERVAL_SECONDS * 1000,
      reports: reportOptionsFromConfig(config),
    });
    await workers.start();

    for (const ch of channels.values()) {
      await ch.start({ onMessage: async (m) => void (await workers.ingest.receive(m)), onChatMoved: (move) => workers.moveChat(move) });
      cleanups.push({ name: `channel ${ch.name}`, run: () => ch.stop() });
    }
    // Before the channels stop: sends under way finish (or fall back to their jobs).
    cleanups.push({ name: 'direct sends', run: () => workers.drainDirectSends() });

    const server = createHttpServer({
      sim,
      logger,
      hooks: [
        ...(telegram ? [(req: IncomingMessage, res: ServerResponse, url: URL) => telegram.handleWebhook(req, res, url.pathname)] : []),
        // GET /metrics and the /admin/queues dashboard (ADMIN_TOKEN).
        createOperations({ adminToken: config.ADMIN_TOKEN, queues: () => queues.all(), sql: store.database.sql, logger }).handle,
      ],
      health: async () => {
        const checks: Record<string, string> = {};
        try {
          await store.database.sql`select 1`;
          checks.database = 'ok';
        } catch (err) {
          checks.database = String(err);
        }
        try {
          await queues.queue('intake').getJobCounts('waiting');
          checks.queue = 'ok';
        } catch (err) {
          checks.queue = String(err);
        }
        return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
      },
    });
    const port = await listen(server, config.PORT, config.HOST);
    // The server stops first: no new messages while the rest winds down.
    cleanups.push({
      name: 'http',
      run: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    });
    return {
      config,
      store,
      queues,
      workers,
      sim,
      telegram,
      wechat,
      server,
      url: `http://${config.HOST}:${port}`,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
