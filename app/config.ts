import { existsSync } from 'node:fs';
import { loadEnvFile } from 'node:process';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_INTAKE_CONCURRENCY } from '../workers/jobs.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalUrl = (schemes: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || schemes.some((s) => v.startsWith(s)), {
      message: `must start with ${schemes.join(' or ')}`,
    });

/** Every environment variable Jiesu reads. `.env.example` documents each one. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  JIESU_DATA_DIR: z.string().min(1).default('./.jiesu'),
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  /** Guards GET /metrics and the /admin/queues dashboard (Bearer header or ?token=); unset: dashboard off, /metrics open. */
  ADMIN_TOKEN: z
    .string()
    .trim()
    .min(16, 'at least 16 characters (e.g. `openssl rand -hex 24`)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only').default('jiesu'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Intake jobs at once in this process: short, database-bound, their statements shared across the jobs in flight. */
  INTAKE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(DEFAULT_INTAKE_CONCURRENCY),
  /** Outbound messages sent straight from the job that recorded them, at most this many at once (0: every message through its send job). */
  DIRECT_SENDS: z.coerce.number().int().min(0).max(1000).default(32),
  /** false: this process only receives (channels, webhooks, HTTP) and queues jobs; other processes run them. */
  RUN_WORKERS: bool.default(true),
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: seed the demo directory on the embedded database only. */
  SEED_DEMO: bool.optional(),
  JIESU_TIMEZONE: z.string().min(1).default('Asia/Shanghai'),
  CLASSIFIER_ENGINE: z.enum(['offline', 'llm', 'hybrid', 'keyword']).default('offline'),
  LLM_BASE_URL: optionalUrl(['http://', 'https://']),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  HYBRID_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  SIM_ENABLED: bool.default(true),
  /** Broadcast pacing per channel, e.g. "telegram=25/s,chat=20/min;wechat=12/min,jitter=1000-4000". */
  NOTICE_PACE: z.string().optional(),
  /** A deployment's own deadlines and holiday calendar (default: config/sla.json). */
  SLA_CONFIG_FILE: z.string().optional(),
  /** A deployment's own routing rules (default: config/routing.json). */
  ROUTING_CONFIG_FILE: z.string().optional(),
  /** Scheduled reports (日碰头 / 周点评 / 月通报); cron patterns in JIESU_TIMEZONE. */
  REPORTS_ENABLED: bool.default(true),
  REPORT_DAILY_CRON: z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'a cron pattern with 5 or 6 fields, e.g. "0 9 * * *"').default('0 9 * * *'),
  REPORT_WEEKLY_CRON: z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'a cron pattern with 5 or 6 fields, e.g. "0 9 * * *"').default('0 9 * * 1'),
  REPORT_MONTHLY_CRON: z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'a cron pattern with 5 or 6 fields, e.g. "0 9 * * *"').default('0 9 1 * *'),
  /** Weight of 基本满意 in the satisfaction rate (满意 counts 1, 不满意 0). */
  REPORT_BASIC_SATISFACTION_WEIGHT: z.coerce.number().min(0).max(1).default(0.9),
  /** A CJK font for report charts (default: found among the usual system font paths). */
  REPORT_FONT_FILE: z.string().optional(),
  REPORT_FONT_FAMILY: z.string().optional(),
  /** Set: run on Telegram (from @BotFather). */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^\d+:[A-Za-z0-9_-]+$/.test(v), { message: 'must look like 123456789:AA… (the token @BotFather gave)' }),
  /** Set: webhook mode (Telegram posts to this public https URL); unset: long polling. */
  TELEGRAM_WEBHOOK_URL: optionalUrl(['https://', 'http://']),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), { message: '1–256 letters, digits, _ and - only' }),
  /** A self-hosted Bot API server instead of https://api.telegram.org. */
  TELEGRAM_API_ROOT: optionalUrl(['http://', 'https://']),
  TELEGRAM_RATE_PER_SECOND: z.coerce.number().positive().default(30),
  TELEGRAM_RATE_GROUP_PER_MINUTE: z.coerce.number().positive().default(20),
  TELEGRAM_RATE_GROUP_BURST: z.coerce.number().int().min(1).default(3),
  TELEGRAM_RETRY_MAX_DELAY_SECONDS: z.coerce.number().int().min(0).default(5),
  /** Download people's photos into JIESU_DATA_DIR/telegram/photos (the file id is kept either way). */
  TELEGRAM_DOWNLOAD_PHOTOS: bool.default(false),
  /** Set: run on WeChat with this Wechaty puppet (e.g. wechaty-puppet-wechat4u, wechaty-puppet-service). */
  WECHATY_PUPPET: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  /** Token for puppet-service providers (WECHATY_PUPPET=wechaty-puppet-service). */
  WECHATY_PUPPET_SERVICE_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  /** Run on WeChat with the default puppet (wechaty-puppet-wechat4u) when WECHATY_PUPPET is unset. */
  WECHAT_ENABLED: bool.default(false),
  /** The account's paced queue: a random gap between messages, caps per room and per day. */
  WECHAT_MIN_GAP_MS: z.coerce.number().int().min(0).default(1000),
  WECHAT_MAX_GAP_MS: z.coerce.number().int().min(0).default(3000),
  WECHAT_ROOM_DAILY_CAP: z.coerce.number().int().min(1).default(80),
  WECHAT_DAILY_CAP: z.coerce.number().int().min(1).default(800),
  /** Share of the daily cap broadcast notices may use (the rest is kept for cases). */
  WECHAT_NOTICE_SHARE: z.coerce.number().min(0).max(1).default(0.7),
  /** Back-offs: after WeChat says "too frequent", and after WECHAT_FAILURE_THRESHOLD failed sends in a row. */
  WECHAT_TOO_FREQUENT_BACKOFF_MINUTES: z.coerce.number().min(0).default(60),
  WECHAT_FAILURE_BACKOFF_MINUTES: z.coerce.number().min(0).default(10),
  WECHAT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(3),
});

export type Env = z.infer<typeof envSchema>;

/** Resolved configuration: the environment, validated, with derived paths. */
export interface Config extends Env {
  dataDir: string;
  queueBackend: 'redis' | 'postgres';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`无效的配置 (invalid configuration):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validate the environment. Throws one ConfigError naming every bad variable.
 * Engine-specific rules (an LLM engine needs an endpoint) are checked here too.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  const e = result.data;
  const problems: string[] = [];
  if ((e.CLASSIFIER_ENGINE === 'llm' || e.CLASSIFIER_ENGINE === 'hybrid') && !e.LLM_BASE_URL) {
    problems.push(`LLM_BASE_URL: required when CLASSIFIER_ENGINE=${e.CLASSIFIER_ENGINE}`);
  }
  if ((e.CLASSIFIER_ENGINE === 'llm' || e.CLASSIFIER_ENGINE === 'hybrid') && !e.LLM_MODEL) {
    problems.push(`LLM_MODEL: required when CLASSIFIER_ENGINE=${e.CLASSIFIER_ENGINE}`);
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (e.WECHAT_MAX_GAP_MS < e.WECHAT_MIN_GAP_MS) {
    problems.push('WECHAT_MAX_GAP_MS: must not be less than WECHAT_MIN_GAP_MS');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...e,
    dataDir: path.resolve(e.JIESU_DATA_DIR),
    queueBackend: e.REDIS_URL ? 'redis' : 'postgres',
  };
}

/** Load `.env` from the working directory (if present) under the real environment, then validate. */
export function loadConfig(cwd = process.cwd()): Config {
  const file = path.join(cwd, '.env');
  // loadEnvFile never overrides variables already set, so the real environment wins.
  if (existsSync(file)) loadEnvFile(file);
  return parseConfig(process.env);
}
