#!/usr/bin/env node
/**
 * postinstall: patches postgres.js (3.4.9, the newest release) against a crash and a hang when
 * the PostgreSQL connection drops (a database restart, a failover):
 *
 * - small writes are deferred with setImmediate; when the socket closes first, the deferred
 *   write runs on `socket === null` and throws an uncaught TypeError from a timer, which ends
 *   the process (porsager/postgres#1154, #1208; the fix of PR #1209);
 * - closing cancels that timer without forgetting it (nor the unsent bytes), so the next
 *   connection in the same slot may never flush a small write and wait for the connect
 *   timeout instead (the teardown half of the same bug).
 *
 * Idempotent. Prints a warning and changes nothing when the code no longer looks as expected
 * (a newer postgres.js): check whether upstream fixed it before removing this script.
 * test/unit/db/postgres-js-patch.test.ts fails when the patch is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* jiesu: no write without a socket */';
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
const files = ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'].map((f) => path.join(root, f)).filter((f) => existsSync(f));

const replacements = [
  [
    'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `function nextWrite(fn) {\n    if (!socket) { ${MARK}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed(): forget the cancelled timer and the unsent bytes of the old socket.
  ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
];

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  const [guard, teardown] = replacements;
  const occurrences = text.split(teardown[0]).length - 1;
  if (!text.includes(guard[0]) || occurrences !== 2) {
    console.warn(`patch-postgres-js: ${path.relative(process.cwd(), file)} does not look like postgres.js 3.4.9; not patched`);
    continue;
  }
  writeFileSync(file, text.replace(guard[0], guard[1]).replaceAll(teardown[0], teardown[1]));
}
if (files.length === 0) console.warn('patch-postgres-js: postgres is not installed; nothing patched');
