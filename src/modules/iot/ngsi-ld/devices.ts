// Registered devices as NGSI-LD entities (设备即实体): each device is a Device entity
// (urn:ngsi-ld:Device:{id}), and its readings update the entity of its Smart Data Model type
// (urn:ngsi-ld:WaterObserved:{id}, …) with observedAt, in the same transaction as the readings.
import type { Clock, Logger } from '../../../kernel/index.ts';
import type { Database, Queryable } from '../../../platform/db/index.ts';
import type { Reading } from '../telemetry-store.ts';
import { DEFAULT_VOCAB, NGSI_LD } from './context.ts';
import type { StoredAttr } from './entity.ts';
import type { EntityChange } from './service.ts';

/** UN/CEFACT common codes of the units the device types use. */
const UNIT_CODES: Record<string, string> = {
  mm: 'MMT', m: 'MTR', kPa: 'KPA', '°C': 'CEL', 'm3/s': 'MQS', 'm/s': 'MTS', '%': 'P1', 'µg/m3': 'GQ', 'mg/L': 'M1', 'mg/m3': 'GP', 'm3/h': 'MQH', W: 'WTT', dBm: '2N', ppm: '59', '°': 'DD', 'µS/cm': 'G42', NTU: 'NTU',
};

export const deviceEntityId = (deviceId: string): string => `urn:ngsi-ld:Device:${deviceId}`;
/** The Smart Data Model entity type of a device type's data model (`dataModel.Environment/WaterObserved` → WaterObserved). */
export const modelOf = (dataModel: string): string => dataModel.slice(dataModel.lastIndexOf('/') + 1) || 'Device';
export const observedEntityId = (model: string, deviceId: string): string => (model === 'Device' ? deviceEntityId(deviceId) : `urn:ngsi-ld:${model}:${deviceId}`);

const v = (name: string): string => DEFAULT_VOCAB + name;
/** Longest a device's cached location and type are used without reading the registry again. */
const META_TTL_MS = 30_000;
const LOCATION = `${NGSI_LD}location`;

interface DeviceMeta {
  id: string;
  lon: number;
  lat: number;
  model: string;
  units: Record<string, string>;
}

export function createDeviceMirror(deps: { db: Database; clock: Clock; logger: Logger; emit: (changes: EntityChange[]) => void }) {
  const { db, clock } = deps;
  /** Device id → its observed entity id (for the change feed after commit). */
  const observedOf = new Map<string, string>();
  let syncedUntil = '1970-01-01T00:00:00.000Z';
  /**
   * What the entities need of each device (model, units, location), kept between batches: emptied
   * when the registry sync sees a device change, and each entry refreshed after META_TTL_MS at most.
   */
  const metaCache = new Map<string, { at: number; meta: DeviceMeta }>();

  async function meta(ids: readonly string[]): Promise<Map<string, DeviceMeta>> {
    const now = Date.now();
    const found = new Map<string, DeviceMeta>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = metaCache.get(id);
      if (hit && now - hit.at < META_TTL_MS) found.set(id, hit.meta);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const { rows } = await db.query<{ id: string; lon: number; lat: number; data_model: string; attributes: Array<{ name: string; unit: string }> }>(
      'SELECT d.id, d.lon, d.lat, t.data_model, t.attributes FROM iot_devices d JOIN iot_device_types t ON t.id = d.type_id WHERE d.id = ANY($1::text[])',
      [missing],
    );
    if (metaCache.size > 200_000) metaCache.clear();
    for (const r of rows) {
      const m = { id: r.id, lon: Number(r.lon), lat: Number(r.lat), model: modelOf(r.data_model), units: Object.fromEntries(r.attributes.map((a) => [a.name, a.unit])) };
      metaCache.set(r.id, { at: now, meta: m });
      found.set(r.id, m);
    }
    return found;
  }

  return {
    /**
     * Before a batch's transaction: read the devices; answers the step that writes their entities
     * inside it (an attribute only moves forward in observedAt).
     */
    async prepare(readings: readonly Reading[]): Promise<(tx: Queryable) => Promise<void>> {
      const devices = await meta([...new Set(readings.map((r) => r.deviceId))]);
      const rows = new Map<string, { id: string; type: string; deviceId: string; lon: number; lat: number; attrs: Record<string, StoredAttr> }>();
      const row = (id: string, type: string, d: DeviceMeta) => {
        let r = rows.get(id);
        if (!r) {
          r = { id, type, deviceId: d.id, lon: d.lon, lat: d.lat, attrs: { [LOCATION]: { type: 'GeoProperty', value: { type: 'Point', coordinates: [d.lon, d.lat] } } } };
          rows.set(id, r);
        }
        return r;
      };
      for (const reading of readings) {
        const d = devices.get(reading.deviceId);
        if (!d) continue;
        const at = reading.observedAt.toISOString();
        const observed = row(observedEntityId(d.model, d.id), v(d.model), d);
        const seen = observed.attrs[v(reading.attribute)];
        if (!seen?.observedAt || seen.observedAt <= at) {
          const unitCode = UNIT_CODES[d.units[reading.attribute] ?? ''];
          observed.attrs[v(reading.attribute)] = { type: 'Property', value: reading.value, observedAt: at, ...(unitCode ? { unitCode } : {}) };
        }
        if (d.model !== 'Device') observed.attrs[v('refDevice')] = { type: 'Relationship', object: deviceEntityId(d.id) };
        const device = row(deviceEntityId(d.id), v('Device'), d);
        const last = device.attrs[v('dateLastValueReported')];
        if (!last?.observedAt || last.observedAt <= at) device.attrs[v('dateLastValueReported')] = { type: 'Property', value: at, observedAt: at };
        if (observedOf.size > 200_000) observedOf.clear();
        observedOf.set(d.id, observed.id);
      }
      const list = [...rows.values()];
      return async (tx) => {
        if (list.length === 0) return;
        const now = clock.now().toISOString();
        await tx.query(
          `INSERT INTO ngsi_entities (id, type, attrs, device_id, created_at, modified_at, shape, min_lon, min_lat, max_lon, max_lat)
           SELECT id, type, attrs, device_id, $7, $7, ('((' || lon || ',' || lat || '))')::polygon, lon, lat, lon, lat
           FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::float8[], $6::float8[]) AS u(id, type, attrs, device_id, lon, lat)
           ON CONFLICT (id) DO UPDATE SET modified_at = excluded.modified_at, shape = excluded.shape,
             min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
             attrs = ngsi_entities.attrs || (SELECT coalesce(jsonb_object_agg(k, a), '{}'::jsonb) FROM jsonb_each(excluded.attrs) AS e(k, a)
               WHERE a->>'observedAt' IS NULL OR coalesce(ngsi_entities.attrs->k->>'observedAt', '') <= a->>'observedAt')`,
          [list.map((r) => r.id), list.map((r) => r.type), list.map((r) => JSON.stringify(r.attrs)), list.map((r) => r.deviceId), list.map((r) => r.lon), list.map((r) => r.lat), now],
        );
      };
    },

    /** After the batch is committed: tell subscriptions which entities changed. */
    committed(readings: readonly Reading[]): void {
      const byEntity = new Map<string, Set<string>>();
      for (const r of readings) {
        const id = observedOf.get(r.deviceId);
        if (id === undefined) continue;
        const s = byEntity.get(id) ?? new Set<string>();
        s.add(v(r.attribute));
        byEntity.set(id, s);
        const dev = deviceEntityId(r.deviceId);
        if (dev !== id) byEntity.set(dev, new Set([v('dateLastValueReported')]));
      }
      deps.emit([...byEntity.entries()].map(([id, attrs]) => ({ id, attrs: [...attrs] })));
    },

    /**
     * Device entities from the registry: created or refreshed for devices changed since the last
     * sync, moved with their device, removed with it. Cheap when nothing changed.
     */
    async sync(): Promise<number> {
      const { rows } = await db.query<{ until: string | null }>(`SELECT to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS until FROM iot_devices`);
      const until = rows[0]?.until ?? syncedUntil;
      let changed = 0;
      if (until > syncedUntil || syncedUntil === '1970-01-01T00:00:00.000Z') {
        const loc = `jsonb_build_object('type', 'GeoProperty', 'value', jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(d.lon, d.lat)))`;
        const prop = (x: string) => `jsonb_build_object('type', 'Property', 'value', ${x})`;
        const r = await db.query(
          `INSERT INTO ngsi_entities (id, type, attrs, device_id, created_at, modified_at, shape, min_lon, min_lat, max_lon, max_lat)
           SELECT 'urn:ngsi-ld:Device:' || d.id, $2, jsonb_build_object(
               $3::text, ${loc},
               $4::text, ${prop('d.name')},
               $5::text, ${prop('(SELECT jsonb_agg(a->>\'name\') FROM jsonb_array_elements(t.attributes) a)')},
               $6::text, ${prop('d.type_id')},
               $7::text, ${prop('d.owner_department')},
               $8::text, ${prop('d.access_tier')},
               $9::text, ${prop("CASE WHEN d.enabled THEN 'on' ELSE 'off' END")}),
             d.id, d.created_at, d.updated_at, ('((' || d.lon || ',' || d.lat || '))')::polygon, d.lon, d.lat, d.lon, d.lat
           FROM iot_devices d JOIN iot_device_types t ON t.id = d.type_id WHERE d.updated_at > $1
           ON CONFLICT (id) DO UPDATE SET attrs = ngsi_entities.attrs || excluded.attrs, modified_at = excluded.modified_at, shape = excluded.shape,
             min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat`,
          [syncedUntil, v('Device'), LOCATION, v('name'), v('controlledProperty'), v('deviceCategory'), v('owner'), v('accessTier'), v('deviceState')],
        );
        changed += r.rowCount;
        metaCache.clear();
        // Observed entities follow their device when it moves.
        await db.query(
          `UPDATE ngsi_entities e SET attrs = e.attrs || jsonb_build_object($2::text, ${loc}), shape = ('((' || d.lon || ',' || d.lat || '))')::polygon,
             min_lon = d.lon, min_lat = d.lat, max_lon = d.lon, max_lat = d.lat
           FROM iot_devices d WHERE e.device_id = d.id AND d.updated_at > $1 AND (e.min_lon IS DISTINCT FROM d.lon OR e.min_lat IS DISTINCT FROM d.lat)`,
          [syncedUntil, LOCATION],
        );
        syncedUntil = until;
      }
      const gone = await db.query('DELETE FROM ngsi_entities e WHERE e.device_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM iot_devices d WHERE d.id = e.device_id)');
      return changed + gone.rowCount;
    },
  };
}

export type DeviceMirror = ReturnType<typeof createDeviceMirror>;
