import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { CloseTimeoutError, createQueueBackend } from '../../workers/queue-backend.js';
import { createTestDatabase, eachQueueBackend, eventually } from '../support/test-database.js';

eachQueueBackend((backend) => {
  it('close() cuts off a worker that does not finish within the grace period, and says so', { timeout: 30_000 }, async () => {
    const database = await createTestDatabase();
    const reported: Error[] = [];
    const queues = await createQueueBackend({
      redisUrl: backend.redisUrl,
      databaseUrl: database.url,
      prefix: `c${randomBytes(4).toString('hex')}`,
      closeGraceMs: 500,
      onError: (err) => reported.push(err),
    });
    try {
      let started = false;
      // A job that never ends: what a close waiting on a lost connection looks like from outside.
      queues.worker('stuck', () => {
        started = true;
        return new Promise(() => {});
      });
      await queues.queue('stuck').add('forever', {});
      await eventually(async () => started);
      const t0 = Date.now();
      await queues.close();
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(reported.find((e) => e instanceof CloseTimeoutError)?.message).toMatch(/worker stuck did not close within 500 ms/);
    } finally {
      await database.drop();
    }
  });
});
