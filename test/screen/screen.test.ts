// 大屏 server side on a running platform: KPIs that follow what happens, and the live stream —
// events and alarms pushed as they happen, KPIs pushed after them, Last-Event-ID resume, reset
// when the history does not reach back, and the permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kpis, LiveEvent } from '../../src/modules/screen/index.ts';
import { startMapPlatform, type MapHarness } from '../map/support.ts';
import { openSse, type SseConnection } from './sse.ts';

const SEAT = { lon: 115.985, lat: 36.456 };

describe('big screen (大屏) server side', () => {
  let h: MapHarness;
  const open: SseConnection[] = [];
  beforeAll(async () => {
    h = await startMapPlatform();
  }, 180_000);
  afterAll(async () => {
    for (const c of open) c.close();
    await h?.dispose();
  });

  const stream = async (headers: Record<string, string> = {}, key = h.key) => {
    const c = await openSse(`${h.platform.url}/api/screen/stream`, { authorization: `Bearer ${key}`, ...headers });
    open.push(c);
    return c;
  };
  const createEvent = async (title: string) => {
    const r = await h.post<{ id: number }>('/api/events', { title, categoryCode: 'SR01', lon: SEAT.lon, lat: SEAT.lat });
    expect(r.status).toBe(201);
    return r.body.id;
  };

  it('computes KPIs with trends and rankings, and counts a new event', async () => {
    const before = await h.json<Kpis>('/api/screen/kpis');
    expect(before.status).toBe(200);
    expect(before.body.trendHours).toHaveLength(24);
    expect(before.body.trendDays).toHaveLength(7);
    expect(before.body.districts.map((d) => d.name)).toContain('东昌府区');
    await createEvent('大屏指标测试');
    await expect.poll(async () => (await h.json<Kpis>('/api/screen/kpis')).body.eventsToday, { timeout: 10_000 }).toBe(before.body.eventsToday + 1);
    const after = (await h.json<Kpis>('/api/screen/kpis')).body;
    expect(after.open).toBe(before.body.open + 1);
    expect(after.trendHours.reduce((s, p) => s + p.created, 0)).toBe(before.body.trendHours.reduce((s, p) => s + p.created, 0) + 1);
    expect(after.districts.find((d) => d.code === '371502')?.open).toBe((before.body.districts.find((d) => d.code === '371502')?.open ?? 0) + 1);
    expect(after.departments.length).toBeGreaterThan(0);
  });

  it('streams a new event and its dispatch as they happen, then pushes fresh KPIs', async () => {
    const c = await stream();
    expect(c.status).toBe(200);
    expect(c.contentType).toContain('text/event-stream');
    const first = await c.next((m) => m.event === 'kpi');
    const id = await createEvent('大屏实时推送测试');
    const created = await c.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === id && (m.data as LiveEvent).verb === 'created');
    expect(created.data).toMatchObject({ title: '大屏实时推送测试', categoryName: '暴露垃圾', districtCode: '371502', lon: SEAT.lon, lat: SEAT.lat });
    await c.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === id && (m.data as LiveEvent).state === 'dispatched');
    const kpi = await c.next((m) => m.event === 'kpi' && m !== first);
    expect((kpi.data as Kpis).eventsToday).toBe((first.data as Kpis).eventsToday + 1);
  });

  it('resumes after Last-Event-ID with what was missed, and resets when the id is unknown', async () => {
    const c = await stream();
    const id1 = await createEvent('断线前');
    const seen = await c.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === id1);
    // A second screen stays connected and shows when the missed event has gone out.
    const watcher = await stream();
    c.close();
    const id2 = await createEvent('断线期间');
    await watcher.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === id2);
    watcher.close();
    const resumed = await stream({ 'last-event-id': seen.id as string });
    const missed = await resumed.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === id2);
    expect((missed.data as LiveEvent).title).toBe('断线期间');
    // Only what followed: not the message it had already seen.
    expect(resumed.messages.some((m) => m.id === seen.id)).toBe(false);
    resumed.close();
    const stale = await stream({ 'last-event-id': 'oldboot-42' });
    await stale.next((m) => m.event === 'reset');
  });

  it('streams an IoT alarm with the device position', async () => {
    const c = await stream();
    const device = await h.post<{ device: { id: string }; token: string }>('/api/iot/devices', { id: 'screen-wl-1', typeId: 'WaterLevelSensor', name: '大屏测试水位计', ownerDepartment: '市水利局', lon: 115.99, lat: 36.45, accessTier: 'general' });
    expect(device.status, JSON.stringify(device.body)).toBe(201);
    const rule = await h.post('/api/iot/rules', { name: '水位过高', deviceId: 'screen-wl-1', attribute: 'height', kind: 'threshold', operator: '>', threshold: 2, severity: 'major' });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    await h.platform.modules.iot.ingestion.handleHttp('screen-wl-1', device.body.token, { values: { height: 3.2 } });
    const m = await c.next((x) => x.event === 'alarm', 15_000);
    expect(m.data).toMatchObject({ deviceId: 'screen-wl-1', deviceName: '大屏测试水位计', lon: 115.99, lat: 36.45, status: 'active' });
  });

  it('refuses the stream without the permission', async () => {
    const key = await h.keyWith(['events.event.read']);
    const c = await stream({}, key);
    expect(c.status).toBe(403);
    const anonymous = await fetch(`${h.platform.url}/api/screen/stream`);
    expect(anonymous.status).toBe(401);
  });
});
