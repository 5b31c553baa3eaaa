// SQL of the aggregation module's own tables (aggregation_*).
import type { Database, Queryable } from '../../platform/index.ts';
import type { ColumnMapping, Load, LoadColumn, Reject } from './schemas.ts';

interface LoadRow {
  id: string | number;
  resource_code: string;
  format: string;
  file_name: string;
  encoding: string | null;
  status: Load['status'];
  bytes_total: string | number;
  bytes_read: string | number;
  rows_read: string | number;
  rows_inserted: string | number;
  rows_updated: string | number;
  rows_rejected: string | number;
  columns: LoadColumn[] | string;
  error: string | null;
  submitted_by: string;
  created_at: Date | string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
  rolled_back_by: string | null;
  source_id?: string | number | null;
  mapping?: ColumnMapping | string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function toLoad(r: LoadRow): Load {
  const columns = typeof r.columns === 'string' ? (JSON.parse(r.columns) as LoadColumn[]) : r.columns;
  return {
    id: Number(r.id),
    resourceCode: r.resource_code,
    format: r.format,
    fileName: r.file_name,
    encoding: r.encoding,
    status: r.status,
    bytesTotal: Number(r.bytes_total),
    bytesRead: Number(r.bytes_read),
    rowsRead: Number(r.rows_read),
    rowsInserted: Number(r.rows_inserted),
    rowsUpdated: Number(r.rows_updated),
    rowsRejected: Number(r.rows_rejected),
    columns,
    mapping: r.mapping === null || r.mapping === undefined ? null : typeof r.mapping === 'string' ? (JSON.parse(r.mapping) as ColumnMapping) : r.mapping,
    unmapped: columns.filter((c) => c.mappedBy === 'unmapped' || (c.mappedBy === undefined && c.item === null)).map((c) => c.header),
    error: r.error,
    submittedBy: r.submitted_by,
    createdAt: iso(r.created_at) ?? '',
    finishedAt: iso(r.finished_at),
    rolledBackAt: iso(r.rolled_back_at),
    rolledBackBy: r.rolled_back_by,
    sourceId: r.source_id === null || r.source_id === undefined ? null : Number(r.source_id),
  };
}

export function createAggregationStore(db: Database) {
  return {
    async createLoad(l: { resourceCode: string; format: string; fileName: string; submittedBy: string; at: string; sourceId?: number; idempotencyKey?: string; mapping?: ColumnMapping | null }): Promise<Load> {
      const { rows } = await db.query<LoadRow>(
        `INSERT INTO aggregation_loads (resource_code, format, file_name, status, submitted_by, created_at, source_id, idempotency_key, mapping) VALUES ($1, $2, $3, 'receiving', $4, $5, $6, $7, $8) RETURNING *`,
        [l.resourceCode, l.format, l.fileName, l.submittedBy, l.at, l.sourceId ?? null, l.idempotencyKey ?? null, l.mapping ? JSON.stringify(l.mapping) : null],
      );
      return toLoad(rows[0] as LoadRow);
    },

    /** The load an earlier upload with this Idempotency-Key made, if any. */
    async loadByIdempotencyKey(submittedBy: string, key: string): Promise<Load | null> {
      const { rows } = await db.query<LoadRow>('SELECT * FROM aggregation_loads WHERE submitted_by = $1 AND idempotency_key = $2', [submittedBy, key]);
      return rows[0] ? toLoad(rows[0]) : null;
    },

    async forgetIdempotencyKey(id: number): Promise<void> {
      await db.query('UPDATE aggregation_loads SET idempotency_key = NULL WHERE id = $1', [id]);
    },

    /** Status of the loads with these ids (to tell kept files from leftovers). */
    async statuses(ids: readonly number[]): Promise<Map<number, Load['status']>> {
      if (ids.length === 0) return new Map();
      const { rows } = await db.query<{ id: string | number; status: Load['status'] }>('SELECT id, status FROM aggregation_loads WHERE id = ANY($1)', [ids]);
      return new Map(rows.map((r) => [Number(r.id), r.status]));
    },

    async getLoad(q: Queryable, id: number, lock = false): Promise<Load | null> {
      const { rows } = await q.query<LoadRow>(`SELECT * FROM aggregation_loads WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0] ? toLoad(rows[0]) : null;
    },

    async listLoads(resourceCode: string | undefined, limit: number): Promise<Load[]> {
      const { rows } = await db.query<LoadRow>(
        `SELECT * FROM aggregation_loads ${resourceCode ? 'WHERE resource_code = $2' : ''} ORDER BY id DESC LIMIT $1`,
        resourceCode ? [limit, resourceCode] : [limit],
      );
      return rows.map(toLoad);
    },

    async loadsInState(status: Load['status']): Promise<Load[]> {
      const { rows } = await db.query<LoadRow>('SELECT * FROM aggregation_loads WHERE status = $1 ORDER BY id', [status]);
      return rows.map(toLoad);
    },

    async laterDoneLoad(q: Queryable, resourceCode: string, id: number): Promise<number | null> {
      const { rows } = await q.query<{ id: string | number }>("SELECT id FROM aggregation_loads WHERE resource_code = $1 AND id > $2 AND status = 'done' ORDER BY id DESC LIMIT 1", [resourceCode, id]);
      return rows[0] ? Number(rows[0].id) : null;
    },

    async update(q: Queryable, id: number, fields: Partial<Record<'status' | 'encoding' | 'bytes_total' | 'bytes_read' | 'rows_read' | 'rows_inserted' | 'rows_updated' | 'rows_rejected' | 'columns' | 'error' | 'finished_at' | 'rolled_back_at' | 'rolled_back_by', unknown>>): Promise<void> {
      const entries = Object.entries(fields);
      if (entries.length === 0) return;
      await q.query(`UPDATE aggregation_loads SET ${entries.map(([k], i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...entries.map(([k, v]) => (k === 'columns' ? JSON.stringify(v) : v))]);
    },

    async clearRejects(id: number): Promise<void> {
      await db.query('DELETE FROM aggregation_rejects WHERE load_id = $1', [id]);
    },

    async addRejects(id: number, rejects: readonly Reject[]): Promise<void> {
      if (rejects.length === 0) return;
      async function* one() {
        yield rejects.map((r) => [id, r.line, r.reason, r.field, r.raw]);
      }
      await db.copyFrom('aggregation_rejects', ['load_id', 'line', 'reason', 'field', 'raw'], one());
    },

    async rejects(id: number, limit: number, afterLine: number, offset = 0): Promise<Reject[]> {
      const { rows } = await db.query<Reject>('SELECT line, reason, field, raw FROM aggregation_rejects WHERE load_id = $1 AND line > $2 ORDER BY line LIMIT $3 OFFSET $4', [id, afterLine, limit, offset]);
      return rows;
    },

    async deleteHistory(q: Queryable, id: number): Promise<void> {
      await q.query('DELETE FROM aggregation_history WHERE load_id = $1', [id]);
    },

    async tableOf(q: Queryable, resourceCode: string): Promise<string | null> {
      const { rows } = await q.query<{ table_name: string }>('SELECT table_name FROM aggregation_tables WHERE resource_code = $1', [resourceCode]);
      return rows[0]?.table_name ?? null;
    },

    async registerTable(q: Queryable, resourceCode: string, table: string, keys: readonly string[], at: string): Promise<void> {
      await q.query('INSERT INTO aggregation_tables (resource_code, table_name, key_columns, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (resource_code) DO NOTHING', [resourceCode, table, keys, at]);
    },
  };
}

export type AggregationStore = ReturnType<typeof createAggregationStore>;
