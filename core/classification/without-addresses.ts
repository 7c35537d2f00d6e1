/**
 * A message with its house numbers taken out, for the emergency model: where something happens
 * says nothing about whether it is an emergency, but emergencies in the examples give their
 * address more often than other messages do, so a model that saw the numbers learnt that
 * "7栋1101" alone is an emergency (p 0.98). Runs of digits (with their -/栋/单元/室… parts) are
 * replaced by a space; the emergency numbers 110, 119, 120 and 122 stay, and so do numbers of
 * time, age and size (10分钟, 5岁, 2米).
 */
const ADDRESS = /(?<![0-9])[0-9]+(?:\s*(?:[-—－#~/\\.、]|号楼|号院|栋|幢|座|单元|楼|层|室|户|号|期|区|门)\s*[0-9]*)*/g;
const KEEP = /^(?:110|119|120|122)$/;
const MEASURE = /^\s*(?:多|几)?(?:分钟|分|秒|个?小时|天|岁|个?月|米|公分|厘米|度|公里|斤|个人|人)/;

export function withoutAddresses(text: string): string {
  const t = text.normalize('NFKC');
  return t.replace(ADDRESS, (m: string, at: number) => (KEEP.test(m) || (/^[0-9]+$/.test(m) && MEASURE.test(t.slice(at + m.length, at + m.length + 4))) ? m : ' '));
}
