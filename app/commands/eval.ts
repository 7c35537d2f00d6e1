/**
 * `jiesu eval --train FILE --test FILE [--engine offline|llm|hybrid] [--json]`
 * `jiesu eval --train FILE --cv 5 [--titles FILE] [--json]`
 *
 * Trains the generic text model on a CSV `id,label,text` (any label set) and scores a test
 * file, or runs k-fold cross-validation with near-duplicates (same first 15 or last 40
 * characters) kept in one fold. With --titles (CSV `id,label,text` of short titles), the CV
 * also scores, for each fold, the titles of the held-out ids with the model trained on the
 * other folds' full texts.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseLabelledCsv, type IdLabelText } from '../../core/classification/csv.js';
import { evaluate, groupedFolds, type EvalReport } from '../../core/classification/metrics.js';
import { trainTextModel, type TextModel, type TextModelOptions } from '../../core/classification/text-model.js';
import type { Classification, Classifier, TaxonomyEntry } from '../../core/classification/types.js';
import { jiebaSegmenter } from '../classifier/jieba-segmenter.js';
import { createLlmClassifier } from '../classifier/llm-classifier.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const argsSchema = z
  .object({
    train: z.string().min(1),
    test: z.string().min(1).optional(),
    engine: z.enum(['offline', 'llm', 'hybrid']).default('offline'),
    json: z.boolean().default(false),
    cv: z.coerce.number().int().min(2).max(20).optional(),
    titles: z.string().min(1).optional(),
    options: z.string().optional(),
    seed: z.coerce.number().int().default(42),
  })
  .refine((a) => a.test !== undefined || a.cv !== undefined, { message: 'give --test FILE or --cv K' });

const USAGE = `usage: jiesu eval --train FILE (--test FILE | --cv K [--titles FILE]) [--engine offline|llm|hybrid] [--json] [--options JSON]`;

function fmt(x: number): string {
  return x.toFixed(4);
}

function renderReport(title: string, r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`${title}: n=${r.n} accuracy=${fmt(r.accuracy)} macro-F1=${fmt(r.macroF1)}`);
  lines.push(['label', 'precision', 'recall', 'f1', 'support'].join('\t'));
  for (const p of r.perLabel) lines.push([p.label, fmt(p.precision), fmt(p.recall), fmt(p.f1), p.support].join('\t'));
  lines.push('confusion matrix (rows = gold, columns = predicted):');
  lines.push(['', ...r.labels.map((_, i) => `[${i}]`)].join('\t'));
  r.confusion.forEach((row, i) => lines.push([`[${i}] ${r.labels[i]}`, ...row].join('\t')));
  return lines.join('\n');
}

async function readCsv(file: string): Promise<IdLabelText[]> {
  const rows = parseLabelledCsv(await readFile(file, 'utf8'));
  const bad = rows.findIndex((r) => !r.label || !r.text);
  if (bad >= 0) throw new Error(`${file}: row ${bad + 2} has an empty label or text`);
  return rows;
}

function labelTaxonomy(labels: readonly string[]): TaxonomyEntry[] {
  return labels.map((l) => ({ code: l, name: l, description: l, keywords: [] }));
}

function modelClassifier(model: TextModel): Classifier {
  return {
    async classify(text: string): Promise<Classification> {
      const p = model.predict(text);
      return { actionable: true, caseType: p.label, level: 'routine', summary: '', location: {}, confidence: p.confidence, engine: 'offline' };
    },
  };
}

export async function runEval(argv: string[], io: CommandIo): Promise<number> {
  let parsedArgs;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        engine: { type: 'string' },
        json: { type: 'boolean' },
        cv: { type: 'string' },
        titles: { type: 'string' },
        options: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    parsedArgs = argsSchema.parse(values);
  } catch (err) {
    io.stderr(`${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ') : (err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const a = parsedArgs;
  try {
    const modelOptions: Partial<TextModelOptions> = a.options ? JSON.parse(a.options) : {};
    const train = await readCsv(a.train);
    if (a.cv !== undefined) return await runCv(a.cv, train, a.titles ? await readCsv(a.titles) : null, modelOptions, a.seed, a.json, io);

    const test = await readCsv(a.test!);
    const t0 = performance.now();
    const model = trainTextModel(train, modelOptions, jiebaSegmenter());
    const trainSeconds = (performance.now() - t0) / 1000;
    let classifier: Classifier = modelClassifier(model);
    let llmStats: (() => unknown) | null = null;
    if (a.engine !== 'offline') {
      const baseURL = process.env.LLM_BASE_URL;
      const modelName = process.env.LLM_MODEL;
      if (!baseURL || !modelName) throw new Error(`--engine ${a.engine} needs LLM_BASE_URL and LLM_MODEL`);
      const llm = createLlmClassifier({
        taxonomy: labelTaxonomy(model.labels),
        offline: classifier,
        mode: a.engine,
        llm: {
          baseURL,
          model: modelName,
          ...(process.env.LLM_API_KEY ? { apiKey: process.env.LLM_API_KEY } : {}),
          ...(process.env.LLM_TIMEOUT_MS ? { timeoutMs: Number(process.env.LLM_TIMEOUT_MS) } : {}),
        },
        examples: train.slice(0, 200),
      });
      classifier = llm;
      llmStats = () => llm.stats();
    }
    const pred: string[] = [];
    const t1 = performance.now();
    for (const r of test) pred.push((await classifier.classify(r.text)).caseType ?? '');
    const msPerMessage = test.length ? (performance.now() - t1) / test.length : 0;
    const report = evaluate(
      test.map((r) => r.label),
      pred,
      model.labels,
    );
    const out = {
      engine: a.engine,
      n: report.n,
      accuracy: report.accuracy,
      macroF1: report.macroF1,
      trainSeconds,
      msPerMessage,
      perLabel: report.perLabel,
      labels: report.labels,
      confusion: report.confusion,
      ...(llmStats ? { llm: llmStats() } : {}),
    };
    if (a.json) io.stdout(`${JSON.stringify(out)}\n`);
    else {
      io.stdout(`${renderReport(`test ${a.test}`, report)}\n`);
      io.stdout(`train seconds: ${trainSeconds.toFixed(2)}\nms/message: ${msPerMessage.toFixed(3)}\n`);
      if (llmStats) io.stdout(`llm: ${JSON.stringify(llmStats())}\n`);
    }
    return 0;
  } catch (err) {
    io.stderr(`eval failed: ${(err as Error).message}\n`);
    return 1;
  }
}

async function runCv(
  k: number,
  rows: IdLabelText[],
  titles: IdLabelText[] | null,
  modelOptions: Partial<TextModelOptions>,
  seed: number,
  json: boolean,
  io: CommandIo,
): Promise<number> {
  const fold = groupedFolds(
    rows.map((r) => r.text),
    k,
    { seed },
  );
  const titleById = new Map((titles ?? []).map((t) => [t.id, t.text] as const));
  const gold: string[] = [];
  const pred: string[] = [];
  const tGold: string[] = [];
  const tPred: string[] = [];
  const foldF1: number[] = [];
  let trainSeconds = 0;
  let predictMs = 0;
  let predicted = 0;
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  for (let f = 0; f < k; f++) {
    const train = rows.filter((_, i) => fold[i] !== f);
    const test = rows.filter((_, i) => fold[i] === f);
    if (test.length === 0) continue;
    const t0 = performance.now();
    const model = trainTextModel(train, modelOptions, jiebaSegmenter());
    trainSeconds += (performance.now() - t0) / 1000;
    const fg: string[] = [];
    const fp: string[] = [];
    const t1 = performance.now();
    for (const r of test) {
      fg.push(r.label);
      fp.push(model.predict(r.text).label);
    }
    predictMs += performance.now() - t1;
    predicted += test.length;
    gold.push(...fg);
    pred.push(...fp);
    foldF1.push(evaluate(fg, fp, labels).macroF1);
    for (const r of test) {
      const t = titleById.get(r.id);
      if (t === undefined) continue;
      tGold.push(r.label);
      tPred.push(model.predict(t).label);
    }
    if (!json) io.stderr(`fold ${f + 1}/${k}: macro-F1 ${fmt(foldF1[foldF1.length - 1]!)}\n`);
  }
  const report = evaluate(gold, pred, labels);
  const titleReport = tGold.length ? evaluate(tGold, tPred, labels) : null;
  const out = {
    cv: k,
    n: report.n,
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    foldMacroF1: foldF1,
    trainSeconds: trainSeconds / k,
    msPerMessage: predicted ? predictMs / predicted : 0,
    perLabel: report.perLabel,
    labels: report.labels,
    confusion: report.confusion,
    ...(titleReport ? { titles: { n: titleReport.n, accuracy: titleReport.accuracy, macroF1: titleReport.macroF1, perLabel: titleReport.perLabel } } : {}),
  };
  if (json) io.stdout(`${JSON.stringify(out)}\n`);
  else {
    io.stdout(`${renderReport(`${k}-fold CV (near-duplicates grouped)`, report)}\n`);
    if (titleReport) io.stdout(`${renderReport('titles of held-out ids (trained on full texts)', titleReport)}\n`);
    io.stdout(`train seconds (mean per fold): ${out.trainSeconds.toFixed(2)}\nms/message: ${out.msPerMessage.toFixed(3)}\n`);
  }
  return 0;
}
