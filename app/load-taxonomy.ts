import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { TaxonomyEntry } from '../core/classification/types.js';

export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../prompts/', import.meta.url));

const taxonomySchema = z.object({
  version: z.number().int(),
  entries: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z_]+$/),
        name: z.string().min(1),
        description: z.string(),
        keywords: z.array(z.string().min(1)),
      }),
    )
    .min(1)
    .refine((e) => new Set(e.map((x) => x.code)).size === e.length, 'taxonomy codes must be unique'),
});

/** Read and validate a taxonomy file (the default is prompts/taxonomy.json). */
export async function loadTaxonomy(file = `${DEFAULT_PROMPTS_DIR}taxonomy.json`): Promise<TaxonomyEntry[]> {
  const parsed = taxonomySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`invalid taxonomy ${file}: ${parsed.error.message}`);
  return parsed.data.entries;
}
