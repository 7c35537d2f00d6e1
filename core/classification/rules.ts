/**
 * Rules that must hold whatever the trained model says: emergency / major level detection,
 * trivial chatter, location hints and the one-line summary. Pure.
 */
import type { CaseLevel, LocationHints } from './types.js';
import { maskPersonalData } from './mask-personal-data.js';

export interface LevelDetection {
  level: CaseLevel;
  /** The phrases that triggered the level. */
  reasons: string[];
  /** A taxonomy code suggested by the emergency kind (fire/gas → safety_hazard …), if any. */
  suggestedType?: string;
}

interface LevelRule {
  re: RegExp;
  type?: string;
}

// Emergencies: fire, smoke, gas, someone collapsed/unconscious, violence under way, drowning…
const EMERGENCY_RULES: LevelRule[] = [
  { re: /(?<![打点不])着火(?!了吗)|起火|失火|火灾(?!隐患)|烧起来|火苗|火光|大火|明火|火势|冒烟|浓烟|冒黑烟|烟很大|冒火花|爆炸|炸了/, type: 'safety_hazard' },
  { re: /煤气味|燃气味|天然气味|液化气味|煤气泄[漏露]|燃气泄[漏露]|天然气泄[漏露]|漏气|冒气|煤气中毒|一氧化碳中毒/, type: 'safety_hazard' },
  { re: /触电|落水|掉进(?:河|水|湖|井)|溺水|跳楼|坠楼|轻生|(?:想|要)跳(?:楼|河|江|湖|桥|下去)|(?:楼顶|天台|窗台|窗户外|阳台外|桥上|楼边|边上)[^。！？!?]{0,12}(?:想|要)跳(?!舞|广场|绳|操)|被埋|被困(?!难)|困在电梯|关在电梯|困人|电梯[^。！？，,]{0,6}困(?:了|住)|(?:困|关)(?:了|住)[^。！？，,]{0,8}在(?:电梯)?里(?:面|头)?|(?:里面|下面|底下)有人|砸到人|砸伤|有人受伤/, type: 'safety_hazard' },
  { re: /晕倒|昏倒|昏迷|昏过去|晕过去|不省人事|叫不醒|(?:叫|喊|拍|摇)[^，。,.]{0,4}(?:没反应|不醒)|没了呼吸|没有呼吸|没呼吸|心脏骤停|抽搐|口吐白沫|倒地不起|倒在地上|摔倒.{0,8}(?:起不来|出血|流血|不动)|中风|说不出话|喘不上气|呼吸困难|大出血|流了好多血/, type: 'welfare_service' },
  { re: /打人|殴打|砍人|捅人|行凶|持刀|拿(?:着)?刀|动刀|拿着棍|抢劫|打起来了|动手了|正在打|在打架|打架.{0,6}(?:刀|棍|血)|打架.{0,10}(?:报警|快来)|围着打|围殴|群殴|打群架|流血|家暴|打老婆|打孩子|绑架|劫持|救命/, type: 'public_security' },
];

// Phrases that make a trigger hypothetical or preventive ("万一着火", "防火", "消防演练")
const HYPOTHETICAL = /(?:万一|差点|差一点|险些|如果|要是|假如|一旦|防止|预防|以免|避免|怕|担心|容易|可能会?|会不会|真|演练|演习|培训|宣传|知识|提示)[^，。！？,.!?]{0,6}$/;
const NON_EMERGENCY_CONTEXT = /消防演练|应急演练|演习|防火知识|安全知识|宣传|培训|【通知】|【转发】|^转[:：]|转发[:：]/;

const MAJOR_RULES: RegExp[] = [
  /(?:整个|全|整片|大面积|整栋|好几栋|几栋|全村|全镇|片区).{0,6}(?:停电|停水|停气|断电|断水|停暖|不热|没电|没水)/,
  /(?:停电|停水|停气|断电|断水).{0,8}(?:[两三四五六七八九十几多]天|一天一夜|一整天|整整一天|[0-9]+天)/,
  /(?:几|上|数|好几)(?:十|百|千|万)(?:户|人|个人|名|家)|[0-9]{2,}(?:户|人|名)(?!民币)|上万人|[一二两三四五六七八九几]百多?(?:个|名|户|人)|大批|大量(?:居民|住户|群众)|十几个人|几十个人|很多人(?:受伤|中毒|被困)/,
  /(?:墙体|楼体|房子|外墙|围墙|楼|地基|路面|桥|地面|墙|房屋).{0,6}(?:大?裂缝|开裂|裂开|倾斜|下沉|沉降|塌陷|坍塌|垮塌|冲垮|倒塌)/,
  /集体(?:上访|中毒|讨薪)|聚集|群体性|上吐下泻|食物中毒/,
];

function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    if (!HYPOTHETICAL.test(before)) return m;
    if (m[0].length === 0) g.lastIndex++;
  }
  return null;
}

/** Detect the level of a message from rules alone (the model never lowers it). */
export function detectLevel(text: string): LevelDetection {
  const t = typeof text === 'string' ? text.normalize('NFKC') : '';
  const reasons: string[] = [];
  let suggestedType: string | undefined;
  if (!NON_EMERGENCY_CONTEXT.test(t)) {
    for (const rule of EMERGENCY_RULES) {
      const m = firstMatch(rule.re, t);
      if (m) {
        reasons.push(m[0]);
        suggestedType ??= rule.type;
      }
    }
  }
  if (reasons.length > 0) return { level: 'emergency', reasons, ...(suggestedType ? { suggestedType } : {}) };
  for (const re of MAJOR_RULES) {
    const m = firstMatch(re, t);
    if (m) reasons.push(m[0]);
  }
  if (reasons.length > 0) return { level: 'major', reasons };
  return { level: 'routine', reasons };
}

const ACK_WORDS =
  /^(?:收到|好的?|好滴|好嘞|好吧|谢谢|多谢|谢了|感谢|辛苦(?:了|啦)?|ok|okay|嗯+|哦+|噢+|哈+|呵+|嘿+|早|早安|早上好|上午好|中午好|下午好|晚上好|晚安|好梦|知道了|明白|了解|已阅|已读|已收到|已报名|已填|已交|已完成|已签字|已转发|同意|赞|顶|支持|\+1|1|thx|thanks|thank you|对|是的|没问题|可以|行|大家|各位|您|你们|社区|物业|网格员|老师|[!！。.~～,，、\s])+$/iu;
const PLACEHOLDER = /^(?:\[(?:图片|视频|表情|语音|动画表情|文件|链接|位置|红包|强|握手|玫瑰|微笑|OK|拳头|抱拳)\][\s\S]{0,20}|\s)+$/u;

/** Text with emoji, pictographs, punctuation and whitespace removed. */
export function stripSymbols(text: string): string {
  return text.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Emoji_Component}\u200d\ufe0f\p{P}\p{S}\s]/gu, '').replace(/[0-9#*]/g, (d) => d);
}

/**
 * Messages that are obviously not cases: empty, only emoji/punctuation, placeholders such as
 * "[图片]", or short acknowledgements ("收到", "好的谢谢", "👍").
 */
export function isTrivialChatter(text: string): boolean {
  if (typeof text !== 'string') return true;
  const t = text.normalize('NFKC').trim();
  if (t.length === 0) return true;
  if (stripSymbols(t).length === 0) return true;
  if (PLACEHOLDER.test(t)) return true;
  const noEmoji = t.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f]/gu, '').trim();
  if (noEmoji.length <= 16 && ACK_WORDS.test(noEmoji)) return true;
  return false;
}

const CN_NUM = '零〇一二两三四五六七八九十百';

/** Location hints as written: building (栋/号楼/幢/座), unit (单元), street (路/街/巷/道), landmark. */
export function extractLocation(text: string): LocationHints {
  const t = typeof text === 'string' ? text.normalize('NFKC') : '';
  const out: LocationHints = {};
  const b = new RegExp(`([A-Za-z]?[0-9]{1,4}|[${CN_NUM}]{1,4})\\s*(号楼|栋|幢|座|号院|期)`).exec(t);
  if (b) out.building = `${b[1]}${b[2]}`;
  else {
    const b2 = /([0-9]{1,3})\s*号(?=[0-9]{3,4}|的|楼下|门口|旁边|后面|前面)/.exec(t);
    if (b2) out.building = `${b2[1]}号`;
  }
  const u = new RegExp(`([0-9]{1,2}|[${CN_NUM}]{1,3})\\s*单元`).exec(t);
  if (u) out.unit = `${u[1]}单元`;
  const streetRe = /([\u4e00-\u9fa5A-Za-z0-9]{1,8}?(?:大道|大街|路|街|巷|胡同|弄))(?:[0-9]{1,5}号)?/g;
  const BAD_STREET =
    /(?:马路|走路|道路|出路|过路|让路|修路|堵路|挡路|上路|一路|这条路|那条路|条路|水路|电路|线路|管路|回家路|小路|段路|大路|路路|半路|街坊|逛街|上街|沿街|临街|满街|整条街|一条街|扫街|炸街|当街|街上|弄堂|弄坏|弄好|弄脏|弄丢|弄得|弄了|弄一下|在弄|怎么弄|搞弄)$/;
  let m: RegExpExecArray | null;
  while ((m = streetRe.exec(t)) !== null) {
    let name = m[1]!;
    // trim leading function words / admin prefixes (…区, 在, 住在 …)
    name = name.replace(/^.*(?:[市区县镇乡村]|在|住|到|往|从|是|的|和|与|对面|旁边)(?=[\u4e00-\u9fa5A-Za-z0-9]{2,})/, '');
    if (name.length < 2 || BAD_STREET.test(name) || /^[路街巷弄]/.test(name)) continue;
    if (/路[口边面灯上]$/.test(t.slice(m.index, m.index + m[0].length + 1))) continue;
    out.street = m[0].slice(m[1]!.length - name.length);
    break;
  }
  const lm =
    /(?:[\u4e00-\u9fa5A-Za-z0-9]{0,4}?)(?:[东西南北]门|小区(?:门口|[东西南北]门|大门)?|公园|菜市场|农贸市场|菜场|超市|商场|广场|学校|小学|中学|幼儿园|医院|卫生院|地铁站|地铁口|公交站|火车站|车站|停车场|地下车库|车库|地下室|活动中心|服务中心|垃圾站|垃圾房|门卫室|岗亭|大门口|门口)/u;
  const l = lm.exec(t);
  if (l) {
    let s = l[0].replace(/^(?:我们|我家|我|你们|他们|这个|那个|这|那|在|到|的|了|是|去|往|从|楼下|对面|旁边|附近|每天|天天|晚上|早上|一到)+/u, '');
    if (s.length === 0) s = l[0];
    out.landmark = s;
  }
  return out;
}

/** One line of Chinese: the cleaned first sentence, personal data masked, at most `max` chars. */
export function summarize(text: string, max = 60): string {
  if (typeof text !== 'string') return '';
  let t = text;
  t = t.replace(/\[(?:图片|视频|表情|语音|动画表情|文件|链接|位置|强|握手|玫瑰|微笑)\]/g, ' ');
  t = t.replace(/@\S+\s?/g, ' ');
  t = t.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f]/gu, '');
  t = t.replace(/https?:\/\/\S+/g, '');
  t = t.replace(/([!！?？。~～.,，])\1+/g, '$1');
  t = t.replace(/\s+/g, ' ').trim();
  t = maskPersonalData(t);
  const parts = t.split(/(?<=[。！？!?；;\n])/);
  let s = '';
  for (const p of parts) {
    s += p;
    if (Array.from(s.trim()).length >= 8) break;
  }
  s = s.trim().replace(/[。！？!?；;,，、\s]+$/u, '');
  const chars = Array.from(s);
  if (chars.length > max) s = `${chars.slice(0, max - 1).join('')}…`;
  return s;
}
