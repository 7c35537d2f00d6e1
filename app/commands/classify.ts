/**
 * `jiesu classify [--engine offline|llm|hybrid] [--json] [--prompts DIR] [--cache DIR]`
 * Reads JSON lines `{"text": "..."}` on stdin and writes one JSON line per input with all
 * Classification fields (plus `error` for lines that could not be parsed).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadDefaultClassifier } from '../classifier/load-default-classifier.js';
import type { CommandIo } from './eval.js';

const argsSchema = z.object({
  engine: z.enum(['offline', 'llm', 'hybrid']).default('offline'),
  json: z.boolean().default(true),
  prompts: z.string().default(fileURLToPath(new URL('../../prompts/', import.meta.url))),
  cache: z.string().optional(),
  threshold: z.coerce.number().min(0).max(1).optional(),
});

const lineSchema = z.object({ text: z.string() }).passthrough();

/** Split an async stream of chunks into lines. */
async function* lines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let buf = '';
  for await (const c of chunks) {
    buf += typeof c === 'string' ? c : c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
  if (buf.length > 0) yield buf;
}

export async function runClassify(argv: string[], io: CommandIo, stdin: AsyncIterable<string | Buffer>): Promise<number> {
  let a: z.infer<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        engine: { type: 'string' },
        json: { type: 'boolean' },
        prompts: { type: 'string' },
        cache: { type: 'string' },
        threshold: { type: 'string' },
      },
      strict: true,
    });
    a = argsSchema.parse(values);
  } catch (err) {
    io.stderr(`${(err as Error).message}\nusage: jiesu classify [--engine offline|llm|hybrid] [--json] < messages.jsonl\n`);
    return 2;
  }
  let classifier;
  try {
    classifier = await loadDefaultClassifier({
      promptsDir: a.prompts,
      engine: a.engine,
      ...(a.cache ? { cacheDir: a.cache } : {}),
      ...(a.engine !== 'offline'
        ? {
            llm: {
              baseURL: process.env.LLM_BASE_URL ?? '',
              model: process.env.LLM_MODEL ?? '',
              ...(process.env.LLM_API_KEY ? { apiKey: process.env.LLM_API_KEY } : {}),
              ...(process.env.LLM_TIMEOUT_MS ? { timeoutMs: Number(process.env.LLM_TIMEOUT_MS) } : {}),
              ...(a.threshold !== undefined ? { hybridThreshold: a.threshold } : {}),
            },
          }
        : {}),
    });
  } catch (err) {
    io.stderr(`classify: ${(err as Error).message}\n`);
    return 1;
  }
  let n = 0;
  for await (const line of lines(stdin)) {
    if (!line.trim()) continue;
    n++;
    let text: string;
    try {
      text = lineSchema.parse(JSON.parse(line)).text;
    } catch {
      io.stdout(`${JSON.stringify({ error: 'expected a JSON line {"text": "..."}', line: n })}\n`);
      continue;
    }
    const c = await classifier.classify(text);
    io.stdout(`${JSON.stringify(c)}\n`);
  }
  if (a.engine !== 'offline') io.stderr(`${JSON.stringify({ llm: classifier.stats() })}\n`);
  return 0;
}
