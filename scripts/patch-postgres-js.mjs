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
 *   timeout instead (the teardown half of the same bug);
 * - a closed socket leaves its in-flight query and that query's ErrorResponse behind (a fast
 *   shutdown, a failover, pg_terminate_backend: FATAL 57P01 arrives while a query runs), and the
 *   next successful connect in the same slot rejects its first query with that stale error
 *   (err.query naming the old query) — or, while the stale query is still set, a FATAL 57P03
 *   during startup is kept instead of failing the query that asked for the connection and is
 *   delivered after the restart. Closing now rejects whatever is still in flight and forgets it.
 *
 * Idempotent. Prints a warning and changes nothing when the code no longer looks as expected
 * (a newer postgres.js): check whether upstream fixed it before removing this script.
 * test/unit/db/postgres-js-patch.test.ts fails when the patch is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* jiesu: no write without a socket */';
const MARK_CLOSED = '/* jiesu: no query state outlives its socket */';
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

// closed(): reject what the dead socket still had in flight (CONNECTION_CLOSED, as before) and
// forget it and its ErrorResponse, so neither carries over to the next connection in the slot.
const closedPatch = [
  "    socket.removeAllListeners()\n    socket = null\n\n    if (initial)\n      return reconnect()\n\n    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n",
  `    socket.removeAllListeners()\n    socket = null\n\n    if (initial)\n      return (forget(), reconnect())\n\n    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n    forget()\n`,
];
const forgetFn = `  function forget() { ${MARK_CLOSED}\n    const err = Errors.connection('CONNECTION_CLOSED', options)\n    query && queryError(query, err)\n    while (sent.length)\n      queryError(sent.shift(), err)\n    query = errorResponse = results = null\n    result = new Result()\n    rows = 0\n  }\n\n  function queryError(query, err) {\n`;

for (const file of files) {
  let text = readFileSync(file, 'utf8');
  const before = text;
  if (!text.includes(MARK)) {
    const [guard, teardown] = replacements;
    const occurrences = text.split(teardown[0]).length - 1;
    if (!text.includes(guard[0]) || occurrences !== 2) {
      console.warn(`patch-postgres-js: ${path.relative(process.cwd(), file)} does not look like postgres.js 3.4.9; not patched`);
      continue;
    }
    text = text.replace(guard[0], guard[1]).replaceAll(teardown[0], teardown[1]);
  }
  if (!text.includes(MARK_CLOSED)) {
    if (text.split(closedPatch[0]).length !== 2 || text.split('  function queryError(query, err) {\n').length !== 2)
      console.warn(`patch-postgres-js: ${path.relative(process.cwd(), file)}: closed() does not look like postgres.js 3.4.9; not patched`);
    else text = text.replace(closedPatch[0], closedPatch[1]).replace('  function queryError(query, err) {\n', forgetFn);
  }
  if (text !== before) writeFileSync(file, text);
}
if (files.length === 0) console.warn('patch-postgres-js: postgres is not installed; nothing patched');
