import type { Classification, Classifier, TaxonomyEntry } from './types.js';
import { detectLevel } from './rules.js';

const CHATTER = /^(收到|好的?|谢谢|多谢|感谢|辛苦了?|ok|嗯+|哦+|早上好|晚安|哈+|[👍🙏🌹👌😀-🙏\s!！。.~～]+)[!！。.~～]*$/iu;
const REQUEST = /(反映|投诉|举报|麻烦|请|帮忙|处理|解决|怎么办|坏了|不亮|堵|漏|乱|吵|臭|危险|隐患|没人管|请问)/;

/**
 * The simplest engine: taxonomy keywords and a few rules. Deterministic, no training; used
 * when CLASSIFIER_ENGINE=keyword and as the last resort when a trained model cannot load.
 */
export function createKeywordClassifier(taxonomy: TaxonomyEntry[]): Classifier {
  return {
    async classify(text: string): Promise<Classification> {
      const t = text.trim();
      const summary = Array.from(t.split(/[。！？!?\n]/)[0] ?? t).slice(0, 60).join('');
      let best: { code: string; hits: number } | null = null;
      for (const entry of taxonomy) {
        const hits = entry.keywords.filter((k) => t.includes(k)).length;
        if (hits > 0 && (!best || hits > best.hits)) best = { code: entry.code, hits };
      }
      // the same emergency and major rules as the offline engine
      const level = detectLevel(t).level;
      const emergency = level === 'emergency';
      const actionable = emergency || (!CHATTER.test(t) && (level === 'major' || best !== null || (t.length >= 8 && REQUEST.test(t))));
      return {
        actionable,
        caseType: actionable ? (best?.code ?? (emergency ? 'safety_hazard' : 'other')) : null,
        level: actionable ? level : 'routine',
        summary,
        location: {},
        confidence: best ? Math.min(0.9, 0.5 + 0.1 * best.hits) : 0.3,
        engine: 'keyword',
      };
    },
  };
}
