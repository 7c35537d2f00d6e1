import { connectDatabase, migrateDatabase, type Database } from '../db/client.js';
import { openEmbeddedPostgres } from '../db/embedded-postgres.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** The one store: the configured PostgreSQL, or the embedded one under the data directory. */
export interface Store {
  database: Database;
  embedded: boolean;
  /** Where the data lives, for the start-up line. */
  location: string;
  close(): Promise<void>;
}

export async function openStore(config: Config, logger: Logger, opts: { longRunning?: boolean } = {}): Promise<Store> {
  let url = config.DATABASE_URL;
  let stopEmbedded = async () => {};
  let location = 'DATABASE_URL';
  if (!url) {
    const pgLog = logger.child({ component: 'postgres' });
    const embedded = await openEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.EMBEDDED_PG_PORT || undefined,
      longRunning: opts.longRunning ?? false,
      onLog: (line) => pgLog.debug(line.trim()),
    });
    url = embedded.url;
    stopEmbedded = () => embedded.stop();
    location = config.dataDir;
    if (!embedded.owned) logger.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL already running on this data directory');
  }
  await migrateDatabase(url);
  const database = connectDatabase(url);
  return {
    database,
    embedded: !config.DATABASE_URL,
    location,
    async close() {
      await database.close();
      await stopEmbedded();
    },
  };
}
