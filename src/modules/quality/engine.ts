// The rule engine: each rule becomes one set-based SQL statement over the resource's table (a count
// of failing rows, then a few samples), except the identifier validators, which need the kernel's
// checksum and division tables: those stream the column through a cursor in batches.
import { isValidResidentId, isValidUscc, loadVillages, parseDivisionCode, parseResidentId, parseUscc } from '../../kernel/ids/index.ts';
import type { Database, Queryable } from '../../platform/index.ts';
import type { DataItem, Resource } from '../catalog/index.ts';
import type { RuleKind, RuleParams, Sample } from './schemas.ts';

/** Where a resource's rows live: its table, key columns and data items. */
export interface Target {
  resource: Resource;
  table: string;
  /** False before the first load: every column rule passes over zero rows. */
  exists: boolean;
  keys: string[];
}

export interface RuleSpec {
  id: number;
  kind: RuleKind;
  field: string | null;
  params: RuleParams;
}

export interface Finding {
  rowsChecked: number;
  failures: number;
  samples: Sample[];
}

export interface EngineContext {
  rowsTotal: number;
  now: Date;
  /** The table of another resource (consistency rules). */
  targetOf(code: string): Promise<Target>;
  /** When the resource's data last changed (last load, or the build of the table behind it). */
  lastUpdated(target: Target): Promise<Date | null>;
}

export const SAMPLE_LIMIT = 10;
const STREAM_BATCH = 20_000;

/** Hours a resource may go without an update, by 更新周期 (one cycle plus a grace period). */
export const CYCLE_HOURS: Record<string, number | null> = {
  realtime: 2, daily: 48, weekly: 8 * 24, monthly: 32 * 24, quarterly: 93 * 24, yearly: 367 * 24, irregular: null,
};

/** Mainland mobile numbers and landlines with area code (GB/T 13870 style 0xx(x)-xxxxxxx(x)). */
export const PHONE_PATTERN = '^(\\+?86-?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$';

/** Identifiers here are validated data-item names (^[a-z][a-z0-9_]*$) or table names we made; quoted for reserved words. */
export const q = (name: string): string => `"${name}"`;
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertTableName(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${table}`);
  return table;
}

/** The SQL type of a data item, as the aggregation module creates it (the city tables agree). */
export function sqlTypeOf(item: DataItem): string {
  switch (item.type) {
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

const num = (v: unknown): number => Number(v ?? 0);
/** A SQL string literal (titles are catalog text, so quotes are doubled). */
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function itemOf(target: Target, field: string | null): DataItem {
  const item = target.resource.dataItems.find((i) => i.name === field);
  if (!item) throw new Error(`data item ${String(field)} is no longer in ${target.resource.code}`);
  return item;
}

function keySelect(target: Target): string {
  return target.keys.length ? target.keys.map((k) => `t.${q(k)}::text AS ${q(`k_${k}`)}`).join(', ') : 't.ctid::text AS "k_ctid"';
}

function keyOf(row: Record<string, unknown>): Record<string, string | null> {
  const key: Record<string, string | null> = {};
  for (const [name, v] of Object.entries(row)) if (name.startsWith('k_')) key[name.slice(2)] = typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v);
  return key;
}

/** A failing-row condition over `t` with its parameters and the reason it gives each sample. */
interface Condition {
  where: string;
  params: unknown[];
  reason: string;
}

function conditionOf(rule: RuleSpec, item: DataItem, other?: { target: Target; item: DataItem }): Condition {
  const c = `t.${q(item.name)}`;
  const p = rule.params;
  switch (rule.kind) {
    case 'not_null':
      return { where: `${c} IS NULL OR btrim(${c}::text) = ''`, params: [], reason: lit(`${item.title} is empty`) };
    case 'regex':
      return { where: `${c} IS NOT NULL AND ${c}::text !~ $1`, params: [`^(?:${p.pattern ?? ''})$`], reason: `${lit(`${item.title} does not match `)} || $1` };
    case 'in_set':
      return { where: `${c} IS NOT NULL AND NOT (${c}::text = ANY($1::text[]))`, params: [p.values ?? []], reason: lit(`${item.title} is not one of the allowed values`) };
    case 'phone':
      return { where: `${c} IS NOT NULL AND btrim(${c}::text) <> '' AND ${c}::text !~ $1`, params: [PHONE_PATTERN], reason: lit(`${item.title} is not a phone number`) };
    case 'range': {
      const type = sqlTypeOf(item);
      const parts: string[] = [];
      const params: unknown[] = [];
      const reasons: string[] = [];
      if (p.min !== undefined) {
        params.push(String(p.min));
        parts.push(`${c} < $${params.length}::${type}`);
        reasons.push(`WHEN ${c} < $${params.length}::${type} THEN ${lit(`${item.title} is below the minimum `)} || $${params.length}`);
      }
      if (p.max !== undefined) {
        params.push(String(p.max));
        parts.push(`${c} > $${params.length}::${type}`);
        reasons.push(`WHEN ${c} > $${params.length}::${type} THEN ${lit(`${item.title} is above the maximum `)} || $${params.length}`);
      }
      return { where: parts.join(' OR '), params, reason: `CASE ${reasons.join(' ')} END` };
    }
    case 'consistency': {
      if (!other) throw new Error('consistency needs the other resource');
      const o = `o.${q(other.item.name)}`;
      // Compare in the column's own type when both agree, so the other table's index is used.
      const same = sqlTypeOf(item) === sqlTypeOf(other.item);
      const match = same ? `${o} = ${c}` : `${o}::text = ${c}::text`;
      const where = other.target.exists ? `${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${other.target.table} o WHERE ${match})` : `${c} IS NOT NULL`;
      return { where, params: [], reason: lit(`${item.title} not found in ${other.target.resource.name} (${other.target.resource.code}.${other.item.name})`) };
    }
    default:
      throw new Error(`${rule.kind} is not a set-based rule`);
  }
}

async function setBased(db: Queryable, target: Target, rule: RuleSpec, ctx: EngineContext): Promise<Finding> {
  const item = itemOf(target, rule.field);
  let other: { target: Target; item: DataItem } | undefined;
  if (rule.kind === 'consistency') {
    const t = await ctx.targetOf(rule.params.resource ?? '');
    const oi = t.resource.dataItems.find((i) => i.name === rule.params.target);
    if (!oi) throw new Error(`data item ${String(rule.params.target)} is no longer in ${t.resource.code}`);
    other = { target: t, item: oi };
  }
  const cond = conditionOf(rule, item, other);
  const counted = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${target.table} t WHERE ${cond.where}`, cond.params);
  const failures = num(counted.rows[0]?.n);
  let samples: Sample[] = [];
  if (failures > 0) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${keySelect(target)}, t.${q(item.name)}::text AS "value", ${cond.reason} AS "reason" FROM ${target.table} t WHERE ${cond.where} LIMIT ${SAMPLE_LIMIT}`,
      cond.params,
    );
    samples = rows.map((r) => ({ key: keyOf(r), value: (r.value as string | null) ?? null, reason: String(r.reason) }));
  }
  return { rowsChecked: ctx.rowsTotal, failures, samples };
}

async function unique(db: Queryable, target: Target, rule: RuleSpec, ctx: EngineContext): Promise<Finding> {
  const item = itemOf(target, rule.field);
  const c = q(item.name);
  const dup = `SELECT ${c} AS v, count(*) AS n FROM ${target.table} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1`;
  const counted = await db.query<{ n: string | number | null }>(`SELECT sum(n) AS n FROM (${dup}) d`);
  const failures = num(counted.rows[0]?.n);
  let samples: Sample[] = [];
  if (failures > 0) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${keySelect(target)}, t.${c}::text AS "value", d.n AS "n" FROM ${target.table} t JOIN (${dup} LIMIT ${SAMPLE_LIMIT}) d ON t.${c} = d.v ORDER BY t.${c} LIMIT ${SAMPLE_LIMIT}`,
    );
    samples = rows.map((r) => ({ key: keyOf(r), value: (r.value as string | null) ?? null, reason: `${item.title} is shared by ${num(r.n)} rows` }));
  }
  return { rowsChecked: ctx.rowsTotal, failures, samples };
}

/** A JS validator over one value: null when valid, else why not. */
type Validator = (value: string) => string | null | Promise<string | null>;

function validatorOf(kind: RuleKind): Validator {
  switch (kind) {
    // The allocation-free check first; the parser only for the few that fail, for the reason.
    case 'resident_id':
      return (v) => {
        if (isValidResidentId(v)) return null;
        const r = parseResidentId(v);
        return r.ok ? null : r.message;
      };
    case 'uscc':
      return (v) => {
        if (isValidUscc(v)) return null;
        const r = parseUscc(v);
        return r.ok ? null : r.message;
      };
    case 'division_code': {
      // A village code is looked up in its county's list (one read per county, kept for the scan);
      // every code's answer is remembered, as a column holds few distinct codes.
      const seen = new Map<string, string | null>();
      const counties = new Map<string, Promise<Set<string>>>();
      const remember = (v: string, answer: string | null) => {
        if (seen.size < 200_000) seen.set(v, answer);
        return answer;
      };
      const villagesOf = (county: string) => {
        let known = counties.get(county);
        if (!known) {
          known = loadVillages(county).then((list) => new Set(list.map((x) => x.code)));
          counties.set(county, known);
        }
        return known;
      };
      return (v) => {
        const known = seen.get(v);
        if (known !== undefined) return known;
        const r = parseDivisionCode(v);
        if (!r.ok) return remember(v, r.message);
        if (r.value.level !== 'village') return remember(v, null);
        return villagesOf(v.slice(0, 6)).then((set) => remember(v, set.has(v) ? null : `village code ${v} is not a known village or community`));
      };
    }
    default:
      throw new Error(`${kind} has no validator`);
  }
}

/** Stream the non-empty values of the column in batches through a cursor; look the keys of a few failures up afterwards. */
async function streamed(db: Database, target: Target, rule: RuleSpec, ctx: EngineContext): Promise<Finding> {
  const item = itemOf(target, rule.field);
  const c = q(item.name);
  const validate = validatorOf(rule.kind);
  const failing = new Map<string, string>();
  let failures = 0;
  await db.transaction(async (tx) => {
    await tx.query(`DECLARE quality_scan NO SCROLL CURSOR FOR SELECT ${c}::text AS v FROM ${target.table} WHERE ${c} IS NOT NULL AND btrim(${c}::text) <> ''`);
    for (;;) {
      const { rows } = await tx.query<{ v: string }>(`FETCH ${STREAM_BATCH} FROM quality_scan`);
      if (rows.length === 0) break;
      for (const { v } of rows) {
        // Only village codes not seen before need to wait for their town's list.
        const answer = validate(v);
        const bad = typeof answer === 'object' && answer !== null ? await answer : answer;
        if (bad === null) continue;
        failures++;
        if (failing.size < SAMPLE_LIMIT && !failing.has(v)) failing.set(v, bad);
      }
    }
    await tx.query('CLOSE quality_scan');
  });
  let samples: Sample[] = [];
  if (failing.size > 0) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${keySelect(target)}, t.${c}::text AS "value" FROM ${target.table} t WHERE t.${c}::text = ANY($1::text[]) LIMIT ${SAMPLE_LIMIT}`,
      [[...failing.keys()]],
    );
    samples = rows.map((r) => ({ key: keyOf(r), value: (r.value as string | null) ?? null, reason: `${item.title}: ${failing.get(String(r.value)) ?? 'invalid'}` }));
  }
  return { rowsChecked: ctx.rowsTotal, failures, samples };
}

async function freshness(db: Queryable, target: Target, rule: RuleSpec, ctx: EngineContext): Promise<Finding> {
  const cycle = target.resource.updateCycle;
  const maxHours = rule.params.maxAgeHours ?? CYCLE_HOURS[cycle] ?? null;
  let last: Date | null;
  if (rule.field) {
    const item = itemOf(target, rule.field);
    const r = target.exists ? await db.query<{ m: Date | string | null }>(`SELECT max(${q(item.name)})::timestamptz AS m FROM ${target.table}`) : { rows: [] };
    const m = r.rows[0]?.m ?? null;
    last = m === null ? null : new Date(m);
  } else {
    last = await ctx.lastUpdated(target);
  }
  if (maxHours === null) return { rowsChecked: 1, failures: 0, samples: [] };
  const ageHours = last ? (ctx.now.getTime() - last.getTime()) / 3_600_000 : Infinity;
  if (ageHours <= maxHours) return { rowsChecked: 1, failures: 0, samples: [] };
  const reason = last
    ? `last updated ${last.toISOString()}, ${Math.floor(ageHours)} h ago; the update cycle (${cycle}) allows ${maxHours} h`
    : `never updated; the update cycle (${cycle}) allows ${maxHours} h`;
  return { rowsChecked: 1, failures: 1, samples: [{ key: {}, value: last?.toISOString() ?? null, reason }] };
}

function rowCount(rule: RuleSpec, ctx: EngineContext): Finding {
  const min = rule.params.min === undefined ? undefined : Number(rule.params.min);
  const max = rule.params.max === undefined ? undefined : Number(rule.params.max);
  const n = ctx.rowsTotal;
  const reason = min !== undefined && n < min ? `${n} rows, fewer than the minimum ${min}` : max !== undefined && n > max ? `${n} rows, more than the maximum ${max}` : null;
  return { rowsChecked: n, failures: reason ? 1 : 0, samples: reason ? [{ key: {}, value: String(n), reason }] : [] };
}

/** Binary rules score 0 or 1; row rules score the share of rows that pass. */
export function ruleScore(kind: string, f: Finding): number {
  if (kind === 'freshness' || kind === 'row_count') return f.failures > 0 ? 0 : 1;
  return f.rowsChecked > 0 ? Math.max(0, 1 - f.failures / f.rowsChecked) : 1;
}

/** Check one rule over the target's table. Throws when the rule cannot run (its item or table is gone). */
export async function checkRule(db: Database, target: Target, rule: RuleSpec, ctx: EngineContext): Promise<Finding> {
  if (rule.kind === 'row_count') return rowCount(rule, ctx);
  if (rule.kind === 'freshness') return freshness(db, target, rule, ctx);
  if (!target.exists) {
    itemOf(target, rule.field);
    return { rowsChecked: 0, failures: 0, samples: [] };
  }
  switch (rule.kind) {
    case 'unique':
      return unique(db, target, rule, ctx);
    case 'resident_id':
    case 'uscc':
    case 'division_code':
      return streamed(db, target, rule, ctx);
    default:
      return setBased(db, target, rule, ctx);
  }
}
