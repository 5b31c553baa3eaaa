// Telemetry storage on every database: daily partitions created ahead and on demand, retention
// dropping whole days, group commit that never loses an accepted reading, and back-pressure.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { iotMigrations, type DeviceWithToken, type IotModule } from '../../src/modules/iot/index.ts';
import type { HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { iotHttp, waterSensor, type ProblemBody } from './support.ts';

const DAY = 86_400_000;

forEachDatabase('iot telemetry storage', { migrations: [iotMigrations] }, (ctx) => {
  const clock = fixedClock('2026-06-10T12:00:00Z');
  let app: HttpApp;
  let iot: IotModule;
  let token: string;

  const partitions = async (): Promise<string[]> =>
    (await ctx.db.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'iot_telemetry'::regclass ORDER BY 1")).rows.map((r) => r.name);
  const count = async (): Promise<number> => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_telemetry')).rows[0]?.n ?? -1;
  const push = (body: unknown) =>
    app.inject({ method: 'POST', url: '/api/iot/devices/wl-t/telemetry', headers: { authorization: `Bearer ${token}` }, payload: body as object });

  beforeAll(async () => {
    ({ app, iot } = await iotHttp(ctx.db, { clock, options: { retentionDays: 30, writer: { maxPendingReadings: 200, maxBatchReadings: 50 } } }));
    token = (await app.inject({ method: 'POST', url: '/api/iot/devices', payload: waterSensor('wl-t') })).json<DeviceWithToken>().token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('creates the daily partitions from yesterday to three days ahead', async () => {
    await iot.telemetry.maintainPartitions();
    expect(await partitions()).toEqual(['iot_telemetry_p20260609', 'iot_telemetry_p20260610', 'iot_telemetry_p20260611', 'iot_telemetry_p20260612', 'iot_telemetry_p20260613']);
  });

  it('creates the partition of an older day when a reading of that day arrives', async () => {
    const res = await push({ observedAt: '2026-05-20T06:00:00Z', values: { height: 2 } });
    expect(res.statusCode).toBe(200);
    expect(await partitions()).toContain('iot_telemetry_p20260520');
  });

  it('stores every reading of concurrent pushes, in few transactions (group commit)', async () => {
    const before = iot.ingestion.stats().batches;
    const sends = Array.from({ length: 60 }, (_, i) => push({ observedAt: Date.parse('2026-06-10T08:00:00Z') + i * 1000, values: { height: i / 10, temperature: 10 } }));
    const answers = await Promise.all(sends);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(60).fill(200));
    expect(await count()).toBe(1 + 120);
    expect(iot.ingestion.stats().batches - before).toBeLessThan(60);
    const latest = await app.inject({ method: 'GET', url: '/api/iot/devices/wl-t' });
    expect(latest.json<{ latest: unknown[] }>().latest).toEqual([
      { attribute: 'height', value: 5.9, observedAt: '2026-06-10T08:00:59.000Z' },
      { attribute: 'temperature', value: 10, observedAt: '2026-06-10T08:00:59.000Z' },
    ]);
  });

  it('stores a redelivered reading once', async () => {
    const body = { observedAt: '2026-06-10T09:00:00Z', values: { height: 1 } };
    await push(body);
    await push(body);
    expect(await count()).toBe(122);
  });

  it('refuses with 503 what exceeds the pending bound, and stores everything it accepted', async () => {
    const before = await count();
    const sends = Array.from({ length: 400 }, (_, i) => push({ observedAt: Date.parse('2026-06-10T10:00:00Z') + i * 1000, values: { height: 1 } }));
    const answers = await Promise.all(sends);
    const accepted = answers.filter((a) => a.statusCode === 200).length;
    const refused = answers.filter((a) => a.statusCode === 503);
    expect(accepted + refused.length).toBe(400);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.json<ProblemBody>()).toMatchObject({ status: 503, code: 'ingest_overloaded' });
    expect(await count()).toBe(before + accepted);
    expect(iot.ingestion.stats().pendingReadings).toBe(0);
  });

  it('drops whole days past retention and keeps the rest', async () => {
    clock.set(new Date(Date.parse('2026-06-10T12:00:00Z') + 25 * DAY));
    const dropped = await iot.telemetry.maintainPartitions();
    // 2026-07-05 with 30 days kept: 2026-05-20 is past, 2026-06-09 on is kept.
    expect(dropped).toEqual(['2026-05-20']);
    expect(await partitions()).not.toContain('iot_telemetry_p20260520');
    expect(await partitions()).toContain('iot_telemetry_p20260610');
    clock.set(new Date(Date.parse('2026-06-10T12:00:00Z') + 45 * DAY));
    await iot.telemetry.maintainPartitions();
    expect(await partitions()).not.toContain('iot_telemetry_p20260610');
    expect(await count()).toBe(0);
  });
});
