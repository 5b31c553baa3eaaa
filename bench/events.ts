/**
 * Event intake (事件中心) over HTTP, as real clients see it: a running platform listening on
 * 127.0.0.1, concurrent HTTP clients with API keys posting grid workers' reports
 * (`POST /api/events`) and video detections (`POST /api/events/detections`, a quarter of them
 * repeats that de-duplication merges). Each request's latency runs from sending it to its answer,
 * which comes after the transaction that created the event and dispatched it (locate, route, insert,
 * timeline, outbox, deadline) has committed — intake → dispatched. Next to it, in the same run, with
 * the same clients: the bare HTTP ceiling (GET /healthz) and the same intake called in process.
 * On PGlite and, when reachable, on PostgreSQL (BENCH_DATABASE_URL / DATABASE_URL).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPlatform, type Platform } from '../src/app.ts';
import type { EventInput } from '../src/modules/events/index.ts';
import { createScratchPostgres } from '../test/support/databases.ts';
import { apiKeyWith } from '../test/identity/support.ts';
import { argValue, log, postgresBaseUrl, postgresReachable, printTable } from './support.ts';

const CITY = { west: 115.5, south: 36.0, east: 116.4, north: 36.9 };
const CATEGORIES = ['SR01', 'JM01', 'JM03', 'SZ02', 'YL01', 'TF03'];
const SCENARIOS = ['exposed_garbage', 'muck_truck_uncovered', 'non_motor_disorder', 'piled_materials', 'street_vending', 'overflowing_bin'];

/** A point of the city for item i, spread so that distinct items lie far more than 50 m apart. */
function spot(i: number): { lon: number; lat: number } {
  return { lon: CITY.west + (((i * 7919) % 10_007) / 10_007) * (CITY.east - CITY.west), lat: CITY.south + (((i * 104_729) % 10_009) / 10_009) * (CITY.north - CITY.south) };
}

function reports(n: number, from: number): EventInput[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return { title: `网格员上报 ${i}`, categoryCode: CATEGORIES[i % CATEGORIES.length] ?? 'SR01', source: 'grid_worker', ...spot(i) };
  });
}

/** Detections; every fourth repeats the one before it a minute later at the same place (merged). */
function detections(n: number, from: number, t0: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const base = i % 4 === 3 ? i - 1 : i;
    return {
      cameraId: `CAM-${base}`, scenario: SCENARIOS[base % SCENARIOS.length], detectedAt: new Date(t0 + i * 1000).toISOString(), confidence: 0.9,
      snapshotUrl: `https://vendor.example/snap/${i}.jpg`, ...spot(1_000_000 + base),
    };
  });
}

interface Run {
  seconds: number;
  latencies: number[];
}

/** `concurrency` clients work through `items`, each timing its own requests. */
async function runClients<T>(items: readonly T[], concurrency: number, send: (item: T) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      const s = performance.now();
      await send(item);
      latencies.push(performance.now() - s);
    }
  }));
  return { seconds: (performance.now() - t0) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

const pct = (sorted: number[], p: number) => (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0).toFixed(1);

async function post(url: string, key: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface EngineTarget {
  label: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

async function measure(target: EngineTarget, n: number, concurrency: number): Promise<Array<Array<string | number>>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-bench-events-'));
  // `env: {}`: this engine, an in-process bus and rate limiter, whatever the shell sets.
  const platform: Platform = await startPlatform({
    env: {}, port: 0, host: '127.0.0.1', mqttPort: 0, dataDir, demoPeople: 1000, logLevel: 'error', rateLimitPerMinute: 1_000_000_000, nodeId: 'bench-events',
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
  });
  try {
    const reporter = await apiKeyWith(platform, ['events.event.create', 'events.event.read']);
    const vendor = await apiKeyWith(platform, ['events.detection.create']);
    const url = platform.url;
    const t0 = Date.now();
    const report = async (e: EventInput) => {
      const r = await post(`${url}/api/events`, reporter, e);
      if (r.status !== 201 || r.json.state !== 'dispatched') throw new Error(`POST /api/events answered ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    };
    const outcomes = { created: 0, merged: 0 };
    const detect = async (d: Record<string, unknown>) => {
      const r = await post(`${url}/api/events/detections`, vendor, d);
      if (r.status !== 201 && r.status !== 200) throw new Error(`POST /api/events/detections answered ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      outcomes[r.status === 201 ? 'created' : 'merged']++;
    };
    const healthz = async () => {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    };

    // Warm-up: connections, caches, JIT.
    await runClients(reports(50, 0), concurrency, report);
    await runClients(detections(40, 0, t0), concurrency, detect);
    await runClients(Array.from({ length: 200 }), concurrency, healthz);
    outcomes.created = 0;
    outcomes.merged = 0;

    log(`${target.label}: ${n} reports, ${n} detections and ${n} /healthz over HTTP, ${concurrency} clients…`);
    const bare = await runClients(Array.from({ length: n }), concurrency, healthz);
    const http = await runClients(reports(n, 100), concurrency, report);
    const video = await runClients(detections(n, 100, t0), concurrency, detect);
    const service = platform.modules.events.service;
    const inProcess = await runClients(reports(n, 100 + n), concurrency, async (e) => {
      const d = await service.create(e, 'bench');
      if (d.state !== 'dispatched') throw new Error(`in-process intake left event ${d.id} ${d.state}`);
    });
    // Every created event is committed dispatched (not merely answered).
    const { rows } = await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events_events WHERE state = 'dispatched' AND dispatched_at IS NOT NULL AND deadline_at IS NOT NULL`);
    const expected = 50 + n + n + outcomes.created;
    if ((rows[0]?.n ?? 0) < expected) throw new Error(`${rows[0]?.n ?? 0} dispatched events in the database, expected at least ${expected}`);

    const rate = (r: Run) => Math.round(r.latencies.length / r.seconds);
    const ratio = (r: Run) => `${((rate(r) / rate(bare)) * 100).toFixed(0)}%`;
    const row = (what: string, r: Run) => [target.label, what, rate(r), pct(r.latencies, 50), pct(r.latencies, 95), pct(r.latencies, 99), ratio(r)];
    return [
      row('POST /api/events (grid report → dispatched)', http),
      row(`POST /api/events/detections (${outcomes.created} created → dispatched, ${outcomes.merged} merged)`, video),
      row('same intake in process (service call, no HTTP)', inProcess),
      row('bare HTTP GET /healthz (ceiling)', bare),
    ];
  } finally {
    await platform.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
    await target.dispose();
  }
}

export async function benchEvents(): Promise<void> {
  const n = argValue('events', 2000);
  const concurrency = argValue('concurrency', 8);
  const targets: Array<() => Promise<EngineTarget>> = [async () => ({ label: 'PGlite', dispose: () => Promise.resolve() })];
  if (await postgresReachable()) {
    targets.push(async () => {
      const scratch = await createScratchPostgres(postgresBaseUrl, 'citybrain_bench_');
      return { label: 'PostgreSQL', databaseUrl: scratch.url, dispose: () => scratch.drop() };
    });
  } else {
    log('PostgreSQL not reachable (BENCH_DATABASE_URL / DATABASE_URL); measuring PGlite only');
  }
  const rows: Array<Array<string | number>> = [];
  for (const open of targets) rows.push(...(await measure(await open(), n, concurrency)));
  printTable(
    `Event intake → dispatched committed, over HTTP from ${concurrency} concurrent clients with API keys (${n} requests each; in-process bus), next to the bare HTTP ceiling in the same run`,
    ['engine', 'request', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'vs /healthz'],
    rows,
  );
}
