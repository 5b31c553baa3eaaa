// 三张清单 over HTTP on every engine: the sharing, open and e-licence lists generated from the
// catalog, published as versions, compared, and downloaded as XLSX and CSV that parse back.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { catalogMigrations, createCatalogModule, LIST_HEADER, type CatalogModule, type ListDiff, type ListEntry, type ResourceInput } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { waterLevel } from './fixtures.ts';

const licence: ResourceInput = {
  code: '371500-JC-ZZ-0101',
  name: '营业执照',
  classification: { category: '基础信息资源类', item: '电子证照库', heading: '营业执照' },
  department: '市行政审批服务局',
  abstract: '企业与个体工商户的营业执照电子证照。',
  format: 'database',
  dataItems: [
    { name: 'licence_no', title: '证照编号', type: 'string', sensitivity: 'internal', key: true },
    { name: 'uscc', title: '统一社会信用代码', type: 'uscc', sensitivity: 'public' },
    { name: 'holder_name', title: '名称', type: 'string', sensitivity: 'public' },
  ],
  sharing: { type: 'unconditional', method: '接口' },
  open: { type: 'none' },
  updateCycle: 'realtime',
  libraryClass: 'base',
  library: 'e_licence',
};

forEachDatabase('three lists', { migrations: [catalogMigrations] }, (ctx) => {
  let app: HttpApp;
  let catalog: CatalogModule;
  beforeAll(async () => {
    const logger = createLogger({ level: 'silent' });
    catalog = createCatalogModule({ db: ctx.db, logger, clock: fixedClock('2026-03-01T00:00:00Z') });
    await catalog.start?.();
    app = await createHttpServer({ logger, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });
  const get = <T>(url: string) => app.inject({ method: 'GET', url }).then((r) => r.json<T>());
  const current = (kind: string) => get<{ entries: ListEntry[]; changes: ListDiff }>(`/api/catalog/lists/${kind}/current`);
  const publish = (kind: string, note?: string) => app.inject({ method: 'POST', url: `/api/catalog/lists/${kind}/versions`, payload: note === undefined ? {} : { note } });

  it('generates each list by its rule: shared resources, open resources with public items only, the e-licence library', async () => {
    await catalog.service.create(waterLevel, { id: 'test' });
    await catalog.service.create(licence, { id: 'test' });
    const sharing = (await current('sharing')).entries;
    const codes = sharing.map((e) => e.code);
    expect(codes).toContain(waterLevel.code);
    expect(codes).toContain('371500-JC-RK-0001'); // 有条件共享 population
    expect(codes).toEqual([...codes].sort());
    const open = (await current('open')).entries;
    expect(open.map((e) => e.code)).not.toContain('371500-JC-RK-0001'); // 不予开放
    expect(open.map((e) => e.code)).not.toContain(licence.code);
    const firms = open.find((e) => e.code === '371500-JC-FR-0001');
    // the legal representative's ID number is confidential: never on the open list
    expect(firms?.items).toContain('统一社会信用代码 (uscc)');
    expect(firms?.items.some((i) => i.includes('legal_rep_id'))).toBe(false);
    const licences = (await current('licence')).entries;
    // The e-licence directory, then one entry per licence type of the demo city, then the one added here.
    expect(licences.map((e) => e.code)).toEqual(['371500-JC-ZZ-0001', '371500-JC-ZZ-0002', '371500-JC-ZZ-0003', '371500-JC-ZZ-0004', '371500-JC-ZZ-0005', '371500-JC-ZZ-0006', licence.code]);
    expect(licences.map((e) => e.name)).toEqual(['电子证照目录信息', '营业执照', '食品经营许可证', '结婚证', '不动产权证书', '机动车驾驶证', licence.name]);
    expect(licences.find((e) => e.code === licence.code)?.items).toEqual(['证照编号 (licence_no)', '统一社会信用代码 (uscc)', '名称 (holder_name)']);
  });

  it('publishes a version (who, when, note), refuses an unchanged one, and shows the diff after a catalog change', async () => {
    const before = (await current('open')).entries.length;
    const v1 = await publish('open', '首次发布');
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json()).toMatchObject({ kind: 'open', version: 1, publishedAt: '2026-03-01T00:00:00.000Z', publishedBy: 'anonymous', note: '首次发布', entries: before });
    const again = await publish('open');
    expect(again.statusCode).toBe(409);
    expect(again.json<{ code: string }>().code).toBe('list_unchanged');

    // water level stops being open; the licence opens with its public items; a rain resource is added
    const { code: _w, ...water } = waterLevel;
    await catalog.service.update(waterLevel.code, { ...water, open: { type: 'none' } }, { id: 'test' });
    const { code: _l, ...lic } = licence;
    await catalog.service.update(licence.code, { ...lic, open: { type: 'conditional', conditions: '经持证主体授权' } }, { id: 'test' });
    const firms = await catalog.service.get('371500-JC-FR-0001');
    const { code: _f, version: _v, createdAt: _c, updatedAt: _u, updatedBy: _b, backingTable: _t, publishDate, library, ...f } = firms;
    await catalog.service.update(firms.code, { ...f, library: library ?? undefined, publishDate: publishDate ?? undefined, updateCycle: 'weekly', dataItems: f.dataItems.map((i) => (i.name === 'industry' ? { ...i, sensitivity: 'internal' as const } : i)) }, { id: 'test' });
    const pending = await current('open');
    expect(pending.changes.from).toBe(1);
    expect(pending.changes.removed.map((e) => e.code)).toEqual([waterLevel.code]);

    const v2 = await publish('open', '第二版');
    expect(v2.json<{ version: number }>().version).toBe(2);
    const diff = await get<ListDiff>('/api/catalog/lists/open/versions/1/diff/2');
    expect(diff.added.map((e) => e.code)).toEqual([licence.code]);
    expect(diff.added[0]?.items).toEqual(['统一社会信用代码 (uscc)', '名称 (holder_name)']);
    expect(diff.removed.map((e) => e.code)).toEqual([waterLevel.code]);
    expect(diff.changed).toEqual([
      {
        code: '371500-JC-FR-0001',
        name: '法人单位基础信息',
        changes: [
          { field: 'updateCycle', change: 'changed', before: 'daily', after: 'weekly' },
          { field: 'items', change: 'removed', before: ['行业门类 (industry)'], after: null },
        ],
      },
    ]);
    const versions = await get<{ items: Array<{ version: number; note: string }> }>('/api/catalog/lists/open/versions');
    expect(versions.items.map((v) => [v.version, v.note])).toEqual([[2, '第二版'], [1, '首次发布']]);
    // a version stays as it was published
    const frozen = await get<{ list: ListEntry[] }>('/api/catalog/lists/open/versions/1');
    expect(frozen.list.map((e) => e.code)).toContain(waterLevel.code);
    expect((await app.inject({ method: 'GET', url: '/api/catalog/lists/open/versions/1/diff/7' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/catalog/lists/secret/versions' })).json<{ field: string }>()).toMatchObject({ status: 400, field: '/params/kind' });
  });

  it('downloads a version as XLSX and as CSV with a BOM, both parsing back to its entries', async () => {
    const published = (await get<{ list: ListEntry[] }>('/api/catalog/lists/open/versions/2')).list;
    const xlsx = await app.inject({ method: 'GET', url: '/api/catalog/lists/open/versions/2/export?format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('公共数据开放清单-v2.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.name).toBe('公共数据开放清单');
    const cells = (n: number) => (ws?.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v as string)));
    expect(cells(1)).toEqual(LIST_HEADER);
    expect(ws?.rowCount).toBe(published.length + 1);
    const licenceRow = cells(published.findIndex((e) => e.code === licence.code) + 2);
    expect(licenceRow.slice(1, 4)).toEqual([licence.code, '营业执照', '市行政审批服务局']);
    expect(licenceRow[9]).toBe('有条件开放');
    expect(licenceRow[12]).toBe('统一社会信用代码 (uscc)；名称 (holder_name)');
    expect(wb.getWorksheet('版本信息')?.getRow(2).getCell(2).value).toBe(2);

    const csv = await app.inject({ method: 'GET', url: '/api/catalog/lists/open/versions/2/export?format=csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const { parse } = await import('csv-parse/sync');
    const rows: string[][] = parse(csv.body, { bom: true });
    expect(rows[0]).toEqual(LIST_HEADER);
    expect(rows.slice(1).map((r) => r[1])).toEqual(published.map((e) => e.code));
    expect(rows.find((r) => r[1] === '371500-JC-KJ-0002')?.[10]).toBe('仅开放网格边界与编码');
    expect((await app.inject({ method: 'GET', url: '/api/catalog/lists/open/versions/2/export?format=pdf' })).json<{ field: string }>().field).toBe('/querystring/format');
  });
});
