// 数据权限 on the one map and the big screen: a district's case handler sees the events of their
// district through the event layers (GeoJSON and tiles) and not another district's; the big
// screen belongs to the command center (dispatchers, leaders), and its stream and list carry only
// the events the viewer may see; its KPIs are those of the viewer's scope (城市/区县 两级大屏).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kpis, LiveEvent } from '../../src/modules/screen/index.ts';
import { openSse, type SseConnection } from '../screen/sse.ts';
import { decodeTile, staffKey, startMapPlatform, type MapHarness } from './support.ts';

// 临清市 (371581) and 东昌府区 (371502). 施工扰民 SG01 has no routing rule: it goes to the district unit.
const LINQING = { lon: 115.704, lat: 36.838 };
const DONGCHANGFU = { lon: 115.985, lat: 36.456 };

interface Fc {
  features: Array<{ properties: { id: number; departmentCode: string } }>;
}

describe('event scope on the map and the screen', () => {
  let h: MapHarness;
  let lqHandler: string;
  let lqDispatcher: string;
  let cityDispatcher: string;
  let lqEvent: number;
  let dcfEvent: number;
  const open: SseConnection[] = [];

  const createEvent = async (title: string, at: { lon: number; lat: number }) => {
    const r = await h.post<{ id: number; departmentCode: string }>('/api/events', { title, categoryCode: 'SG01', ...at });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const ids = async (layer: string, key: string) => {
    const r = await h.json<Fc>(`/api/map/layers/${layer}/geojson`, key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.features.map((f) => f.properties.id);
  };
  const stream = async (key: string) => {
    const c = await openSse(`${h.platform.url}/api/screen/stream`, { authorization: `Bearer ${key}` });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    h = await startMapPlatform();
    lqHandler = await staffKey(h.platform, { role: 'handler', units: ['371581'] });
    lqDispatcher = await staffKey(h.platform, { role: 'dispatcher', units: ['371581'], scopeUnit: '371581' });
    cityDispatcher = await staffKey(h.platform, { role: 'dispatcher', units: ['371500'] });
    const lq = await createEvent('临清施工扰民', LINQING);
    const dcf = await createEvent('东昌府施工扰民', DONGCHANGFU);
    expect([lq.departmentCode, dcf.departmentCode]).toEqual(['371581', '371502']);
    lqEvent = lq.id;
    dcfEvent = dcf.id;
  }, 180_000);
  afterAll(async () => {
    for (const c of open) c.close();
    await h?.dispose();
  });

  it("shows a district handler only their district's events on the event layers", async () => {
    for (const layer of ['events-open', 'events-heat']) {
      const seen = await ids(layer, lqHandler);
      expect(seen, layer).toContain(lqEvent);
      expect(seen, layer).not.toContain(dcfEvent);
      const all = await ids(layer, cityDispatcher);
      expect(all, layer).toEqual(expect.arrayContaining([lqEvent, dcfEvent]));
    }
    // The world tile at zoom 0 holds every point (clustered or not): count what each caller gets.
    const count = async (key: string) => {
      const res = await h.get('/api/map/tiles/events-open/0/0/0.pbf', key);
      expect(res.status).toBe(200);
      return decodeTile(await res.arrayBuffer(), 'events-open').reduce((n, f) => n + (typeof f.point_count === 'number' ? f.point_count : 1), 0);
    };
    const mine = await count(lqHandler);
    const all = await count(cityDispatcher);
    expect(all).toBeGreaterThan(mine);
    expect(mine).toBe((await ids('events-open', lqHandler)).length);
  });

  it('moves an event out of the handler layer when it is reassigned away', async () => {
    const r = await h.post(`/api/events/${lqEvent}/reassign`, { departmentCode: '371502', note: '跨区转办' }, cityDispatcher);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await expect.poll(async () => (await ids('events-open', lqHandler)).includes(lqEvent), { timeout: 10_000 }).toBe(false);
    // A district dispatcher still sees it: it lies in their district.
    expect(await ids('events-open', lqDispatcher)).toContain(lqEvent);
    expect(await ids('events-open', lqDispatcher)).not.toContain(dcfEvent);
  });

  it("cuts the screen map's event layers (view=screen) to the screen's scope, as its KPIs and stream", async () => {
    // 临清市's leader: their event list holds the events of their units, their screen every event located in 临清市 —
    // the reassigned event lies there but is led by 东昌府区 now.
    const lqLeader = await staffKey(h.platform, { role: 'leader', units: ['371581'], scopeUnit: '371581' });
    const screenIds = async (layer: string, key: string) => {
      const r = await h.json<Fc>(`/api/map/layers/${layer}/geojson?view=screen`, key);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.features.map((f) => f.properties.id);
    };
    expect(await ids('events-open', lqLeader)).not.toContain(lqEvent);
    for (const layer of ['events-open', 'events-heat']) {
      const seen = await screenIds(layer, lqLeader);
      expect(seen, layer).toContain(lqEvent);
      expect(seen, layer).not.toContain(dcfEvent);
    }
    const count = async (key: string) => {
      const res = await h.get('/api/map/tiles/events-open/0/0/0.pbf?view=screen&v=1', key);
      expect(res.status).toBe(200);
      return decodeTile(await res.arrayBuffer(), 'events-open').reduce((n, f) => n + (typeof f.point_count === 'number' ? f.point_count : 1), 0);
    };
    expect(await count(lqLeader)).toBe((await screenIds('events-open', lqLeader)).length);
    // The stream's recent list of the same screen holds the same event.
    const recent = await h.json<LiveEvent[]>('/api/screen/recent?limit=50', lqLeader);
    expect(recent.body.map((e) => e.eventId)).toContain(lqEvent);
    // A screen grant is needed for the screen's view: a handler without one sees no events there.
    expect(await screenIds('events-open', lqHandler)).toEqual([]);
    expect((await h.get('/api/map/tiles/events-open/0/0/0.pbf?view=other', lqLeader)).status).toBe(400);
  });

  it('gives the big screen to the command center, and streams a district dispatcher only its events', async () => {
    expect((await h.get('/api/screen/kpis', lqHandler)).status).toBe(403);
    expect((await h.get('/api/screen/stream', lqHandler)).status).toBe(403);
    const district = await stream(lqDispatcher);
    const city = await stream(cityDispatcher);
    expect([district.status, city.status]).toEqual([200, 200]);
    const dcf = await createEvent('东昌府新事件', DONGCHANGFU);
    const lq = await createEvent('临清新事件', LINQING);
    await city.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === dcf.id);
    await district.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === lq.id);
    await city.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === lq.id);
    expect(district.messages.some((m) => m.event === 'event' && (m.data as LiveEvent).eventId === dcf.id)).toBe(false);
    const recent = await h.json<LiveEvent[]>('/api/screen/recent?limit=50', lqDispatcher);
    expect(recent.status).toBe(200);
    expect(recent.body.map((e) => e.eventId)).toContain(lq.id);
    expect(recent.body.map((e) => e.eventId)).not.toContain(dcf.id);
    expect(recent.body.every((e) => e.districtCode === '371581')).toBe(true);
    const leader = await staffKey(h.platform, { role: 'leader', units: ['371500'] });
    expect((await h.get('/api/screen/kpis', leader)).status).toBe(200);
  });

  it('gives each screen the KPIs of its scope: a district its district by town, a department its own, the city leader the city', async () => {
    const lqLeader = await staffKey(h.platform, { role: 'leader', units: ['371581'], scopeUnit: '371581' });
    const waterLeader = await staffKey(h.platform, { role: 'leader', units: ['D08'], scopeUnit: 'D08' });
    const cityLeader = await staffKey(h.platform, { role: 'leader', units: ['371500'] });
    for (const [id, owner, at] of [['scope-wl-lq', '市住建局', LINQING], ['scope-wl-dcf', '市水利局', DONGCHANGFU]] as const) {
      const r = await h.post('/api/iot/devices', { id, typeId: 'WaterLevelSensor', name: id, ownerDepartment: owner, ...at, accessTier: 'general' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const devices = (await h.json<{ total: number; devices: Array<{ id: string; ownerDepartment: string }> }>('/api/iot/devices?limit=5000')).body;
    const kpis = async (key: string) => {
      const r = await h.json<Kpis>('/api/screen/kpis', key);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const openTotal = async (key: string) => (await h.json<{ total: number }>('/api/events?state=open&limit=1', key)).body.total;
    // KPIs are kept a second per scope: wait for the new devices.
    await expect.poll(async () => (await kpis(cityLeader)).devicesTotal, { timeout: 10_000 }).toBe(devices.total);

    const city = await kpis(cityLeader);
    expect(city.scope).toEqual({ all: true, level: 'city', units: [] });
    expect(city.areaLevel).toBe('district');
    expect(city.open).toBe(await openTotal(cityDispatcher));

    await expect.poll(async () => (await kpis(lqLeader)).devicesTotal, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const lq = await kpis(lqLeader);
    expect(lq.scope).toEqual({ all: false, level: 'district', units: [{ code: '371581', name: '临清市', kind: 'district' }] });
    // A district screen ranks its towns and streets, and counts what its district dispatcher's event list holds.
    expect(lq.areaLevel).toBe('town');
    expect(lq.districts.length).toBeGreaterThan(0);
    expect(lq.districts.every((d) => d.code.startsWith('371581'))).toBe(true);
    expect(lq.open).toBe(await openTotal(lqDispatcher));
    expect(lq.open).toBeLessThan(city.open);
    expect(lq.devicesTotal).toBeLessThan(city.devicesTotal);

    // A department's screen: the events it leads or joins, and the devices it owns (权属部门, by name).
    const water = await kpis(waterLeader);
    expect(water.scope).toMatchObject({ all: false, level: 'department', units: [{ code: 'D08', name: '水利局' }] });
    expect(water.devicesTotal).toBe(devices.devices.filter((d) => d.ownerDepartment.replace(/^(聊城市|市)/, '') === '水利局').length);
    expect(water.departments.every((d) => d.code === 'D08')).toBe(true);

    // The stream pushes each screen its own KPIs: a new event in 临清 moves the district's, one in 东昌府 does not.
    const district = await stream(lqLeader);
    const first = await district.next((m) => m.event === 'kpi');
    expect((first.data as Kpis).scope.units.map((u) => u.code)).toEqual(['371581']);
    await createEvent('东昌府不计入临清大屏', DONGCHANGFU);
    const lqNew = await createEvent('临清计入临清大屏', LINQING);
    await district.next((m) => m.event === 'event' && (m.data as LiveEvent).eventId === lqNew.id);
    await expect.poll(() => district.messages.filter((m) => m.event === 'kpi').map((m) => (m.data as Kpis).open).at(-1), { timeout: 10_000 }).toBe((first.data as Kpis).open + 1);
    expect(district.messages.filter((m) => m.event === 'kpi').every((m) => !(m.data as Kpis).scope.all)).toBe(true);
  });
});
