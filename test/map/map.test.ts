// 一张图 over HTTP on a running platform: the layer catalogue (built-in and from the catalogue),
// GeoJSON by bbox, vector tiles with ETag and cache, invalidation by bus events, permissions, and
// 4xx answers that name the wrong parameter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer, LayerList, LayerSource } from '../../src/modules/map/index.ts';
import { decodeTile, startMapPlatform, tileOf, type MapHarness } from './support.ts';

// 东昌府区, the city's seat.
const SEAT = { lon: 115.985, lat: 36.456 };

describe('one map (一张图)', () => {
  let h: MapHarness;
  beforeAll(async () => {
    h = await startMapPlatform();
    await h.platform.modules.map.ready();
  }, 180_000);
  afterAll(async () => h?.dispose());

  it('lists the built-in layers with their metadata, searchable and grouped', async () => {
    const { status, body } = await h.json<LayerList>('/api/map/layers');
    expect(status).toBe(200);
    const ids = body.items.map((l) => l.id);
    expect(ids).toEqual(expect.arrayContaining(['districts', 'towns', 'grids', 'devices', 'alarms', 'events-open', 'events-heat']));
    const districts = body.items.find((l) => l.id === 'districts') as Layer;
    expect(districts).toMatchObject({ nameZh: '区县边界', nameEn: 'District boundaries', group: 'basemap', geometry: 'polygon', tiles: '/api/map/tiles/districts/{z}/{x}/{y}.pbf', refreshSeconds: 0 });
    // Live layers tell the console to reload them while shown.
    expect(body.items.find((l) => l.id === 'events-open')?.refreshSeconds).toBe(15);
    const search = await h.json<LayerList>('/api/map/layers?q=%E4%BA%8B%E4%BB%B6');
    expect(search.body.items.map((l) => l.id).sort()).toEqual(['events-heat', 'events-open']);
    const iot = await h.json<LayerList>('/api/map/layers?group=iot');
    expect(iot.body.items.map((l) => l.id).sort()).toEqual(['alarms', 'devices']);
    expect(iot.body.groups.basemap).toBe(3);
    const bad = await h.json<{ status: number; detail: string }>('/api/map/layers?group=roads');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('group');
  });

  it('serves the district boundaries as GeoJSON, filtered by bbox', async () => {
    const all = await h.json<{ features: Array<{ properties: { name: string }; geometry: { type: string } }> }>('/api/map/layers/districts/geojson');
    expect(all.status).toBe(200);
    expect(all.body.features).toHaveLength(8);
    expect(all.body.features.map((f) => f.properties.name)).toContain('东昌府区');
    // A small box around 临清市 in the north-west holds only it and its neighbours, not 东阿县 in the south-east.
    const north = await h.json<{ features: Array<{ properties: { name: string } }> }>('/api/map/layers/districts/geojson?bbox=115.6,36.8,115.8,36.9');
    const names = north.body.features.map((f) => f.properties.name);
    expect(names).toContain('临清市');
    expect(names).not.toContain('东阿县');
    for (const [bbox, why] of [['1,2,3', 'four numbers'], ['116,36,115,37', 'west < east'], ['a,b,c,d', 'four numbers']] as const) {
      const r = await h.json<{ code: string; detail: string }>(`/api/map/layers/districts/geojson?bbox=${bbox}`);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('bbox_invalid');
      expect(r.body.detail).toContain(why);
    }
    expect((await h.json('/api/map/layers/nope/geojson')).status).toBe(404);
  });

  it('serves vector tiles with an ETag, answers 304 to a matching If-None-Match, and names a bad z, x or y', async () => {
    const { x, y } = tileOf(SEAT.lon, SEAT.lat, 8);
    const res = await h.get(`/api/map/tiles/districts/8/${x}/${y}.pbf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/vnd.mapbox-vector-tile');
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const features = decodeTile(await res.arrayBuffer(), 'districts');
    expect(features.map((f) => f.name)).toContain('东昌府区');
    expect(features.every((f) => f.$type === 3)).toBe(true);
    const again = await h.get(`/api/map/tiles/districts/8/${x}/${y}.pbf`);
    expect(again.headers.get('x-tile-cache')).toBe('hit');
    expect((await h.get(`/api/map/tiles/districts/8/${x}/${y}.pbf`, h.key, { 'if-none-match': etag as string })).status).toBe(304);
    // A tile over the sea has no districts.
    expect(decodeTile(await (await h.get('/api/map/tiles/districts/8/0/0.pbf')).arrayBuffer(), 'districts')).toHaveLength(0);

    for (const [path, field] of [['23/0/0', 'z'], ['z/0/0', 'z'], ['3/8/0', 'x'], ['3/0/8.pbf', 'y'], ['3/-1/0', 'x'], ['3/0/1.5', 'y']] as const) {
      const r = await h.json<{ code: string; detail: string }>(`/api/map/tiles/districts/${path}`);
      expect(r.status, path).toBe(400);
      expect(r.body.code).toBe('tile_invalid');
      expect(r.body.detail.startsWith(field), `${path}: ${r.body.detail}`).toBe(true);
    }
    expect((await h.json('/api/map/tiles/nope/3/0/0.pbf')).status).toBe(404);
  });

  it('shows a new event on the open-events layer at once: the bus invalidates its tiles', async () => {
    const { x, y } = tileOf(SEAT.lon, SEAT.lat, 14);
    const path = `/api/map/tiles/events-open/14/${x}/${y}.pbf`;
    const before = await h.get(path);
    const etag = before.headers.get('etag') as string;
    const titlesBefore = decodeTile(await before.arrayBuffer(), 'events-open').map((f) => f.title);
    const created = await h.post<{ id: number }>('/api/events', { title: '一张图测试：暴露垃圾', categoryCode: 'SR01', lon: SEAT.lon + 0.0005, lat: SEAT.lat });
    expect(created.status).toBe(201);
    expect(titlesBefore).not.toContain('一张图测试：暴露垃圾');
    await expect
      .poll(async () => decodeTile(await (await h.get(path)).arrayBuffer(), 'events-open').map((f) => f.title), { timeout: 10_000 })
      .toContain('一张图测试：暴露垃圾');
    const after = await h.get(path, h.key, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    // At a city-wide zoom the events are clustered.
    const { x: cx, y: cy } = tileOf(SEAT.lon, SEAT.lat, 6);
    const clustered = decodeTile(await (await h.get(`/api/map/tiles/events-open/6/${cx}/${cy}.pbf`)).arrayBuffer(), 'events-open');
    expect(clustered.length).toBeGreaterThan(0);
    const geo = await h.json<{ features: Array<{ properties: { id: number; state: string } }> }>('/api/map/layers/events-open/geojson');
    expect(geo.body.features.find((f) => f.properties.id === created.body.id)?.properties.state).toBe('dispatched');
  });

  it('makes a layer of a catalogued resource with lon/lat items, with its loaded rows as points; rows without coordinates are counted', async () => {
    const code = '371500-ZT-MAP-0001';
    const r = await h.post('/api/catalog/resources', {
      code, name: '公共厕所点位', classification: { category: '主题信息资源类' }, department: '市城市管理局', abstract: '公厕位置与开放时间。', format: 'database',
      dataItems: [
        { name: 'toilet_id', title: '公厕编号', type: 'string', sensitivity: 'public', key: true },
        { name: 'name', title: '名称', type: 'string', sensitivity: 'public' },
        { name: 'lon', title: '经度', type: 'decimal', sensitivity: 'public' },
        { name: 'lat', title: '纬度', type: 'decimal', sensitivity: 'public' },
      ],
      sharing: { type: 'unconditional', method: '接口' }, open: { type: 'unconditional' }, updateCycle: 'monthly', libraryClass: 'theme', library: 'social_security',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await expect.poll(async () => (await h.json<LayerList>('/api/map/layers?group=catalog')).body.items.map((l) => l.id), { timeout: 10_000 }).toContain(`res:${code}`);
    const pushed = await h.platform.modules.aggregation.service.push(code, [
      { toilet_id: 'T1', name: '东昌府区公厕一号', lon: 115.98, lat: 36.45 },
      { toilet_id: 'T2', name: '东昌府区公厕二号', lon: 115.99, lat: 36.46 },
      { toilet_id: 'T3', name: '无坐标公厕', lon: null, lat: null },
    ], { id: 'test' });
    expect(pushed.load.rowsInserted).toBe(3);
    await expect
      .poll(async () => (await h.json<{ features: Array<{ properties: { name: string } }>; skipped: number }>(`/api/map/layers/${encodeURIComponent(`res:${code}`)}/geojson`)).body, { timeout: 10_000 })
      .toMatchObject({ skipped: 1, features: [{ properties: { name: '东昌府区公厕一号' } }, { properties: { name: '东昌府区公厕二号' } }] });
  });

  it('shows a caller only the layers it may read, and refuses the others', async () => {
    const basemapOnly = await h.keyWith(['map.layer.read']);
    const list = await h.json<LayerList>('/api/map/layers', basemapOnly);
    expect(list.body.items.map((l) => l.id).sort()).toEqual(['districts', 'grids', 'towns']);
    const r = await h.json<{ code: string }>('/api/map/layers/events-open/geojson', basemapOnly);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('layer_forbidden');
    const none = await h.keyWith(['events.event.read']);
    expect((await h.json('/api/map/layers', none)).status).toBe(403);
  });

  it('pages and searches a catalogue of 1 000 layers', async () => {
    const map = h.platform.modules.map.service;
    for (let i = 0; i < 1000; i++) {
      const id = `bulk-${String(i).padStart(4, '0')}`;
      const source: LayerSource = {
        layer: { id, nameZh: `批量图层${i}`, nameEn: `Bulk layer ${i}`, group: 'catalog', geometry: 'point', style: { kind: 'circle', color: '#000', cluster: false, minZoom: 0 }, source: 'test', permission: 'map.layer.read' },
        subjects: [], ttlMs: 60_000, load: async () => ({ features: [], skipped: 0 }),
      };
      map.addLayer(source);
    }
    const page = await h.json<LayerList>('/api/map/layers?group=catalog&limit=100&offset=900');
    expect(page.body.total).toBeGreaterThanOrEqual(1000);
    expect(page.body.items).toHaveLength(100);
    const found = await h.json<LayerList>('/api/map/layers?q=layer%20999');
    expect(found.body.items.map((l) => l.id)).toEqual(['bulk-0999']);
    // The layers a map shows are resolved by id, wherever they sit in the catalogue.
    const chosen = await h.json<LayerList>('/api/map/layers?ids=bulk-0999,districts,bulk-0001,no-such-layer&limit=10');
    expect(chosen.body.items.map((l) => l.id).sort()).toEqual(['bulk-0001', 'bulk-0999', 'districts']);
    for (let i = 0; i < 1000; i++) map.registry.remove(`bulk-${String(i).padStart(4, '0')}`);
  });
  it('shows every open alarm on the alarms layer, beyond a thousand', async () => {
    const created = await h.post<{ device: { id: string } }>('/api/iot/devices', { id: 'map-many-alarms', typeId: 'WaterLevelSensor', name: '告警很多的水位计', ownerDepartment: '市水利局', lon: 115.99, lat: 36.45, accessTier: 'general' });
    expect(created.status).toBe(201);
    // 1 200 rules on one device, each with an open alarm (one open alarm per device and rule).
    await h.platform.db.query(
      `INSERT INTO iot_rules (name, device_id, kind, attribute, operator, threshold, severity, created_at, updated_at)
       SELECT 'bulk ' || g, 'map-many-alarms', 'threshold', 'waterLevel', '>', g, 'major', now(), now() FROM generate_series(1, 1200) g`,
    );
    await h.platform.db.query(
      `INSERT INTO iot_alarms (rule_id, device_id, severity, status, value, message, raised_at, updated_at)
       SELECT id, device_id, 'major', 'active', 1, name, now(), now() FROM iot_rules WHERE device_id = 'map-many-alarms'`,
    );
    h.platform.modules.map.service.engine.invalidate('alarms');
    const { status, body } = await h.json<{ features: Array<{ properties: { deviceId: string } }>; truncated: boolean }>('/api/map/layers/alarms/geojson?limit=100000');
    expect(status).toBe(200);
    expect(body.truncated).toBe(false);
    expect(body.features.filter((f) => f.properties.deviceId === 'map-many-alarms')).toHaveLength(1200);
    const metrics = await (await h.get('/metrics')).text();
    expect(metrics).toMatch(/citybrain_map_layer_data_features \d+/);
    expect(Number(/citybrain_map_layer_data_bytes (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
