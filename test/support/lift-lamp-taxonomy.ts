/**
 * A two-code taxonomy and its plainest examples (6 per code, 6 of chatter), for tests of the
 * default models' training and evaluation that need a small, fast, deterministic label set.
 */
import type { ExampleRow } from '../../core/classification/default-model.js';
import type { TaxonomyEntry } from '../../core/classification/types.js';

export const liftLampTaxonomy: TaxonomyEntry[] = [
  { code: 'lift', name: '电梯', description: '电梯故障', keywords: ['电梯'] },
  { code: 'lamp', name: '路灯', description: '路灯不亮', keywords: ['路灯'] },
];

export const liftLampRows: ExampleRow[] = [
  ...['电梯坏了', '电梯又停了', '电梯按钮失灵', '电梯门关不上', '电梯异响', '电梯不动了'].map((text) => ({ text, label: 'lift' })),
  ...['路灯不亮', '路灯坏了好几天', '路灯一直闪', '路灯灭了', '门口路灯黑了', '路灯杆倒了'].map((text) => ({ text, label: 'lamp' })),
  ...['收到', '谢谢', '好的', '早上好', '哈哈', '辛苦了'].map((text) => ({ text, label: 'chatter' })),
];
