// Temporal API (时序查询): the history of entity attributes with timerel, lastN and aggregation.
// A device's observed entity is answered from the IoT telemetry tables (iot_telemetry, partitioned
// by day, so a time range reads only its partitions); entities written through the API from
// ngsi_attr_history. Aggregation (avg, min, max, sum, totalCount per aggrPeriodDuration) runs in SQL:
// for a device attribute whose periods are whole UTC hours (days) it reads the stored hourly (daily)
// rollups, and raw readings only for the partial hour at an unaligned end of the range.
import type { Database } from '../../../platform/db/index.ts';
import { planRollupRead } from '../telemetry-store.ts';
import { compact, DEFAULT_VOCAB, expand, type LdContext } from './context.ts';
import { checkEntityId, checkName, checkTime, type StoredAttr } from './entity.ts';
import { ngsiError } from './errors.ts';
import { Params } from './query.ts';
import { entityWhere, MAX_LIMIT, type EntityQuery } from './service.ts';

export interface TemporalQuery {
  timerel?: string | undefined;
  timeAt?: string | undefined;
  endTimeAt?: string | undefined;
  attrs?: string | undefined;
  lastN?: number | undefined;
  options?: string | undefined;
  aggrMethods?: string | undefined;
  aggrPeriodDuration?: string | undefined;
}

const AGGR = ['avg', 'min', 'max', 'sum', 'totalCount'] as const;
type AggrMethod = (typeof AGGR)[number];
/** Instances answered per attribute at most (without lastN). */
export const MAX_INSTANCES = 10_000;
const MAX_BUCKETS = 10_000;

const sqlOf: Record<AggrMethod, string> = { avg: 'avg(v)', min: 'min(v)', max: 'max(v)', sum: 'sum(v)', totalCount: 'count(*)' };
/** The methods computable from rollup rows (s = sum, c = count, mn = min, mx = max of a bucket). */
const rollupSqlOf: Partial<Record<AggrMethod, string>> = { avg: 'sum(s) / sum(c)::float8', min: 'min(mn)', max: 'max(mx)', sum: 'sum(s)', totalCount: 'sum(c)' };
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Stand-in for an open end of the range (timerel=after) in a rollup read. */
const OPEN_END_MS = Date.UTC(9999, 0, 1);

/**
 * Whether periods of `period` seconds counted from `originMs` are unions of whole rollup buckets:
 * answers whether the daily rollup can be used too, or null when only raw readings fit.
 */
function rollupFit(originMs: number, period: number | null): { useDays: boolean } | null {
  if (period === null || period % 3600 !== 0 || originMs % HOUR_MS !== 0) return null;
  return { useDays: period % 86_400 === 0 && originMs % DAY_MS === 0 };
}

/** ISO 8601 duration (P1D, PT1H, PT15M, P1W) in seconds. */
export function durationSeconds(s: string, field: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) throw ngsiError('BadRequestData', 'aggrPeriodDuration is an ISO 8601 duration, e.g. PT1H or P1D', field);
  return Number(m[1] ?? 0) * 604_800 + Number(m[2] ?? 0) * 86_400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
}

interface Range {
  from: string | null;
  to: string | null;
}

function rangeOf(q: TemporalQuery): Range {
  if (!q.timerel) {
    if (q.timeAt !== undefined) throw ngsiError('BadRequestData', 'timeAt goes with timerel (before, after, between)', '/query/timerel');
    return { from: null, to: null };
  }
  if (q.timeAt === undefined) throw ngsiError('BadRequestData', 'timerel needs timeAt', '/query/timeAt');
  const at = checkTime(q.timeAt, '/query/timeAt');
  switch (q.timerel) {
    case 'before':
      return { from: null, to: at };
    case 'after':
      return { from: at, to: null };
    case 'between': {
      if (q.endTimeAt === undefined) throw ngsiError('BadRequestData', 'timerel=between needs endTimeAt', '/query/endTimeAt');
      const end = checkTime(q.endTimeAt, '/query/endTimeAt');
      if (end <= at) throw ngsiError('BadRequestData', 'endTimeAt must be after timeAt', '/query/endTimeAt');
      return { from: at, to: end };
    }
    default:
      throw ngsiError('BadRequestData', 'timerel is before, after or between', '/query/timerel');
  }
}

interface Source {
  /** SELECT producing (t timestamptz, v float8, j jsonb) for one attribute: $1 key, $2 attribute. */
  select: string;
  key: string;
}

export interface TemporalStats {
  /** Aggregated attribute series answered from the hourly / daily rollups (raw readings only for partial hours). */
  aggregatedFromRollups: number;
  /** Aggregated attribute series answered from raw readings or ngsi_attr_history. */
  aggregatedFromRaw: number;
}

/** `rollups: false` aggregates device readings from the raw history only (default true). */
export function createTemporal(deps: { db: Database; rollups?: boolean }) {
  const { db } = deps;
  const useRollups = deps.rollups ?? true;
  const counts: TemporalStats = { aggregatedFromRollups: 0, aggregatedFromRaw: 0 };

  /** The attribute series of one entity, rendered. */
  async function series(row: { id: string; type: string; device_id: string | null; attrs: Record<string, StoredAttr> }, q: TemporalQuery, ctx: LdContext): Promise<Record<string, unknown>> {
    const range = rangeOf(q);
    const options = new Set((q.options ?? '').split(',').filter((o) => o !== ''));
    const names = (q.attrs ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    names.forEach((a) => checkName(a, '/query/attrs'));
    const wanted = names.length > 0 ? names.map((a) => expand(a, ctx)) : Object.keys(row.attrs).filter((a) => row.attrs[a]?.type === 'Property');
    let methods: AggrMethod[] | null = null;
    if (q.aggrMethods !== undefined || options.has('aggregatedValues')) {
      const given = (q.aggrMethods ?? 'avg,min,max,totalCount').split(',').map((m) => m.trim());
      const bad = given.find((m) => !(AGGR as readonly string[]).includes(m));
      if (bad !== undefined) throw ngsiError('BadRequestData', `aggrMethods are ${AGGR.join(', ')}; not ${bad}`, '/query/aggrMethods');
      methods = given as AggrMethod[];
    }
    let period: number | null = null;
    if (q.aggrPeriodDuration !== undefined) {
      period = durationSeconds(q.aggrPeriodDuration, '/query/aggrPeriodDuration');
      if (period === 0) period = null;
      else if (range.from && range.to && (Date.parse(range.to) - Date.parse(range.from)) / 1000 / period > MAX_BUCKETS) {
        throw ngsiError('BadRequestData', `more than ${MAX_BUCKETS} periods: use a longer aggrPeriodDuration`, '/query/aggrPeriodDuration');
      }
    }
    const out: Record<string, unknown> = { id: row.id, type: compact(row.type, ctx) };
    for (const attr of wanted) {
      const telemetry = row.device_id !== null && attr.startsWith(DEFAULT_VOCAB) ? attr.slice(DEFAULT_VOCAB.length) : null;
      const fromTelemetry = telemetry !== null && (row.attrs[attr]?.observedAt !== undefined || !row.attrs[attr]);
      const source: Source =
        fromTelemetry
          ? { select: 'SELECT observed_at AS t, value AS v, NULL::jsonb AS j FROM iot_telemetry WHERE device_id = $1 AND attribute = $2', key: row.device_id ?? '' }
          : {
              select: `SELECT observed_at AS t, CASE WHEN jsonb_typeof(instance->'value') = 'number' THEN (instance->>'value')::float8 END AS v, instance AS j FROM ngsi_attr_history WHERE entity_id = $1 AND attr = $2`,
              key: row.id,
            };
      const params = new Params();
      params.add(source.key);
      params.add(telemetry ?? attr);
      const conds: string[] = [];
      if (range.from) conds.push(`t >= ${params.add(range.from)}::timestamptz`);
      if (range.to) conds.push(`t < ${params.add(range.to)}::timestamptz`);
      const where = conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
      const fmt = (col: string) => `to_char((${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
      const name = compact(attr, ctx);
      const unitCode = row.attrs[attr]?.unitCode;
      if (methods) {
        const origin = range.from ?? '1970-01-01T00:00:00Z';
        const fit = fromTelemetry && useRollups ? rollupFit(Date.parse(origin), period) : null;
        if (fit && period !== null && methods.every((m) => rollupSqlOf[m] !== undefined)) {
          const rp = new Params();
          rp.add(source.key);
          rp.add(telemetry);
          const fromMs = range.from ? Date.parse(range.from) : 0;
          const toMs = range.to ? Date.parse(range.to) : OPEN_END_MS;
          const plan = planRollupRead(fromMs, toMs, fit.useDays);
          const at = (ms: number) => rp.add(new Date(ms).toISOString());
          const [from, to, hourFrom, hourTo, dayFrom, dayTo] = [at(fromMs), at(toMs), at(plan.hourFrom), at(plan.hourTo), at(plan.dayFrom), at(plan.dayTo)];
          const o = rp.add(origin);
          const p = rp.add(period);
          const { rows } = await db.query<Record<string, unknown>>(
            `SELECT ${fmt(`${o}::timestamptz + make_interval(secs => b * ${p}::float8)`)} AS s, ${fmt(`${o}::timestamptz + make_interval(secs => (b + 1) * ${p}::float8)`)} AS e,
               ${methods.map((m) => `${rollupSqlOf[m] ?? ''} AS "${m}"`).join(', ')}
             FROM (SELECT floor(extract(epoch FROM t - ${o}::timestamptz) / ${p}::float8)::bigint AS b, s, c, mn, mx FROM (
               SELECT observed_at AS t, value AS s, 1::bigint AS c, value AS mn, value AS mx FROM iot_telemetry
               WHERE device_id = $1 AND attribute = $2
                 AND ((observed_at >= ${from}::timestamptz AND observed_at < ${hourFrom}::timestamptz) OR (observed_at >= ${hourTo}::timestamptz AND observed_at < ${to}::timestamptz))
               UNION ALL
               SELECT bucket, sum, count, min, max FROM iot_rollup_hour
               WHERE device_id = $1 AND attribute = $2
                 AND ((bucket >= ${hourFrom}::timestamptz AND bucket < ${dayFrom}::timestamptz) OR (bucket >= ${dayTo}::timestamptz AND bucket < ${hourTo}::timestamptz))
               UNION ALL
               SELECT bucket, sum, count, min, max FROM iot_rollup_day
               WHERE device_id = $1 AND attribute = $2 AND bucket >= ${dayFrom}::timestamptz AND bucket < ${dayTo}::timestamptz
             ) u) y GROUP BY b ORDER BY b LIMIT ${MAX_BUCKETS}`,
            rp.values,
          );
          counts.aggregatedFromRollups++;
          const agg: Record<string, unknown> = { type: 'Property' };
          for (const m of methods) agg[m] = rows.map((r) => [r[m] === null ? null : Number(r[m]), r.s, r.e]);
          out[name] = agg;
          continue;
        }
        counts.aggregatedFromRaw++;
        const o = period === null ? '' : params.add(origin);
        const p = period === null ? '' : params.add(period);
        const bucket = period === null ? '0' : `floor(extract(epoch FROM t - ${o}::timestamptz) / ${p}::float8)::bigint`;
        const start = period === null ? 'min(t)' : `${o}::timestamptz + make_interval(secs => b * ${p}::float8)`;
        const end = period === null ? 'max(t)' : `${o}::timestamptz + make_interval(secs => (b + 1) * ${p}::float8)`;
        const { rows } = await db.query<Record<string, unknown>>(
          `SELECT ${fmt(start)} AS s, ${fmt(end)} AS e, ${methods.map((m) => `${sqlOf[m]} AS "${m}"`).join(', ')}
           FROM (SELECT ${bucket} AS b, t, v FROM (${source.select}) x ${where}) y GROUP BY b ORDER BY b LIMIT ${MAX_BUCKETS}`,
          params.values,
        );
        const agg: Record<string, unknown> = { type: 'Property' };
        for (const m of methods) agg[m] = rows.map((r) => [r[m] === null ? null : Number(r[m]), r.s, r.e]);
        out[name] = agg;
        continue;
      }
      const limit = q.lastN !== undefined ? q.lastN : MAX_INSTANCES;
      const { rows } = await db.query<{ t: string; v: number | null; j: StoredAttr | null }>(
        `SELECT ${fmt('t')} AS t, v, j FROM (${source.select}) x ${where} ORDER BY t ${q.lastN !== undefined ? 'DESC' : ''} LIMIT ${Number(limit)}`,
        params.values,
      );
      if (q.lastN !== undefined) rows.reverse();
      const valueOf = (r: { v: number | null; j: StoredAttr | null }): unknown => (r.j ? r.j.value : r.v === null ? null : Number(r.v));
      if (options.has('temporalValues')) out[name] = { type: 'Property', values: rows.map((r) => [valueOf(r), r.t]) };
      else out[name] = rows.map((r) => ({ type: 'Property', value: valueOf(r), observedAt: r.t, ...(unitCode ? { unitCode } : {}) }));
    }
    return out;
  }

  async function rowsOf(where: string, params: readonly unknown[], limit: number, offset: number) {
    const { rows } = await db.query<{ id: string; type: string; device_id: string | null; attrs: Record<string, StoredAttr> }>(
      `SELECT id, type, device_id, attrs FROM ngsi_entities WHERE ${where} ORDER BY id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return rows;
  }

  return {
    /** How aggregated series were answered since start. */
    stats: (): TemporalStats => ({ ...counts }),

    async entity(id: string, q: TemporalQuery, ctx: LdContext): Promise<Record<string, unknown>> {
      checkEntityId(id, '/params/entityId');
      const [row] = await rowsOf('id = $1', [id], 1, 0);
      if (!row) throw ngsiError('ResourceNotFound', `no entity ${id}`, '/params/entityId');
      return series(row, q, ctx);
    },

    async query(query: EntityQuery, q: TemporalQuery, ctx: LdContext): Promise<Array<Record<string, unknown>>> {
      if (query.limit > MAX_LIMIT) throw ngsiError('TooManyResults', `limit is at most ${MAX_LIMIT}`, '/query/limit');
      const params = new Params();
      const { where } = entityWhere({ ...query, attrs: undefined }, ctx, params);
      const rows = await rowsOf(where, params.values, query.limit, query.offset);
      const out: Array<Record<string, unknown>> = [];
      for (const row of rows) out.push(await series(row, q, ctx));
      return out;
    },
  };
}

export type Temporal = ReturnType<typeof createTemporal>;
