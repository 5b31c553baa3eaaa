// The table a resource's rows live in, created from its data items (agg_r_*), and the SQL that
// moves a staged load into it and takes it out again.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../platform/index.ts';
import type { DataItem } from '../catalog/index.ts';
import { aggregationError } from './errors.ts';
import { sqlType } from './values.ts';

/** Identifiers here come from validated data-item names (^[a-z][a-z0-9_]*$); quoted so reserved words work. */
const q = (name: string): string => `"${name}"`;

/** agg_r_<readable part>_<hash>: stable per resource code, unique, within PostgreSQL's 63 bytes. */
export function dataTableName(code: string): string {
  const readable = code.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40);
  return `agg_r_${readable}_${createHash('sha256').update(code).digest('hex').slice(0, 8)}`;
}

/** Create the resource's table, or add the columns of new data items; a changed column type is refused. */
export async function ensureDataTable(tx: Queryable, table: string, items: readonly DataItem[]): Promise<string[]> {
  const keys = items.filter((i) => i.key).map((i) => i.name);
  const { rows } = await tx.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    [table],
  );
  if (rows.length === 0) {
    const cols = items.map((i) => `${q(i.name)} ${sqlType(i.type)}${i.key ? ' NOT NULL' : ''}`);
    cols.push('_load_id bigint NOT NULL', '_line integer NOT NULL');
    if (keys.length) cols.push(`PRIMARY KEY (${keys.map(q).join(', ')})`);
    await tx.query(`CREATE TABLE ${table} (${cols.join(', ')})`);
    await tx.query(`CREATE INDEX ${table}_load_idx ON ${table} (_load_id)`);
    return keys;
  }
  const existing = new Map(rows.map((r) => [r.column_name, r.data_type]));
  const pgName: Record<string, string> = { bigint: 'bigint', numeric: 'numeric', boolean: 'boolean', date: 'date', timestamptz: 'timestamp with time zone', text: 'text' };
  for (const i of items) {
    const have = existing.get(i.name);
    const want = pgName[sqlType(i.type)];
    if (have === undefined) await tx.query(`ALTER TABLE ${table} ADD COLUMN ${q(i.name)} ${sqlType(i.type)}`);
    else if (have !== want) {
      throw aggregationError('column_type_changed', `column ${i.name} holds ${have} but the data item is now ${i.type}; load into a new resource or change the item back`, { field: i.name });
    }
  }
  return keys;
}

/** A staging table of text columns for one load; rows are checked before they get here. */
export async function createStage(tx: Queryable, stage: string, columns: readonly string[]): Promise<void> {
  await tx.query(`DROP TABLE IF EXISTS ${stage}`);
  await tx.query(`CREATE TABLE ${stage} (_line integer NOT NULL, ${columns.map((c) => `${q(c)} text`).join(', ')})`);
}

/**
 * Move the staged rows into the table in one statement: the last line wins for a key repeated in
 * the file, replaced rows are kept whole in aggregation_history first. Returns inserted/updated.
 */
export async function mergeStage(
  tx: Queryable,
  opts: { table: string; stage: string; loadId: number; columns: readonly string[]; keys: readonly string[]; items: readonly DataItem[] },
): Promise<{ inserted: number; updated: number }> {
  const { table, stage, loadId, columns, keys } = opts;
  const typeOf = new Map(opts.items.map((i) => [i.name, sqlType(i.type)]));
  const cast = (c: string) => `s.${q(c)}::${typeOf.get(c) ?? 'text'}`;
  const target = [...columns.map(q), '_load_id', '_line'].join(', ');
  if (keys.length === 0) {
    const r = await tx.query<{ n: string | number }>(
      `WITH ins AS (INSERT INTO ${table} (${target}) SELECT ${columns.map(cast).join(', ')}, ${loadId}, s._line FROM ${stage} s RETURNING 1) SELECT count(*) AS n FROM ins`,
    );
    return { inserted: Number(r.rows[0]?.n ?? 0), updated: 0 };
  }
  const keyMatch = keys.map((k) => `t.${q(k)} = ${cast(k)}`).join(' AND ');
  await tx.query(
    `INSERT INTO aggregation_history (load_id, before) SELECT ${loadId}, to_jsonb(t) FROM ${table} t WHERE EXISTS (SELECT 1 FROM ${stage} s WHERE ${keyMatch})`,
  );
  const updates = [...columns.filter((c) => !keys.includes(c)).map((c) => `${q(c)} = EXCLUDED.${q(c)}`), '_load_id = EXCLUDED._load_id', '_line = EXCLUDED._line'];
  const r = await tx.query<{ inserted: string | number; updated: string | number }>(
    `WITH up AS (
       INSERT INTO ${table} (${target})
       SELECT DISTINCT ON (${keys.map(cast).join(', ')}) ${columns.map(cast).join(', ')}, ${loadId}, s._line FROM ${stage} s
        ORDER BY ${keys.map(cast).join(', ')}, s._line DESC
       ON CONFLICT (${keys.map(q).join(', ')}) DO UPDATE SET ${updates.join(', ')}
       RETURNING (xmax = 0) AS fresh)
     SELECT count(*) FILTER (WHERE fresh) AS inserted, count(*) FILTER (WHERE NOT fresh) AS updated FROM up`,
  );
  return { inserted: Number(r.rows[0]?.inserted ?? 0), updated: Number(r.rows[0]?.updated ?? 0) };
}

/** Undo a load: its rows go, the rows it replaced come back as they were. */
export async function rollbackRows(tx: Queryable, table: string, loadId: number): Promise<{ removed: number; restored: number }> {
  const del = await tx.query<{ n: string | number }>(`WITH d AS (DELETE FROM ${table} WHERE _load_id = $1 RETURNING 1) SELECT count(*) AS n FROM d`, [loadId]);
  const res = await tx.query<{ n: string | number }>(
    `WITH r AS (INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, h.before)).* FROM aggregation_history h WHERE h.load_id = $1 RETURNING 1) SELECT count(*) AS n FROM r`,
    [loadId],
  );
  return { removed: Number(del.rows[0]?.n ?? 0), restored: Number(res.rows[0]?.n ?? 0) };
}

/** Rows of a resource's table, newest load first, for the console. */
export async function previewRows(db: Queryable, table: string, columns: readonly string[], limit: number, offset: number): Promise<{ total: number; rows: Array<Record<string, unknown>> }> {
  const exists = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1", [table]);
  if (exists.rows.length === 0) return { total: 0, rows: [] };
  const total = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${columns.map((c) => `${q(c)}::text AS ${q(c)}`).join(', ')} FROM ${table} ORDER BY _load_id DESC, _line LIMIT $1 OFFSET $2`, [limit, offset]);
  return { total: Number(total.rows[0]?.n ?? 0), rows };
}

/**
 * Rows of a base library whose data lives in another module's table (the demo city's
 * city_residents, city_enterprises, …), read through the data items the catalog lists for it.
 */
export async function backingRows(db: Queryable, table: string, columns: readonly string[], limit: number, offset: number): Promise<{ total: number; rows: Array<Record<string, unknown>> }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) return { total: 0, rows: [] };
  const { rows: present } = await db.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table]);
  const have = new Set(present.map((r) => r.column_name));
  const cols = columns.filter((c) => have.has(c));
  if (cols.length === 0) return { total: 0, rows: [] };
  const total = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${cols.map((c) => `${q(c)}::text AS ${q(c)}`).join(', ')} FROM ${table} ORDER BY ${q(cols[0] as string)} LIMIT $1 OFFSET $2`, [limit, offset]);
  return { total: Number(total.rows[0]?.n ?? 0), rows };
}
