/**
 * Rules that must hold whatever the trained model says: emergency / major level detection,
 * trivial chatter, location hints and the one-line summary. Pure.
 */
import type { CaseLevel, LocationHints } from './types.js';
import { maskPersonalData } from './mask-personal-data.js';
import { EMERGENCY_RULES, MAJOR_RULES } from './emergency-words.js';
import { ruleText } from './rule-text.js';
import { withoutPlaceholders } from './placeholders.js';

export interface LevelDetection {
  level: CaseLevel;
  /** The phrases that triggered the level. */
  reasons: string[];
  /** A taxonomy code suggested by the emergency kind (fire/gas → safety_hazard …), if any. */
  suggestedType?: string;
  /**
   * Emergency words the context made harmless (hypothetical, past, heard of elsewhere, every
   * day, a figure of speech): a model that knows the words but not the context should not
   * raise the message either.
   */
  suppressed?: string[];
  /** A notice, drill or safety lesson (reposted or announced): nothing it mentions is happening. */
  notice?: true;
  /**
   * The emergency words are in a story: something over (上周, 昨晚 with nothing going on), heard
   * of elsewhere, a false alarm explained, a joke or a dream. Such messages are mostly chatter.
   */
  told?: true;
  /**
   * A standing problem ("快一个星期了", "天天", "从来不拴绳") with nothing said to happen now:
   * no emergency words stood, and a model should not raise it either.
   */
  standing?: true;
}

/** One regular expression matching any of `parts` (kept apart in the source to be read and extended). */
function anyOf(parts: readonly RegExp[], flags = ''): RegExp {
  return new RegExp(parts.map((p) => `(?:${p.source})`).join('|'), flags);
}

// Phrases that make a trigger hypothetical or preventive ("万一着火", "防火", "消防演练"), or
// a figure of speech ("热得要晕倒了")
const HYPOTHETICAL = /(?:[风雨雪]一大|一刮风|\b(?:nearly|almost|if|in case|what if|would|could)\b|万一|哪天|这要|再[^，。！？,.!?]{0,4}?不|迟早|早晚|总有一天|肯定会?有|指不定|说不定|保不齐|以为|差点|差一点|险些|如果|要是|假如|一旦|防止|预防|以免|避免|怕|担心|容易|可能会?|会不会|真|演练|演习|培训|宣传|知识|提示|都快|快要|(?:(?:热|累|困|饿|气|嬲|笑|吓|烦|吵|晒|忙|转|挤|闷|辣|烫)[得到]|(?:看|听)得)(?:我|人)?(?:头都|都)?(?:要|快)?)[^，。！？,.!?]{0,6}$/;
// "血压都要爆炸了", "嘴里着火": a body part right before the trigger; "热煞了，人要烧起来了",
// "馋得快晕倒", "吵疯了想跳楼", "简直爆炸": hyperbole right before it
const FIGURATIVE_BODY = /(?:(?:被[^，。！？,]{0,8}|把我)气|KPI|kpi|业绩|绩效|进度|ddl|DDL|整个人|血压|心态|脑子|脑袋|(?<![老光码枕石砖骨丫里外上前后街楼路个锄龙屋地山村桥床车船墙田炕灶门钟])头|肺|嘴里|嘴巴|嗓子|喉咙|(?:^|[，,\s])人(?=[都也])|(?:热|晒)(?:煞|死|疯|坏)了?[，,！!\s]*人|(?:馋|饿|热|累|困|笑|乐|美|激动|感动|晒|催|逼)得[^，。！？,]{0,3}|(?:吵|气|烦|逼|急|闹|折磨)(?:疯|死)了?|简直)[都也]?(?:要|快)?$/;
// "梦见咱楼着火了"
const DREAM = /(?:梦见|梦到|做梦|梦里)[^，。！？,.!?]{0,6}$/;
// "像着火一样", "跟打仗似的"
const SIMILE_AFTER = /^[^，。！？,.!?]{0,4}(?:一样|似的|一般)/;
// "着火了怎么办", "着火了谁跑得掉": a question about what could happen
const RHETORICAL_AFTER = /^了?[^，。！？,.!?]{0,2}(?:怎么办|咋办|咋整|谁(?:跑得掉|负责|管|来管|担得起))/;
// "上周…叫了救护车", "去年这里着过火": the trigger is in a clause about the past, with nothing
// about now ("今天", "现在", "又") between the time word and the trigger
const PAST = /(?:\blast (?:week|month|year|night|time)\b|\byesterday\b|\b(?:weeks?|months?|years?) ago\b|前几天|前两天|前些天|上周|上星期|上礼拜|上个(?:月|星期|礼拜)|上回|以前|从前|早些年|小时候|想当年|当年|那年|那一年|上次|去年|前年|前阵子|前段时间|那次|当时|[一二两三四五六七八九十几]+(?:年|个月)前)[^。！？!?]{0,40}$/;
const NOW = /今天|今晚|今早|现在|正在|还在|刚才|刚刚|又|马上|快/;
// "听说隔壁小区着火了", "看新闻没？隔壁区…": news from elsewhere, unless the message calls for help
const HEARSAY = /(?:听说|据说|新闻(?:上|里)?(?:说|报道)?|网上(?:说|传)|网传|看到新闻|看(?:了)?新闻|隔壁(?:区|市|县|镇|省)|别的(?:小区|地方|城市)|其他小区|朋友圈(?:说|传|里)|刷到|刷(?:抖音|快手|视频)|抖音上|快手上|视频(?:里|上)说|电视上(?:说|播|放))[^。！？!?]{0,30}$/;
// "工地那边挡土墙塌了，听说有工人被埋在下面": only 听说 (no news, no other place) about a place
// here is the writer's neighbourhood now, not news from elsewhere
const HEARD_HERE = /^(?![^。！？!?]*(?:新闻|网上|网传|隔壁(?:区|市|县|镇|省)|别的|其他小区|朋友圈|刷到|抖音|快手|视频|电视|外地|老家|城里))[^。！？!?]*(?:那边|这边|楼下|楼上|门口|对面|(?:咱们|我们)(?:小区|楼|院|单元|村|这)|[0-9一二三四五六七八九十]+\s*(?:栋|号楼|单元|座)|工地)/;
// "电视剧里演的那种煤气爆炸": fiction, however urgent the rest sounds ("我赶紧去检查了阀门")
const FICTION = /(?:电视剧|剧里|电视里|电影里?|看电视|小说里|游戏里|综艺|打游戏|王者|吃鸡|和平精英|开黑|排位|密室逃脱|密室|剧本杀|鬼屋|玩[^，。！？!?]{0,6}游戏|过家家)[^。！？!?]{0,30}$/;
const URGENT = /快来|赶紧|快去|快叫|快打|救命|现在|正在|还在|不接电话|电话(?:也)?(?:不接|打不通)|联系不上/;
const HABITUAL = /(?:天天|每天|经常|老是|总是|成天|整天|一到[^，。！？]{0,4}就)[^，。！？,.!?]{0,4}$/;
// "化工厂那边排黑烟 天天这样": the same said after the trigger
const HABITUAL_AFTER = /^[^。！？!?]{0,4}(?:天天|每天|每晚|经常|老是)都?(?:这样|如此)/;
// "没打人", "没着火": the trigger denied; "别砸到人": warned against
const NEGATED = /(?:别|不要|免得|没|没有|没再|并没|也没|倒是?没|不是要|不是在|终于不|已经不|再也不)$/;
// "跳楼的新闻", "困人那个事": talk about a story, not a call for help
const STORY_AFTER = /^[^，。！？,!?]{0,4}(?:的|那个|这个|那件|这件|那)(?:新闻|视频|报道|消息|事情?|事儿)/;
// "昨晚闻到煤气味，今天没了": yesterday's trigger, over unless the message says it goes on
const RECENT_PAST = /(?:昨天|昨晚|昨黑|昨儿黑|昨儿|昨夜|前天|前晚|大前天|前儿个?|前个儿)[^，。！？,!?]{0,20}$/;
const GOES_ON = /今天|今晚|今早|现在|正在|还在|刚才|刚刚|马上|开始|起|一直|到现在|至今/;
const STILL_AFTER = /现在|还在|还有|还是有|一直(?!没(?:有)?人)|越来越|到现在|至今|仍|依然|又(?!没)|刚刚|刚才|快来|赶紧|救命/;
// How long a problem has lasted, or how often it comes back; and words for now
const STANDING = /(?:一个|几个|两个|好几个|半个)?(?:星期|礼拜|月)了|好几天了|[几两三四五六七八九十]+天了|天天|老是|从来|经常|总是|每天|一直都/;
const NOWISH = /现在|正在|刚才|刚刚|快来|赶紧|快点|救命|马上|已经[^，。！？]{0,4}(?:分钟|小时)/;
// "救命…煤气好大的味 怎么办": a question asked in the middle of it, not a what-if
const CRY_FOR_HELP = /救命|救救/;
// A call for help now, which no story, joke or all-clear elsewhere in the message undoes (not 救命
// alone: "救命，电费又涨了" is a figure of speech)
const CALL_FOR_HELP = /快来|赶紧(?!拿走|搬走|清|收拾|处理|修)|快去|快叫|快打|还有人|还在里面|正在/;
// The whole message says it was nothing, or is over: a false alarm, a rumour denied, a harmless cause, laughter
const ALL_CLEAR = anyOf([
  // a false alarm, a mistake, a rumour denied, somewhere else
  /虚惊|吓到大家|不是(?:我们|咱们)(?:这边|这里|小区|楼|院)|大家不用(?:担心|紧张|慌)|后来[^。！？]{0,4}(?:查了|怎么样|咋样|处理了)|(?:找了半天|翻了一圈|查了半天)[^。]{0,16}(?:是|发现)|别以为(?:是)?(?:着火|起火|失火|煤气|出事)|白紧张|看错了|搞错了|弄错了|辟谣|是假的|谣言|(?<!是)(?:不是|并非)(?:煤气|燃气|着火|火灾|起火|爆炸|枪声)|别传谣|不要传谣|不信谣|(?:是|在)(?:别的|外地|其他)(?:城市|地方|省|市|县|小区)|不是咱(?:这|们这|小区)|\bfalse alarm\b|\bturned out\b|不用报警/,
  // a harmless cause found (a game, cooking, a drill, a rehearsal), a figure of speech
  /一看(?:原来)?是[^。！？]{0,8}(?:忘带|忘了|在玩|游戏|猫|狗|风|他爸|我爸|邻居|快递)|(?:一看|原来)是[^。！？]{0,6}游戏|在玩游戏|原来是[^。！？]{0,10}在?玩|(?:原来|其实|只是|就是|(?<!不)是)[^。！？!?]{0,10}(?:垃圾|馊|发酵|臭鸡蛋|炒辣椒|炒菜|熬(?:中)?药|煎药|烧艾|艾灸|烧烤|烤串|撸串|烤肉|熏肉|熏腊肉|鞭炮|放炮|礼炮|比赛|龙舟|烟花|烧纸|烧香|上香|做饭|炖汤|熬汤|烧干|炸酥肉|炸丸子|炸串|炸油条|置换|换管道|放散|检修|试气|演练|演习|排练|测试|年检|调试|试机|拍(?:戏|电影|视频))|糊锅|锅糊了|(?:炖|煮|烧|做)[^，。！？]{0,4}糊了|(?:练习|演示|试)(?:用|使用)?灭火器|(?:电视剧|电影|剧)里(?:演|放)的|排队排到|爽(?:到|得)飞起|(?:基金|股票|股市|币)[^，。！？]{0,3}炸了|镬气|晕针|气得我?(?:血压|肺)/,
  // over and handled: out, home, found, taken to hospital, the valve shut, no one hurt
  /就出来了|(?:钟|一会儿?)[^，。！？]{0,2}才(?:开|出来)|我(?:先|在)?陪着(?:她|他)|(?:她|他)(?:现在)?在我(?:这|家|店里)|(?:现在|已经)(?:已经)?(?:回家|出院)了|出院(?:回来|回家)了|没(?:什么|啥)?大事|(?:一会儿?|一下)就好了|已经(?:被)?放?出来了|(?:已经|现在)没(?:有)?(?:味|味道|气味)了|已经扔了|已经拔(?:掉)?了|(?:被我|我)?拦住了|钱没转|没转成|已经(?:被)?控制住|(?:阀门?|总阀|水闸)[^，。！？]{0,3}已经关(?:了|掉了|上了|好了)(?![^。]{0,12}(?:还是|还|仍然)[^，。！？]{0,4}(?:很|好|特别|太)?(?:大|重|浓|冲|响|漏))|已经关(?:了|掉了|上了)?(?:总阀|阀门)|已经(?:灭了|扑灭|处理好|没事)|处置完毕|处理完毕|已(?:妥善)?处置|人(?:已经)?没事了|已经(?:被)?送(?:去|到)?(?:医院|医)|送医了|(?:救护车|120|消防车?|警察)[^，。！？]{0,4}已经[^，。！？]{0,2}(?:拉走|接走|抬走|带走|走了)|已经(?:被)?(?:救出来|救上来|抬走|拉走|接走)了|已经找到了|找到(?:家长|妈妈|爸爸|父母|家人|家里人)了|(?:家长|家人|家里人|妈妈|爸爸)[^，。！？]{0,4}(?:接走|领走|领回去|接回去|找来)了|没事没事|劝下来了|救下来了|被劝下|缓过来了|脱离危险|(?:家属|家人)[^，。！？]{0,4}接回去了|谢谢[^。！？!?]{0,12}(?:帮忙|帮着|救|灭火|送医)|(?<!暂时|暂时还|还)没事了|(?:分钟|小时|半天)[^，。！？]{0,4}才(?:来|到)|没(?:有)?(?:泄漏|泄露|漏气)|(?:看了|查了|问了|看过了|查过了|检查了|检查过了)[^。！？!?]{0,12}(?:没事|没问题|没有问题)|\ball (?:fine|good|ok)\b|\bjust a drill\b|\b(?:only|just) (?:a )?test(?:ing)?\b/,
  // play and laughter
  /假装|过家家|开玩笑的|别当真|(?:陪|跟)[^，。！？]{0,4}演|笑死|哈哈|hhh|😂|🤣|\blol\b|\bhaha/,
], 'i');
const NON_EMERGENCY_CONTEXT = /^提醒|^[^。]{0,6}通报[:：]|(?:季度|月度|年度|本月|上月|本周|上周)[^。]{0,8}(?:共|累计)(?:接报|受理|处置|发生)|^转发(?![^，。：:]{0,6}(?:居民|邻居|业主|住户|阿姨|大爷|大妈|语音|求助))|提醒[:：]|讲座|提醒(?:一下)?大家|(?<!不是)(?:演练|演习)|小课堂|安全课|口诀|小贴士|健康知识|防火知识|安全知识|小知识|科普|温馨提示|安全提示|宣传|培训|【通知】|【转发】|^转[:：]|转发[:：]/;

// A repost that says people are leaving a building right now is about an emergency under way,
// whatever its header; so is a notice with "另外刚才…" after it
const UNDER_WAY_IN_NOTICE = /正在(?:往外|往楼下|往下)?(?:撤|疏散|撤离)|另外[^。]{0,6}(?:刚才|刚刚|现在|头先)/;

const GLOBAL = new WeakMap<RegExp, RegExp>();
/** `re` with the g flag, compiled once (firstMatch walks every match). */
function globalOf(re: RegExp): RegExp {
  let g = GLOBAL.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    GLOBAL.set(re, g);
  }
  return g;
}

interface MatchContext {
  /** A trigger that happens every day is routine (see LevelRule.habitualIsRoutine). */
  habitualIsRoutine?: boolean;
  /** The message says it was nothing (ALL_CLEAR): no trigger stands. */
  allClear?: boolean;
  /** Receives the first match when none stands, and whether it was in a story. */
  seen?: (m: RegExpExecArray, told: boolean) => void;
}

/**
 * The first match of `re` that its context leaves standing, or null; `seen` receives the first
 * match of all when none stands (a trigger the context made harmless).
 */
function firstMatch(re: RegExp, text: string, { habitualIsRoutine = false, allClear = false, seen }: MatchContext = {}): RegExpExecArray | null {
  const g = globalOf(re);
  g.lastIndex = 0;
  let m: RegExpExecArray | null;
  let first: RegExpExecArray | null = null;
  let firstTold = false;
  while ((m = g.exec(text)) !== null) {
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 8);
    const clause = text.slice(Math.max(0, m.index - 40), m.index);
    // a story: over, elsewhere, a false alarm, a dream
    const told =
      allClear ||
      DREAM.test(before) ||
      (STORY_AFTER.test(after) && !CALL_FOR_HELP.test(text)) ||
      isPast(clause) ||
      isOverSinceYesterday(clause, text.slice(m.index + m[0].length)) ||
      (HEARSAY.test(clause) && !URGENT.test(text) && !HEARD_HERE.test(clause)) ||
      FICTION.test(clause);
    const harmless =
      told ||
      HYPOTHETICAL.test(before) ||
      FIGURATIVE_BODY.test(before) ||
      NEGATED.test(before) ||
      (SIMILE_AFTER.test(after) && /[像跟如]/.test(before)) ||
      (RHETORICAL_AFTER.test(after) && !CRY_FOR_HELP.test(text)) ||
      (habitualIsRoutine && (HABITUAL.test(before) || HABITUAL_AFTER.test(after)));
    if (!harmless) return m;
    if (!first) {
      first = m;
      firstTold = told;
    }
    if (m[0].length === 0) g.lastIndex++;
  }
  if (first && seen) seen(first, firstTold);
  return null;
}

/** The clause before a trigger speaks of the past, and nothing in between of now. */
function isPast(clause: string): boolean {
  const m = PAST.exec(clause);
  return m !== null && !NOW.test(clause.slice(m.index));
}

/** A trigger after "昨天/昨晚…" with nothing in between or after saying it goes on. */
function isOverSinceYesterday(clause: string, rest: string): boolean {
  const m = RECENT_PAST.exec(clause);
  return m !== null && !GOES_ON.test(clause.slice(m.index)) && !STILL_AFTER.test(rest);
}

// Words that ask someone to act ("能不能管管", "怎么办", a question)
const ASKS = /请|麻烦|能不能|能否|能[^，。！？]{0,8}吗|@(?:网格员|社区|物业|居委)|可不可以|可以[^，。！？]{0,6}吗|要不要|管管|管一管|处理|解决|投诉|反映|报修|查查|查一下|看看|检查|来人|怎么办|谁管|有人管|建议|希望|[？?]/;

// "【转发】…", "【物业提醒】…", "转：…": a notice passed on, not the writer's own report (but
// "【求助】", "【投诉】", "【报修】" are requests)
const REPOST = /^\s*(?:【(?![^】]*(?:求助|投诉|报修|紧急|急|反映|举报|救))[^】]{1,12}】|\[转发?\]|转发?[:：])/;

/** A notice or message passed on from elsewhere (a 【…】 header, 转发：), not a report of the writer's own. */
export function isRepost(text: string): boolean {
  return typeof text === 'string' && REPOST.test(text);
}

/** The message asks someone to do something (a request, a complaint to be handled, a question). */
export function asksForAction(text: string): boolean {
  return typeof text === 'string' && ASKS.test(text);
}

/** Detect the level of a message from rules alone (the model never lowers it). */
export function detectLevel(text: string): LevelDetection {
  const t = typeof text === 'string' ? ruleText(text) : '';
  const reasons: string[] = [];
  let suggestedType: string | undefined;
  const suppressed: string[] = [];
  let told = false;
  const notice = NON_EMERGENCY_CONTEXT.test(t) && !UNDER_WAY_IN_NOTICE.test(t);
  if (!notice) {
    const allClear = ALL_CLEAR.test(t) && !CALL_FOR_HELP.test(t);
    for (const rule of EMERGENCY_RULES) {
      const m = firstMatch(rule.re, t, {
        habitualIsRoutine: rule.habitualIsRoutine,
        allClear,
        seen: (raw, isTold) => {
          suppressed.push(raw[0]);
          told ||= isTold;
        },
      });
      if (m) {
        reasons.push(m[0]);
        suggestedType ??= rule.type;
      }
    }
  }
  if (reasons.length > 0) return { level: 'emergency', reasons, ...(suggestedType ? { suggestedType } : {}) };
  const standing = STANDING.test(t) && !NOWISH.test(t);
  const quiet = {
    ...(suppressed.length > 0 ? { suppressed } : {}),
    ...(notice ? { notice } : {}),
    ...(told ? { told: true as const } : {}),
    ...(standing ? { standing: true as const } : {}),
  };
  for (const re of MAJOR_RULES) {
    const m = firstMatch(re, t);
    if (m) reasons.push(m[0]);
  }
  if (reasons.length > 0) return { level: 'major', reasons, ...quiet };
  return { level: 'routine', reasons, ...quiet };
}

const ACK_WORDS =
  /^(?:收到|在吗|在不在|在么|在嘛|有人吗|有人在吗|好的?|好滴|好嘞|好吧|谢谢|多谢|谢了|感谢|辛苦(?:了|啦)?|ok|okay|嗯+|哦+|噢+|哈+|呵+|嘿+|早|早安|早上好|上午好|中午好|下午好|晚上好|晚安|好梦|知道了|明白|了解|已阅|已读|已收到|已报名|已填|已交|已完成|已签字|已转发|同意|赞|顶|支持|\+1|1|thx|thanks|thank you|对|是的|没问题|可以|行|大家|各位|您|你们|社区|物业|网格员|老师|[!！。.~～,，、?？\s])+$/iu;

/**
 * Text with emoji, pictographs, punctuation and whitespace removed; the ASCII digits, # and * go
 * too, as Unicode counts them among the emoji components (the keycaps 1️⃣, #️⃣).
 */
export function stripSymbols(text: string): string {
  return text.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Emoji_Component}\u200d\ufe0f\p{P}\p{S}\s]/gu, '');
}

/**
 * Messages that are obviously not cases: empty, only emoji/punctuation, placeholders such as
 * "[图片]" (alone or with an acknowledgement: "[强][强] 收到"), or short acknowledgements
 * ("收到", "好的谢谢", "👍"). A placeholder beside words ("车窗被砸了[图片]") is the words'.
 */
export function isTrivialChatter(text: string): boolean {
  if (typeof text !== 'string') return true;
  const t = withoutPlaceholders(text.normalize('NFKC')).trim();
  if (t.length === 0) return true;
  if (stripSymbols(t).length === 0) return true;
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
  t = withoutPlaceholders(t);
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
