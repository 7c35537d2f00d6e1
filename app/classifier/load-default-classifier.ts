/**
 * The single entry point that builds the configured classifier from the files in prompts/:
 * reads the taxonomy, the labelled examples and the level-only rows (`levels/`), trains (or loads from cache) the offline
 * models, and wraps them in the LLM or hybrid engine when asked.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Classifier, TaxonomyEntry } from '../../core/classification/types.js';
import {
  DEFAULT_CHAT_MODEL_OPTIONS,
  buildDefaultClassifier,
  defaultModelsFromJSON,
  defaultModelsToJSON,
  fingerprint,
  trainDefaultModels,
  type DefaultModels,
  type ExampleRow,
  type LevelRow,
} from '../../core/classification/default-model.js';
import { jiebaSegmenter } from './jieba-segmenter.js';
import { createToSimplified } from './to-simplified.js';
import { createLlmClassifier, type LlmEndpointOptions, type LlmStats } from './llm-classifier.js';

export interface ClassifierLogger {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  debug?: (obj: object, msg?: string) => void;
}

export interface LoadDefaultClassifierOptions {
  /** Directory holding taxonomy.json, examples/*.jsonl and llm-prompt.md (usually `prompts/`). */
  promptsDir: string;
  /** 'offline' (default, no network), 'llm' (every message to the LLM), 'hybrid' (LLM only when unsure). */
  engine?: 'offline' | 'llm' | 'hybrid';
  /** Required for 'llm' and 'hybrid': the OpenAI-compatible endpoint. */
  llm?: LlmEndpointOptions & {
    /** Hybrid: ask the LLM when offline confidence is below this (default 0.6). */
    hybridThreshold?: number;
  };
  /** Taxonomy to use instead of `${promptsDir}/taxonomy.json`. */
  taxonomy?: TaxonomyEntry[];
  /** If set, trained models are cached there (keyed by a fingerprint of the inputs). */
  cacheDir?: string;
  /** Probability of 'actionable' above which a message is a case (default DEFAULT_ACTIONABLE_THRESHOLD, 0.6). */
  actionableThreshold?: number;
  logger?: ClassifierLogger;
}

export interface LoadedClassifier extends Classifier {
  engine: 'offline' | 'llm' | 'hybrid';
  taxonomy: TaxonomyEntry[];
  /** LLM counters (token usage, share sent to the LLM); zeros for the offline engine. */
  stats(): LlmStats;
}

const taxonomySchema = z.object({
  version: z.number().int(),
  entries: z
    .array(z.object({ code: z.string().regex(/^[a-z_]+$/), name: z.string().min(1), description: z.string(), keywords: z.array(z.string().min(1)) }))
    .min(2),
});

const exampleSchema = z.object({
  text: z.string().min(1),
  label: z.string().min(1),
  level: z.enum(['routine', 'major', 'emergency']).optional(),
});

/** Every row of every `*.jsonl` file of `dir` (sorted, not recursive), validated; a bad row names its file and line. */
async function readJsonlDir<T>(dir: string, schema: z.ZodType<T>): Promise<T[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const rows: T[] = [];
  for (const f of files) {
    const lines = (await readFile(join(dir, f), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw new Error(`${f}:${i + 1}: ${(err as Error).message}`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new Error(`${f}:${i + 1}: ${parsed.error.message}`);
      rows.push(parsed.data);
    });
  }
  return rows;
}

/** Read all `*.jsonl` files of a directory (not recursive) as example rows. */
export function readExamples(dir: string): Promise<ExampleRow[]> {
  return readJsonlDir(dir, exampleSchema);
}

const levelRowSchema = z.object({
  text: z.string().min(1),
  level: z.enum(['routine', 'major', 'emergency']),
});

/** Read all `*.jsonl` files of `levels/` (rows `{text, level}`, for the emergency model); none if it is missing. */
export async function readLevelRows(dir: string): Promise<LevelRow[]> {
  return existsSync(dir) ? readJsonlDir(dir, levelRowSchema) : [];
}

async function readTaxonomy(promptsDir: string): Promise<TaxonomyEntry[]> {
  const file = join(promptsDir, 'taxonomy.json');
  const parsed = taxonomySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`invalid taxonomy ${file}: ${parsed.error.message}`);
  return parsed.data.entries;
}

async function trainOrLoad(
  taxonomy: TaxonomyEntry[],
  examples: ExampleRow[],
  levelRows: LevelRow[],
  cacheDir: string | undefined,
  logger: ClassifierLogger | undefined,
): Promise<DefaultModels> {
  const fp = fingerprint(JSON.stringify({ v: 7, taxonomy, examples, levelRows, options: DEFAULT_CHAT_MODEL_OPTIONS }));
  const cacheFile = cacheDir ? join(cacheDir, `jiesu-default-models-${fp}.json`) : null;
  if (cacheFile) {
    try {
      const state = JSON.parse(await readFile(cacheFile, 'utf8'));
      if (state?.fingerprint === fp) {
        logger?.debug?.({ cacheFile }, 'loaded cached classifier models');
        return defaultModelsFromJSON(state, jiebaSegmenter());
      }
    } catch {
      // no cache yet, or unreadable: train
    }
  }
  const t0 = performance.now();
  const models = trainDefaultModels(taxonomy, examples, DEFAULT_CHAT_MODEL_OPTIONS, jiebaSegmenter(), levelRows);
  logger?.info({ examples: examples.length, levelRows: levelRows.length, ms: Math.round(performance.now() - t0) }, 'trained offline classifier');
  if (cacheFile && cacheDir) {
    try {
      await mkdir(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(defaultModelsToJSON(models, fp)));
      await rename(tmp, cacheFile);
    } catch (err) {
      logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not cache classifier models');
    }
  }
  return models;
}

/**
 * Build the classifier the app uses.
 *
 * @example
 * const classifier = await loadDefaultClassifier({ promptsDir: 'prompts', engine: 'hybrid',
 *   llm: { baseURL: process.env.LLM_BASE_URL!, apiKey: process.env.LLM_API_KEY, model: 'qwen2.5', hybridThreshold: 0.6 } });
 */
export async function loadDefaultClassifier(opts: LoadDefaultClassifierOptions): Promise<LoadedClassifier> {
  const engine = opts.engine ?? 'offline';
  const taxonomy = opts.taxonomy ?? (await readTaxonomy(opts.promptsDir));
  const examples = await readExamples(join(opts.promptsDir, 'examples'));
  const levelRows = await readLevelRows(join(opts.promptsDir, 'levels'));
  const models = await trainOrLoad(taxonomy, examples, levelRows, opts.cacheDir, opts.logger);
  const offline = buildDefaultClassifier(taxonomy, models, opts.actionableThreshold, createToSimplified());
  const zero: LlmStats = {
    messages: 0,
    sentToLlm: 0,
    shareSentToLlm: 0,
    llmAnswers: 0,
    fallbacks: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    failures: {},
  };
  if (engine === 'offline') {
    let messages = 0;
    return {
      engine,
      taxonomy,
      classify: async (text: string) => {
        messages++;
        return offline.classifySync(text);
      },
      stats: () => ({ ...zero, messages }),
    };
  }
  if (!opts.llm?.baseURL || !opts.llm.model) throw new Error(`engine '${engine}' needs llm.baseURL and llm.model`);
  let promptTemplate: string | undefined;
  try {
    promptTemplate = await readFile(join(opts.promptsDir, 'llm-prompt.md'), 'utf8');
  } catch {
    promptTemplate = undefined;
  }
  const llm = createLlmClassifier({
    taxonomy,
    offline,
    llm: opts.llm,
    mode: engine,
    ...(opts.llm.hybridThreshold !== undefined ? { hybridThreshold: opts.llm.hybridThreshold } : {}),
    ...(promptTemplate ? { promptTemplate } : {}),
    examples,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return { engine, taxonomy, classify: (t: string) => llm.classify(t), stats: () => llm.stats() };
}
