import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('postgres.js as installed', () => {
  it('carries the patch of scripts/patch-postgres-js.mjs (no crash, no stuck connection, no stale error when PostgreSQL goes away)', () => {
    // The module Node actually loads, and its CommonJS twin.
    const entry = fileURLToPath(import.meta.resolve('postgres'));
    for (const file of [path.join(path.dirname(entry), 'connection.js'), path.join(path.dirname(entry), '..', 'cjs', 'src', 'connection.js')]) {
      const text = readFileSync(file, 'utf8');
      expect(text, `${file}: run \`node scripts/patch-postgres-js.mjs\` (npm install does)`).toContain('/* jiesu: no write without a socket */');
      expect(text).toContain('/* jiesu: no query state outlives its socket */');
      expect(text.match(/^ {4}clearImmediate\(nextWriteTimer\)\n {4}chunk = nextWriteTimer = null$/gm)).toHaveLength(2);
    }
  });
});
