// SQL for the iot_device_types and iot_devices tables. Timestamps come back as ISO text and
// numbers as JavaScript numbers on both engines.
import type { Database, Queryable } from '../../platform/db/index.ts';
import type { AccessTier, AttributeSpec, Device, DeviceListQuery, DeviceType, LatestValue } from './schemas.ts';

interface DeviceRow {
  id: string;
  type_id: string;
  name: string;
  owner_department: string;
  lon: number;
  lat: number;
  access_tier: AccessTier;
  parent_id: string | null;
  enabled: boolean;
  broker_password_missing: boolean;
  token_rotated_at: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
}

const iso = (column: string, alias = column): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${alias}`;

const DEVICE_SELECT = `SELECT d.id, d.type_id, d.name, d.owner_department, d.lon, d.lat, d.access_tier, d.parent_id, d.enabled, d.broker_password_missing,
  ${iso('d.token_rotated_at', 'token_rotated_at')}, ${iso('d.created_at', 'created_at')}, ${iso('d.updated_at', 'updated_at')},
  (SELECT ${iso('max(l.received_at)', 'x')} FROM iot_latest l WHERE l.device_id = d.id) AS last_seen_at
  FROM iot_devices d`;

function toDevice(r: DeviceRow): Device {
  return {
    id: r.id,
    typeId: r.type_id,
    name: r.name,
    ownerDepartment: r.owner_department,
    lon: Number(r.lon),
    lat: Number(r.lat),
    accessTier: r.access_tier,
    parentId: r.parent_id,
    enabled: r.enabled,
    brokerPasswordMissing: r.broker_password_missing,
    tokenRotatedAt: r.token_rotated_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastSeenAt: r.last_seen_at,
  };
}

/** A device as stored, with what the credential check needs. */
export interface DeviceRecord {
  device: Device;
  tokenHash: Buffer;
}

export interface NewDeviceRow {
  id: string;
  typeId: string;
  name: string;
  ownerDepartment: string;
  lon: number;
  lat: number;
  accessTier: AccessTier;
  parentId: string | null;
  tokenHash: Buffer;
  at: Date;
}

export function createDeviceStore(db: Database) {
  return {
    async deviceTypes(): Promise<DeviceType[]> {
      const { rows } = await db.query<{ id: string; name_zh: string; name_en: string; data_model: string; attributes: AttributeSpec[] | string }>(
        'SELECT id, name_zh, name_en, data_model, attributes FROM iot_device_types ORDER BY id',
      );
      return rows.map((r) => ({
        id: r.id,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        dataModel: r.data_model,
        attributes: typeof r.attributes === 'string' ? (JSON.parse(r.attributes) as AttributeSpec[]) : r.attributes,
      }));
    },

    /** Insert; returns false when the id is taken. */
    async insertDevice(q: Queryable, d: NewDeviceRow): Promise<boolean> {
      const r = await q.query(
        `INSERT INTO iot_devices (id, type_id, name, owner_department, lon, lat, access_tier, parent_id, token_hash, token_rotated_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.typeId, d.name, d.ownerDepartment, d.lon, d.lat, d.accessTier, d.parentId, d.tokenHash, d.at.toISOString()],
      );
      return r.rowCount === 1;
    },

    async existingIds(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const { rows } = await db.query<{ id: string }>('SELECT id FROM iot_devices WHERE id = ANY($1::text[])', [ids]);
      return new Set(rows.map((r) => r.id));
    },

    async getDevice(id: string): Promise<DeviceRecord | undefined> {
      const { rows } = await db.query<DeviceRow & { token_hash: Buffer | Uint8Array }>(
        `${DEVICE_SELECT.replace('SELECT d.id,', 'SELECT d.token_hash, d.id,')} WHERE d.id = $1`,
        [id],
      );
      const r = rows[0];
      return r ? { device: toDevice(r), tokenHash: Buffer.from(r.token_hash) } : undefined;
    },

    async listDevices(query: DeviceListQuery, onlineSince: Date): Promise<{ total: number; online: number; devices: Device[] }> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.typeId) where.push(`d.type_id = $${params.push(query.typeId)}`);
      if (query.ownerDepartment) where.push(`d.owner_department = $${params.push(query.ownerDepartment)}`);
      if (query.brokerPasswordMissing !== undefined) where.push(query.brokerPasswordMissing ? 'd.broker_password_missing' : 'NOT d.broker_password_missing');
      if (query.q) where.push(`(d.id ILIKE $${params.push(`%${query.q.replace(/[\\%_]/g, '\\$&')}%`)} OR d.name ILIKE $${params.length})`);
      const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
      const total = await db.query<{ n: number; online: number }>(
        `SELECT count(*)::int AS n,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM iot_latest l WHERE l.device_id = d.id AND l.received_at > $${params.length + 1}))::int AS online
         FROM iot_devices d${clause}`,
        [...params, onlineSince.toISOString()],
      );
      const { rows } = await db.query<DeviceRow>(
        `${DEVICE_SELECT}${clause} ORDER BY d.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      );
      return { total: total.rows[0]?.n ?? 0, online: total.rows[0]?.online ?? 0, devices: rows.map(toDevice) };
    },

    async updateDevice(id: string, set: Record<string, unknown>, at: Date): Promise<boolean> {
      const columns = Object.keys(set);
      const assignments = columns.map((c, i) => `${c} = $${i + 2}`);
      const r = await db.query(
        `UPDATE iot_devices SET ${[...assignments, `updated_at = $${columns.length + 2}`].join(', ')} WHERE id = $1`,
        [id, ...columns.map((c) => set[c]), at.toISOString()],
      );
      return r.rowCount === 1;
    },

    async setToken(id: string, tokenHash: Buffer, at: Date): Promise<boolean> {
      const r = await db.query('UPDATE iot_devices SET token_hash = $2, token_rotated_at = $3, updated_at = $3 WHERE id = $1', [id, tokenHash, at.toISOString()]);
      return r.rowCount === 1;
    },

    /** Mark devices whose broker account has no password (created by the reconciliation). */
    async markBrokerPasswordMissing(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.query('UPDATE iot_devices SET broker_password_missing = true WHERE id = ANY($1::text[]) AND NOT broker_password_missing', [ids]);
    },

    /** The broker took the device's token. */
    async clearBrokerPasswordMissing(id: string): Promise<void> {
      await db.query('UPDATE iot_devices SET broker_password_missing = false WHERE id = $1 AND broker_password_missing', [id]);
    },

    async countBrokerPasswordMissing(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_devices WHERE broker_password_missing');
      return rows[0]?.n ?? 0;
    },

    /** Every device's id and enabled flag, in pages of `pageSize` ordered by id. */
    async *deviceStates(pageSize = 5_000): AsyncIterable<{ id: string; enabled: boolean }> {
      let after = '';
      for (;;) {
        const { rows } = await db.query<{ id: string; enabled: boolean }>('SELECT id, enabled FROM iot_devices WHERE id > $1 ORDER BY id LIMIT $2', [after, pageSize]);
        yield* rows;
        const last = rows[rows.length - 1];
        if (!last || rows.length < pageSize) return;
        after = last.id;
      }
    },

    async childCount(id: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_devices WHERE parent_id = $1', [id]);
      return rows[0]?.n ?? 0;
    },

    /** Delete the device, its latest state and its history (raw and rollups). */
    async deleteDevice(id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        await tx.query('DELETE FROM iot_latest WHERE device_id = $1', [id]);
        await tx.query('DELETE FROM iot_telemetry WHERE device_id = $1', [id]);
        await tx.query('DELETE FROM iot_rollup_hour WHERE device_id = $1', [id]);
        await tx.query('DELETE FROM iot_rollup_day WHERE device_id = $1', [id]);
        const r = await tx.query('DELETE FROM iot_devices WHERE id = $1', [id]);
        return r.rowCount === 1;
      });
    },

    async latest(id: string): Promise<LatestValue[]> {
      const { rows } = await db.query<{ attribute: string; value: number; observed_at: string }>(
        `SELECT attribute, value, ${iso('observed_at')} FROM iot_latest WHERE device_id = $1 ORDER BY attribute`,
        [id],
      );
      return rows.map((r) => ({ attribute: r.attribute, value: Number(r.value), observedAt: r.observed_at }));
    },
  };
}

export type DeviceStore = ReturnType<typeof createDeviceStore>;
export { iso as isoColumn };
