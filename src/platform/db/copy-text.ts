import type { Cell } from './types.ts';

// PostgreSQL COPY text format: tab-separated, `\N` for NULL, backslash escapes for
// backslash, newline, carriage return and tab (PostgreSQL docs, "COPY", Text Format).
const needsEscape = /[\\\n\r\t]/;

function escapeText(s: string): string {
  if (!needsEscape.test(s)) return s;
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out;
}

export function encodeCopyCell(v: Cell): string {
  if (v === null || v === undefined) return '\\N';
  switch (typeof v) {
    case 'string':
      return escapeText(v);
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v instanceof Date) return v.toISOString();
      return escapeText(JSON.stringify(v));
  }
}

/** Encode rows as one COPY text payload. */
export function encodeCopyRows(rows: readonly (readonly Cell[])[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as readonly Cell[];
    let line = '';
    for (let j = 0; j < row.length; j++) {
      if (j > 0) line += '\t';
      line += encodeCopyCell(row[j]);
    }
    lines[i] = line;
  }
  return lines.join('\n') + '\n';
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/** Table and column names in COPY come from code, never from input; still, refuse anything odd. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!identifier.test(name)) throw new Error(`copyFrom: bad identifier ${JSON.stringify(name)}`);
  }
  return `COPY ${table} (${columns.join(', ')}) FROM ${source}`;
}
