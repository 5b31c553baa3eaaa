// 设备注册 device registry: devices of the FIWARE-modelled types, with owner department, location,
// access tier and their own credential (a random token kept as its SHA-256, shown once).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { inDepartments, type Clock, type DepartmentScope } from '../../kernel/index.ts';
import type { Database } from '../../platform/db/index.ts';
import type { DeviceAccessSync } from './broker-access.ts';
import { iotError } from './errors.ts';
import {
  DeviceInputSchema,
  ONLINE_WINDOW_MS,
  type BulkRegisterBody,
  type BulkRegisterResult,
  type DeviceDetail,
  type DeviceInput,
  type DeviceList,
  type DeviceListQuery,
  type DevicePatch,
  type DeviceType,
  type DeviceWithToken,
} from './schemas.ts';
import { createDeviceStore, type DeviceRecord } from './store.ts';

const MAX_BULK_ROWS = 10_000;
const CACHE_TTL_MS = 30_000;

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
const newToken = (): string => `dvt_${randomBytes(24).toString('base64url')}`;

/** What ingestion needs to know about a device, cached for `CACHE_TTL_MS`. */
export interface DeviceAuth {
  id: string;
  typeId: string;
  enabled: boolean;
  tokenHash: Buffer;
  attributes: ReadonlyMap<string, { min: number; max: number }>;
}

export interface DeviceRegistry {
  deviceTypes(): Promise<DeviceType[]>;
  register(input: DeviceInput): Promise<DeviceWithToken>;
  /** Bulk registration; with `scope`, rows of a department outside it are reported, not registered. */
  registerBulk(body: BulkRegisterBody, scope?: DepartmentScope): Promise<BulkRegisterResult>;
  list(query: DeviceListQuery): Promise<DeviceList>;
  get(id: string): Promise<DeviceDetail>;
  update(id: string, patch: DevicePatch): Promise<DeviceDetail>;
  rotateToken(id: string): Promise<DeviceWithToken>;
  remove(id: string): Promise<void>;
  /** The device for ingestion (cached), or undefined when unknown. */
  lookup(id: string): Promise<DeviceAuth | undefined>;
  /** Whether `token` is the device's current credential (constant-time compare). */
  verifyToken(id: string, token: string): Promise<boolean>;
  /** Every device's id and enabled flag, paged by id (broker reconciliation). */
  states(): AsyncIterable<{ id: string; enabled: boolean }>;
  /** Mirror credential changes into the external broker from now on (set by the module when configured). */
  setAccessSync(sync: DeviceAccessSync | undefined): void;
  /** Record devices whose broker account the reconciliation created without a password. */
  markBrokerPasswordMissing(ids: readonly string[]): Promise<void>;
  /** Devices whose broker account still has no password (their token must be rotated). */
  countBrokerPasswordMissing(): Promise<number>;
}

export function createDeviceRegistry(deps: { db: Database; clock: Clock }): DeviceRegistry {
  const store = createDeviceStore(deps.db);
  const cache = new Map<string, { at: number; auth: DeviceAuth | undefined }>();
  let types: Map<string, DeviceType> | undefined;
  let access: DeviceAccessSync | undefined;

  async function typeMap(): Promise<Map<string, DeviceType>> {
    types ??= new Map((await store.deviceTypes()).map((t) => [t.id, t]));
    return types;
  }

  async function mustGet(id: string): Promise<DeviceRecord> {
    const found = await store.getDevice(id);
    if (!found) throw iotError('device_not_found', `no device ${id}`, { field: '/params/id' });
    return found;
  }

  async function checkReferences(input: { typeId?: string; parentId?: string | null | undefined; id?: string }, prefix: string): Promise<void> {
    if (input.typeId !== undefined && !(await typeMap()).has(input.typeId)) {
      throw iotError('device_type_unknown', `unknown device type ${input.typeId}`, { field: `${prefix}/typeId` });
    }
    if (input.parentId) {
      if (input.parentId === input.id) throw iotError('parent_unknown', 'a device cannot carry itself', { field: `${prefix}/parentId` });
      if ((await store.existingIds([input.parentId])).size === 0) {
        throw iotError('parent_unknown', `no parent device ${input.parentId}`, { field: `${prefix}/parentId` });
      }
    }
  }

  async function insert(input: DeviceInput): Promise<DeviceWithToken> {
    const token = newToken();
    const ok = await store.insertDevice(deps.db, { ...input, parentId: input.parentId ?? null, tokenHash: hashToken(token), at: deps.clock.now() });
    if (!ok) throw iotError('device_exists', `device ${input.id} already exists`, { field: '/body/id' });
    cache.delete(input.id);
    if (access) {
      try {
        await access.grant({ id: input.id, password: token, enabled: true });
      } catch (err) {
        // Without its broker account the device could never connect: undo, so a retry starts clean.
        await store.deleteDevice(input.id);
        throw err;
      }
    }
    return { device: (await mustGet(input.id)).device, token };
  }

  async function detail(id: string): Promise<DeviceDetail> {
    // Latest values first: the device row read after them has a lastSeenAt at least as recent,
    // so a reading committed in between never shows as a value with lastSeenAt still null.
    const latest = await store.latest(id);
    const { device } = await mustGet(id);
    return { ...device, latest };
  }

  return {
    async deviceTypes() {
      return [...(await typeMap()).values()];
    },

    async register(input) {
      await checkReferences(input, '/body');
      return insert(input);
    },

    async registerBulk(body, scope) {
      const rows = await readBulkFile(body);
      const result: BulkRegisterResult = { created: [], errors: [] };
      const seen = new Set<string>();
      for (const [index, raw] of rows.entries()) {
        const row = index + 1;
        const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : null;
        const reject = (field: string, code: string, message: string) => result.errors.push({ row, id, field, code, message });
        const input = Value.Convert(DeviceInputSchema, normaliseRow(raw));
        const firstError = Value.Errors(DeviceInputSchema, input).First();
        if (firstError) {
          reject(firstError.path || '/', 'device_invalid', firstError.message);
          continue;
        }
        const device = input as DeviceInput;
        if (seen.has(device.id)) {
          reject('/id', 'device_exists', `device ${device.id} appears twice in the file`);
          continue;
        }
        seen.add(device.id);
        if (scope && !inDepartments(scope, device.ownerDepartment)) {
          reject('/ownerDepartment', 'department_out_of_scope', `${device.ownerDepartment} is not a department you may register devices for`);
          continue;
        }
        try {
          await checkReferences(device, '');
          result.created.push(await insert(device));
        } catch (err) {
          const e = err as { code?: string; message: string; details?: { field?: string } };
          if (!e.code) throw err;
          reject((e.details?.field ?? '/').replace('/body', '') || '/', e.code, e.message);
        }
      }
      return result;
    },

    list: (query) => store.listDevices(query, new Date(deps.clock.now().getTime() - ONLINE_WINDOW_MS)),
    get: detail,

    async update(id, patch) {
      await mustGet(id);
      await checkReferences({ parentId: patch.parentId, id }, '/body');
      const columns: Record<string, string> = {
        name: 'name', ownerDepartment: 'owner_department', lon: 'lon', lat: 'lat', accessTier: 'access_tier', parentId: 'parent_id', enabled: 'enabled',
      };
      const set: Record<string, unknown> = {};
      for (const [key, column] of Object.entries(columns)) {
        const value = (patch as Record<string, unknown>)[key];
        if (value !== undefined) set[column] = value;
      }
      if (Object.keys(set).length > 0) await store.updateDevice(id, set, deps.clock.now());
      cache.delete(id);
      if (patch.enabled !== undefined) await access?.setEnabled(id, patch.enabled);
      return detail(id);
    },

    async rotateToken(id) {
      const token = newToken();
      if (!(await store.setToken(id, hashToken(token), deps.clock.now()))) throw iotError('device_not_found', `no device ${id}`, { field: '/params/id' });
      cache.delete(id);
      const { device } = await mustGet(id);
      if (!access) return { device, token };
      await access.grant({ id, password: token, enabled: device.enabled });
      if (!device.brokerPasswordMissing) return { device, token };
      await store.clearBrokerPasswordMissing(id);
      return { device: { ...device, brokerPasswordMissing: false }, token };
    },

    async remove(id) {
      if ((await store.childCount(id)) > 0) throw iotError('device_has_children', `device ${id} carries other devices; move or delete them first`, { field: '/params/id' });
      if (!(await store.deleteDevice(id))) throw iotError('device_not_found', `no device ${id}`, { field: '/params/id' });
      cache.delete(id);
      await access?.remove(id);
    },

    async lookup(id) {
      const hit = cache.get(id);
      const now = Date.now();
      if (hit && now - hit.at < CACHE_TTL_MS) return hit.auth;
      const found = await store.getDevice(id);
      let auth: DeviceAuth | undefined;
      if (found) {
        const type = (await typeMap()).get(found.device.typeId);
        auth = {
          id,
          typeId: found.device.typeId,
          enabled: found.device.enabled,
          tokenHash: found.tokenHash,
          attributes: new Map((type?.attributes ?? []).map((a) => [a.name, { min: a.min, max: a.max }])),
        };
      }
      if (cache.size > 100_000) cache.clear();
      cache.set(id, { at: now, auth });
      return auth;
    },

    async verifyToken(id, token) {
      const auth = await this.lookup(id);
      return auth !== undefined && timingSafeEqual(auth.tokenHash, hashToken(token));
    },

    states: () => store.deviceStates(),

    setAccessSync(sync) {
      access = sync;
    },

    markBrokerPasswordMissing: (ids) => store.markBrokerPasswordMissing(ids),
    countBrokerPasswordMissing: () => store.countBrokerPasswordMissing(),
  };
}

/** The first sheet of an XLSX workbook as objects keyed by the header row; empty cells are left out. */
async function readXlsx(base64: string): Promise<Array<Record<string, unknown>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const header: string[] = [];
  sheet.getRow(1).eachCell((cell, col) => {
    header[col] = cell.text.trim();
  });
  const rows: Array<Record<string, unknown>> = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row: Record<string, unknown> = {};
    sheet.getRow(r).eachCell((cell, col) => {
      const key = header[col];
      if (key) row[key] = typeof cell.value === 'number' ? cell.value : cell.text.trim();
    });
    if (Object.keys(row).length > 0) rows.push(row);
  }
  return rows;
}

/** Rows of a bulk file as plain objects; a file that cannot be read at all is refused. */
async function readBulkFile(body: BulkRegisterBody): Promise<Array<Record<string, unknown>>> {
  let rows: unknown;
  try {
    rows = body.format === 'json'
      ? JSON.parse(body.content)
      : body.format === 'xlsx'
        ? await readXlsx(body.content)
        : parseCsv(body.content.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    throw iotError('bulk_file_invalid', `cannot read the ${body.format} file: ${(err as Error).message}`, { field: '/body/content' });
  }
  if (!Array.isArray(rows) || rows.length === 0) throw iotError('bulk_file_invalid', 'the file holds no devices (JSON: an array of objects; CSV: a header row and data rows)', { field: '/body/content' });
  if (rows.length > MAX_BULK_ROWS) throw iotError('bulk_file_invalid', `at most ${MAX_BULK_ROWS} devices per file`, { field: '/body/content' });
  return rows.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : {}));
}

/** CSV cells are text: drop empty optional cells so they read as absent. */
function normaliseRow(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!(v === '' && k === 'parentId')) out[k] = v;
  return out;
}
