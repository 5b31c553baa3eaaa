// A catalog + aggregation + quality stack on one database with an in-process bus and the outbox
// relay, so LOAD_COMPLETED reaches the quality module as it does in the platform; and two test
// resources: a small population library and an enterprise register whose rows break one rule each.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger, fixedClock } from '../../src/kernel/index.ts';
import { generateResidentId, generateUscc } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule, type AggregationModule, type Load } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule, type CatalogModule, type ResourceInput } from '../../src/modules/catalog/index.ts';
import { createQualityModule, qualityMigrations, type QualityModule } from '../../src/modules/quality/index.ts';
import { createHttpServer, createMemoryBus, createMemoryRateLimiter, createMetrics, startOutboxRelay, type Database, type HttpApp, type OutboxRelay } from '../../src/platform/index.ts';

export const QUALITY_MIGRATIONS = [catalogMigrations, aggregationMigrations, qualityMigrations];

export const pid = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: '1975-06-0' + String((n % 9) + 1), sequence: n, sex: n % 2 ? 'male' : 'female' });
export const uscc = (n: number) => generateUscc({ divisionCode: '371502', sequence: 1000 + n });
export const breakLast = (v: string) => v.slice(0, -1) + (v.endsWith('0') ? '1' : '0');

export const people: ResourceInput = {
  code: 'T-RK-0001',
  name: '测试人口库',
  classification: { category: '主题信息资源类', item: '人口' },
  department: '市公安局',
  abstract: '测试用人口数据',
  format: 'database',
  dataItems: [
    { name: 'id_number', title: '公民身份号码', type: 'resident_id', sensitivity: 'confidential', key: true },
    { name: 'name', title: '姓名', type: 'string', sensitivity: 'sensitive' },
  ],
  sharing: { type: 'unconditional', method: '接口' },
  open: { type: 'none' },
  updateCycle: 'daily',
  libraryClass: 'business',
};

export const firms: ResourceInput = {
  code: 'T-FR-0001',
  name: '测试企业登记信息',
  classification: { category: '主题信息资源类', item: '法人' },
  department: '市市场监督管理局',
  abstract: '测试用企业登记数据，字段按文本装载以便质量规则检查',
  format: 'database',
  dataItems: [
    { name: 'reg_no', title: '登记号', type: 'string', sensitivity: 'public', key: true },
    { name: 'name', title: '企业名称', type: 'string', sensitivity: 'public' },
    { name: 'licence', title: '许可证号', type: 'string', sensitivity: 'public' },
    { name: 'email', title: '电子邮箱', type: 'string', sensitivity: 'internal' },
    { name: 'capital', title: '注册资本', type: 'decimal', sensitivity: 'public' },
    { name: 'level', title: '信用等级', type: 'string', sensitivity: 'public' },
    { name: 'rep_id', title: '法定代表人身份号码', type: 'string', sensitivity: 'confidential' },
    { name: 'contact_id', title: '联系人身份号码', type: 'string', sensitivity: 'confidential' },
    { name: 'uscc', title: '统一社会信用代码', type: 'string', sensitivity: 'public' },
    { name: 'area', title: '所在区县代码', type: 'string', sensitivity: 'public' },
    { name: 'phone', title: '联系电话', type: 'string', sensitivity: 'internal' },
    { name: 'founded', title: '成立日期', type: 'date', sensitivity: 'public' },
  ],
  sharing: { type: 'unconditional', method: '接口' },
  open: { type: 'none' },
  updateCycle: 'daily',
  libraryClass: 'business',
};

const HEADER = ['reg_no', 'name', 'licence', 'email', 'capital', 'level', 'rep_id', 'contact_id', 'uscc', 'area', 'phone', 'founded'] as const;
type FirmRow = Record<(typeof HEADER)[number], string>;

/** A firm that passes every rule. */
export function goodFirm(n: number): FirmRow {
  return { reg_no: `R${n}`, name: `企业${n}`, licence: `L${n}`, email: `f${n}@example.cn`, capital: String(100 * n), level: 'A', rep_id: pid(n % 3), contact_id: pid(100 + n), uscc: uscc(n), area: '371502', phone: `1380000${String(n).padStart(4, '0')}`, founded: '2026-02-27' };
}

/** R3…R13 each break one rule (R4 and R5 share a licence); the rest are good. */
export function firmsWithFaults(): FirmRow[] {
  const rows = Array.from({ length: 14 }, (_, i) => goodFirm(i + 1));
  const set = (n: number, patch: Partial<FirmRow>) => Object.assign(rows[n - 1] as FirmRow, patch);
  set(3, { name: '' });
  set(5, { licence: 'L4' });
  set(6, { email: 'not-an-email' });
  set(7, { capital: '-5' });
  set(8, { level: 'Z' });
  set(9, { contact_id: breakLast(pid(109)) });
  set(10, { uscc: breakLast(uscc(10)) });
  set(11, { area: '999999' });
  set(12, { phone: '12345' });
  set(13, { rep_id: pid(77) });
  return rows;
}

export function csvOf(rows: FirmRow[]): string {
  return [HEADER.join(','), ...rows.map((r) => HEADER.map((h) => r[h]).join(','))].join('\n');
}

export interface QualityStack {
  app: HttpApp;
  catalog: CatalogModule;
  aggregation: AggregationModule;
  quality: QualityModule;
  relay: OutboxRelay;
  clock: ReturnType<typeof fixedClock>;
  /** Upload a CSV, wait for the load and for the quality run it triggers. */
  load(code: string, csv: string): Promise<Load>;
  close(): Promise<void>;
}

export async function startQualityStack(db: Database, opts: { webDir?: string; clock?: ReturnType<typeof fixedClock> } = {}): Promise<QualityStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'quality-test-'));
  const logger = createLogger({ level: 'silent' });
  const clock = opts.clock ?? fixedClock('2026-03-01T00:00:00Z');
  const bus = createMemoryBus(logger);
  const relay = startOutboxRelay(db, bus, logger, { intervalMs: 100 });
  const catalog = createCatalogModule({ db, logger, clock });
  await catalog.start?.();
  await catalog.service.create(people, { id: 'test' });
  await catalog.service.create(firms, { id: 'test' });
  const aggregation = createAggregationModule({ db, logger, clock, catalog: catalog.service, config: { dataDir } });
  const quality = createQualityModule({ db, logger, clock, bus, relay }, { catalog: catalog.service, aggregation: aggregation.service, schedule: false });
  await quality.start?.();
  const app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test', ...(opts.webDir ? { webDir: opts.webDir } : {}) });
  await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
  await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
  await app.register(quality.routes as (a: HttpApp) => void, { prefix: '/api/quality' });
  await app.ready();
  return {
    app, catalog, aggregation, quality, relay, clock,
    async load(code, csv) {
      const res = await app.inject({ method: 'POST', url: `/api/aggregation/resources/${code}/loads?format=csv`, payload: csv, headers: { 'content-type': 'text/csv' } });
      if (res.statusCode !== 202) throw new Error(res.body);
      await aggregation.service.idle();
      await relay.flush();
      await quality.service.idle();
      return aggregation.service.getLoad(res.json<Load>().id);
    },
    async close() {
      await quality.stop?.();
      await relay.stop();
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
