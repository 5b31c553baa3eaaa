// Helpers for the events tests: a small set of divisions and grids, the events module on a
// database with a controllable clock, and its routes on an HTTP server.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger, fixedClock, loadConfig } from '../../src/kernel/index.ts';
import { createCityModule } from '../../src/modules/city/index.ts';
import { createEventsModule, type EventsModule, type EventsSettings } from '../../src/modules/events/index.ts';
import { createHttpServer, createMemoryBus, createMemoryRateLimiter, createMetrics, createNatsBus, type Bus, type Database, type HttpApp } from '../../src/platform/index.ts';

export const logger = createLogger({ level: 'silent' });

/** 东昌府区 and 临清市 each with one town, village and grid (points near their real seats). */
export const PLACES = {
  dongchangfu: { lon: 115.985, lat: 36.456, district: '371502', grid: '371502001001-01' },
  linqing: { lon: 115.704, lat: 36.838, district: '371581', grid: '371581001001-01' },
};

export async function seedCity(db: Database): Promise<void> {
  for (const p of Object.values(PLACES)) {
    const town = `${p.district}001`;
    const village = `${town}001`;
    await db.query(
      `INSERT INTO city_divisions (code, name, level, parent_code, lon, lat) VALUES ($1, $1, 'county', '371500', $4, $5), ($2, $2, 'town', $1, $4, $5), ($3, $3, 'village', $2, $4, $5)`,
      [p.district, town, village, p.lon, p.lat],
    );
    await db.query(`INSERT INTO city_grids (code, name, village_code, town_code, district_code, households, lon, lat) VALUES ($1, $1, $2, $3, $4, 300, $5, $6)`, [
      p.grid, village, town, p.district, p.lon, p.lat,
    ]);
  }
}

export interface Harness {
  module: EventsModule;
  app: HttpApp;
  clock: ReturnType<typeof fixedClock>;
  bus: Bus;
  dataDir: string;
  close(): Promise<void>;
}

/** Monday 2026-03-02 10:00 China Standard Time: inside working hours. */
export const MONDAY_10 = '2026-03-02T02:00:00Z';

export async function startEvents(db: Database, opts: { settings?: Partial<EventsSettings>; start?: string; natsBus?: boolean } = {}): Promise<Harness> {
  const clock = fixedClock(opts.start ?? MONDAY_10);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-events-'));
  const tag = randomUUID().slice(0, 8);
  const bus = opts.natsBus && process.env.NATS_URL
    ? await createNatsBus(process.env.NATS_URL, logger, { stream: `TEV${tag}`.toUpperCase(), prefix: `tev${tag}`, deleteStreamOnClose: true })
    : createMemoryBus(logger);
  const city = createCityModule({ db, logger, clock }).service;
  const config = loadConfig({}, { dataDir });
  const module = createEventsModule({ db, clock, logger, bus, config }, { locate: (lon, lat) => city.locate(lon, lat), settings: { sweepIntervalMs: 3_600_000, ...opts.settings } });
  const app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 1_000_000, version: 'test' });
  await app.register(module.routes as (a: HttpApp) => void, { prefix: '/api/events' });
  await app.ready();
  return {
    module, app, clock, bus, dataDir,
    async close() {
      await module.stop?.();
      await app.close();
      await bus.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** POST/GET as a named actor; answers the status and the JSON body. */
export async function call<T = Record<string, unknown>>(app: HttpApp, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, actor = 'dispatcher-1', headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await app.inject({ method, url, headers: { 'x-actor': actor, ...headers }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as T };
}

export const newEvent = (over: Record<string, unknown> = {}) => ({
  title: '东昌府区古楼街道暴露垃圾',
  categoryCode: 'SR01',
  lon: PLACES.dongchangfu.lon + 0.001,
  lat: PLACES.dongchangfu.lat,
  ...over,
});
