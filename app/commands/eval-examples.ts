/**
 * `jiesu eval-examples [--prompts DIR] [--cv K] [--seeds 1,2] [--json]`
 * Cross-validates the default offline classifier on a prompts directory's own examples
 * (`examples/*.jsonl` and `examples/holdout/*.jsonl`): triage accuracy, type accuracy,
 * emergencies caught, false emergencies, and the most frequent confusions. For a deployment that edits its
 * taxonomy or examples: how well the model will do on messages it has not seen.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { crossValidateExamples } from '../../core/classification/examples-cv.js';
import { readExamples, readLevelRows } from '../classifier/load-default-classifier.js';
import { DEFAULT_PROMPTS_DIR, loadTaxonomy } from '../load-taxonomy.js';
import type { CommandIo } from './eval.js';

const USAGE = 'usage: jiesu eval-examples [--prompts DIR] [--cv K] [--seeds 1,2] [--json]';

const argsSchema = z.object({
  prompts: z.string().min(1).default(DEFAULT_PROMPTS_DIR),
  cv: z.coerce.number().int().min(2).max(20).default(5),
  seeds: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'seeds: comma-separated integers')
    .default('1,2')
    .transform((s) => s.split(',').map(Number)),
  json: z.boolean().default(false),
});

export async function runEvalExamples(argv: string[], io: CommandIo): Promise<number> {
  let a: z.infer<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { prompts: { type: 'string' }, cv: { type: 'string' }, seeds: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
    });
    a = argsSchema.parse(values);
  } catch (err) {
    io.stderr(`${err instanceof z.ZodError ? err.issues.map((i) => i.message).join('; ') : (err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const taxonomy = await loadTaxonomy(join(a.prompts, 'taxonomy.json'));
    const holdout = join(a.prompts, 'examples', 'holdout');
    const rows = [...(await readExamples(join(a.prompts, 'examples'))), ...(existsSync(holdout) ? await readExamples(holdout) : [])];
    const t0 = performance.now();
    const levelRows = await readLevelRows(join(a.prompts, 'levels'));
    const r = await crossValidateExamples(taxonomy, rows, { folds: a.cv, seeds: a.seeds, levelRows });
    const seconds = (performance.now() - t0) / 1000;
    if (a.json) {
      io.stdout(`${JSON.stringify({ examples: rows.length, ...r, seconds })}\n`);
      return 0;
    }
    const pct = (x: number) => x.toFixed(3);
    io.stdout(
      [
        `${rows.length} examples, ${r.folds}-fold cross-validation, seeds ${r.seeds.join(',')} (${seconds.toFixed(1)} s)`,
        `triage accuracy ${pct(r.triageAccuracy)}  type accuracy ${pct(r.typeAccuracy)}  emergencies caught ${r.emergenciesCaught}/${r.emergencies}  false emergencies ${r.falseEmergencies}/${r.n - r.emergencies}`,
        ...r.missedEmergencies.map((t) => `  missed emergency: ${t}`),
        ...r.falseEmergencyTexts.map((t) => `  false emergency: ${t}`),
        `most frequent confusions (gold → predicted):`,
        ...r.confusions.map((c) => `  ${c.gold} → ${c.predicted}: ${c.n}`),
      ].join('\n') + '\n',
    );
    return 0;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return 1;
  }
}
