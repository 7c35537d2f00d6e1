/**
 * The classification contract every engine fulfils (offline, LLM, hybrid, keyword).
 * Pure types: no I/O here.
 */

/** Case levels, from the field practice of 一般性问题、重大问题、突发性问题. */
export const CASE_LEVELS = ['routine', 'major', 'emergency'] as const;
export type CaseLevel = (typeof CASE_LEVELS)[number];

/** Location hints as written by the resident; nothing is geocoded. */
export interface LocationHints {
  building?: string;
  unit?: string;
  street?: string;
  landmark?: string;
}

export type EngineName = 'keyword' | 'offline' | 'llm' | 'hybrid';

/** The answer for one inbound message. */
export interface Classification {
  /** Is this a case at all (complaint, request, question needing an answer)? Chatter is not. */
  actionable: boolean;
  /** A code of the configured taxonomy; `null` when not actionable. */
  caseType: string | null;
  level: CaseLevel;
  /** One line of Chinese, at most ~60 characters. */
  summary: string;
  location: LocationHints;
  /** 0..1, calibrated where the engine can. */
  confidence: number;
  /** Which engine produced the answer. */
  engine: EngineName;
}

/** One entry of a taxonomy (the default lives in prompts/taxonomy.json). */
export interface TaxonomyEntry {
  code: string;
  /** Chinese display name, e.g. 环境卫生. */
  name: string;
  description: string;
  keywords: string[];
}

export interface Classifier {
  /** Classify one message. Must never throw for any string input. */
  classify(text: string): Promise<Classification>;
}
