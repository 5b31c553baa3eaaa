// SQL of the catalog's own tables (catalog_*).
import type { Queryable } from '../../platform/index.ts';
import type { DataItem, Resource, ResourceList, ResourceQuery } from './schemas.ts';
import { queryTerms } from './search-terms.ts';

interface ResourceRow {
  code: string;
  name: string;
  category: string;
  item: string | null;
  heading: string | null;
  subheading: string | null;
  department: string;
  abstract: string;
  format: Resource['format'];
  data_items: DataItem[] | string;
  sharing_type: Resource['sharing']['type'];
  sharing_conditions: string | null;
  sharing_method: string | null;
  open_type: Resource['open']['type'];
  open_conditions: string | null;
  update_cycle: Resource['updateCycle'];
  publish_date: string | Date | null;
  related: string[];
  library_class: Resource['libraryClass'];
  library: string | null;
  backing_table: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string;
}

/** Totals above this are reported as "more than" (counting every match of a one-character query is not worth its time). */
export const COUNT_CAP = 10_000;
const SORT_MATCHES = 8_000;

const iso = (v: Date | string): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());
const day = (v: Date | string | null): string | null => (v === null ? null : v instanceof Date ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}` : v.slice(0, 10));
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

function toResource(r: ResourceRow): Resource {
  return {
    code: r.code,
    name: r.name,
    classification: defined({ category: r.category, item: r.item ?? undefined, heading: r.heading ?? undefined, subheading: r.subheading ?? undefined }),
    department: r.department,
    abstract: r.abstract,
    format: r.format,
    dataItems: typeof r.data_items === 'string' ? (JSON.parse(r.data_items) as DataItem[]) : r.data_items,
    sharing: defined({ type: r.sharing_type, conditions: r.sharing_conditions ?? undefined, method: r.sharing_method ?? undefined }),
    open: defined({ type: r.open_type, conditions: r.open_conditions ?? undefined }),
    updateCycle: r.update_cycle,
    publishDate: day(r.publish_date),
    related: r.related,
    libraryClass: r.library_class,
    library: r.library,
    backingTable: r.backing_table,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  };
}

const columns = [
  'code', 'name', 'category', 'item', 'heading', 'subheading', 'department', 'abstract', 'format', 'data_items', 'sharing_type', 'sharing_conditions',
  'sharing_method', 'open_type', 'open_conditions', 'update_cycle', 'publish_date', 'related', 'library_class', 'library', 'backing_table', 'version',
  'created_at', 'updated_at', 'updated_by', 'search_terms',
] as const;

function values(r: Resource, terms: string[]): unknown[] {
  return [
    r.code, r.name, r.classification.category, r.classification.item ?? null, r.classification.heading ?? null, r.classification.subheading ?? null,
    r.department, r.abstract, r.format, JSON.stringify(r.dataItems), r.sharing.type, r.sharing.conditions ?? null, r.sharing.method ?? null,
    r.open.type, r.open.conditions ?? null, r.updateCycle, r.publishDate, r.related, r.libraryClass, r.library, r.backingTable, r.version,
    r.createdAt, r.updatedAt, r.updatedBy, terms,
  ];
}

export function createCatalogStore(db: Queryable) {
  return {
    async get(q: Queryable, code: string, lock = false): Promise<Resource | null> {
      const { rows } = await q.query<ResourceRow>(`SELECT * FROM catalog_resources WHERE code = $1${lock ? ' FOR UPDATE' : ''}`, [code]);
      return rows[0] ? toResource(rows[0]) : null;
    },

    async upsert(q: Queryable, r: Resource, terms: string[]): Promise<void> {
      const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
      const updates = columns.filter((c) => c !== 'code' && c !== 'created_at').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
      await q.query(`INSERT INTO catalog_resources (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT (code) DO UPDATE SET ${updates}`, values(r, terms));
    },

    async addVersion(q: Queryable, code: string, version: number, snapshot: unknown, at: string, by: string): Promise<void> {
      await q.query('INSERT INTO catalog_resource_versions (code, version, snapshot, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5)', [code, version, JSON.stringify(snapshot), at, by]);
    },

    async versions(code: string): Promise<Array<{ version: number; snapshot: unknown; changedAt: string; changedBy: string }>> {
      const { rows } = await db.query<{ version: number; snapshot: unknown; changed_at: Date | string; changed_by: string }>(
        'SELECT version, snapshot, changed_at, changed_by FROM catalog_resource_versions WHERE code = $1 ORDER BY version',
        [code],
      );
      return rows.map((r) => ({ version: r.version, snapshot: typeof r.snapshot === 'string' ? (JSON.parse(r.snapshot) as unknown) : r.snapshot, changedAt: iso(r.changed_at), changedBy: r.changed_by }));
    },

    async existingCodes(q: Queryable, codes: readonly string[]): Promise<Set<string>> {
      if (codes.length === 0) return new Set();
      const { rows } = await q.query<{ code: string }>('SELECT code FROM catalog_resources WHERE code = ANY($1)', [codes]);
      return new Set(rows.map((r) => r.code));
    },

    async elementOwners(q: Queryable, elements: readonly string[]): Promise<Map<string, string>> {
      if (elements.length === 0) return new Map();
      const { rows } = await q.query<{ element: string; resource_code: string }>('SELECT element, resource_code FROM catalog_element_sources WHERE element = ANY($1)', [elements]);
      return new Map(rows.map((r) => [r.element, r.resource_code]));
    },

    async setOwnedElements(q: Queryable, code: string, owned: ReadonlyArray<{ element: string; item: string }>): Promise<void> {
      await q.query('DELETE FROM catalog_element_sources WHERE resource_code = $1', [code]);
      for (const o of owned) await q.query('INSERT INTO catalog_element_sources (element, resource_code, item_name) VALUES ($1, $2, $3)', [o.element, code, o.item]);
    },

    /**
     * Filtered search, shortest names first. The order matches the (length(name), code) index, so a
     * broad query reads that index until the page is full instead of sorting every match; the total
     * is counted up to COUNT_CAP (`totalCapped` beyond).
     */
    async search(query: ResourceQuery): Promise<ResourceList> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      const terms = queryTerms(query.q?.trim() ?? '');
      if (terms.length > 0) add('search_terms @> ?::text[]', terms);
      if (query.department) add('department = ?', query.department);
      if (query.libraryClass) add('library_class = ?', query.libraryClass);
      if (query.library) add('library = ?', query.library);
      if (query.sharingType) add('sharing_type = ?', query.sharingType);
      if (query.openType) add('open_type = ?', query.openType);
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const n = params.length;
      const count = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM catalog_resources ${filter} LIMIT ${COUNT_CAP + 1}) s`, params);
      // Few matches: fetch them through the GIN index and sort (`+ 0` keeps the planner off the
      // name index). Many: walk the name index in order and stop when the page is full.
      const order = Number(count.rows[0]?.n ?? 0) <= SORT_MATCHES ? 'length(name) + 0, code' : 'length(name), code';
      const page = await db.query<ResourceRow>(
        `SELECT code, name, department, abstract, library_class, library, sharing_type, open_type, update_cycle, version, updated_at
           FROM catalog_resources ${filter} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, query.limit, query.offset],
      );
      const counted = Number(count.rows[0]?.n ?? 0);
      return {
        total: Math.min(counted, COUNT_CAP),
        totalCapped: counted > COUNT_CAP,
        items: page.rows.map((r) => ({
          code: r.code, name: r.name, department: r.department, abstract: r.abstract, libraryClass: r.library_class, library: r.library,
          sharingType: r.sharing_type, openType: r.open_type, updateCycle: r.update_cycle, version: r.version, updatedAt: iso(r.updated_at),
        })),
      };
    },

    /** Every resource in full (without search terms), by code: the three lists are generated from them. */
    async allResources(q: Queryable = db): Promise<Resource[]> {
      const { rows } = await q.query<ResourceRow>(`SELECT ${columns.filter((c) => c !== 'search_terms').join(', ')} FROM catalog_resources ORDER BY code`);
      return rows.map(toResource);
    },

    async libraryCounts(): Promise<Map<string, number>> {
      const { rows } = await db.query<{ library_class: string; library: string | null; n: string | number }>(
        'SELECT library_class, library, count(*) AS n FROM catalog_resources GROUP BY library_class, library',
      );
      return new Map(rows.map((r) => [`${r.library_class}/${r.library ?? ''}`, Number(r.n)]));
    },
  };
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;
