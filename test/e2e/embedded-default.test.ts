import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../app/cli.js';
import { parseConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { startJiesu, type RunningJiesu } from '../../app/start.js';
import { eventually } from '../support/test-database.js';

/** The embedded default, as `npm start` runs it: no DATABASE_URL, no REDIS_URL. */
describe('the embedded default', () => {
  let dataDir: string;
  let app: RunningJiesu | undefined;
  const start = () =>
    startJiesu(parseConfig({ JIESU_DATA_DIR: dataDir, PORT: '0', CLASSIFIER_ENGINE: 'keyword' }), {
      logger: createLogger({ level: 'silent', pretty: false }),
    });
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
  };

  afterAll(async () => {
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts its own PostgreSQL, seeds the demo, answers, stops it, and keeps the data for the next start', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'jiesu-default-'));
    app = await start();
    expect(app.store.embedded).toBe(true);
    expect(app.queues.name).toBe('postgres');
    const chats = (await (await fetch(`${app.url}/api/sim/chats`)).json()) as { id: string; members: { id: string; name: string }[] }[];
    const from = chats.find((c) => c.id === 'g-hp-xf-01')!.members.find((m) => m.name === '朱宏')!.id;
    const post = await fetch(`${app.url}/api/sim/chats/g-hp-xf-01/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text: '2号楼前面的路面塌了个大坑，晚上很容易摔' }),
    });
    const { id } = (await post.json()) as { id: string };
    const reply = await eventually(async () => {
      const msgs = (await (await fetch(`${app!.url}/api/sim/chats/g-hp-xf-01/messages`)).json()) as { from: string; replyTo?: string; text: string }[];
      return msgs.find((m) => m.from === 'bot' && m.replyTo === id);
    });
    const n = Number(/#(\d+)/.exec(reply.text)![1]);

    // A CLI command while the bot runs borrows its database.
    process.env.JIESU_DATA_DIR = dataDir;
    const cli = io();
    expect(await runCli(['case', 'show', String(n)], cli.io)).toBe(0);
    expect(cli.out.stdout).toContain(`工单 #${n}`);

    await app.stop();
    app = undefined;
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // With nothing running, the CLI starts the database for itself and stops it again.
    const cli2 = io();
    expect(await runCli(['org', 'list', '--json'], cli2.io)).toBe(0);
    expect(JSON.parse(cli2.out.stdout)).toHaveLength(7);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    const cli3 = io();
    expect(await runCli(['seed', '--demo'], cli3.io)).toBe(0);
    expect(cli3.out.stdout).toContain('已存在');

    app = await start();
    const again = (await (await fetch(`${app.url}/api/sim/chats/g-hp-xf-01/messages`)).json()) as { text: string }[];
    expect(again.some((m) => m.text.includes(`#${n}`))).toBe(true);
    delete process.env.JIESU_DATA_DIR;
  }, 120_000);

  it('rejects unknown commands and malformed arguments with usage', async () => {
    const a = io();
    expect(await runCli(['frobnicate'], a.io)).toBe(2);
    expect(a.out.stderr).toContain('未知命令');
    const b = io();
    expect(await runCli(['case', 'show', 'abc'], b.io)).toBe(2);
    expect(b.out.stderr).toContain('用法');
  });
});
