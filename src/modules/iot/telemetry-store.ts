// SQL for iot_telemetry (partitioned by day), its hourly and daily rollups, iot_latest and iot_dead_letters.
import type { Database, Queryable } from '../../platform/db/index.ts';
import type { DeadLetter, History } from './schemas.ts';
import { isoColumn as iso } from './store.ts';

/** One stored reading. */
export interface Reading {
  deviceId: string;
  attribute: string;
  value: number;
  observedAt: Date;
}

export interface DeadLetterInput {
  source: 'mqtt' | 'http';
  topic: string | null;
  deviceId: string | null;
  reason: string;
  detail: string;
  payload: string;
  /** The sender's network address, when known. */
  sourceAddress?: string | null | undefined;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Where aggregated history came from: raw readings, or mostly the hourly / daily rollup. */
export type HistorySource = 'raw' | 'rollup_hour' | 'rollup_day';
export interface HistoryResult {
  source: HistorySource;
  points: History['points'];
}

/**
 * The upsert of one rollup table from the `ins` CTE (the rows just inserted). Buckets are aligned to
 * the Unix epoch (UTC hours and days); `date_bin` computes them in integer arithmetic, several times
 * cheaper than the `numeric` epoch expression.
 */
const rollupUpsert = (table: string, seconds: number): string =>
  `INSERT INTO ${table} AS r (device_id, attribute, bucket, count, sum, min, max)
   SELECT device_id, attribute, date_bin('${seconds} seconds', observed_at, timestamptz '1970-01-01 00:00:00+00'), count(*), sum(value), min(value), max(value)
   FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
   ON CONFLICT (device_id, attribute, bucket) DO UPDATE SET count = r.count + excluded.count, sum = r.sum + excluded.sum,
     min = least(r.min, excluded.min), max = greatest(r.max, excluded.max)`;

/**
 * Split [from, to) for a rollup read: raw readings for [from, hourFrom) and [hourTo, to), the
 * hourly rollup for [hourFrom, dayFrom) and [dayTo, hourTo), the daily rollup for [dayFrom, dayTo).
 */
export function planRollupRead(from: number, to: number, useDays: boolean): { hourFrom: number; hourTo: number; dayFrom: number; dayTo: number } {
  const hourFrom = Math.min(Math.ceil(from / HOUR_MS) * HOUR_MS, to);
  const hourTo = Math.max(Math.floor(to / HOUR_MS) * HOUR_MS, hourFrom);
  if (!useDays) return { hourFrom, hourTo, dayFrom: hourTo, dayTo: hourTo };
  const dayFrom = Math.min(Math.ceil(hourFrom / DAY_MS) * DAY_MS, hourTo);
  const dayTo = Math.max(Math.floor(hourTo / DAY_MS) * DAY_MS, dayFrom);
  return { hourFrom, hourTo, dayFrom, dayTo };
}

function byKey(a: Reading, b: Reading): number {
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  if (a.attribute !== b.attribute) return a.attribute < b.attribute ? -1 : 1;
  return a.observedAt.getTime() - b.observedAt.getTime();
}
const partitionName = /^iot_telemetry_p(\d{8})$/;

/** UTC day start of `t`. */
export const dayOf = (t: Date): number => Math.floor(t.getTime() / DAY_MS) * DAY_MS;
const dayTag = (day: number): string => new Date(day).toISOString().slice(0, 10).replaceAll('-', '');

export function createTelemetryStore(db: Database) {
  return {
    /** Create the daily partition holding `day` if it is missing (safe when several nodes race). */
    async ensurePartition(day: number): Promise<void> {
      const from = new Date(day).toISOString();
      const to = new Date(day + DAY_MS).toISOString();
      try {
        await db.exec(`CREATE TABLE IF NOT EXISTS iot_telemetry_p${dayTag(day)} PARTITION OF iot_telemetry FOR VALUES FROM ('${from}') TO ('${to}')`);
      } catch (err) {
        // Another node created it between our IF NOT EXISTS check and the CREATE.
        if (!(await this.partitionDays()).includes(day)) throw err;
      }
    },

    /** Day starts (ms) of the existing partitions, oldest first. */
    async partitionDays(): Promise<number[]> {
      const { rows } = await db.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iot_telemetry'::regclass",
      );
      return rows
        .map((r) => partitionName.exec(r.name)?.[1])
        .filter((tag): tag is string => tag !== undefined)
        .map((tag) => Date.UTC(Number(tag.slice(0, 4)), Number(tag.slice(4, 6)) - 1, Number(tag.slice(6, 8))))
        .sort((a, b) => a - b);
    },

    async dropPartition(day: number): Promise<void> {
      await db.exec(`DROP TABLE IF EXISTS iot_telemetry_p${dayTag(day)}`);
    },

    /**
     * Store a batch: history rows (a redelivered reading is ignored by the key) and the latest
     * state, which only moves forward in time. One statement each, inside the caller's transaction.
     */
    async insertReadings(tx: Queryable, unordered: readonly Reading[], receivedAt: Date): Promise<number> {
      // One key order for every batch, so concurrent batches lock rows in the same order (no deadlock).
      const readings = [...unordered].sort(byKey);
      // The rollups add exactly the rows this statement inserted (RETURNING skips a redelivered
      // reading, and a concurrent insert of the same key waits for the other transaction), so they
      // never miss a reading nor count one twice. Groups are upserted in key order (no deadlock).
      const r = await tx.query<{ n: number }>(
        `WITH ins AS (
           INSERT INTO iot_telemetry (device_id, attribute, observed_at, value, received_at)
           SELECT d, a, t, v, $5 FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[]) AS u(d, a, t, v)
           ON CONFLICT DO NOTHING
           RETURNING device_id, attribute, observed_at, value
         ), roll_hour AS (${rollupUpsert('iot_rollup_hour', 3600)}), roll_day AS (${rollupUpsert('iot_rollup_day', 86_400)})
         SELECT count(*)::int AS n FROM ins`,
        [readings.map((x) => x.deviceId), readings.map((x) => x.attribute), readings.map((x) => x.observedAt.toISOString()), readings.map((x) => x.value), receivedAt.toISOString()],
      );
      // ON CONFLICT DO UPDATE may touch a row once per statement: keep the newest per key.
      const newest = new Map<string, Reading>();
      for (const x of readings) {
        const key = `${x.deviceId}\u0000${x.attribute}`;
        const seen = newest.get(key);
        if (!seen || seen.observedAt < x.observedAt) newest.set(key, x);
      }
      const latest = [...newest.values()];
      await tx.query(
        `INSERT INTO iot_latest (device_id, attribute, value, observed_at, received_at)
         SELECT d, a, v, t, $5 FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[]) AS u(d, a, t, v)
         ON CONFLICT (device_id, attribute) DO UPDATE SET value = excluded.value, observed_at = excluded.observed_at, received_at = excluded.received_at
         WHERE iot_latest.observed_at <= excluded.observed_at`,
        [latest.map((x) => x.deviceId), latest.map((x) => x.attribute), latest.map((x) => x.observedAt.toISOString()), latest.map((x) => x.value), receivedAt.toISOString()],
      );
      return Number(r.rows[0]?.n ?? 0);
    },

    /**
     * Readings of one attribute: raw (`bucketSeconds` null) or aggregated per bucket. A bucket that
     * is a whole number of hours is answered from the hourly rollup (and a whole number of days from
     * the daily rollup) for the aligned part of the range, and from raw readings only for the
     * partial hours at its ends — the same figures as aggregating the raw readings.
     */
    async history(deviceId: string, attribute: string, from: Date, to: Date, bucketSeconds: number | null, limit: number): Promise<HistoryResult> {
      const params = [deviceId, attribute, from.toISOString(), to.toISOString(), limit];
      if (bucketSeconds === null) {
        const { rows } = await db.query<{ t: string; v: number }>(
          `SELECT ${iso('observed_at', 't')}, value AS v FROM iot_telemetry
           WHERE device_id = $1 AND attribute = $2 AND observed_at >= $3 AND observed_at < $4 ORDER BY observed_at LIMIT $5`,
          params,
        );
        return { source: 'raw', points: rows.map((r) => ({ t: r.t, avg: Number(r.v), min: Number(r.v), max: Number(r.v), count: 1 })) };
      }
      if (bucketSeconds % 3600 !== 0) {
        const { rows } = await db.query<{ t: string; avg: number; min: number; max: number; count: number }>(
          `SELECT ${iso('to_timestamp(b * $6)', 't')}, avg, min, max, count FROM (
             SELECT floor(extract(epoch FROM observed_at) / $6)::bigint AS b, avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
             FROM iot_telemetry WHERE device_id = $1 AND attribute = $2 AND observed_at >= $3 AND observed_at < $4
             GROUP BY 1) s ORDER BY b LIMIT $5`,
          [...params, bucketSeconds],
        );
        return { source: 'raw', points: rows.map((r) => ({ t: r.t, avg: Number(r.avg), min: Number(r.min), max: Number(r.max), count: Number(r.count) })) };
      }
      const plan = planRollupRead(from.getTime(), to.getTime(), bucketSeconds % 86_400 === 0);
      const at = (ms: number): string => new Date(ms).toISOString();
      const { rows } = await db.query<{ t: string; sum: number; min: number; max: number; count: number | string }>(
        `SELECT ${iso('to_timestamp(b * $6)', 't')}, sum, min, max, count FROM (
           SELECT floor(extract(epoch FROM t) / $6)::bigint AS b, sum(s) AS sum, min(mn) AS min, max(mx) AS max, sum(c) AS count FROM (
             SELECT observed_at AS t, value AS s, 1::bigint AS c, value AS mn, value AS mx FROM iot_telemetry
             WHERE device_id = $1 AND attribute = $2 AND ((observed_at >= $3 AND observed_at < $7) OR (observed_at >= $8 AND observed_at < $4))
             UNION ALL
             SELECT bucket, sum, count, min, max FROM iot_rollup_hour
             WHERE device_id = $1 AND attribute = $2 AND ((bucket >= $7 AND bucket < $9) OR (bucket >= $10 AND bucket < $8))
             UNION ALL
             SELECT bucket, sum, count, min, max FROM iot_rollup_day
             WHERE device_id = $1 AND attribute = $2 AND bucket >= $9 AND bucket < $10
           ) u GROUP BY 1) s ORDER BY b LIMIT $5`,
        [...params, bucketSeconds, at(plan.hourFrom), at(plan.hourTo), at(plan.dayFrom), at(plan.dayTo)],
      );
      return {
        source: plan.dayTo > plan.dayFrom ? 'rollup_day' : plan.hourTo > plan.hourFrom ? 'rollup_hour' : 'raw',
        points: rows.map((r) => ({ t: r.t, avg: Number(r.sum) / Number(r.count), min: Number(r.min), max: Number(r.max), count: Number(r.count) })),
      };
    },

    /** Delete rollup rows of buckets before `cutoff` (their own retention), in slices. */
    async deleteRollupsBefore(table: 'iot_rollup_hour' | 'iot_rollup_day', cutoff: Date): Promise<number> {
      let total = 0;
      for (;;) {
        const r = await db.query(
          `DELETE FROM ${table} WHERE (device_id, attribute, bucket) IN (SELECT device_id, attribute, bucket FROM ${table} WHERE bucket < $1 LIMIT 10000)`,
          [cutoff.toISOString()],
        );
        total += r.rowCount;
        if (r.rowCount < 10_000) return total;
      }
    },

    async insertDeadLetter(d: DeadLetterInput, at: Date): Promise<void> {
      await this.insertDeadLetters([{ ...d, at }]);
    },

    /** Insert several dead letters in one statement. */
    async insertDeadLetters(rows: ReadonlyArray<DeadLetterInput & { at: Date }>): Promise<void> {
      if (rows.length === 0) return;
      const params: unknown[] = [];
      const values = rows.map((d) => {
        const base = params.length;
        params.push(d.at.toISOString(), d.source, d.topic, d.deviceId, d.reason, d.detail, d.payload, d.sourceAddress ?? null);
        return `(${Array.from({ length: 8 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      await db.query(`INSERT INTO iot_dead_letters (received_at, source, topic, device_id, reason, detail, payload, source_address) VALUES ${values.join(', ')}`, params);
    },

    /** Delete dead letters received before `cutoff` (retention), in slices so no statement runs long. */
    async deleteDeadLettersBefore(cutoff: Date): Promise<number> {
      let total = 0;
      for (;;) {
        const r = await db.query('DELETE FROM iot_dead_letters WHERE id IN (SELECT id FROM iot_dead_letters WHERE received_at < $1 LIMIT 10000)', [cutoff.toISOString()]);
        total += r.rowCount;
        if (r.rowCount < 10_000) return total;
      }
    },

    async deadLetters(limit: number, reason: string | undefined): Promise<DeadLetter[]> {
      const { rows } = await db.query<{ id: string | number; received_at: string; source: 'mqtt' | 'http'; topic: string | null; device_id: string | null; reason: string; detail: string; payload: string; source_address: string | null }>(
        `SELECT id, ${iso('received_at')}, source, topic, device_id, reason, detail, payload, source_address FROM iot_dead_letters
         ${reason ? 'WHERE reason = $2' : ''} ORDER BY id DESC LIMIT $1`,
        reason ? [limit, reason] : [limit],
      );
      return rows.map((r) => ({ id: Number(r.id), receivedAt: r.received_at, source: r.source, topic: r.topic, deviceId: r.device_id, reason: r.reason, detail: r.detail, payload: r.payload, sourceAddress: r.source_address }));
    },
  };
}

export type TelemetryStore = ReturnType<typeof createTelemetryStore>;
