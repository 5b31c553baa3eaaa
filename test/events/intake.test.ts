// Machine intake: video detections de-duplicated in a time and distance window (also when they
// arrive at once), and IoT alarms from the bus creating exactly one event per alarm.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type DetectionResult, type EventDetail } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { PLACES, seedCity, startEvents, type Harness } from './support.ts';

const at = (minutes: number) => new Date(Date.parse('2026-03-02T02:00:00Z') + minutes * 60_000).toISOString();
const detection = (over: Record<string, unknown> = {}) => ({
  cameraId: 'CAM-DCF-0107', scenario: 'exposed_garbage', detectedAt: at(0), confidence: 0.91,
  lon: PLACES.dongchangfu.lon, lat: PLACES.dongchangfu.lat, snapshotUrl: 'https://vendor.example/snap/1.jpg', ...over,
});
/** ~`m` metres east of the point. */
const east = (m: number) => PLACES.dongchangfu.lon + m / (111_320 * Math.cos((PLACES.dongchangfu.lat * Math.PI) / 180));

forEachDatabase('events intake', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { natsBus: true, staff: ['dispatcher-1', 'vendor-hikvision'] });
    await h.module.start?.();
  });
  afterAll(() => h.close());

  const detect = (body: Record<string, unknown>) => h.call<DetectionResult & { code?: string }>('POST', '/api/events/detections', body, 'vendor-hikvision');

  it('30 simultaneous detections of one scene become one event with 30 detections', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => detect(detection({ detectedAt: at(i % 5), lon: east(i % 20), confidence: 0.8 + i / 200 }))));
    const ids = new Set(results.map((r) => r.body.eventId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const id = [...ids][0] ?? 0;
    const e = (await h.call<EventDetail>('GET', `/api/events/${id}`)).body;
    expect(e).toMatchObject({ source: 'video_ai', categoryCode: 'SR01', detectionCount: 30, departmentCode: 'D07', state: 'dispatched' });
    expect(e.attachments).toHaveLength(1);
    expect(e.attachments[0]?.url).toBe('https://vendor.example/snap/1.jpg');
    expect(e.timeline.filter((t) => t.action === 'detected')).toHaveLength(29);
  });

  it('another scenario, 200 m away, or 11 minutes after the last detection is a new event', async () => {
    const base = (await detect(detection({ cameraId: 'CAM-2', scenario: 'piled_materials', detectedAt: at(100) }))).body;
    expect(base.created).toBe(true);
    expect((await detect(detection({ cameraId: 'CAM-2', scenario: 'piled_materials', detectedAt: at(108), lon: east(40) }))).body).toMatchObject({ eventId: base.eventId, created: false, detectionCount: 2 });
    expect((await detect(detection({ cameraId: 'CAM-3', scenario: 'piled_materials', detectedAt: at(108), lon: east(200) }))).body.created).toBe(true);
    expect((await detect(detection({ cameraId: 'CAM-2', scenario: 'piled_materials', detectedAt: at(119) }))).body.created).toBe(true);
    expect((await detect(detection({ cameraId: 'CAM-2', scenario: 'crowd_gathering', detectedAt: at(108) }))).body.created).toBe(true);
  });

  it('refuses an unknown scenario and a confidence above 1', async () => {
    expect((await detect(detection({ scenario: 'ufo_landing' }))).status).toBe(400);
    const r = await detect(detection({ confidence: 1.5 }));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('confidence');
  });

  const alarm = (alarmId: number) => ({
    id: `iot.alarm.raised:${alarmId}`, subject: 'iot.alarm.raised', occurredAt: at(0),
    data: { alarmId, ruleId: 3, deviceId: 'WL-0042', severity: 'critical', status: 'active', value: 1.8, message: '水位超过警戒线 1.5 m', raisedAt: at(0), clearedAt: null },
  });

  const waitFor = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const alarmEvents = async (alarmId: number) => (await ctx.db.query<{ id: string }>(`SELECT id FROM events_events WHERE source = 'iot_alarm' AND source_ref = $1`, [`alarm:${alarmId}`])).rows;

  it('an IoT alarm delivered twice (and concurrently) becomes exactly one urgent event', async () => {
    await Promise.all([h.bus.publish(alarm(7001)), h.bus.publish(alarm(7001))]);
    await h.bus.publish(alarm(7001));
    await waitFor(async () => (await alarmEvents(7001)).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    const rows = await alarmEvents(7001);
    expect(rows).toHaveLength(1);
    const e = (await h.call<EventDetail>('GET', `/api/events/${rows[0]?.id}`)).body;
    expect(e).toMatchObject({ source: 'iot_alarm', sourceRef: 'alarm:7001', severity: 'urgent', categoryCode: 'SZ06', state: 'dispatched' });
    expect(e.title).toContain('水位超过警戒线');
    expect(e.timeline[0]).toMatchObject({ action: 'created', actor: 'iot' });
  });

  it('an alarm cleared twice is noted once on its event', async () => {
    const cleared = { ...alarm(7001), id: 'iot.alarm.cleared:7001', subject: 'iot.alarm.cleared', data: { ...alarm(7001).data, status: 'cleared', clearedAt: at(30) } };
    await h.bus.publish(cleared);
    await h.bus.publish(cleared);
    const id = (await alarmEvents(7001))[0]?.id;
    const count = async () => (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events_timeline WHERE event_id = $1 AND action = 'alarm_cleared'`, [id])).rows[0]?.n ?? 0;
    await waitFor(async () => (await count()) > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(1);
  });
});
