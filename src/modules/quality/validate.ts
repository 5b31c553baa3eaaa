// A rule is checked against the resource it is attached to before it is stored: the field is one
// of its data items, the parameters fit the kind, a regex compiles in the database that runs it,
// bounds are ordered, the cron expression parses. Each failure names the field that is wrong.
import { Cron } from 'croner';
import { isAppError } from '../../kernel/index.ts';
import type { Queryable } from '../../platform/index.ts';
import type { CatalogService, DataItem, Resource } from '../catalog/index.ts';
import { qualityError } from './errors.ts';
import type { RuleKind, RuleParams } from './schemas.ts';

export const DEFAULT_SCHEDULE = '0 2 * * *';
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

/** Which parameters each kind takes; the first list is required (any one of them for range/row_count). */
const PARAMS: Record<RuleKind, { required: Array<keyof RuleParams>; anyOf?: Array<keyof RuleParams>; allowed: Array<keyof RuleParams> }> = {
  not_null: { required: [], allowed: [] },
  unique: { required: [], allowed: [] },
  regex: { required: ['pattern'], allowed: ['pattern'] },
  range: { required: [], anyOf: ['min', 'max'], allowed: ['min', 'max'] },
  in_set: { required: ['values'], allowed: ['values'] },
  resident_id: { required: [], allowed: [] },
  uscc: { required: [], allowed: [] },
  division_code: { required: [], allowed: [] },
  phone: { required: [], allowed: [] },
  consistency: { required: ['resource', 'target'], allowed: ['resource', 'target'] },
  freshness: { required: [], allowed: ['maxAgeHours'] },
  row_count: { required: [], anyOf: ['min', 'max'], allowed: ['min', 'max'] },
};

const NUMERIC = new Set(['integer', 'decimal']);
const TEMPORAL = new Set(['date', 'datetime']);

export interface CheckedRule {
  kind: RuleKind;
  field: string | null;
  params: RuleParams;
  schedule: string;
}

const invalid = (message: string, field: string) => qualityError('rule_invalid', message, { field });

export function checkSchedule(schedule: string): string {
  try {
    new Cron(schedule, { paused: true, timezone: SCHEDULE_TIMEZONE }).stop();
  } catch (e) {
    throw invalid(`schedule ${JSON.stringify(schedule)} is not a cron expression: ${(e as Error).message}`, '/body/schedule');
  }
  return schedule;
}

function bound(item: DataItem, v: string | number, field: string): number {
  if (NUMERIC.has(item.type)) {
    const x = typeof v === 'number' ? v : Number(v);
    if (typeof v === 'string' && v.trim() === '') throw invalid(`${field.split('/').pop() ?? ''} is empty`, field);
    if (!Number.isFinite(x)) throw invalid(`${JSON.stringify(v)} is not a number; ${item.name} is ${item.type}`, field);
    return x;
  }
  const t = typeof v === 'string' ? Date.parse(item.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v) : NaN;
  if (Number.isNaN(t)) throw invalid(`${JSON.stringify(v)} is not a date; ${item.name} is ${item.type}`, field);
  return t;
}

/** Check a rule against its resource; returns it normalised. */
export async function checkRule(
  db: Queryable,
  catalog: CatalogService,
  resource: Resource,
  input: { kind: RuleKind; field?: string | null | undefined; params?: RuleParams | undefined; schedule?: string | undefined },
): Promise<CheckedRule> {
  const kind = input.kind;
  const params: RuleParams = { ...(input.params ?? {}) };
  const spec = PARAMS[kind];
  for (const key of Object.keys(params) as Array<keyof RuleParams>) {
    if (params[key] === undefined) delete params[key];
    else if (!spec.allowed.includes(key)) throw invalid(`params.${key} does not apply to a ${kind} rule`, `/body/params/${key}`);
  }
  for (const key of spec.required) if (params[key] === undefined) throw invalid(`a ${kind} rule needs params.${key}`, `/body/params/${key}`);
  if (spec.anyOf && !spec.anyOf.some((k) => params[k] !== undefined)) throw invalid(`a ${kind} rule needs params.min or params.max`, '/body/params/min');

  const field = input.field ?? null;
  let item: DataItem | undefined;
  if (kind === 'row_count') {
    if (field !== null) throw invalid('a row_count rule counts the rows of the resource and takes no field', '/body/field');
  } else if (field === null) {
    if (kind !== 'freshness') throw invalid(`a ${kind} rule needs the data item it checks`, '/body/field');
  } else {
    item = resource.dataItems.find((i) => i.name === field);
    if (!item) throw invalid(`${resource.code} has no data item ${field}; its items are ${resource.dataItems.map((i) => i.name).join(', ')}`, '/body/field');
  }

  if (kind === 'regex') {
    try {
      await db.query("SELECT '' ~ $1 AS ok", [params.pattern]);
    } catch (e) {
      throw invalid(`params.pattern is not a valid regular expression: ${(e as Error).message}`, '/body/params/pattern');
    }
  }
  if (kind === 'range' && item) {
    if (!NUMERIC.has(item.type) && !TEMPORAL.has(item.type)) throw invalid(`a range rule needs a number or date item; ${item.name} is ${item.type}`, '/body/field');
    const min = params.min === undefined ? undefined : bound(item, params.min, '/body/params/min');
    const max = params.max === undefined ? undefined : bound(item, params.max, '/body/params/max');
    if (min !== undefined && max !== undefined && min > max) throw invalid(`params.min (${String(params.min)}) is above params.max (${String(params.max)})`, '/body/params/min');
  }
  if (kind === 'row_count') {
    for (const key of ['min', 'max'] as const) {
      const v = params[key];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw invalid(`params.${key} of a row_count rule is a whole number of rows`, `/body/params/${key}`);
    }
    if (typeof params.min === 'number' && typeof params.max === 'number' && params.min > params.max) {
      throw invalid(`params.min (${params.min}) is above params.max (${params.max})`, '/body/params/min');
    }
  }
  if (kind === 'freshness' && item && !TEMPORAL.has(item.type)) throw invalid(`freshness by a data item needs a date or datetime item; ${item.name} is ${item.type}`, '/body/field');
  if (kind === 'in_set') params.values = [...new Set(params.values)];
  if (kind === 'consistency') {
    let other: Resource;
    try {
      other = await catalog.get(params.resource ?? '');
    } catch (e) {
      if (isAppError(e) && e.kind === 'not_found') throw invalid(`resource ${String(params.resource)} is not in the catalog`, '/body/params/resource');
      throw e;
    }
    if (!other.dataItems.some((i) => i.name === params.target)) {
      throw invalid(`${other.code} has no data item ${String(params.target)}; its items are ${other.dataItems.map((i) => i.name).join(', ')}`, '/body/params/target');
    }
  }
  return { kind, field, params, schedule: checkSchedule(input.schedule ?? DEFAULT_SCHEDULE) };
}
