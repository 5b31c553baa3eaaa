// /api/iot device registry over HTTP, on every database: register with a one-time token, list and
// filter, change, rotate the token, bulk registration with per-row errors, delete.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { iotMigrations, type BulkRegisterResult, type DeviceDetail, type DeviceList, type DeviceType, type DeviceWithToken } from '../../src/modules/iot/index.ts';
import type { HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { iotHttp, waterSensor, type ProblemBody } from './support.ts';

forEachDatabase('iot device registry', { migrations: [iotMigrations] }, (ctx) => {
  let app: HttpApp;

  beforeAll(async () => {
    app = (await iotHttp(ctx.db)).app;
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

  it('lists the FIWARE-modelled device types with their attributes', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/iot/device-types' });
    expect(res.statusCode).toBe(200);
    const types = res.json<DeviceType[]>();
    expect(types.map((t) => t.id)).toEqual(expect.arrayContaining(['RainGauge', 'WaterLevelSensor', 'FlowMeter', 'SoilMoistureSensor', 'AirQualityStation', 'WaterQualityStation', 'PollutionSourceMonitor', 'ManholeSensor', 'SewerPipeSensor', 'WaterSupplyPipeSensor', 'SmartPole', 'ParkingSpotSensor']));
    expect(types.find((t) => t.id === 'AirQualityStation')).toMatchObject({ dataModel: 'dataModel.Environment/AirQualityObserved', nameZh: '空气质量监测站' });
  });

  it('registers a device and shows its token once; the token is not stored in clear', async () => {
    const res = await post('/api/iot/devices', waterSensor('wl-001'));
    expect(res.statusCode).toBe(201);
    const body = res.json<DeviceWithToken>();
    expect(body.token).toMatch(/^dvt_[A-Za-z0-9_-]{32}$/);
    expect(body.device).toMatchObject({ id: 'wl-001', typeId: 'WaterLevelSensor', ownerDepartment: '聊城市水利局', accessTier: 'important', enabled: true, parentId: null, lastSeenAt: null });
    const stored = await ctx.db.query<{ token_hash: Uint8Array }>("SELECT token_hash FROM iot_devices WHERE id = 'wl-001'");
    expect(Buffer.from(stored.rows[0]?.token_hash ?? []).toString('utf8')).not.toContain(body.token);
    const again = await app.inject({ method: 'GET', url: '/api/iot/devices/wl-001' });
    expect(again.json<DeviceDetail>()).not.toHaveProperty('token');
    expect(again.json<DeviceDetail>().latest).toEqual([]);
  });

  it('refuses bad input with 4xx naming the field', async () => {
    const cases: Array<[unknown, number, string, string]> = [
      [waterSensor('wl-001'), 409, 'device_exists', '/body/id'],
      [waterSensor('wl-002', { typeId: 'Teapot' }), 400, 'device_type_unknown', '/body/typeId'],
      [waterSensor('wl-002', { lat: 95 }), 400, 'validation_failed', '/body/lat'],
      [waterSensor('wl-002', { accessTier: 'secret' }), 400, 'validation_failed', '/body/accessTier'],
      [waterSensor('w/x'), 400, 'validation_failed', '/body/id'],
      [waterSensor('wl-002', { parentId: 'pole-none' }), 400, 'parent_unknown', '/body/parentId'],
    ];
    for (const [payload, status, code, field] of cases) {
      const res = await post('/api/iot/devices', payload);
      expect({ ...res.json<ProblemBody>(), status: res.statusCode }).toMatchObject({ status, code, field });
    }
  });

  it('registers from a CSV file: good rows created, each bad row reported with its field', async () => {
    const csv = [
      'id,typeId,name,ownerDepartment,lon,lat,accessTier,parentId',
      'pole-01,SmartPole,东昌路1号灯杆,聊城市城市管理局,115.99,36.46,general,',
      'aq-01,AirQualityStation,东昌路空气站,聊城市生态环境局,115.99,36.46,core,pole-01',
      'aq-02,AirQualityStation,坏坐标,聊城市生态环境局,abc,36.46,core,',
      'aq-03,NoSuchType,类型错,聊城市生态环境局,115.9,36.4,core,',
      'aq-01,AirQualityStation,重复,聊城市生态环境局,115.9,36.4,core,',
      'wl-001,WaterLevelSensor,已存在,聊城市水利局,115.9,36.4,core,',
    ].join('\n');
    const res = await post('/api/iot/devices/bulk', { format: 'csv', content: csv });
    expect(res.statusCode).toBe(200);
    const body = res.json<BulkRegisterResult>();
    expect(body.created.map((c) => [c.device.id, c.device.parentId, c.token.length > 10])).toEqual([['pole-01', null, true], ['aq-01', 'pole-01', true]]);
    expect(body.errors.map((e) => [e.row, e.id, e.field, e.code])).toEqual([
      [3, 'aq-02', '/lon', 'device_invalid'],
      [4, 'aq-03', '/typeId', 'device_type_unknown'],
      [5, 'aq-01', '/id', 'device_exists'],
      [6, 'wl-001', '/id', 'device_exists'],
    ]);
  });

  it('registers from a JSON file and refuses a file that is not one', async () => {
    const ok = await post('/api/iot/devices/bulk', { format: 'json', content: JSON.stringify([waterSensor('wl-101'), waterSensor('wl-102', { lon: 'x' })]) });
    expect(ok.json<BulkRegisterResult>().created.map((c) => c.device.id)).toEqual(['wl-101']);
    expect(ok.json<BulkRegisterResult>().errors).toMatchObject([{ row: 2, field: '/lon' }]);
    const bad = await post('/api/iot/devices/bulk', { format: 'json', content: '{not json' });
    expect({ ...bad.json<ProblemBody>(), status: bad.statusCode }).toMatchObject({ status: 400, code: 'bulk_file_invalid', field: '/body/content' });
  });

  it('lists with filters and paging', async () => {
    const all = (await app.inject({ method: 'GET', url: '/api/iot/devices' })).json<DeviceList>();
    expect(all.total).toBe(4);
    const aq = (await app.inject({ method: 'GET', url: '/api/iot/devices?typeId=AirQualityStation' })).json<DeviceList>();
    expect(aq.devices.map((d) => d.id)).toEqual(['aq-01']);
    const named = (await app.inject({ method: 'GET', url: `/api/iot/devices?q=${encodeURIComponent('灯杆')}` })).json<DeviceList>();
    expect(named.devices.map((d) => d.id)).toEqual(['pole-01']);
    const page = (await app.inject({ method: 'GET', url: '/api/iot/devices?limit=2&offset=2' })).json<DeviceList>();
    expect(page).toMatchObject({ total: 4 });
    expect(page.devices).toHaveLength(2);
  });

  it('changes a device, rotates its token, refuses to delete a pole that carries sensors', async () => {
    const patched = await app.inject({ method: 'PATCH', url: '/api/iot/devices/wl-001', payload: { ownerDepartment: '东昌府区水利局', enabled: false } });
    expect(patched.json<DeviceDetail>()).toMatchObject({ ownerDepartment: '东昌府区水利局', enabled: false });
    const first = (await post('/api/iot/devices/wl-001/token', {})).json<DeviceWithToken>();
    const second = (await post('/api/iot/devices/wl-001/token', {})).json<DeviceWithToken>();
    expect(first.token).not.toBe(second.token);
    const busy = await app.inject({ method: 'DELETE', url: '/api/iot/devices/pole-01' });
    expect({ ...busy.json<ProblemBody>(), status: busy.statusCode }).toMatchObject({ status: 409, code: 'device_has_children' });
    expect((await app.inject({ method: 'DELETE', url: '/api/iot/devices/aq-01' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/api/iot/devices/pole-01' })).statusCode).toBe(204);
    const gone = await app.inject({ method: 'GET', url: '/api/iot/devices/pole-01' });
    expect({ ...gone.json<ProblemBody>(), status: gone.statusCode }).toMatchObject({ status: 404, code: 'device_not_found' });
  });

  it('registers from an XLSX workbook (first sheet, header row), reporting bad rows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('设备');
    sheet.addRow(['id', 'typeId', 'name', 'ownerDepartment', 'lon', 'lat', 'accessTier', 'parentId']);
    sheet.addRow(['xl-001', 'RainGauge', '雨量站', '聊城市水利局', 115.9, 36.4, 'general']);
    sheet.addRow(['xl-002', 'RainGauge', '雨量站 2', '聊城市水利局', 115.9, 95, 'general']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const res = await post('/api/iot/devices/bulk', { format: 'xlsx', content });
    expect(res.statusCode).toBe(200);
    const body = res.json<BulkRegisterResult>();
    expect(body.created.map((c) => [c.device.id, c.device.lon, c.device.name])).toEqual([['xl-001', 115.9, '雨量站']]);
    expect(body.errors.map((e) => [e.row, e.id, e.field])).toEqual([[2, 'xl-002', '/lat']]);
    const junk = await post('/api/iot/devices/bulk', { format: 'xlsx', content: Buffer.from('not a workbook').toString('base64') });
    expect({ ...junk.json<ProblemBody>(), status: junk.statusCode }).toMatchObject({ status: 400, code: 'bulk_file_invalid', field: '/body/content' });
  });
});
