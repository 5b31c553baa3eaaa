// Helpers of the map and screen tests: a running platform (small demo city) with an API key, and a
// decoder for the vector tiles it serves.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { startPlatform, type Platform } from '../../src/app.ts';
import { BUILTIN_ROLES, type Principal } from '../../src/modules/identity/index.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';

export interface MapHarness {
  platform: Platform;
  get(path: string, key?: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, key?: string): Promise<{ status: number; body: T }>;
  post<T = Record<string, unknown>>(path: string, body: unknown, key?: string): Promise<{ status: number; body: T }>;
  keyWith(permissions: string[]): Promise<string>;
  /** A key with every permission the tests need. */
  key: string;
  dispose(): Promise<void>;
}

export async function startMapPlatform(): Promise<MapHarness> {
  const { options, dispose } = await testPlatformOptions({ demoPeople: 1000 });
  const platform = await startPlatform(options);
  const key = await apiKeyWith(platform, ['map.*', 'screen.*', 'events.*', 'iot.*', 'catalog.*', 'aggregation.*', 'city.*']);
  const get = (path: string, k = key, headers: Record<string, string> = {}) => fetch(platform.url + path, { headers: { authorization: `Bearer ${k}`, ...headers } });
  return {
    platform,
    key,
    get,
    async json<T>(path: string, k = key) {
      const res = await get(path, k);
      return { status: res.status, body: (await res.json()) as T };
    },
    async post<T>(path: string, body: unknown, k = key) {
      const res = await fetch(platform.url + path, { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as T };
    },
    keyWith: (permissions) => apiKeyWith(platform, permissions),
    async dispose() {
      await platform.stop();
      await dispose();
    },
  };
}

/** The features of one layer of a Mapbox Vector Tile, with their properties. */
export function decodeTile(body: ArrayBuffer, layer: string): Array<Record<string, unknown>> {
  const tile = new VectorTile(new PbfReader(new Uint8Array(body)));
  const l = tile.layers[layer];
  if (!l) return [];
  return Array.from({ length: l.length }, (_, i) => ({ ...l.feature(i).properties, $type: l.feature(i).type }));
}

/** The tile (x, y) at zoom z that contains lon/lat (Web Mercator). */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x, y };
}

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };

/** An API key of a new staff member in `units` holding a built-in role (scoped to `scopeUnit` when given). */
export async function staffKey(platform: Platform, spec: { role: string; units: string[]; scopeUnit?: string }): Promise<string> {
  const { directory, accounts, apiKeys } = platform.modules.identity.service;
  const role = BUILTIN_ROLES.find((r) => r.name === spec.role);
  if (!role) throw new Error(`no built-in role ${spec.role}`);
  const login = `${spec.role}-${Math.random().toString(36).slice(2, 10)}`;
  const staff = await accounts.createStaff({ login, name: login, units: spec.units }, 'system');
  await directory.grant(SYSTEM, { accountId: staff.account.id, role: spec.role, ...(spec.scopeUnit ? { scopeUnit: spec.scopeUnit } : {}) });
  const owner: Principal = { ...SYSTEM, accountId: staff.account.id, login, grants: [{ role: spec.role, scopeUnit: spec.scopeUnit ?? '', permissions: role.permissions }] };
  return (await apiKeys.create(owner, { name: 'test', permissions: role.permissions, expiresInDays: 1 })).key;
}
