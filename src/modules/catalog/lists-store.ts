// SQL of the published three lists (catalog_list_versions).
import type { Queryable } from '../../platform/index.ts';
import type { ListEntry, ListKind } from './lists.ts';

export interface ListVersionMeta {
  kind: ListKind;
  version: number;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
  entries: number;
}

interface Row {
  kind: ListKind;
  version: number;
  published_at: Date | string;
  published_by: string;
  note: string | null;
  entry_count: number;
  entries?: ListEntry[] | string;
}

const meta = (r: Row): ListVersionMeta => ({
  kind: r.kind,
  version: r.version,
  publishedAt: new Date(r.published_at).toISOString(),
  publishedBy: r.published_by,
  note: r.note,
  entries: r.entry_count,
});

const META_COLUMNS = 'kind, version, published_at, published_by, note, entry_count';

export function createListStore(db: Queryable) {
  return {
    async versions(kind: ListKind): Promise<ListVersionMeta[]> {
      const { rows } = await db.query<Row>(`SELECT ${META_COLUMNS} FROM catalog_list_versions WHERE kind = $1 ORDER BY version DESC`, [kind]);
      return rows.map(meta);
    },

    async latest(q: Queryable, kind: ListKind): Promise<(ListVersionMeta & { list: ListEntry[] }) | null> {
      const { rows } = await q.query<Row>(`SELECT ${META_COLUMNS}, entries FROM catalog_list_versions WHERE kind = $1 ORDER BY version DESC LIMIT 1`, [kind]);
      const r = rows[0];
      return r ? { ...meta(r), list: typeof r.entries === 'string' ? (JSON.parse(r.entries) as ListEntry[]) : (r.entries ?? []) } : null;
    },

    async get(kind: ListKind, version: number): Promise<(ListVersionMeta & { list: ListEntry[] }) | null> {
      const { rows } = await db.query<Row>(`SELECT ${META_COLUMNS}, entries FROM catalog_list_versions WHERE kind = $1 AND version = $2`, [kind, version]);
      const r = rows[0];
      return r ? { ...meta(r), list: typeof r.entries === 'string' ? (JSON.parse(r.entries) as ListEntry[]) : (r.entries ?? []) } : null;
    },

    async insert(q: Queryable, v: ListVersionMeta, list: readonly ListEntry[]): Promise<void> {
      await q.query(
        'INSERT INTO catalog_list_versions (kind, version, published_at, published_by, note, entry_count, entries) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [v.kind, v.version, v.publishedAt, v.publishedBy, v.note, v.entries, JSON.stringify(list)],
      );
    },
  };
}
