// Stored downsampling: the hourly and daily rollups equal the aggregate of the raw readings (also
// after redelivered duplicates and concurrent batches), long ranges are answered from them, and
// they outlive the raw history.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { iotMigrations, type DeviceWithToken, type History, type IotModule } from '../../src/modules/iot/index.ts';
import type { HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { iotHttp, waterSensor } from './support.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-06-07T00:00:00Z');
// Three days of a reading every 10 minutes, with values that vary within each hour.
const READINGS = Array.from({ length: 3 * 144 }, (_, i) => ({ observedAt: START + i * 600_000, values: { height: Math.round((2 + Math.sin(i / 7) + (i % 6) * 0.1) * 1000) / 1000, temperature: 10 + (i % 24) } }));

interface Aggregate {
  device: string;
  attribute: string;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

forEachDatabase('iot telemetry rollups', { migrations: [iotMigrations] }, (ctx) => {
  const clock = fixedClock('2026-06-10T12:00:00Z');
  let app: HttpApp;
  let iot: IotModule;
  let token: string;

  const push = (body: unknown) =>
    app.inject({ method: 'POST', url: '/api/iot/devices/wl-r/telemetry', headers: { authorization: `Bearer ${token}` }, payload: body as object });
  const history = async (query: string): Promise<History> => {
    const res = await app.inject({ method: 'GET', url: `/api/iot/devices/wl-r/history?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<History>();
  };
  const normalise = (rows: Array<Record<string, unknown>>): Aggregate[] =>
    rows.map((r) => ({ device: String(r.device_id), attribute: String(r.attribute), bucket: Number(r.b), count: Number(r.count), sum: Math.round(Number(r.sum) * 1e6) / 1e6, min: Number(r.min), max: Number(r.max) }));
  const stored = async (table: string): Promise<Aggregate[]> =>
    normalise((await ctx.db.query(`SELECT device_id, attribute, extract(epoch FROM bucket)::bigint AS b, count, sum, min, max FROM ${table} ORDER BY 1, 2, 3`)).rows);
  const fromRaw = async (seconds: number): Promise<Aggregate[]> =>
    normalise(
      (
        await ctx.db.query(
          `SELECT device_id, attribute, (floor(extract(epoch FROM observed_at) / ${seconds}) * ${seconds})::bigint AS b, count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max
           FROM iot_telemetry GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        )
      ).rows,
    );

  beforeAll(async () => {
    ({ app, iot } = await iotHttp(ctx.db, { clock, options: { retentionDays: 30, rollupHourRetentionDays: 45, rollupDayRetentionDays: 3650, writer: { maxBatchReadings: 40 } } }));
    token = (await app.inject({ method: 'POST', url: '/api/iot/devices', payload: waterSensor('wl-r') })).json<DeviceWithToken>().token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps hourly and daily rollups equal to the raw aggregate, redelivered readings counted once', async () => {
    // Concurrent pushes (several batches, and transactions in parallel on PostgreSQL), each reading
    // of the first day sent twice, and a third time after everything was stored.
    const firstDay = READINGS.slice(0, 144);
    const answers = await Promise.all([...READINGS, ...firstDay].map((r) => push(r)));
    expect(answers.filter((a) => a.statusCode !== 200).map((a) => a.body)).toEqual([]);
    expect((await Promise.all(firstDay.slice(0, 30).map((r) => push(r)))).every((a) => a.statusCode === 200)).toBe(true);
    await iot.drain();

    const hours = await stored('iot_rollup_hour');
    expect(hours).toHaveLength(2 * 72);
    expect(hours).toEqual(await fromRaw(3600));
    expect(hours.reduce((n, h) => n + h.count, 0)).toBe(2 * READINGS.length);
    const days = await stored('iot_rollup_day');
    expect(days).toHaveLength(2 * 3);
    expect(days).toEqual(await fromRaw(86_400));
    expect(days.find((d) => d.attribute === 'temperature')).toMatchObject({ count: 144, min: 10, max: 33 });
  });

  it('answers buckets of whole hours and days from the rollups, with the figures of the raw readings', async () => {
    // Unaligned ends: the partial hours come from raw readings, the rest from the rollups.
    const range = 'attribute=height&from=2026-06-06T22:07:30Z&to=2026-06-09T17:45:00Z';
    const raw = await history(`${range}&bucketSeconds=1800`);
    expect(raw.source).toBe('raw');
    for (const [seconds, source] of [[3600, 'rollup_hour'], [7200, 'rollup_hour'], [86_400, 'rollup_day']] as const) {
      const res = await history(`${range}&bucketSeconds=${seconds}`);
      expect(res.source).toBe(source);
      // The same buckets aggregated from the raw readings of the range.
      const expected = new Map<string, { sum: number; count: number; min: number; max: number }>();
      for (const p of raw.points) {
        const t = new Date(Math.floor(Date.parse(p.t) / 1000 / seconds) * seconds * 1000).toISOString();
        const e = expected.get(t) ?? { sum: 0, count: 0, min: Infinity, max: -Infinity };
        expected.set(t, { sum: e.sum + p.avg * p.count, count: e.count + p.count, min: Math.min(e.min, p.min), max: Math.max(e.max, p.max) });
      }
      expect(res.points.map((p) => p.t)).toEqual([...expected.keys()]);
      for (const p of res.points) {
        const e = expected.get(p.t);
        expect(p).toMatchObject({ count: e?.count, min: e?.min, max: e?.max });
        expect(p.avg).toBeCloseTo((e?.sum ?? 0) / (e?.count ?? 1), 9);
      }
      expect(res.points.reduce((n, p) => n + p.count, 0)).toBe(raw.points.reduce((n, p) => n + p.count, 0));
    }
    // A 20-day range picks hourly buckets by itself.
    const auto = await history('attribute=temperature&from=2026-05-21T12:00:00Z&to=2026-06-10T12:00:00Z');
    expect(auto).toMatchObject({ bucketSeconds: 3600, source: 'rollup_hour' });
    expect(auto.points).toHaveLength(72);
  });

  it('drops old raw readings and hourly rollups by retention while the daily rollup remains', async () => {
    const before = await history('attribute=height&from=2026-06-07T00:00:00Z&to=2026-06-10T00:00:00Z&bucketSeconds=86400');
    const days = await stored('iot_rollup_day');
    clock.set(new Date(Date.parse('2026-06-10T12:00:00Z') + 60 * DAY));
    await iot.maintain();
    expect((await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_telemetry')).rows[0]?.n).toBe(0);
    expect((await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_rollup_hour')).rows[0]?.n).toBe(0);
    expect(await stored('iot_rollup_day')).toEqual(days);
    // A 400-day range, longer than the raw retention, is answered from the daily rollup.
    const long = await history('attribute=height&from=2025-07-05T00:00:00Z&to=2026-08-09T00:00:00Z');
    expect(long).toMatchObject({ bucketSeconds: 86_400, source: 'rollup_day' });
    expect(long.points).toEqual(before.points);
    // Raw readings are still refused past the raw retention.
    const rawLong = await app.inject({ method: 'GET', url: '/api/iot/devices/wl-r/history?attribute=height&from=2025-07-05T00:00:00Z&to=2026-08-09T00:00:00Z&bucketSeconds=600' });
    expect(rawLong.statusCode).toBe(400);
  });

  it('deletes a device with its rollups', async () => {
    expect((await app.inject({ method: 'DELETE', url: '/api/iot/devices/wl-r' })).statusCode).toBe(204);
    expect(await stored('iot_rollup_day')).toEqual([]);
  });
});
