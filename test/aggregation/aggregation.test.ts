// 大汇聚 over HTTP on every engine: a malformed GBK CSV loads its good rows and quarantines each bad
// one with its line; a second load upserts by key; rollback restores; XLSX and JSON load too.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { generateResidentId } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule, type AggregationModule, type Load } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule, type ResourceInput } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const id = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: '1980-05-17', sequence: n, sex: n % 2 ? 'male' : 'female' });
const badCheck = (v: string) => v.slice(0, 17) + (v[17] === '0' ? '1' : '0');

const pension: ResourceInput = {
  code: '371500-ZT-SB-0001',
  name: '养老保险参保信息',
  classification: { category: '主题信息资源类', item: '社会保障主题库' },
  department: '市人力资源和社会保障局',
  abstract: '参保人、参保日期与缴费基数。',
  format: 'database',
  dataItems: [
    { name: 'id_number', title: '公民身份号码', type: 'resident_id', sensitivity: 'confidential', key: true },
    { name: 'name', title: '姓名', type: 'string', sensitivity: 'sensitive', required: true },
    { name: 'insured_on', title: '参保日期', type: 'date', sensitivity: 'internal' },
    { name: 'base_amount', title: '缴费基数', type: 'decimal', sensitivity: 'internal' },
  ],
  sharing: { type: 'conditional', conditions: '依申请', method: '接口' },
  open: { type: 'none' },
  updateCycle: 'monthly',
  libraryClass: 'theme',
  library: 'social_security',
};

forEachDatabase('aggregation', { migrations: [catalogMigrations, aggregationMigrations] }, (ctx) => {
  let app: HttpApp;
  let aggregation: AggregationModule;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agg-test-'));
    const logger = createLogger({ level: 'silent' });
    const clock = fixedClock('2026-03-01T00:00:00Z');
    const catalog = createCatalogModule({ db: ctx.db, logger, clock });
    await catalog.start?.();
    await catalog.service.create(pension, { id: 'test' });
    aggregation = createAggregationModule({ db: ctx.db, logger, clock, catalog: catalog.service, config: { dataDir } });
    app = await createHttpServer({ logger, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function upload(body: Buffer | string, query: string, contentType = 'text/csv'): Promise<Load> {
    const res = await app.inject({ method: 'POST', url: `/api/aggregation/resources/${pension.code}/loads?${query}`, payload: body, headers: { 'content-type': contentType } });
    expect(res.statusCode, res.body).toBe(202);
    await aggregation.service.idle();
    return (await app.inject({ method: 'GET', url: `/api/aggregation/loads/${res.json<Load>().id}` })).json<Load>();
  }
  const rows = async () => (await app.inject({ method: 'GET', url: `/api/aggregation/resources/${pension.code}/rows?limit=100` })).json<{ total: number; rows: Array<Record<string, string | null>> }>();

  it('loads the good rows of a malformed GBK CSV and quarantines each bad one with its line', async () => {
    const csv = [
      '公民身份号码,姓名,参保日期,缴费基数,备注',
      `${id(1)},张伟,2020-01-15,4500.00,正常`,
      `${id(2)},王芳,2021/3/1,"5,200.50",`,
      `${badCheck(id(3))},李娜,2019-07-01,3900,校验位错误`,
      `${id(4)},刘洋,2019-02-30,3900,日期不存在`,
      `${id(5)},陈静`,
      `${id(6)},,2022-01-01,4100,缺姓名`,
      `${id(7)},赵磊,2022-06-01,四千,金额非数字`,
      `${id(8)},孙丽,2023-09-09,6100.5,正常`,
    ].join('\r\n');
    const load = await upload(iconv.encode(csv, 'gbk'), 'fileName=参保.csv');
    expect(load).toMatchObject({ status: 'done', encoding: 'gbk', rowsRead: 8, rowsInserted: 3, rowsUpdated: 0, rowsRejected: 5 });
    expect(load.columns).toEqual([
      { header: '公民身份号码', inferredType: 'string', item: 'id_number', mappedBy: 'title' },
      { header: '姓名', inferredType: 'string', item: 'name', mappedBy: 'title' },
      { header: '参保日期', inferredType: 'string', item: 'insured_on', mappedBy: 'title' },
      { header: '缴费基数', inferredType: 'string', item: 'base_amount', mappedBy: 'title' },
      { header: '备注', inferredType: 'string', item: null, mappedBy: 'unmapped' },
    ]);
    // The column no data item takes is reported to the uploader, not dropped in silence.
    expect(load.unmapped).toEqual(['备注']);
    const rejects = (await app.inject({ method: 'GET', url: `/api/aggregation/loads/${load.id}/rejects` })).json<{ total: number; items: Array<{ line: number; reason: string; field: string | null }> }>();
    expect(rejects.total).toBe(5);
    expect(rejects.items.map((r) => [r.line, r.field])).toEqual([[4, 'id_number'], [5, 'insured_on'], [6, null], [7, 'name'], [8, 'base_amount']]);
    expect(rejects.items[0]?.reason).toMatch(/^公民身份号码 \(id_number\): bad resident ID number/);
    expect(rejects.items[2]?.reason).toBe('ragged row: 2 fields, the header has 5');
    const download = await app.inject({ method: 'GET', url: `/api/aggregation/loads/${load.id}/rejects.csv` });
    expect(download.headers['content-type']).toMatch(/^text\/csv/);
    const lines = download.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(6);
    expect(lines[3]).toBe(`6,"ragged row: 2 fields, the header has 5",,"${id(5)},陈静"`);
    const data = await rows();
    expect(data.total).toBe(3);
    expect(data.rows.find((r) => r.id_number === id(2))).toMatchObject({ name: '王芳', insured_on: '2021-03-01', base_amount: '5200.50' });
  });

  it('upserts by key, infers types over the whole file, and rolls a load back', async () => {
    const csv = ['id_number,name,base_amount', `${id(1)},张伟,4800`, `${id(9)},周杰,3000`, `${id(9)},周杰伦,3100`].join('\n');
    const load = await upload(csv, 'format=csv');
    expect(load).toMatchObject({ status: 'done', encoding: 'utf-8', rowsRead: 3, rowsInserted: 1, rowsUpdated: 1, rowsRejected: 0 });
    expect(load.columns.map((c) => c.inferredType)).toEqual(['resident_id', 'string', 'integer']);
    let data = await rows();
    expect(data.total).toBe(4);
    expect(data.rows.find((r) => r.id_number === id(1))).toMatchObject({ base_amount: '4800', insured_on: '2020-01-15' });
    expect(data.rows.find((r) => r.id_number === id(9))?.name).toBe('周杰伦');

    const loads = (await app.inject({ method: 'GET', url: `/api/aggregation/loads?resource=${pension.code}` })).json<{ items: Load[] }>();
    const first = loads.items[1] as Load;
    const refused = await app.inject({ method: 'POST', url: `/api/aggregation/loads/${first.id}/rollback` });
    expect(refused.statusCode).toBe(409);

    const rolled = await app.inject({ method: 'POST', url: `/api/aggregation/loads/${load.id}/rollback` });
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json<Load>().status).toBe('rolled_back');
    data = await rows();
    expect(data.total).toBe(3);
    expect(data.rows.find((r) => r.id_number === id(1))?.base_amount).toBe('4500.00');
    expect(data.rows.find((r) => r.id_number === id(9))).toBeUndefined();
    expect((await app.inject({ method: 'POST', url: `/api/aggregation/loads/${load.id}/rollback` })).statusCode).toBe(409);

    const replay = await app.inject({ method: 'POST', url: `/api/aggregation/loads/${load.id}/replay` });
    expect(replay.statusCode).toBe(202);
    await aggregation.service.idle();
    expect(await aggregation.service.getLoad(replay.json<Load>().id)).toMatchObject({ status: 'done', rowsInserted: 1, rowsUpdated: 1 });
    expect((await rows()).rows.find((r) => r.id_number === id(9))?.name).toBe('周杰伦');
  });

  it('loads XLSX and JSON uploads', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('参保');
    ws.addRow(['公民身份号码', '姓名', '参保日期']);
    ws.addRow([id(10), '吴敏', new Date('2024-04-01T00:00:00Z')]);
    ws.addRow(['123', '错号', new Date('2024-04-01T00:00:00Z')]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await upload(xlsx, 'fileName=a.xlsx', 'application/octet-stream');
    expect(x, JSON.stringify((await app.inject({ method: 'GET', url: `/api/aggregation/loads/${x.id}/rejects` })).json())).toMatchObject({ status: 'done', rowsInserted: 1, rowsRejected: 1 });
    const json = JSON.stringify([{ id_number: id(11), name: '郑爽', base_amount: 1.5 }, { id_number: id(12), name: null }]);
    const j = await upload(json, 'format=json', 'application/octet-stream');
    expect(j).toMatchObject({ status: 'done', rowsInserted: 1, rowsRejected: 1 });
    expect((await rows()).rows.find((r) => r.id_number === id(10))?.insured_on).toBe('2024-04-01');
  });

  it('finishes a stored upload the process was killed while loading, and fails one it was still receiving', async () => {
    const at = '2026-03-01T00:00:00Z';
    const ins = async (status: string) =>
      Number((await ctx.db.query<{ id: string }>("INSERT INTO aggregation_loads (resource_code, format, file_name, status, submitted_by, created_at) VALUES ($1, 'csv', 'x.csv', $2, 'test', $3) RETURNING id", [pension.code, status, at])).rows[0]?.id);
    const loading = await ins('loading');
    const receiving = await ins('receiving');
    await fs.mkdir(path.join(dataDir, 'aggregation'), { recursive: true });
    await fs.writeFile(path.join(dataDir, 'aggregation', `${loading}.csv`), `id_number,name\n${id(20)},冯刚\n`);
    await aggregation.start?.();
    await aggregation.service.idle();
    expect(await aggregation.service.getLoad(loading)).toMatchObject({ status: 'done', rowsInserted: 1 });
    expect(await aggregation.service.getLoad(receiving)).toMatchObject({ status: 'failed' });
  });

  it('previews a file with suggested columns, then loads it with an explicit column mapping', async () => {
    const csv = ['身份证号,Name,参保 日期,缴费基数（元）,备注', `${id(21)},周杰,2024-01-02,3000,新参保`, `${id(22)},吴敏,2024-02-03,3100,`].join('\n');
    const res = await app.inject({ method: 'POST', url: `/api/aggregation/resources/${pension.code}/preview?format=csv`, payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json<{ rowsSampled: number; columns: Array<{ header: string; inferredType: string; samples: string[]; suggested: string | null; mappedBy: string }>; missing: string[] }>();
    expect(preview.rowsSampled).toBe(2);
    expect(preview.columns.map((c) => [c.header, c.suggested, c.mappedBy])).toEqual([
      ['身份证号', null, 'unmapped'],
      ['Name', 'name', 'name'],
      ['参保 日期', 'insured_on', 'similar'],
      ['缴费基数（元）', 'base_amount', 'similar'],
      ['备注', null, 'unmapped'],
    ]);
    expect(preview.columns[0]).toMatchObject({ inferredType: 'resident_id', samples: [id(21), id(22)] });
    expect(preview.missing).toEqual(['id_number']);
    // Without a mapping the key column is missing: the load fails saying which column to map.
    const unmapped = await upload(csv, 'format=csv');
    expect(unmapped).toMatchObject({ status: 'failed' });
    expect(unmapped.error).toMatch(/公民身份号码 \(id_number\).*map one with 列名=id_number/);
    const query = ['身份证号=id_number', '参保 日期=参保日期', '缴费基数（元）=base_amount', '备注='].map((m) => `map=${encodeURIComponent(m)}`).join('&');
    const load = await upload(csv, `format=csv&${query}`);
    expect(load).toMatchObject({ status: 'done', rowsInserted: 2, unmapped: [], mapping: { 身份证号: 'id_number', '参保 日期': 'insured_on', '缴费基数（元）': 'base_amount', 备注: null } });
    expect(load.columns.map((c) => [c.header, c.item, c.mappedBy])).toEqual([
      ['身份证号', 'id_number', 'map'], ['Name', 'name', 'name'], ['参保 日期', 'insured_on', 'map'], ['缴费基数（元）', 'base_amount', 'map'], ['备注', null, 'ignored'],
    ]);
    expect((await rows()).rows.find((r) => r.id_number === id(22))).toMatchObject({ name: '吴敏', insured_on: '2024-02-03', base_amount: '3100' });
    // A replay keeps the mapping.
    const replay = await app.inject({ method: 'POST', url: `/api/aggregation/loads/${load.id}/replay` });
    await aggregation.service.idle();
    expect((await app.inject({ method: 'GET', url: `/api/aggregation/loads/${replay.json<Load>().id}` })).json<Load>()).toMatchObject({ status: 'done', rowsUpdated: 2, mapping: load.mapping });
    // A bad mapping is refused before anything is stored, naming the entry.
    const bad = async (map: string[]) => (await app.inject({ method: 'POST', url: `/api/aggregation/resources/${pension.code}/loads?format=csv&${map.map((m) => `map=${encodeURIComponent(m)}`).join('&')}`, payload: csv, headers: { 'content-type': 'text/csv' } })).json<{ status: number; field: string; code: string }>();
    expect(await bad(['身份证号=no_such_item'])).toMatchObject({ status: 400, code: 'mapping_invalid', field: '/query/map/0' });
    expect(await bad(['身份证号=id_number', 'Name=id_number'])).toMatchObject({ status: 400, field: '/query/map/1' });
    // A mapped column the file lacks fails the load, naming it.
    const absent = await upload(csv, `format=csv&map=${encodeURIComponent('证件号码=id_number')}`);
    expect(absent.error).toMatch(/the mapping names columns the file does not have: 证件号码/);
  });

  it('quarantines a row with bytes its encoding cannot decode (garbled), loading the rest', async () => {
    const body = Buffer.concat([
      iconv.encode(`公民身份号码,姓名,参保日期,缴费基数\r\n${id(31)},吴敏,2020-01-15,4500\r\n${id(32)},`, 'gbk'),
      Buffer.from([0x81, 0x20, 0xff]),
      iconv.encode(`,2020-02-01,3000\r\n${id(33)},郑强,2020-03-01,3200\r\n`, 'gbk'),
    ]);
    const load = await upload(body, 'fileName=乱码.csv');
    expect(load).toMatchObject({ status: 'done', encoding: 'gbk', rowsRead: 3, rowsRejected: 1 });
    const rejects = (await app.inject({ method: 'GET', url: `/api/aggregation/loads/${load.id}/rejects` })).json<{ items: Array<{ line: number; reason: string }> }>();
    expect(rejects.items).toEqual([expect.objectContaining({ line: 3, reason: 'undecodable bytes in field 2 (not valid GBK/GB 18030)' })]);
  });

  it('refuses an upload it cannot take, naming why', async () => {
    const noFormat = await app.inject({ method: 'POST', url: `/api/aggregation/resources/${pension.code}/loads`, payload: 'a,b', headers: { 'content-type': 'application/octet-stream' } });
    expect(noFormat.json<{ status: number; field: string }>()).toMatchObject({ status: 400, field: '/query/format' });
    const backed = await app.inject({ method: 'POST', url: '/api/aggregation/resources/371500-JC-RK-0001/loads?format=csv', payload: 'a,b', headers: { 'content-type': 'text/csv' } });
    expect(backed.statusCode).toBe(409);
    const missingKey = await upload('姓名\n张三\n', 'format=csv');
    expect(missingKey.status).toBe('failed');
    expect(missingKey.error).toMatch(/公民身份号码 \(id_number\)/);
    expect((await app.inject({ method: 'GET', url: '/api/aggregation/loads/99999' })).statusCode).toBe(404);
  });
});
