// 定时抽取 and 实时推送 on every engine: pulls from a real local HTTP API (paged, API key sealed with
// SM4) and from a real second PostgreSQL database (incremental by watermark), on demand and on a
// cron schedule, one run at a time across two nodes; failing sources record their error; pushed
// records land with refused ones answered by index; a retried upload loads once; a crash's
// leftovers are cleaned on start.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { createLogger, fixedClock, type DepartmentScope } from '../../src/kernel/index.ts';
import { generateResidentId } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule, LOAD_COMPLETED, type AggregationModule, type Load, type PushResult, type SourceView } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule, type CatalogModule, type ResourceInput } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type HttpApp } from '../../src/platform/index.ts';
import { createScratchPostgres, forEachDatabase } from '../support/databases.ts';

const id = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: '1975-08-09', sequence: n, sex: n % 2 ? 'male' : 'female' });

const insured: ResourceInput = {
  code: '371500-ZT-SB-0101',
  name: '医疗保险参保信息',
  classification: { category: '主题信息资源类', item: '社会保障主题库' },
  department: '市医疗保障局',
  abstract: '参保人与参保日期。',
  format: 'database',
  dataItems: [
    { name: 'id_number', title: '公民身份号码', type: 'resident_id', sensitivity: 'confidential', key: true },
    { name: 'name', title: '姓名', type: 'string', sensitivity: 'sensitive', required: true },
    { name: 'insured_on', title: '参保日期', type: 'date', sensitivity: 'internal' },
  ],
  sharing: { type: 'conditional', conditions: '依申请', method: '接口' },
  open: { type: 'none' },
  updateCycle: 'daily',
  libraryClass: 'theme',
  library: 'social_security',
};

/**
 * A paged JSON API behind an API key: 5 people, 2 a page, one with a bad ID number; `delayMs` slows
 * answers. Every record carries `extra`, which is no data item; the first page has no insured_on and
 * only the last page has `note` (fields that first appear on a later page).
 */
function startApi() {
  const people = [1, 2, 3, 4, 5].map((n) => ({
    id_number: n === 4 ? '371502197508090000' : id(n),
    name: `参保人${n}`,
    ...(n > 2 ? { insured_on: `2024-0${n}-01` } : {}),
    extra: true,
    ...(n === 5 ? { note: '末页才有' } : {}),
  }));
  const state = { delayMs: 0, fail: false, requests: 0, keys: [] as string[] };
  const server = http.createServer((req, res) => {
    state.requests++;
    state.keys.push(String(req.headers['x-api-key']));
    const url = new URL(req.url ?? '/', 'http://x');
    setTimeout(() => {
      if (state.fail) return void res.writeHead(500).end('database down');
      if (req.headers['x-api-key'] !== 'k-371500') return void res.writeHead(401).end('no key');
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Number(url.searchParams.get('size') ?? '2');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, data: { items: people.slice((page - 1) * size, page * size) } }));
    }, state.delayMs);
  });
  return { server, state };
}

forEachDatabase('sources and push', { migrations: [catalogMigrations, aggregationMigrations] }, (ctx) => {
  let app: HttpApp;
  let catalog: CatalogModule;
  let aggregation: AggregationModule;
  let other: AggregationModule;
  let dataDir: string;
  let api: ReturnType<typeof startApi>;
  let apiUrl: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agg-sources-'));
    const logger = createLogger({ level: 'silent' });
    const clock = fixedClock('2026-03-01T00:00:00Z');
    catalog = createCatalogModule({ db: ctx.db, logger, clock });
    await catalog.start?.();
    await catalog.service.create(insured, { id: 'test' });
    const config = { dataDir, fieldKey: '0123456789abcdeffedcba9876543210' };
    aggregation = createAggregationModule({ db: ctx.db, logger, clock, catalog: catalog.service, config: { ...config, nodeId: 'node-a' } });
    other = createAggregationModule({ db: ctx.db, logger, clock, catalog: catalog.service, config: { ...config, nodeId: 'node-b' } });
    app = await createHttpServer({ logger, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    // The identity module's access hook gives routes the caller's department scope; here a header stands in for the grant.
    app.decorateRequest('departmentScope', function departmentScope(this: FastifyRequest): Promise<DepartmentScope> {
      const departments = this.headers['x-test-departments'];
      return Promise.resolve(typeof departments === 'string' ? { all: false, departments: departments.split(',') } : { all: true });
    });
    await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
    await app.ready();
    api = startApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/people`;
  });
  afterAll(async () => {
    await aggregation.stop?.();
    await other.stop?.();
    await app.close();
    api.server.closeAllConnections();
    await new Promise((resolve) => api.server.close(resolve));
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  const call = <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url: `/api/aggregation${url}`, ...(payload === undefined ? {} : { payload: payload as object }), headers }).then((r) => ({ status: r.statusCode, body: r.body ? r.json<T>() : (null as T), headers: r.headers }));
  const httpSource = (extra: Record<string, unknown> = {}) => ({
    resourceCode: insured.code,
    name: '医保参保接口',
    kind: 'http',
    http: { url: apiUrl, recordsPath: 'data.items', paging: { param: 'page', start: 1, sizeParam: 'size', size: 2, maxPages: 10 }, headers: { 'x-api-key': 'k-371500' } },
    ...extra,
  });
  const count = async () => Number((await ctx.db.query<{ n: string }>("SELECT count(*) AS n FROM aggregation_loads WHERE status = 'done'")).rows[0]?.n);

  it('pulls a paged HTTP API with a sealed API key into an ordinary load, quarantining the bad record', async () => {
    const created = await call<SourceView>('POST', '/sources', httpSource());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.http).toMatchObject({ url: apiUrl, recordsPath: 'data.items', headerNames: ['x-api-key'] });
    expect(JSON.stringify(created.body)).not.toContain('k-371500');
    const stored = (await ctx.db.query<{ secret: string }>('SELECT secret FROM aggregation_sources WHERE id = $1', [created.body.id])).rows[0]?.secret ?? '';
    expect(stored.startsWith('sm4f1.')).toBe(true);
    expect(stored).not.toContain('k-371500');

    const run = await call<{ source: SourceView; load: Load }>('POST', `/sources/${created.body.id}/run`);
    expect(run.status).toBe(200);
    expect(api.state.keys.every((k) => k === 'k-371500')).toBe(true);
    expect(api.state.requests).toBe(3); // pages of 2, 2, 1
    expect(run.body.load).toMatchObject({ status: 'done', sourceId: created.body.id, submittedBy: `source:${created.body.id}`, rowsRead: 5, rowsInserted: 4, rowsRejected: 1 });
    // Fields that are no data item are not loaded, and the load says so, like an upload's unmatched columns.
    expect(run.body.load.unmapped).toEqual(['extra', 'note']);
    expect(run.body.load.columns.map((c) => [c.header, c.item, c.mappedBy])).toEqual([
      ['id_number', 'id_number', 'name'], ['name', 'name', 'name'], ['insured_on', 'insured_on', 'name'], ['extra', null, 'unmapped'], ['note', null, 'unmapped'],
    ]);
    // A data item the first page lacks is still loaded from the pages that carry it.
    const pulled = (await call<{ rows: Array<Record<string, string | null>> }>('GET', `/resources/${insured.code}/rows?limit=100`)).body.rows;
    expect(pulled.find((r) => r.id_number === id(3))?.insured_on).toBe('2024-03-01');
    expect(pulled.find((r) => r.id_number === id(1))?.insured_on).toBeNull();
    expect(run.body.source).toMatchObject({ lastStatus: 'done', lastError: null, lastLoadId: run.body.load.id, running: false });
    const rejects = await call<{ items: Array<{ line: number; field: string }> }>('GET', `/loads/${run.body.load.id}/rejects`);
    expect(rejects.body.items.map((r) => [r.line, r.field])).toEqual([[4, 'id_number']]);
    const event = await ctx.db.query<{ payload: unknown }>('SELECT payload FROM platform_outbox WHERE subject = $1', [LOAD_COMPLETED]);
    const payloads = event.rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as { loadId: number }) : (r.payload as { loadId: number })));
    expect(payloads.map((p) => p.loadId)).toContain(run.body.load.id);
    // the stored file replays like an upload's
    const replay = await call<Load>('POST', `/loads/${run.body.load.id}/replay`);
    expect(replay.status).toBe(202);
    await aggregation.service.idle();
    expect(await aggregation.service.getLoad(replay.body.id)).toMatchObject({ status: 'done', rowsUpdated: 4, unmapped: ['extra', 'note'] });
  });

  it('records a failing source without throwing, and runs a source once across two nodes', async () => {
    const source = (await call<SourceView>('POST', '/sources', httpSource({ name: '会失败的接口' }))).body;
    api.state.fail = true;
    const failed = await call<{ source: SourceView; load: Load | null }>('POST', `/sources/${source.id}/run`);
    expect(failed.status).toBe(200);
    expect(failed.body.source).toMatchObject({ lastStatus: 'failed', running: false });
    expect(failed.body.source.lastError).toMatch(/HTTP 500: database down/);
    api.state.fail = false;
    const gone = (await call<SourceView>('POST', '/sources', { ...httpSource({ name: '不可达' }), http: { url: 'http://127.0.0.1:9/none' } })).body;
    const unreachable = await call<{ source: SourceView }>('POST', `/sources/${gone.id}/run`);
    expect(unreachable.body.source.lastError).toMatch(/cannot reach 127\.0\.0\.1:9/);

    api.state.delayMs = 300;
    const before = await count();
    const outcomes = await Promise.allSettled([aggregation.sources.run(source.id, { id: 'test' }), other.sources.run(source.id, { id: 'test' })]);
    api.state.delayMs = 0;
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as { code: string }).code).toBe('source_busy');
    expect(await count()).toBe(before + 1);
  });

  it('runs a source on its cron schedule', async () => {
    const scheduled = (await call<SourceView>('POST', '/sources', httpSource({ name: '每秒抽取', schedule: '* * * * * *' }))).body;
    expect(scheduled.nextRunAt).not.toBeNull();
    await aggregation.start?.();
    await expect.poll(async () => (await aggregation.sources.get(scheduled.id)).lastStatus, { timeout: 10_000, interval: 200 }).toBe('done');
    await aggregation.stop?.();
    await call('PUT', `/sources/${scheduled.id}`, { ...httpSource({ name: '每秒抽取' }), schedule: null });
  });

  it('refuses bad source settings naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [httpSource({ schedule: 'every day' }), '/body/schedule'],
      [{ ...httpSource(), http: undefined }, '/body/http'],
      [{ ...httpSource(), http: { url: 'ftp://x' } }, '/body/http/url'],
      [{ resourceCode: insured.code, name: 'x', kind: 'postgres', postgres: { connectionUrl: 'postgres://u@h/db', query: 'DELETE FROM t' } }, '/body/postgres/query'],
      [{ resourceCode: insured.code, name: 'x', kind: 'postgres', postgres: { query: 'SELECT 1' } }, '/body/postgres/connectionUrl'],
      [httpSource({ resourceCode: '371500-JC-RK-0001' }), '/body/resourceCode'],
    ];
    for (const [body, field] of cases) {
      const res = await call<{ field: string }>('POST', '/sources', body);
      expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
    }
    expect((await call('POST', '/sources/9999/run')).status).toBe(404);
  });

  it.skipIf(!process.env.DATABASE_URL)('pulls from another PostgreSQL database, incrementally past its watermark (needs DATABASE_URL)', async () => {
    const scratch = await createScratchPostgres(process.env.DATABASE_URL, 'citybrain_src_');
    const src = new pg.Client({ connectionString: scratch.url });
    await src.connect();
    try {
      await src.query('CREATE TABLE insured (id_number text, full_name text, insured_on date, changed_at timestamptz)');
      await src.query(`INSERT INTO insured SELECT 'x' || g, '人' || g, DATE '2020-01-01' + g, TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * interval '1 minute' FROM generate_series(1, 3) g`);
      for (let n = 1; n <= 3; n++) await src.query('UPDATE insured SET id_number = $1 WHERE id_number = $2', [id(100 + n), `x${n}`]);
      const created = await call<SourceView>('POST', '/sources', {
        resourceCode: insured.code,
        name: '医保核心库',
        kind: 'postgres',
        postgres: { connectionUrl: scratch.url, query: 'SELECT id_number, full_name AS name, insured_on, changed_at FROM insured', watermarkColumn: 'changed_at' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.postgres?.connection).toBe(scratch.url);
      const first = await call<{ source: SourceView; load: Load }>('POST', `/sources/${created.body.id}/run`);
      expect(first.body.load).toMatchObject({ status: 'done', rowsInserted: 3, rowsRejected: 0, unmapped: ['changed_at'] });
      expect(first.body.source.watermark).toBe('2025-12-31T16:03:00.000Z'); // 2026-01-01 00:03 in UTC+8
      await src.query(`INSERT INTO insured VALUES ($1, '新参保', '2026-02-02', TIMESTAMPTZ '2026-02-01 00:00:00+08')`, [id(200)]);
      await src.query(`UPDATE insured SET full_name = '改名', changed_at = TIMESTAMPTZ '2026-02-01 00:00:01+08' WHERE id_number = $1`, [id(101)]);
      const second = await call<{ source: SourceView; load: Load }>('POST', `/sources/${created.body.id}/run`);
      expect(second.body.load).toMatchObject({ status: 'done', rowsRead: 2, rowsInserted: 1, rowsUpdated: 1 });
      const rows = (await call<{ rows: Array<Record<string, string>> }>('GET', `/resources/${insured.code}/rows?limit=100`)).body.rows;
      expect(rows.find((r) => r.id_number === id(101))?.name).toBe('改名');
      expect(rows.find((r) => r.id_number === id(200))?.insured_on).toBe('2026-02-02');
      const third = await call<{ load: Load }>('POST', `/sources/${created.body.id}/run`);
      expect(third.body.load).toMatchObject({ status: 'done', rowsRead: 0 });
    } finally {
      await src.end();
      await scratch.drop();
    }
  });

  it('lands pushed records now and answers each refused one by index, honouring Idempotency-Key', async () => {
    const records = [{ id_number: id(300), name: '推送甲', insured_on: '2025-01-01' }, { id_number: '123', name: '坏号' }, { 公民身份号码: id(301), 姓名: '推送乙' }, 'not a record'];
    const first = await call<PushResult>('POST', `/resources/${insured.code}/records`, { records }, { 'idempotency-key': 'push-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.accepted).toBe(2);
    expect(first.body.rejected.map((r) => [r.index, r.field])).toEqual([[1, 'id_number'], [3, null]]);
    expect(first.body.rejected[1]?.reason).toBe('not a JSON object');
    const retry = await call<PushResult>('POST', `/resources/${insured.code}/records`, { records }, { 'idempotency-key': 'push-1' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.load.id).toBe(first.body.load.id);
    const rows = (await call<{ rows: Array<Record<string, string>> }>('GET', `/resources/${insured.code}/rows?limit=100`)).body.rows;
    expect(rows.find((r) => r.id_number === id(301))?.name).toBe('推送乙');
    expect((await call<{ field: string }>('POST', `/resources/${insured.code}/records`, { records: [] })).body.field).toBe('/body/records');
    expect((await call('POST', '/resources/NO-SUCH-1/records', { records: [{}] })).status).toBe(404);
  });

  it('names the pushed fields that are no data item; a strict push or a misspelt required field is refused naming the field', async () => {
    const records = [
      { id_number: id(310), name: '字段甲', insured_on: '2025-01-01', remark: '备注一' },
      { id_number: id(311), name: '字段乙', insrued_on: '2025-02-01', remark: '备注二' },
    ];
    const loose = await call<PushResult>('POST', `/resources/${insured.code}/records`, { records });
    expect(loose.status, JSON.stringify(loose.body)).toBe(200);
    expect(loose.body.accepted).toBe(2);
    expect(loose.body.unknownFields).toEqual([
      { field: 'remark', records: 2, suggestion: null },
      { field: 'insrued_on', records: 1, suggestion: 'insured_on' },
    ]);
    expect(loose.body.load.unmapped).toEqual(['remark', 'insrued_on']);

    const loads = async () => (await call<{ items: Load[] }>('GET', `/loads?resource=${insured.code}&limit=500`)).body.items.length;
    const before = await loads();
    const strict = await call<{ code: string; field: string; detail: string }>('POST', `/resources/${insured.code}/records?strict=true`, { records: [{ id_number: id(312), name: '严格' }, ...records] });
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ code: 'fields_unknown', field: '/body/records/1/remark' });
    expect(strict.body.detail).toContain('insrued_on (did you mean insured_on?)');
    expect(await loads()).toBe(before);
    expect((await call<PushResult>('POST', `/resources/${insured.code}/records?strict=true`, { records: [{ id_number: id(312), 姓名: '严格' }] })).status).toBe(200);

    const typo = await call<{ code: string; field: string; detail: string }>('POST', `/resources/${insured.code}/records`, { records: [{ id_number: id(313), nmae: '错字' }] });
    expect(typo.status).toBe(400);
    expect(typo.body).toMatchObject({ code: 'push_refused', field: '/body/records/0/nmae' });
    expect(typo.body.detail).toContain('nmae (did you mean name?)');
  });

  it('一数一源: a grant scoped to another department may not run or remove a source', async () => {
    const source = (await call<SourceView>('POST', '/sources', httpSource({ name: '部门检查' }))).body;
    const police = { 'x-test-departments': 'D02,公安局' };
    const own = { 'x-test-departments': 'D31,医疗保障局' };
    const run = await call<{ code: string; field: string }>('POST', `/sources/${source.id}/run`, undefined, police);
    expect({ status: run.status, code: run.body.code, field: run.body.field }).toEqual({ status: 403, code: 'department_out_of_scope', field: '/params/id' });
    const removal = await call<{ code: string; field: string }>('DELETE', `/sources/${source.id}`, undefined, police);
    expect({ status: removal.status, code: removal.body.code, field: removal.body.field }).toEqual({ status: 403, code: 'department_out_of_scope', field: '/params/id' });
    expect((await call('GET', `/sources/${source.id}`)).status).toBe(200);
    expect((await call<{ load: Load }>('POST', `/sources/${source.id}/run`, undefined, own)).body.load).toMatchObject({ status: 'done' });
    expect((await call('DELETE', `/sources/${source.id}`, undefined, own)).status).toBe(204);
    expect((await call('GET', `/sources/${source.id}`)).status).toBe(404);
  });

  it('answers a retried upload with its first load, and cleans a crash’s leftovers on start', async () => {
    const csv = `id_number,name\n${id(400)},上传\n`;
    const send = () => app.inject({ method: 'POST', url: `/api/aggregation/resources/${insured.code}/loads?format=csv`, payload: csv, headers: { 'content-type': 'text/csv', 'idempotency-key': 'upload-7' } });
    const a = await send();
    await aggregation.service.idle();
    const b = await send();
    expect(b.statusCode).toBe(202);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json<Load>().id).toBe(a.json<Load>().id);
    expect((await call<{ items: Load[] }>('GET', `/loads?resource=${insured.code}`)).body.items.filter((l) => l.fileName === 'upload.csv')).toHaveLength(1);

    const dir = path.join(dataDir, 'aggregation');
    await fs.writeFile(path.join(dir, '123456.csv.part'), 'half a file');
    await fs.writeFile(path.join(dir, '999999.csv'), 'no load has this');
    await ctx.db.query('CREATE TABLE agg_stage_999999 (_line integer)');
    await aggregation.start?.();
    await aggregation.stop?.();
    const left = await fs.readdir(dir);
    expect(left).not.toContain('123456.csv.part');
    expect(left).not.toContain('999999.csv');
    expect(left).toContain(`${a.json<Load>().id}.csv`);
    expect((await ctx.db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'agg_stage_999999'")).rows).toHaveLength(0);
  });

  it('reads a base library backed by the demo city through its catalog entry', async () => {
    await ctx.db.query('CREATE TABLE city_divisions (code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_code text NOT NULL, lon double precision NOT NULL, lat double precision NOT NULL)');
    await ctx.db.query("INSERT INTO city_divisions VALUES ('371502', '东昌府区', 'county', '371500', 115.98, 36.45), ('371500', '聊城市', 'city', '370000', 115.98, 36.46)");
    const data = await call<{ total: number; columns: string[]; rows: Array<Record<string, string>> }>('GET', '/resources/371500-JC-KJ-0001/rows?limit=10');
    expect(data.status).toBe(200);
    expect(data.body.total).toBe(2);
    expect(data.body.rows[0]).toEqual({ code: '371500', name: '聊城市', level: 'city', parent_code: '370000', lon: '115.98', lat: '36.46' });
  });
});
