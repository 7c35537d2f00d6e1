/**
 * Minimal RFC 4180 CSV parsing (quoted fields, doubled quotes, embedded newlines). Pure.
 */

export function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let inQuotes = false;
  const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) {
      inQuotes = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (c === '\r' && s[i + 1] === '\n') i++;
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export interface IdLabelText {
  id: string;
  label: string;
  text: string;
}

/** Parse a CSV with a header containing `label` and `text` (and optionally `id`) columns. */
export function parseLabelledCsv(input: string): IdLabelText[] {
  const rows = parseCsv(input);
  if (rows.length === 0) return [];
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const li = header.indexOf('label');
  const ti = header.indexOf('text');
  const ii = header.indexOf('id');
  if (li < 0 || ti < 0) throw new Error('CSV header must contain "label" and "text" columns');
  return rows.slice(1).map((r, n) => ({
    id: ii >= 0 ? (r[ii] ?? String(n + 1)) : String(n + 1),
    label: (r[li] ?? '').trim(),
    text: r[ti] ?? '',
  }));
}
