/**
 * The text the emergency rules read: the usual input-method slips in emergency words put right,
 * and written Cantonese (with a few Southwestern and Minnan words) put into the Mandarin the rules
 * are written in. The models read the regional part too (`regionalAsMandarin`: they learnt from
 * Mandarin examples); the slips are for the rules alone, and the summary keeps the resident's own
 * words. Pure.
 */

// Homophones that pinyin and voice input put in place of the emergency words ("煤汽味", "晕到了")
const TYPOS: [RegExp, string][] = [
  [/[煤媒]汽|媒气/g, '煤气'],
  [/燃汽/g, '燃气'],
  [/漏店/g, '漏电'],
  [/天燃气/g, '天然气'],
  [/([晕昏])到(?=了(?!极)|在|地)/g, '$1倒'],
  [/(着|起|失)伙/g, '$1火'],
  // northern speech written as said: 木有 for 没有, 木影了 for 没影了
  [/木(?=有|影)/g, '没'],
];

// Written Cantonese, and a little Minnan (after OpenCC has made it Simplified, though both scripts are listed where
// cheap): the emergency words first ("唔郁" before "唔" becomes "不"), then the function words.
// "爬紧水喉" is "正在爬水管": the progressive 紧 of a few verbs of action becomes 正在.
const REGIONAL: [RegExp, string][] = [
  [/而家/g, '现在'],
  [/仲[喺系]度/g, '还在'],
  [/唔[郁動动]/g, '不动'],
  [/[郁動动]唔到/g, '动不了'],
  [/[暈晕]低/g, '晕倒'],
  [/跌[低亲親]/g, '摔倒'],
  [/[燶㶶]/g, '焦'],
  [/(?:联络|聯絡|联系|聯繫|搵)唔到/g, '联系不上'],
  [/唔[见見]/g, '不见'],
  [/未返/g, '没回来'],
  [/[脑腦]退化/g, '老年痴呆'],
  [/[细細]路/g, '小孩'],
  [/升降[机機]/g, '电梯'],
  [/[车車][厢廂]/g, '轿厢'],
  [/山泥[倾傾][泻瀉]/g, '山体滑坡'],
  [/入面/g, '里面'],
  [/(?<!不)([爬涌湧烧燒打撬喊追冲衝灌流冒滚滾])[紧緊]/g, '正在$1'],
  [/食(?=[咗了左]|过量)/g, '吃'],
  [/喺/g, '在'],
  [/咗/g, '了'],
  [/冇/g, '没'],
  [/佢/g, '他'],
  [/嘅/g, '的'],
  [/係/g, '是'],
  [/差啲/g, '差点'],
  [/啲/g, '些'],
  [/嚟/g, '来'],
  [/唔/g, '不'],
  // Southwestern: 脑壳 (head), the passive 遭 (手机遭偷了), 莫得, 啥子, 咋个, 屋头; Minnan written in
  // characters: 袂 (cannot), 这马 (now), 佇 (at)
  [/脑壳/g, '头'],
  [/遭(?=[摸偷抢抓撬打骗砸咬踩撞扒])/g, '被'],
  [/莫得/g, '没有'],
  [/啥子/g, '什么'],
  [/咋个/g, '怎么'],
  [/屋头/g, '家里'],
  [/袂/g, '不'],
  [/这马|這馬/g, '现在'],
  [/佇/g, '在'],
];

function applyAll(t: string, table: [RegExp, string][]): string {
  let out = t;
  for (const [re, to] of table) out = out.replace(re, to);
  return out;
}

/** Written Cantonese, Southwestern and Minnan words in Mandarin (the REGIONAL table alone). */
export function regionalAsMandarin(text: string): string {
  return applyAll(text, REGIONAL);
}

/** `text` as the emergency rules read it: NFKC, slips put right, Cantonese in Mandarin. */
export function ruleText(text: string): string {
  return applyAll(applyAll(text.normalize('NFKC'), TYPOS), REGIONAL);
}
