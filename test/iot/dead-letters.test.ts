// Refusals carry a reason and are kept: an overloaded HTTP push gets 503 with Retry-After, a QoS 0
// reading the writer cannot take becomes a dead letter, and dead letters past retention go.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import type { HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { iotHttp, waterSensor, type ProblemBody } from './support.ts';

forEachDatabase('iot refusals and dead letters', { migrations: [iotMigrations] }, (ctx) => {
  let app: HttpApp;
  let iot: IotModule;
  let token: string;
  const now = new Date();

  beforeAll(async () => {
    // A writer that takes at most one reading waiting: every two-reading message is an overload.
    ({ app, iot } = await iotHttp(ctx.db, { clock: fixedClock(now), options: { writer: { maxPendingReadings: 1 }, deadLetterRetentionDays: 30 } }));
    token = (await iot.registry.register(waterSensor('wl-busy'))).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers an overloaded HTTP push with 503, the reason and Retry-After', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/iot/devices/wl-busy/telemetry',
      headers: { authorization: `Bearer ${token}` },
      payload: { values: { height: 1, temperature: 2 } },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json<ProblemBody>()).toMatchObject({ code: 'ingest_overloaded', detail: expect.stringMatching(/retry later/) as unknown });
    expect(iot.ingestion.stats().overloaded).toBe(1);
  });

  it('keeps a QoS 0 reading the writer refused as a dead letter; a QoS 1 one stays unacknowledged', async () => {
    const payload = Buffer.from(JSON.stringify({ values: { height: 1, temperature: 2 } }));
    await iot.ingestion.handleMqtt({ topic: 'devices/wl-busy/telemetry', payload, qos: 0, dup: false });
    await expect(iot.ingestion.handleMqtt({ topic: 'devices/wl-busy/telemetry', payload, qos: 1, dup: false })).rejects.toMatchObject({ code: 'ingest_overloaded' });
    await expect.poll(async () => (await iot.telemetry.deadLetters({ limit: 10, reason: 'ingest_overloaded' })).length).toBe(1);
    const [letter] = await iot.telemetry.deadLetters({ limit: 10, reason: 'ingest_overloaded' });
    expect(letter).toMatchObject({ source: 'mqtt', deviceId: 'wl-busy', payload: payload.toString() });
    expect(iot.ingestion.stats().rejected.ingest_overloaded).toBe(1);
  });

  it('deletes dead letters older than their retention and keeps the recent ones', async () => {
    const old = new Date(now.getTime() - 31 * 86_400_000).toISOString();
    await ctx.db.query("INSERT INTO iot_dead_letters (received_at, source, topic, device_id, reason, detail, payload) VALUES ($1, 'http', NULL, 'wl-old', 'payload_invalid', 'old', '{}')", [old]);
    const before = (await iot.telemetry.deadLetters({ limit: 1000 })).length;
    await iot.maintain();
    const after = await iot.telemetry.deadLetters({ limit: 1000 });
    expect(after.length).toBe(before - 1);
    expect(after.some((d) => d.deviceId === 'wl-old')).toBe(false);
    expect(after.some((d) => d.reason === 'ingest_overloaded')).toBe(true);
  });
});
