/**
 * Event intake (事件中心): events/s from intake to dispatched — locate the point, route, insert,
 * timeline, outbox, dispatch with its deadline, one transaction each — with latency percentiles,
 * next to a bare INSERT of the same rows (no keys, indexes, timeline or outbox) in the same run.
 */
import { createLogger, loadConfig, systemClock } from '../src/kernel/index.ts';
import { cityMigrations, createCityModule } from '../src/modules/city/index.ts';
import { createEventsModule, eventsMigrations, type EventInput, type OrgDirectory } from '../src/modules/events/index.ts';
import { createMemoryBus, migrate, platformMigrations, type Database } from '../src/platform/index.ts';
import { seedCity } from '../test/events/support.ts';
import { argValue, eachBenchDatabase, log, printTable, type BenchDatabase } from './support.ts';

const CATEGORIES = ['SR01', 'JM01', 'JM03', 'SZ02', 'YL01', 'TF03'];

/** The org units the seeded rules and the district fallback route to (identity's tree in the platform). */
const DIRECTORY: OrgDirectory = {
  units: () => Promise.resolve([
    { code: '371500', name: '聊城市', kind: 'city', parentCode: null },
    ...[['D02', '公安局'], ['D06', '住建局'], ['D07', '城管局'], ['D12', '应急局']].map(([code, name]) => ({ code: code ?? '', name: name ?? '', kind: 'department' as const, parentCode: '371500' })),
    { code: '371502', name: '东昌府区', kind: 'district', parentCode: '371500' },
    { code: '371581', name: '临清市', kind: 'district', parentCode: '371500' },
  ]),
  membershipsOf: () => Promise.resolve([]),
};

function inputs(n: number): EventInput[] {
  return Array.from({ length: n }, (_, i) => ({
    title: `bench event ${i}`, categoryCode: CATEGORIES[i % CATEGORIES.length] ?? 'SR01',
    lon: 115.985 + ((i * 37) % 1000) / 2000 - 0.25, lat: 36.456 + ((i * 53) % 1000) / 2000 - 0.25, source: 'grid_worker',
  }));
}

async function runConcurrent<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      const s = performance.now();
      await fn(item);
      latencies.push(performance.now() - s);
    }
  }));
  return { seconds: (performance.now() - t0) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

const pct = (sorted: number[], p: number) => (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0).toFixed(1);

async function measure(target: BenchDatabase, n: number, concurrency: number): Promise<Array<string | number>> {
  const db: Database = target.db;
  const logger = createLogger({ level: 'silent' });
  await migrate(db, [platformMigrations, cityMigrations, eventsMigrations]);
  await seedCity(db);
  const city = createCityModule({ db, logger, clock: systemClock }).service;
  const events = createEventsModule({ db, logger, clock: systemClock, bus: createMemoryBus(logger), config: loadConfig({}, { dataDir: '/tmp' }) }, { locate: (lon, lat) => city.locate(lon, lat), directory: DIRECTORY });
  const list = inputs(n);
  await runConcurrent(list.slice(0, 50), concurrency, async (e) => void (await events.service.create(e, 'bench')));
  log(`${target.label}: ${n} events, ${concurrency} at a time…`);
  const intake = await runConcurrent(list, concurrency, async (e) => void (await events.service.create(e, 'bench')));
  await db.exec('CREATE TABLE bench_bare_events (LIKE events_events INCLUDING DEFAULTS)');
  const bare = await runConcurrent(list, concurrency, async (e) => {
    const now = new Date().toISOString();
    await db.query(
      `INSERT INTO bench_bare_events (title, category_code, severity, state, source, lon, lat, department_code, created_at, updated_at) VALUES ($1, $2, 'normal', 'dispatched', $3, $4, $5, 'D07', $6, $6)`,
      [e.title, e.categoryCode, e.source, e.lon, e.lat, now],
    );
  });
  return [target.label, concurrency, n, Math.round(n / intake.seconds), pct(intake.latencies, 50), pct(intake.latencies, 95), pct(intake.latencies, 99), Math.round(n / bare.seconds), pct(bare.latencies, 50)];
}

export async function benchEvents(): Promise<void> {
  const n = argValue('events', 2000);
  // PGlite runs one query at a time, so concurrency only helps on PostgreSQL.
  const rows = await eachBenchDatabase((target) => measure(target, n, target.db.engine === 'pglite' ? 1 : 8));
  printTable('Event intake → dispatched (service call, one transaction per event) vs bare INSERT of the same rows', [
    'engine', 'concurrency', 'events', 'events/s', 'p50 ms', 'p95 ms', 'p99 ms', 'bare INSERT rows/s', 'bare p50 ms',
  ], rows);
}
