// SQL of the data sources (aggregation_sources): settings, sealed secret, schedule, lease, last run.
import type { Queryable } from '../../platform/index.ts';

export interface SourceRow {
  id: number;
  resourceCode: string;
  name: string;
  kind: 'http' | 'postgres';
  settings: Record<string, unknown>;
  secret: string | null;
  schedule: string | null;
  enabled: boolean;
  watermark: string | null;
  leaseOwner: string | null;
  lastRunAt: string | null;
  lastStatus: 'done' | 'failed' | null;
  lastError: string | null;
  lastLoadId: number | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

interface Raw {
  id: string | number;
  resource_code: string;
  name: string;
  kind: 'http' | 'postgres';
  settings: Record<string, unknown> | string;
  secret: string | null;
  schedule: string | null;
  enabled: boolean;
  watermark: string | null;
  lease_owner: string | null;
  last_run_at: Date | string | null;
  last_status: 'done' | 'failed' | null;
  last_error: string | null;
  last_load_id: string | number | null;
  created_at: Date | string;
  created_by: string;
  updated_at: Date | string;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function toRow(r: Raw): SourceRow {
  return {
    id: Number(r.id),
    resourceCode: r.resource_code,
    name: r.name,
    kind: r.kind,
    settings: typeof r.settings === 'string' ? (JSON.parse(r.settings) as Record<string, unknown>) : r.settings,
    secret: r.secret,
    schedule: r.schedule,
    enabled: r.enabled,
    watermark: r.watermark,
    leaseOwner: r.lease_owner,
    lastRunAt: iso(r.last_run_at),
    lastStatus: r.last_status,
    lastError: r.last_error,
    lastLoadId: r.last_load_id === null ? null : Number(r.last_load_id),
    createdAt: iso(r.created_at) ?? '',
    createdBy: r.created_by,
    updatedAt: iso(r.updated_at) ?? '',
  };
}

/** How long a run's lease lasts without renewal; a run renews it while it works. */
export const LEASE_SECONDS = 120;

export function createSourceStore(db: Queryable) {
  return {
    async insert(q: Queryable, s: { resourceCode: string; name: string; kind: string; settings: unknown; schedule: string | null; enabled: boolean; at: string; by: string }): Promise<number> {
      const { rows } = await q.query<{ id: string | number }>(
        'INSERT INTO aggregation_sources (resource_code, name, kind, settings, schedule, enabled, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) RETURNING id',
        [s.resourceCode, s.name, s.kind, JSON.stringify(s.settings), s.schedule, s.enabled, s.at, s.by],
      );
      return Number(rows[0]?.id);
    },

    async update(q: Queryable, id: number, s: { resourceCode: string; name: string; kind: string; settings: unknown; schedule: string | null; enabled: boolean; at: string; resetWatermark: boolean }): Promise<void> {
      await q.query(
        `UPDATE aggregation_sources SET resource_code = $2, name = $3, kind = $4, settings = $5, schedule = $6, enabled = $7, updated_at = $8${s.resetWatermark ? ', watermark = NULL' : ''} WHERE id = $1`,
        [id, s.resourceCode, s.name, s.kind, JSON.stringify(s.settings), s.schedule, s.enabled, s.at],
      );
    },

    async setSecret(q: Queryable, id: number, secret: string | null): Promise<void> {
      await q.query('UPDATE aggregation_sources SET secret = $2 WHERE id = $1', [id, secret]);
    },

    async get(q: Queryable, id: number): Promise<SourceRow | null> {
      const { rows } = await q.query<Raw>('SELECT * FROM aggregation_sources WHERE id = $1', [id]);
      return rows[0] ? toRow(rows[0]) : null;
    },

    async list(resourceCode: string | undefined): Promise<SourceRow[]> {
      const { rows } = await db.query<Raw>(`SELECT * FROM aggregation_sources ${resourceCode ? 'WHERE resource_code = $1' : ''} ORDER BY id`, resourceCode ? [resourceCode] : []);
      return rows.map(toRow);
    },

    async remove(id: number): Promise<boolean> {
      const { rows } = await db.query('DELETE FROM aggregation_sources WHERE id = $1 RETURNING id', [id]);
      return rows.length > 0;
    },

    /** Take the run lease if no live lease is held (by any node); null when another run holds it. */
    async lease(id: number, owner: string): Promise<SourceRow | null> {
      const { rows } = await db.query<Raw>(
        `UPDATE aggregation_sources SET lease_owner = $2, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
          WHERE id = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING *`,
        [id, owner],
      );
      return rows[0] ? toRow(rows[0]) : null;
    },

    async renew(id: number, owner: string): Promise<void> {
      await db.query(`UPDATE aggregation_sources SET lease_until = now() + make_interval(secs => ${LEASE_SECONDS}) WHERE id = $1 AND lease_owner = $2`, [id, owner]);
    },

    /** Record the run's outcome and give the lease back. */
    async finish(id: number, owner: string, r: { at: string; status: 'done' | 'failed'; error: string | null; loadId: number | null; watermark?: string | undefined }): Promise<void> {
      await db.query(
        `UPDATE aggregation_sources SET lease_owner = NULL, lease_until = NULL, last_run_at = $3, last_status = $4, last_error = $5, last_load_id = COALESCE($6, last_load_id)${r.watermark !== undefined ? ', watermark = $7' : ''}
          WHERE id = $1 AND lease_owner = $2`,
        [id, owner, r.at, r.status, r.error, r.loadId, ...(r.watermark !== undefined ? [r.watermark] : [])],
      );
    },
  };
}

export type SourceStore = ReturnType<typeof createSourceStore>;
