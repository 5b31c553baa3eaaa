// Cell checks against a data item's type, and type inference over a whole column. Accepted values
// are normalised to the text PostgreSQL casts without error, so the final upsert cannot fail on a row.
import { isValidResidentId, isValidUscc, parseDivisionCode, parseResidentId, parseUscc } from '../../kernel/ids/index.ts';
import type { DataItem } from '../catalog/index.ts';

export type ItemType = DataItem['type'];

const integer = /^[+-]?\d{1,18}$/;
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const dateShape = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const datetimeShape = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const truthy = new Set(['true', 't', '1', 'yes', 'y', '是']);
const falsy = new Set(['false', 'f', '0', 'no', 'n', '否']);

const pad = (n: string) => n.padStart(2, '0');
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The ISO date when y-m-d is a real calendar day from year 1 (PostgreSQL has no year 0), else null. */
function realDate(y: string, m: string, d: string): string | null {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (MONTH_DAYS[month - 1] ?? 0) + (leap ? 1 : 0)) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** The value as PostgreSQL text for the item's column, or why it is not acceptable. */
export function checkCell(type: ItemType, raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const v = raw.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: raw };
    case 'integer':
      return integer.test(v) ? { ok: true, value: v } : { ok: false, reason: `not a whole number: ${JSON.stringify(raw)}` };
    case 'decimal': {
      const n = v.replace(/,/g, '');
      return decimal.test(n) && Number.isFinite(Number(n)) ? { ok: true, value: n } : { ok: false, reason: `not a number: ${JSON.stringify(raw)}` };
    }
    case 'boolean': {
      const l = v.toLowerCase();
      if (truthy.has(l)) return { ok: true, value: 't' };
      if (falsy.has(l)) return { ok: true, value: 'f' };
      return { ok: false, reason: `not true/false: ${JSON.stringify(raw)}` };
    }
    case 'date': {
      const m = dateShape.exec(v);
      const d = m ? realDate(m[1] as string, m[2] as string, m[3] as string) : null;
      return d ? { ok: true, value: d } : { ok: false, reason: `not a date (YYYY-MM-DD): ${JSON.stringify(raw)}` };
    }
    case 'datetime': {
      const m = datetimeShape.exec(v);
      const d = m ? realDate(m[1] as string, m[2] as string, m[3] as string) : null;
      if (!m || !d || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return { ok: false, reason: `not a date and time: ${JSON.stringify(raw)}` };
      // Without a zone, a time is China Standard Time (UTC+8).
      const zone = m[8] ?? '+08:00';
      return { ok: true, value: `${d} ${pad(m[4] as string)}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}` };
    }
    case 'resident_id': {
      const id = v.toUpperCase();
      if (isValidResidentId(id)) return { ok: true, value: id };
      const r = parseResidentId(id);
      return { ok: false, reason: `bad resident ID number: ${r.ok ? id : r.message}` };
    }
    case 'uscc': {
      const code = v.toUpperCase();
      if (isValidUscc(code)) return { ok: true, value: code };
      const r = parseUscc(code);
      return { ok: false, reason: `bad unified social credit code: ${r.ok ? code : r.message}` };
    }
    case 'division_code': {
      const r = parseDivisionCode(v);
      return r.ok ? { ok: true, value: v } : { ok: false, reason: `bad division code: ${r.message}` };
    }
  }
}

// Most specific first: a column is inferred as the first type every non-empty value satisfies.
const INFERENCE_ORDER: readonly ItemType[] = ['resident_id', 'uscc', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'string'];

/** Narrows a column's possible types as values stream past; `type` is the inference over everything seen. */
export class ColumnInference {
  private candidates = new Set<ItemType>(INFERENCE_ORDER);
  private seen = 0;

  observe(raw: string): void {
    const v = raw.trim();
    if (v === '' || this.candidates.size === 1) return;
    this.seen++;
    for (const t of this.candidates) if (t !== 'string' && !checkCell(t, v).ok) this.candidates.delete(t);
  }

  get type(): ItemType | 'empty' {
    if (this.seen === 0) return 'empty';
    return INFERENCE_ORDER.find((t) => this.candidates.has(t)) ?? 'string';
  }
}

/** The SQL column type of a data item. */
export function sqlType(type: ItemType): string {
  switch (type) {
    case 'integer':
      return 'bigint';
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamptz';
    default:
      return 'text';
  }
}
