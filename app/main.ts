/** `npm start`: run Jiesu on its configuration (embedded PostgreSQL and the sim channel by default). */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startJiesu } from './start.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n请修改环境变量或 .env 文件（说明见 .env.example）。\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const started = Date.now();
  const app = await startJiesu(config, { logger });
  const readyMs = Date.now() - started;
  const where = app.store.embedded ? `数据目录 ${config.dataDir}（内置 PostgreSQL）` : '数据库 DATABASE_URL';
  // The one line a newcomer looks for.
  process.stdout.write(`接诉 Jiesu 已就绪：${app.url}  ·  ${where}  ·  队列 ${app.queues.name}  ·  ${readyMs} ms\n`);
  logger.info({ url: app.url, dataDir: config.dataDir, queueBackend: app.queues.name, readyMs }, 'ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: channels, then workers (in-flight jobs finish), queues, database');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    await app.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`接诉 Jiesu 启动失败：${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
