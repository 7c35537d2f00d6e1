/**
 * When to send a notice: "现在", or a wall-clock time in the configured time zone
 * (Asia/Shanghai by default): "明天 9:00", "今天下午3点半", "11月23日 9:00", "2026-11-23 09:00".
 * Pure: `now` is passed in.
 */
import { formatWallClock, fromWallClock, wallClock, type WallClock } from '../time/wall-clock.js';

export type SendTime = { kind: 'now' } | { kind: 'at'; at: Date };
export type SendTimeResult = SendTime | { kind: 'error'; message: string };

export { formatWallClock, fromWallClock, wallClock } from '../time/wall-clock.js';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
/** How far ahead a notice may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3600 * 1000;

type Wall = WallClock;


const NOW_WORDS = /^(?:现在|立即|立刻|马上|即刻|现在发送|立即发送|马上发送|now)$/i;
// (上午|下午…)? H (:MM | 点 (MM分? | 半)? | 时 (MM分?)?)
const TIME = String.raw`(上午|早上|早晨|中午|下午|傍晚|晚上|凌晨)?\s*(\d{1,2})\s*(?:[:：]\s*(\d{1,2})|[点时]\s*(?:(半)|(\d{1,2})\s*分?)?)`;
const RELATIVE = new RegExp(`^(今天|今日|明天|明日|后天)?\\s*${TIME}$`);
const ABSOLUTE = new RegExp(String.raw`^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*` + TIME + '$');

function hourOf(period: string | undefined, h: number): number | null {
  if (h > 23) return null;
  if (!period) return h;
  if (period === '下午' || period === '傍晚' || period === '晚上') return h < 12 ? h + 12 : h;
  if (period === '中午') return h < 3 ? h + 12 : h;
  if (period === '凌晨' || period === '上午' || period === '早上' || period === '早晨') return h === 12 ? 0 : h;
  return h;
}

function addDays(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const ERR_FORMAT = '没看懂这个时间。请回复「现在」，或如「明天 9:00」「2026-11-23 09:00」（北京时间）。';

export function parseSendTime(raw: string, now: Date, tz = DEFAULT_TIMEZONE): SendTimeResult {
  const text = raw
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, ' ');
  if (NOW_WORDS.test(text)) return { kind: 'now' };
  const today = wallClock(now, tz);
  let wall: Wall | null = null;
  let rollIfPast = false;
  let m = RELATIVE.exec(text);
  if (m) {
    const hour = hourOf(m[2], Number(m[3]));
    const minute = m[4] !== undefined ? Number(m[4]) : m[5] ? 30 : m[6] !== undefined ? Number(m[6]) : 0;
    if (hour === null || minute > 59) return { kind: 'error', message: ERR_FORMAT };
    const offset = m[1] === '明天' || m[1] === '明日' ? 1 : m[1] === '后天' ? 2 : 0;
    rollIfPast = !m[1];
    wall = { ...addDays(today, offset), hour, minute };
  } else if ((m = ABSOLUTE.exec(text))) {
    const hour = hourOf(m[4], Number(m[5]));
    const minute = m[6] !== undefined ? Number(m[6]) : m[7] ? 30 : m[8] !== undefined ? Number(m[8]) : 0;
    if (hour === null || minute > 59) return { kind: 'error', message: ERR_FORMAT };
    wall = { year: m[1] ? Number(m[1]) : today.year, month: Number(m[2]), day: Number(m[3]), hour, minute };
  }
  if (!wall) return { kind: 'error', message: ERR_FORMAT };
  let at = fromWallClock(wall, tz);
  if (!at) return { kind: 'error', message: '没有这个日期，请检查后重新输入。' };
  // A bare time already past today means the same time tomorrow.
  if (rollIfPast && at.getTime() <= now.getTime()) at = fromWallClock({ ...addDays(wall, 1) }, tz)!;
  if (at.getTime() <= now.getTime()) return { kind: 'error', message: `${formatWallClock(at, tz)} 已经过去了，请给一个将来的时间，或回复「现在」。` };
  if (at.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) return { kind: 'error', message: '最多只能提前一年定时发送。' };
  return { kind: 'at', at };
}
