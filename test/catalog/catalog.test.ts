// The catalog over HTTP on every engine: create, validation naming the field, Chinese search with
// filters, versions with a field-level diff, one datum one source, base libraries and templates.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { catalogMigrations, createCatalogModule, type Resource, type ResourceList, type VersionDiff } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { waterLevel } from './fixtures.ts';


forEachDatabase('catalog', { migrations: [catalogMigrations] }, (ctx) => {
  let app: HttpApp;
  beforeAll(async () => {
    const logger = createLogger({ level: 'silent' });
    const catalog = createCatalogModule({ db: ctx.db, logger, clock: fixedClock('2026-03-01T00:00:00Z') });
    await catalog.start?.();
    app = await createHttpServer({ logger, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });
  const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: body as object });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('catalogues the six base libraries on first start, the population library backed by the demo city', async () => {
    const libs = (await get('/api/catalog/libraries')).json<{ items: Array<{ libraryClass: string; library: string; resources: number }> }>();
    const base = libs.items.filter((l) => l.libraryClass === 'base');
    expect(base.map((l) => l.library)).toEqual(['population', 'legal_entity', 'e_licence', 'spatial', 'credit', 'macro_economy']);
    expect(base.every((l) => l.resources >= 1)).toBe(true);
    const pop = (await get('/api/catalog/resources/371500-JC-RK-0001')).json<Resource>();
    expect(pop.backingTable).toBe('city_residents');
    expect(pop.dataItems.find((i) => i.key)?.type).toBe('resident_id');
  });

  it('backs every base resource by a demo-city table, one resource per licence type, with related resources', async () => {
    const base = (await get('/api/catalog/resources?libraryClass=base&limit=100')).json<ResourceList>().items;
    const full = await Promise.all(base.map(async (r) => (await get(`/api/catalog/resources/${r.code}`)).json<Resource>()));
    const byCode = new Map(full.map((r) => [r.code, r]));
    expect(full.filter((r) => !r.backingTable).map((r) => r.code)).toEqual([]);
    const licenceTypes = full.filter((r) => r.library === 'e_licence' && r.code !== '371500-JC-ZZ-0001');
    expect(licenceTypes.map((r) => r.name).sort()).toEqual(['不动产权证书', '机动车驾驶证', '结婚证', '营业执照', '食品经营许可证'].sort());
    expect(byCode.get('371500-JC-ZZ-0002')).toMatchObject({ backingTable: 'city_licence_business', related: ['371500-JC-ZZ-0001', '371500-JC-FR-0001'] });
    expect(byCode.get('371500-JC-ZZ-0004')?.related).toEqual(['371500-JC-ZZ-0001', '371500-JC-RK-0001']);
    expect(byCode.get('371500-JC-ZZ-0001')?.related).toEqual(['371500-JC-RK-0001', '371500-JC-FR-0001']);
    expect(byCode.get('371500-JC-FR-0001')?.related).toEqual(['371500-JC-RK-0001']);
    expect(byCode.get('371500-JC-KJ-0003')).toMatchObject({ backingTable: 'city_pois' });
    expect(byCode.get('371500-JC-XY-0001')).toMatchObject({ backingTable: 'city_credit_records' });
    expect(byCode.get('371500-JC-JJ-0001')).toMatchObject({ backingTable: 'city_economy_indicators' });
  });

  it('brings a base resource an earlier release catalogued up to date on start, but never one a person edited', async () => {
    // As an earlier release left it: the licence directory without its table, the POI resource edited by a person.
    await ctx.db.query("UPDATE catalog_resources SET backing_table = NULL WHERE code = '371500-JC-ZZ-0001'");
    const poi = (await get('/api/catalog/resources/371500-JC-KJ-0003')).json<Resource>();
    const { code: _c, version: _v, createdAt: _a, updatedAt: _u, updatedBy: _b, backingTable: _t, ...fields } = poi;
    const edited = await app.inject({ method: 'PUT', url: `/api/catalog/resources/${poi.code}`, payload: { ...fields, abstract: '由规划局维护的兴趣点。', library: poi.library ?? undefined, publishDate: poi.publishDate ?? undefined } });
    expect(edited.statusCode, edited.body).toBe(200);
    const restarted = createCatalogModule({ db: ctx.db, logger: createLogger({ level: 'silent' }), clock: fixedClock('2026-04-01T00:00:00Z') });
    await restarted.service.ensureBaseLibraries();
    const licences = await restarted.service.get('371500-JC-ZZ-0001');
    expect(licences.backingTable).toBe('city_licences');
    expect(licences.version).toBe(2);
    expect((await restarted.service.get('371500-JC-KJ-0003')).abstract).toBe('由规划局维护的兴趣点。');
  });

  it('creates a resource and finds it by a Chinese partial word', async () => {
    const res = await post('/api/catalog/resources', waterLevel);
    expect(res.statusCode).toBe(201);
    expect(res.json<Resource>().version).toBe(1);
    await post('/api/catalog/resources', { ...waterLevel, code: '371500-ST-SW-0002', name: '雨量站降雨量数据', abstract: '雨量站逐小时降雨。', dataItems: [{ name: 'station_id', title: '雨量站编号', type: 'string', sensitivity: 'public', key: true }, { name: 'rain_mm', title: '降雨量（毫米）', type: 'decimal', sensitivity: 'public' }], sharing: { type: 'conditional', conditions: '依申请', method: '接口' } });
    const found = (await get(`/api/catalog/resources?q=${encodeURIComponent('水位')}`)).json<ResourceList>();
    expect(found.items.map((i) => i.name)).toContain('河道水位监测数据');
    expect(found.items.map((i) => i.name)).not.toContain('雨量站降雨量数据');
    expect(found.items[0]?.name).toBe('河道水位监测数据');
    const filtered = (await get(`/api/catalog/resources?q=${encodeURIComponent('数据')}&department=${encodeURIComponent('市水利局')}&sharingType=conditional`)).json<ResourceList>();
    expect(filtered.items.map((i) => i.code)).toEqual(['371500-ST-SW-0002']);
    const byLibrary = (await get('/api/catalog/resources?libraryClass=base&library=population')).json<ResourceList>();
    expect(byLibrary.items.map((i) => i.code)).toEqual(['371500-JC-RK-0001']);
  });

  it('answers bad input with 4xx naming the field', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ ...waterLevel, code: 'X1' }, 400, '/body/code'],
      [{ ...waterLevel, code: '371500-T-1', sharing: { type: 'conditional' } }, 400, '/body/sharing/conditions'],
      [{ ...waterLevel, code: '371500-T-2', dataItems: [...waterLevel.dataItems, waterLevel.dataItems[0]] }, 400, '/body/dataItems/3/name'],
      [{ ...waterLevel, code: '371500-T-3', related: ['NO-SUCH-1'] }, 400, '/body/related/0'],
      [{ ...waterLevel, code: '371500-T-4', dataItems: [{ ...waterLevel.dataItems[0], type: 'text' }] }, 400, '/body/dataItems/0/type'],
      [{ ...waterLevel, code: '371500-T-5', libraryClass: 'base', library: 'water' }, 400, '/body/library'],
      [{ ...waterLevel }, 409, '/body/code'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post('/api/catalog/resources', body);
      expect({ status: res.statusCode, field: res.json<{ field: string }>().field }).toEqual({ status, field });
    }
    expect((await get('/api/catalog/resources/NO-SUCH-1')).statusCode).toBe(404);
  });

  it('keeps one source per data element (一数一源)', async () => {
    const idItem = { name: 'id_number', title: '公民身份号码', type: 'resident_id', sensitivity: 'confidential', element: 'DE01001' };
    const claim = await post('/api/catalog/resources', { ...waterLevel, code: '371500-ST-YL-0001', dataItems: [idItem] });
    expect(claim.statusCode).toBe(409);
    expect(claim.json<{ field: string; owner: string }>()).toMatchObject({ field: '/body/dataItems/0/source', owner: '371500-JC-RK-0001' });
    const cite = await post('/api/catalog/resources', { ...waterLevel, code: '371500-ST-YL-0001', dataItems: [{ ...idItem, source: '371500-JC-RK-0001' }] });
    expect(cite.statusCode).toBe(201);
  });

  it('keeps every change as a version and shows the field-level diff', async () => {
    const code = waterLevel.code;
    const { code: _c, ...fields } = waterLevel;
    const changed = { ...fields, name: '河道水位实时监测数据', sharing: { type: 'conditional', conditions: '防汛部门依申请', method: '接口' }, open: { type: 'none' }, dataItems: [...fields.dataItems.slice(0, 2), { ...fields.dataItems[2], type: 'integer' }], version: 1 };
    const v2 = await app.inject({ method: 'PUT', url: `/api/catalog/resources/${code}`, payload: changed });
    expect(v2.statusCode).toBe(200);
    expect(v2.json<Resource>().version).toBe(2);
    const stale = await app.inject({ method: 'PUT', url: `/api/catalog/resources/${code}`, payload: { ...changed, version: 1 } });
    expect(stale.statusCode).toBe(409);
    const versions = (await get(`/api/catalog/resources/${code}/versions`)).json<{ items: Array<{ version: number; changes: number }> }>();
    expect(versions.items.map((v) => v.version)).toEqual([1, 2]);
    const diff = (await get(`/api/catalog/resources/${code}/versions/1/diff/2`)).json<VersionDiff>();
    expect(diff.changes.map((c) => c.field).sort()).toEqual(['dataItems[water_level].type', 'name', 'open.type', 'sharing.conditions', 'sharing.type']);
    expect(diff.changes.find((c) => c.field === 'name')).toEqual({ field: 'name', change: 'changed', before: '河道水位监测数据', after: '河道水位实时监测数据' });
    expect((await get(`/api/catalog/resources/${code}/versions/1`)).json<{ name: string }>().name).toBe('河道水位监测数据');
    expect((await get(`/api/catalog/resources/${code}/versions/1/diff/9`)).statusCode).toBe(404);
  });

  it('creates a theme-library resource from a template', async () => {
    const res = await post('/api/catalog/resources/from-template', { template: 'ecology-air', code: '371500-ZT-ST-0001', department: '市生态环境局' });
    expect(res.statusCode).toBe(201);
    expect(res.json<Resource>()).toMatchObject({ libraryClass: 'theme', library: 'ecology', name: '空气质量监测数据' });
    expect((await post('/api/catalog/resources/from-template', { template: 'nope', code: '371500-ZT-ST-0002', department: 'x' })).json<{ field: string }>().field).toBe('/body/template');
  });
});
