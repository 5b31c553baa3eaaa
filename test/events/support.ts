// Helpers for the events tests: a small set of divisions and grids mirrored into the identity org
// tree, the events module on a database with a controllable clock, its routes behind the real
// identity access hook, and staff accounts of given roles and units calling with API keys.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger, fixedClock, loadConfig } from '../../src/kernel/index.ts';
import { createCityModule } from '../../src/modules/city/index.ts';
import { createEventsModule, type EventsModule, type EventsSettings } from '../../src/modules/events/index.ts';
import { createIdentityModule, orgDirectory, type IdentityModule, type Principal } from '../../src/modules/identity/index.ts';
import {
  createHttpServer, createMemoryBus, createMemoryRateLimiter, createMetrics, createNatsBus, startOutboxRelay, type Bus, type Database, type HttpApp, type ModuleContext,
} from '../../src/platform/index.ts';

export const logger = createLogger({ level: 'silent' });

/** 东昌府区 and 临清市 each with one town, village and grid (points near their real seats). */
export const PLACES = {
  dongchangfu: { lon: 115.985, lat: 36.456, district: '371502', town: '371502001', grid: '371502001001-01' },
  linqing: { lon: 115.704, lat: 36.838, district: '371581', town: '371581001', grid: '371581001001-01' },
};

export async function seedCity(db: Database): Promise<void> {
  await db.query(`INSERT INTO city_divisions (code, name, level, parent_code, lon, lat) VALUES ('371500', '聊城市', 'city', '370000', 115.985, 36.456) ON CONFLICT DO NOTHING`);
  const names: Record<string, string> = { '371502': '东昌府区', '371581': '临清市' };
  for (const p of Object.values(PLACES)) {
    const village = `${p.town}001`;
    await db.query(
      `INSERT INTO city_divisions (code, name, level, parent_code, lon, lat) VALUES ($1, $6, 'county', '371500', $4, $5), ($2, $2, 'town', $1, $4, $5), ($3, $3, 'village', $2, $4, $5)`,
      [p.district, p.town, village, p.lon, p.lat, names[p.district] ?? p.district],
    );
    await db.query(`INSERT INTO city_grids (code, name, village_code, town_code, district_code, households, lon, lat) VALUES ($1, $1, $2, $3, $4, 300, $5, $6)`, [
      p.grid, village, p.town, p.district, p.lon, p.lat,
    ]);
  }
}

/** A staff member of the tests: a role (scoped or not) and the units they belong to. */
export interface StaffSpec {
  role: string;
  units: string[];
  scopeUnit?: string;
}

/**
 * The cast of the tests. Units are identity org units: 城管局 D07, 住建局 D06, 公安局 D02, 应急局 D12,
 * the districts 371502 (东昌府区) and 371581 (临清市) and their towns.
 */
export const STAFF: Record<string, StaffSpec> = {
  'dispatcher-1': { role: 'dispatcher', units: ['371500'] },
  'inspector-2': { role: 'dispatcher', units: ['371500'] },
  'lq-dispatcher': { role: 'dispatcher', units: ['371581'], scopeUnit: '371581' },
  'hw-officer': { role: 'handler', units: ['D07'] },
  'cg-officer': { role: 'handler', units: ['D07'] },
  'zj-officer': { role: 'handler', units: ['D06'] },
  'yj-officer': { role: 'handler', units: ['D12'] },
  'dcf-officer': { role: 'handler', units: ['371502'] },
  'town-officer': { role: 'handler', units: ['371502001'] },
  'lq-officer': { role: 'handler', units: ['371581'] },
  'grid-worker-7': { role: 'handler', units: ['371502001'] },
  'vendor-hikvision': { role: 'dispatcher', units: ['D01'] },
  'clerk': { role: 'staff', units: ['D07'] },
};

export interface Harness {
  module: EventsModule;
  identity: IdentityModule;
  app: HttpApp;
  clock: ReturnType<typeof fixedClock>;
  bus: Bus;
  dataDir: string;
  /** POST/GET/… as one of `STAFF` (an API key of theirs); answers the status and the JSON body. */
  call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, who?: string, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** The principal identity resolves for a member of `STAFF` (for service-level calls). */
  principal(who: string): Promise<Principal>;
  close(): Promise<void>;
}

/** Monday 2026-03-02 10:00 China Standard Time: inside working hours. */
export const MONDAY_10 = '2026-03-02T02:00:00Z';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };

export async function startEvents(db: Database, opts: { settings?: Partial<EventsSettings>; start?: string; natsBus?: boolean; staff?: string[] } = {}): Promise<Harness> {
  const clock = fixedClock(opts.start ?? MONDAY_10);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-events-'));
  const tag = randomUUID().slice(0, 8);
  const bus = opts.natsBus && process.env.NATS_URL
    ? await createNatsBus(process.env.NATS_URL, logger, { stream: `TEV${tag}`.toUpperCase(), prefix: `tev${tag}`, deleteStreamOnClose: true })
    : createMemoryBus(logger);
  const relay = startOutboxRelay(db, bus, logger);
  const rateLimiter = createMemoryRateLimiter();
  const config = loadConfig({}, { dataDir });
  const city = createCityModule({ db, logger, clock });
  const ctx = { db, clock, logger, bus, config, relay, rateLimiter } as Omit<ModuleContext, 'mqtt'> as ModuleContext;
  const identity = createIdentityModule(ctx, { city: city.service });
  await identity.start?.();
  const module = createEventsModule({ db, clock, logger, bus, config }, { locate: (lon, lat) => city.service.locate(lon, lat), directory: orgDirectory(db), settings: { sweepIntervalMs: 3_600_000, ...opts.settings } });
  const app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter, rateLimitPerMinute: 1_000_000, version: 'test' });
  identity.installAccess(app);
  await app.register(module.routes as (a: HttpApp) => void, { prefix: '/api/events' });
  await app.ready();

  const { directory, accounts, apiKeys } = identity.service;
  const keys = new Map<string, { key: string; accountId: string }>();
  for (const login of opts.staff ?? Object.keys(STAFF)) {
    const spec = STAFF[login];
    if (!spec) throw new Error(`no staff member ${login}`);
    const staff = await accounts.createStaff({ login, name: login, units: spec.units }, 'system');
    await directory.grant(SYSTEM, { accountId: staff.account.id, role: spec.role, ...(spec.scopeUnit ? { scopeUnit: spec.scopeUnit } : {}) });
    const perms = (await directory.roles()).find((r) => r.name === spec.role)?.permissions ?? [];
    const owner: Principal = { ...SYSTEM, accountId: staff.account.id, login, grants: [{ role: spec.role, scopeUnit: spec.scopeUnit ?? '', permissions: perms }] };
    keys.set(login, { key: (await apiKeys.create(owner, { name: 'test', permissions: perms, expiresInDays: 365 })).key, accountId: staff.account.id });
  }

  return {
    module, identity, app, clock, bus, dataDir,
    async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, who = 'dispatcher-1', headers: Record<string, string> = {}) {
      const key = keys.get(who);
      if (!key && who !== 'anonymous') throw new Error(`no staff member ${who}`);
      const res = await app.inject({ method, url, headers: { ...(key ? { authorization: `Bearer ${key.key}` } : {}), ...headers }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
      return { status: res.statusCode, body: (res.body ? res.json() : null) as T };
    },
    async principal(who) {
      const key = keys.get(who);
      if (!key) throw new Error(`no staff member ${who}`);
      const spec = STAFF[who] as StaffSpec;
      const perms = (await directory.roles()).find((r) => r.name === spec.role)?.permissions ?? [];
      return { ...SYSTEM, accountId: key.accountId, login: who, grants: [{ role: spec.role, scopeUnit: spec.scopeUnit ?? '', permissions: perms }] };
    },
    async close() {
      await module.stop?.();
      await app.close();
      await relay.stop();
      await bus.close();
      await rateLimiter.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const newEvent = (over: Record<string, unknown> = {}) => ({
  title: '东昌府区古楼街道暴露垃圾',
  categoryCode: 'SR01',
  lon: PLACES.dongchangfu.lon + 0.001,
  lat: PLACES.dongchangfu.lat,
  ...over,
});
