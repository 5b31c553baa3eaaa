// Registered devices as NGSI-LD entities (设备即实体): each device is a Device entity
// (urn:ngsi-ld:Device:{id}), and its readings update the entity of its Smart Data Model type
// (urn:ngsi-ld:WaterObserved:{id}, …) with observedAt. The entities are a projection of iot_latest
// (ADR 008): updated after the readings' commit, coalesced per entity every `flushMs`, and caught up
// from iot_latest at start, so a crash between the two loses nothing.
import type { Clock, Logger } from '../../../kernel/index.ts';
import type { Database } from '../../../platform/db/index.ts';
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
/** Devices projected per statement. */
const FLUSH_CHUNK = 2_000;
const LOCATION = `${NGSI_LD}location`;

interface DeviceMeta {
  id: string;
  lon: number;
  lat: number;
  model: string;
  units: Record<string, string>;
}

export function createDeviceMirror(deps: { db: Database; clock: Clock; logger: Logger; emit: (changes: EntityChange[]) => void; flushMs?: number }) {
  const { db, clock } = deps;
  const flushMs = deps.flushMs ?? 250;
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

  /** Devices with committed readings not yet shown in their entities, and the attributes read. */
  let touched = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastFlushAt = 0;
  const mark = (deviceId: string, attributes: Iterable<string>): void => {
    let set = touched.get(deviceId);
    if (!set) touched.set(deviceId, (set = new Set()));
    for (const a of attributes) set.add(a);
  };

  /**
   * Write the entities of `devices` from iot_latest (what is committed, never ahead of it): each
   * latest reading becomes a Property with its observedAt, the Device entity gets
   * dateLastValueReported, and an attribute only moves forward in observedAt.
   */
  async function project(devices: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    const ids = [...devices.keys()];
    const [metas, latest] = await Promise.all([
      meta(ids),
      db.query<{ device_id: string; attribute: string; value: number; t: string }>(
        `SELECT device_id, attribute, value, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t
         FROM iot_latest WHERE device_id = ANY($1::text[])`,
        [ids],
      ),
    ]);
    const rows = new Map<string, { id: string; type: string; deviceId: string; lon: number; lat: number; attrs: Record<string, StoredAttr> }>();
    const row = (id: string, type: string, d: DeviceMeta) => {
      let r = rows.get(id);
      if (!r) {
        r = { id, type, deviceId: d.id, lon: d.lon, lat: d.lat, attrs: { [LOCATION]: { type: 'GeoProperty', value: { type: 'Point', coordinates: [d.lon, d.lat] } } } };
        rows.set(id, r);
      }
      return r;
    };
    for (const l of latest.rows) {
      const d = metas.get(l.device_id);
      if (!d) continue;
      const observed = row(observedEntityId(d.model, d.id), v(d.model), d);
      const unitCode = UNIT_CODES[d.units[l.attribute] ?? ''];
      observed.attrs[v(l.attribute)] = { type: 'Property', value: Number(l.value), observedAt: l.t, ...(unitCode ? { unitCode } : {}) };
      if (d.model !== 'Device') observed.attrs[v('refDevice')] = { type: 'Relationship', object: deviceEntityId(d.id) };
      const device = row(deviceEntityId(d.id), v('Device'), d);
      const last = device.attrs[v('dateLastValueReported')];
      if (!last?.observedAt || last.observedAt < l.t) device.attrs[v('dateLastValueReported')] = { type: 'Property', value: l.t, observedAt: l.t };
    }
    const list = [...rows.values()];
    if (list.length === 0) return;
    // A new entity gets the device's location; an existing one keeps what the registry sync set
    // (moves are the sync's), and is rewritten only when a reading is newer than what it shows.
    await db.query(
      `INSERT INTO ngsi_entities (id, type, attrs, device_id, created_at, modified_at, shape, min_lon, min_lat, max_lon, max_lat)
       SELECT id, type, attrs, device_id, $7, $7, ('((' || lon || ',' || lat || '))')::polygon, lon, lat, lon, lat
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::float8[], $6::float8[]) AS u(id, type, attrs, device_id, lon, lat)
       ORDER BY id
       ON CONFLICT (id) DO UPDATE SET modified_at = excluded.modified_at,
         attrs = ngsi_entities.attrs || (SELECT coalesce(jsonb_object_agg(k, a), '{}'::jsonb) FROM jsonb_each(excluded.attrs - $8::text) AS e(k, a)
           WHERE a->>'observedAt' IS NULL OR coalesce(ngsi_entities.attrs->k->>'observedAt', '') < a->>'observedAt')
       WHERE EXISTS (SELECT 1 FROM jsonb_each(excluded.attrs) AS e(k, a)
           WHERE a->>'observedAt' IS NOT NULL AND coalesce(ngsi_entities.attrs->k->>'observedAt', '') < a->>'observedAt')`,
      [list.map((r) => r.id), list.map((r) => r.type), list.map((r) => JSON.stringify(r.attrs)), list.map((r) => r.deviceId), list.map((r) => r.lon), list.map((r) => r.lat), clock.now().toISOString(), LOCATION],
    );
    const changes = new Map<string, Set<string>>();
    for (const [deviceId, attrs] of devices) {
      const d = metas.get(deviceId);
      if (!d) continue;
      const id = observedEntityId(d.model, d.id);
      const set = changes.get(id) ?? new Set<string>();
      for (const a of attrs) set.add(v(a));
      changes.set(id, set);
      if (id !== deviceEntityId(d.id)) changes.set(deviceEntityId(d.id), new Set([v('dateLastValueReported')]));
      else set.add(v('dateLastValueReported'));
    }
    deps.emit([...changes.entries()].map(([id, attrs]) => ({ id, attrs: [...attrs] })));
  }

  function schedule(): void {
    if (timer || running || touched.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, Math.max(0, lastFlushAt + flushMs - Date.now()));
    timer.unref();
  }

  /** Project what is waiting now; one flush at a time. A failed flush keeps its devices for the next. */
  async function flush(): Promise<void> {
    if (running) return running;
    if (touched.size === 0) return;
    const batch = touched;
    touched = new Map();
    running = (async () => {
      try {
        for (let i = 0, all = [...batch]; i < all.length; i += FLUSH_CHUNK) await project(new Map(all.slice(i, i + FLUSH_CHUNK)));
      } catch (err) {
        for (const [id, attrs] of batch) mark(id, attrs);
        deps.logger.error({ err, devices: batch.size }, 'ngsi-ld device entities not updated; retrying');
      }
    })();
    try {
      await running;
    } finally {
      running = undefined;
      lastFlushAt = Date.now();
      schedule();
    }
  }

  return {
    /**
     * After a batch of readings is committed: their entities are updated from iot_latest within
     * `flushMs` (coalesced: one update per entity however many batches arrived meanwhile), and
     * subscriptions are told after that update.
     */
    committed(readings: readonly Reading[]): void {
      for (const r of readings) mark(r.deviceId, [r.attribute]);
      schedule();
    },

    /** Resolves once every committed reading so far is shown in its entity (tests, shutdown). */
    async settle(): Promise<void> {
      for (let i = 0; i < 5 && (touched.size > 0 || running); i++) {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        await (running ?? flush());
      }
    },

    /**
     * At start: devices whose latest readings are newer than their entities (a crash between the
     * readings' commit and the entity update) are projected again.
     */
    async catchUp(): Promise<number> {
      const { rows } = await db.query<{ device_id: string; attribute: string }>(
        `SELECT l.device_id, l.attribute FROM iot_latest l
         WHERE NOT EXISTS (SELECT 1 FROM ngsi_entities e WHERE e.device_id = l.device_id
           AND e.attrs -> ($1 || l.attribute) ->> 'observedAt' >= to_char(l.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
        [DEFAULT_VOCAB],
      );
      for (const r of rows) mark(r.device_id, [r.attribute]);
      const n = touched.size;
      await this.settle();
      return n;
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
