/**
 * NGSI-LD (`npm run bench -- ngsi-ld [--entities N]`): entity upserts per second through
 * POST /entityOperations/upsert's service (batches of 1 000) and query latency (p50/p95) at
 * 100 000 entities — by id, by type + q, by q equality, near (geo) and count — on PGlite and
 * PostgreSQL, next to the ceiling of the same engine in the same run: a bare INSERT … ON CONFLICT of
 * the same rows into a plain (id, type, attrs) table, and bare SELECTs on it.
 */
import { createLogger, systemClock } from '../src/kernel/index.ts';
import { createIotModule, iotMigrations } from '../src/modules/iot/index.ts';
import { CORE_CONTEXT as coreContext } from '../src/modules/iot/ngsi-ld/index.ts';
import { createMqttEngine, migrate, platformMigrations } from '../src/platform/index.ts';
import { argValue, eachBenchDatabase, log, printTable, type BenchDatabase } from './support.ts';

const BATCH = 1000;
const statuses = ['normal', 'warning', 'alarm'];

function entity(i: number, round: number) {
  return {
    id: `urn:ngsi-ld:WaterObserved:bench-${i}`,
    type: 'WaterObserved',
    height: { type: 'Property', value: ((i * 37 + round) % 1000) / 100, unitCode: 'MTR', observedAt: new Date(Date.UTC(2026, 6, 1) + round * 60_000).toISOString() },
    status: { type: 'Property', value: statuses[i % 3] },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [115.5 + ((i * 7919) % 10_000) / 10_000, 36.0 + ((i * 104_729) % 10_000) / 10_000] } },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function latency(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return { p50: pct(times, 50), p95: pct(times, 95) };
}

async function measure(target: BenchDatabase, n: number) {
  const { db } = target;
  await migrate(db, [platformMigrations, iotMigrations]);
  const logger = createLogger({ level: 'silent' });
  const { ngsiLd } = createIotModule({ db, clock: systemClock, logger, mqtt: createMqttEngine({ port: 0, logger }) });
  await db.exec('CREATE TABLE bench_bare (id text PRIMARY KEY, type text NOT NULL, attrs jsonb NOT NULL)');

  log(`${target.label}: upserting ${n.toLocaleString('en-US')} NGSI-LD entities in batches of ${BATCH}…`);
  let t = performance.now();
  for (let start = 0; start < n; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => entity(start + k, 0));
    const r = await ngsiLd.entities.batchUpsert(batch, () => coreContext, false);
    if (r.errors.length > 0) throw new Error(JSON.stringify(r.errors[0]));
  }
  const createSeconds = (performance.now() - t) / 1000;
  // Second round: every entity exists, so each upsert changes it (the steady state of a feed).
  t = performance.now();
  for (let start = 0; start < n; start += BATCH) {
    await ngsiLd.entities.batchUpsert(Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => entity(start + k, 1)), () => coreContext, false);
  }
  const updateSeconds = (performance.now() - t) / 1000;
  await db.exec('ANALYZE ngsi_entities');
  await db.exec('ANALYZE ngsi_numeric');

  log(`${target.label}: bare INSERT … ON CONFLICT of the same rows…`);
  t = performance.now();
  for (let round = 0; round < 2; round++) {
    for (let start = 0; start < n; start += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - start) }, (_, k) => entity(start + k, round));
      await db.query(
        `INSERT INTO bench_bare (id, type, attrs) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
         ON CONFLICT (id) DO UPDATE SET attrs = bench_bare.attrs || excluded.attrs`,
        [rows.map((r) => r.id), rows.map((r) => r.type), rows.map((r) => JSON.stringify({ height: r.height, status: r.status, location: r.location }))],
      );
    }
  }
  const bareSeconds = (performance.now() - t) / 1000;
  await db.exec('ANALYZE bench_bare');

  log(`${target.label}: queries…`);
  const runs = 60;
  const q = (query: Record<string, unknown>) => ngsiLd.entities.query({ limit: 20, offset: 0, ...query }, coreContext, { form: 'normalized' });
  const byId = await latency(runs, (i) => ngsiLd.entities.get(`urn:ngsi-ld:WaterObserved:bench-${(i * 7919) % n}`, coreContext, { form: 'normalized' }));
  const bareById = await latency(runs, (i) => db.query('SELECT id, type, attrs FROM bench_bare WHERE id = $1', [`urn:ngsi-ld:WaterObserved:bench-${(i * 7919) % n}`]));
  const typeQ = await latency(runs, (i) => q({ type: 'WaterObserved', q: `height>${(i % 9) + 0.5};height<${(i % 9) + 0.6}` }));
  const bareTypeQ = await latency(runs, (i) =>
    db.query(`SELECT id, type, attrs FROM bench_bare WHERE type = 'WaterObserved' AND (attrs->'height'->>'value')::float8 > $1 AND (attrs->'height'->>'value')::float8 < $2 ORDER BY id LIMIT 20`, [(i % 9) + 0.5, (i % 9) + 0.6]),
  );
  const eq = await latency(runs, () => q({ type: 'WaterObserved', q: 'status=="alarm"' }));
  const bareEq = await latency(runs, () => db.query(`SELECT id, type, attrs FROM bench_bare WHERE type = 'WaterObserved' AND attrs->'status'->>'value' = 'alarm' ORDER BY id LIMIT 20`));
  const near = await latency(runs, (i) => q({ type: 'WaterObserved', georel: 'near;maxDistance==2000', geometry: 'Point', coordinates: [115.6 + (i % 8) * 0.1, 36.1 + (i % 8) * 0.1] }));
  const count = await latency(20, () => q({ type: 'WaterObserved', q: 'height>=9.5', count: true, limit: 0 }));
  const bareCount = await latency(20, () => db.query(`SELECT count(*) FROM bench_bare WHERE (attrs->'height'->>'value')::float8 >= 9.5`));
  return { label: target.label, createSeconds, updateSeconds, bareSeconds, byId, bareById, typeQ, bareTypeQ, eq, bareEq, near, count, bareCount };
}

export async function benchNgsiLd(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write('npm run bench -- ngsi-ld [--entities N]\n  --entities N  entities upserted and queried (default 100 000); PGlite, and PostgreSQL when reachable\n');
    return;
  }
  const n = argValue('entities', 100_000);
  const results = await eachBenchDatabase((target) => measure(target, n));
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  printTable(
    `NGSI-LD batch upsert, ${n.toLocaleString('en-US')} entities (4 attributes, batches of ${BATCH}); ceiling: bare INSERT … ON CONFLICT of the same rows`,
    ['engine', 'create entities/s', 'update entities/s', 'bare upsert rows/s', 'NGSI-LD / bare'],
    results.map((r) => [r.label, Math.round(n / r.createSeconds), Math.round(n / r.updateSeconds), Math.round((2 * n) / r.bareSeconds), `${((100 * (2 * n)) / (r.createSeconds + r.updateSeconds) / ((2 * n) / r.bareSeconds)).toFixed(0)} %`]),
  );
  printTable(
    `NGSI-LD query latency at ${n.toLocaleString('en-US')} entities (p50 / p95, limit 20); ceiling: bare SELECT on a plain table of the same rows`,
    ['engine', 'query', 'NGSI-LD', 'bare SELECT'],
    results.flatMap((r) => [
      [r.label, 'GET /entities/{id}', `${ms(r.byId.p50)} / ${ms(r.byId.p95)}`, `${ms(r.bareById.p50)} / ${ms(r.bareById.p95)} (primary key)`],
      [r.label, 'type + q=height>a;height<b', `${ms(r.typeQ.p50)} / ${ms(r.typeQ.p95)}`, `${ms(r.bareTypeQ.p50)} / ${ms(r.bareTypeQ.p95)}`],
      [r.label, 'type + q=status=="alarm"', `${ms(r.eq.p50)} / ${ms(r.eq.p95)}`, `${ms(r.bareEq.p50)} / ${ms(r.bareEq.p95)}`],
      [r.label, 'near;maxDistance==2000', `${ms(r.near.p50)} / ${ms(r.near.p95)}`, '—'],
      [r.label, 'count=true (q=height>=9.5)', `${ms(r.count.p50)} / ${ms(r.count.p95)}`, `${ms(r.bareCount.p50)} / ${ms(r.bareCount.p95)}`],
    ]),
  );
}
