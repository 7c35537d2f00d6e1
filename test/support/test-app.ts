import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { startJiesu, type RunningJiesu, type StartOptions } from '../../app/start.js';

/**
 * The whole app on a test database: a free port, the demo seed, a fresh data directory and
 * queue prefix, the keyword engine and a silent logger unless `env` / `opts` say otherwise.
 */
export async function startTestApp(
  db: { url: string },
  env: Record<string, string | undefined> = {},
  opts: Partial<StartOptions> = {},
): Promise<RunningJiesu> {
  return startJiesu(
    parseConfig({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
      PORT: '0',
      SEED_DEMO: 'true',
      JIESU_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'jiesu-app-')),
      CLASSIFIER_ENGINE: 'keyword',
      ...env,
    }),
    { logger: createLogger({ level: 'silent', pretty: false }), ...opts },
  );
}
