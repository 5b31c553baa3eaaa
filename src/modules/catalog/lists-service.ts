// 三张清单 service: generate each list from the catalog now, publish it as a frozen version, compare
// versions, and export a version as XLSX or CSV.
import type { Clock } from '../../kernel/index.ts';
import { enqueueEvent, type Database } from '../../platform/index.ts';
import { catalogError } from './errors.ts';
import { diffLists, generateList, LIST_KINDS, LIST_TITLES, listCsv, listXlsx, type ListDiff, type ListEntry, type ListKind } from './lists.ts';
import { createListStore, type ListVersionMeta } from './lists-store.ts';
import type { Actor } from './service.ts';
import { createCatalogStore } from './store.ts';

export const LIST_PUBLISHED = 'catalog.list.published';

export interface ListSummary {
  kind: ListKind;
  title: string;
  titleEn: string;
  /** Entries the list has if generated now. */
  current: number;
  latest: ListVersionMeta | null;
  /** Entries added, removed or changed since the latest version (all current entries when none). */
  pending: number;
}

export interface ListsService {
  summary(): Promise<{ items: ListSummary[] }>;
  /** The list as the catalog stands now, and how it differs from the latest published version (`from` 0 when none). */
  current(kind: ListKind): Promise<{ kind: ListKind; entries: ListEntry[]; changes: ListDiff }>;
  versions(kind: ListKind): Promise<{ kind: ListKind; items: ListVersionMeta[] }>;
  /** Freeze the current generation as the next version; refused when nothing changed since the latest. */
  publish(kind: ListKind, note: string | undefined, actor: Actor): Promise<ListVersionMeta>;
  version(kind: ListKind, version: number): Promise<ListVersionMeta & { list: ListEntry[] }>;
  diff(kind: ListKind, from: number, to: number): Promise<ListDiff>;
  export(kind: ListKind, version: number, format: 'xlsx' | 'csv'): Promise<{ fileName: string; contentType: string; body: Buffer | string }>;
}

export function createListsService(deps: { db: Database; clock: Clock }): ListsService {
  const catalog = createCatalogStore(deps.db);
  const store = createListStore(deps.db);

  async function version(kind: ListKind, v: number) {
    const found = await store.get(kind, v);
    if (!found) throw catalogError('list_version_not_found', `the ${kind} list has no version ${v}`, { field: '/params/version' });
    return found;
  }

  return {
    async summary() {
      const resources = await catalog.allResources();
      const items: ListSummary[] = [];
      for (const kind of LIST_KINDS) {
        const now = generateList(kind, resources);
        const latest = await store.latest(deps.db, kind);
        const d = diffLists(kind, latest?.version ?? 0, 0, latest?.list ?? [], now);
        const { list: _l, ...meta } = latest ?? { list: [] };
        items.push({ kind, ...LIST_TITLES[kind], current: now.length, latest: latest ? (meta as ListVersionMeta) : null, pending: d.added.length + d.removed.length + d.changed.length });
      }
      return { items };
    },

    async current(kind) {
      const entries = generateList(kind, await catalog.allResources());
      const latest = await store.latest(deps.db, kind);
      return { kind, entries, changes: diffLists(kind, latest?.version ?? 0, 0, latest?.list ?? [], entries) };
    },

    async versions(kind) {
      return { kind, items: await store.versions(kind) };
    },

    async publish(kind, note, actor) {
      return deps.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`catalog_list:${kind}`]);
        const entries = generateList(kind, await catalog.allResources(tx));
        const latest = await store.latest(tx, kind);
        if (latest) {
          const d = diffLists(kind, latest.version, latest.version + 1, latest.list, entries);
          if (d.added.length + d.removed.length + d.changed.length === 0) {
            throw catalogError('list_unchanged', `the ${kind} list is unchanged since version ${latest.version}`, { field: '/params/kind', version: latest.version });
          }
        }
        const meta: ListVersionMeta = {
          kind,
          version: (latest?.version ?? 0) + 1,
          publishedAt: deps.clock.now().toISOString(),
          publishedBy: actor.id,
          note: note?.trim() ? note.trim() : null,
          entries: entries.length,
        };
        await store.insert(tx, meta, entries);
        await enqueueEvent(tx, LIST_PUBLISHED, { kind, version: meta.version, entries: meta.entries });
        return meta;
      });
    },

    version,

    async diff(kind, from, to) {
      const [a, b] = await Promise.all([version(kind, from), version(kind, to)]);
      return diffLists(kind, from, to, a.list, b.list);
    },

    async export(kind, v, format) {
      const found = await version(kind, v);
      const fileName = `${LIST_TITLES[kind].title}-v${v}.${format}`;
      if (format === 'csv') return { fileName, contentType: 'text/csv; charset=utf-8', body: listCsv(found.list) };
      return { fileName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await listXlsx(found.list, { ...found }) };
    },
  };
}
