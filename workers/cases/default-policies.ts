/** The policies committed in config/: deadlines and holidays, routing rules. */
import { readFile } from 'node:fs/promises';
import { routingRulesSchema, type RoutingRules } from '../../core/cases/routing.js';
import { SlaPolicy, slaConfigSchema } from '../../core/cases/sla-policy.js';
import routingFile from '../../config/routing.json' with { type: 'json' };
import slaFile from '../../config/sla.json' with { type: 'json' };

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
}

export const defaultSlaPolicy = (): SlaPolicy => new SlaPolicy(slaConfigSchema.parse(slaFile));
export const defaultRoutingRules = (): RoutingRules => routingRulesSchema.parse(routingFile);

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new PolicyFileError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A deployment's own files (SLA_CONFIG_FILE, ROUTING_CONFIG_FILE), validated; the defaults otherwise. */
export async function loadPolicies(files: { sla?: string; routing?: string }): Promise<{ sla: SlaPolicy; routingRules: RoutingRules }> {
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, v: unknown, file: string): T => {
    const r = schema.safeParse(v);
    if (!r.success) throw new PolicyFileError(`invalid ${file}: ${r.error.message}`);
    return r.data;
  };
  return {
    sla: files.sla ? new SlaPolicy(parse(slaConfigSchema, await readJson(files.sla), files.sla)) : defaultSlaPolicy(),
    routingRules: files.routing ? parse(routingRulesSchema, await readJson(files.routing), files.routing) : defaultRoutingRules(),
  };
}
