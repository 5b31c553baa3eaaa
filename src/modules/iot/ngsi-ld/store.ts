// SQL of ngsi_entities and ngsi_attr_history. Writes take whole batches (unnest), one statement each.
import type { Database, Queryable } from '../../../platform/db/index.ts';
import { locationShape, type StoredAttr, type StoredEntity } from './entity.ts';

const iso = (col: string, alias = col): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${alias}`;

export interface EntityRow {
  id: string;
  type: string;
  attrs: Record<string, StoredAttr>;
  created_at: string;
  modified_at: string;
}

export const rowToEntity = (r: EntityRow): StoredEntity => ({ id: r.id, type: r.type, attrs: r.attrs, createdAt: r.created_at, modifiedAt: r.modified_at });
export const ENTITY_COLUMNS = `id, type, attrs, ${iso('created_at')}, ${iso('modified_at')}`;

function columns(entities: readonly StoredEntity[]) {
  const shapes = entities.map((e) => locationShape(e.attrs));
  return [
    entities.map((e) => e.id),
    entities.map((e) => e.type),
    entities.map((e) => JSON.stringify(e.attrs)),
    shapes.map((s) => s?.polygon ?? null),
    shapes.map((s) => s?.minLon ?? null),
    shapes.map((s) => s?.minLat ?? null),
    shapes.map((s) => s?.maxLon ?? null),
    shapes.map((s) => s?.maxLat ?? null),
  ];
}
const UNNEST = `unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[]) AS u(id, type, attrs, shape, min_lon, min_lat, max_lon, max_lat)`;

export function createEntityStore(db: Database) {
  return {
    /** Insert new entities; answers the ids that were created (the others existed). */
    async insert(tx: Queryable, entities: readonly StoredEntity[], now: Date): Promise<Set<string>> {
      if (entities.length === 0) return new Set();
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO ngsi_entities (id, type, attrs, created_at, modified_at, shape, min_lon, min_lat, max_lon, max_lat)
         SELECT id, type, attrs, $9, $9, shape::polygon, min_lon, min_lat, max_lon, max_lat FROM ${UNNEST}
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [...columns(entities), now.toISOString()],
      );
      return new Set(rows.map((r) => r.id));
    },

    /** Create or change entities: `replace` swaps all attributes, otherwise the given ones are merged in. Answers the ids created. */
    async upsert(tx: Queryable, entities: readonly StoredEntity[], replace: boolean, now: Date): Promise<Set<string>> {
      if (entities.length === 0) return new Set();
      const keep = (col: string) => (replace ? `excluded.${col}` : `CASE WHEN excluded.shape IS NULL THEN ngsi_entities.${col} ELSE excluded.${col} END`);
      // xmax = 0 on a row this statement inserted (rather than updated).
      const { rows } = await tx.query<{ id: string; inserted: boolean }>(
        `INSERT INTO ngsi_entities (id, type, attrs, created_at, modified_at, shape, min_lon, min_lat, max_lon, max_lat)
         SELECT id, type, attrs, $9, $9, shape::polygon, min_lon, min_lat, max_lon, max_lat FROM ${UNNEST}
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, modified_at = excluded.modified_at,
           attrs = ${replace ? 'excluded.attrs' : 'ngsi_entities.attrs || excluded.attrs'},
           shape = ${keep('shape')}, min_lon = ${keep('min_lon')}, min_lat = ${keep('min_lat')}, max_lon = ${keep('max_lon')}, max_lat = ${keep('max_lat')}
         RETURNING id, (xmax = 0) AS inserted`,
        [...columns(entities), now.toISOString()],
      );
      return new Set(rows.filter((r) => r.inserted).map((r) => r.id));
    },

    /** Merge attributes into existing entities; answers the ids that existed. */
    async update(tx: Queryable, entities: readonly StoredEntity[], now: Date): Promise<Set<string>> {
      if (entities.length === 0) return new Set();
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE ngsi_entities e SET attrs = e.attrs || u.attrs, modified_at = $9,
           shape = coalesce(u.shape::polygon, e.shape), min_lon = coalesce(u.min_lon, e.min_lon), min_lat = coalesce(u.min_lat, e.min_lat),
           max_lon = coalesce(u.max_lon, e.max_lon), max_lat = coalesce(u.max_lat, e.max_lat)
         FROM ${UNNEST} WHERE e.id = u.id RETURNING e.id`,
        [...columns(entities), now.toISOString()],
      );
      return new Set(rows.map((r) => r.id));
    },

    /** Store an entity read and changed inside `tx` (attribute-level operations). */
    async save(tx: Queryable, e: StoredEntity, now: Date): Promise<void> {
      const s = locationShape(e.attrs);
      await tx.query(
        `UPDATE ngsi_entities SET attrs = $2, modified_at = $3, shape = $4::polygon, min_lon = $5, min_lat = $6, max_lon = $7, max_lat = $8 WHERE id = $1`,
        [e.id, JSON.stringify(e.attrs), now.toISOString(), s?.polygon ?? null, s?.minLon ?? null, s?.minLat ?? null, s?.maxLon ?? null, s?.maxLat ?? null],
      );
    },

    async get(q: Queryable, id: string, forUpdate = false): Promise<StoredEntity | undefined> {
      const { rows } = await q.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM ngsi_entities WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0] ? rowToEntity(rows[0]) : undefined;
    },

    async getMany(ids: readonly string[]): Promise<StoredEntity[]> {
      if (ids.length === 0) return [];
      const { rows } = await db.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM ngsi_entities WHERE id = ANY($1::text[])`, [ids]);
      return rows.map(rowToEntity);
    },

    /** Delete entities; answers the ids that existed. */
    async remove(tx: Queryable, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const { rows } = await tx.query<{ id: string }>('DELETE FROM ngsi_entities WHERE id = ANY($1::text[]) RETURNING id', [ids]);
      await tx.query('DELETE FROM ngsi_attr_history WHERE entity_id = ANY($1::text[])', [ids]);
      return new Set(rows.map((r) => r.id));
    },

    /** Entities matching `where` (SQL over ngsi_entities with `params`), ordered by id. */
    async find(where: string, params: readonly unknown[], limit: number, offset: number): Promise<StoredEntity[]> {
      const n = params.length;
      const { rows } = await db.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM ngsi_entities WHERE ${where} ORDER BY id LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, limit, offset]);
      return rows.map(rowToEntity);
    },

    async count(where: string, params: readonly unknown[]): Promise<number> {
      const { rows } = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ngsi_entities WHERE ${where}`, params);
      return Number(rows[0]?.n ?? 0);
    },

    /** Ids among `ids` that match `where` (subscriptions' q / geoQ). */
    async matching(ids: readonly string[], where: string, params: readonly unknown[]): Promise<Set<string>> {
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM ngsi_entities WHERE id = ANY($${params.length + 1}::text[]) AND ${where}`, [...params, ids]);
      return new Set(rows.map((r) => r.id));
    },

    /** Keep attribute instances for the temporal API (entities written through the API). */
    async appendHistory(tx: Queryable, entities: readonly StoredEntity[], now: Date): Promise<void> {
      const rows: Array<[string, string, string, string]> = [];
      const seen = new Set<string>();
      for (const e of entities) {
        for (const [attr, a] of Object.entries(e.attrs)) {
          if (a.type !== 'Property') continue;
          const at = a.observedAt ?? now.toISOString();
          const key = `${e.id}\u0000${attr}\u0000${at}`;
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push([e.id, attr, at, JSON.stringify(a)]);
        }
      }
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO ngsi_attr_history (entity_id, attr, observed_at, instance)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
         ON CONFLICT (entity_id, attr, observed_at) DO UPDATE SET instance = excluded.instance`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
      );
    },
  };
}

export type EntityStore = ReturnType<typeof createEntityStore>;
export { iso };
