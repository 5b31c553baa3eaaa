// Catalog service (政务信息资源目录): resources with the national catalog fields, kept as versions,
// searchable in Chinese; the six base libraries and the theme templates.
import { inDepartments, type Clock, type DepartmentScope, type Logger } from '../../kernel/index.ts';
import { enqueueEvent, type Database, type Queryable } from '../../platform/index.ts';
import { diffSnapshots, type Snapshot } from './diff.ts';
import { catalogError } from './errors.ts';
import { BASE_LIBRARIES, BASE_RESOURCES, THEME_LIBRARIES, THEME_TEMPLATES } from './libraries.ts';
import type {
  FromTemplate, LibraryInfo, Resource, ResourceInput, ResourceList, ResourceQuery, ResourceUpdate, ThemeTemplate, VersionDiff, VersionInfo,
} from './schemas.ts';
import { indexTerms } from './search-terms.ts';
import { createCatalogStore } from './store.ts';

/** Who makes a change; recorded on every version. */
export interface Actor {
  id: string;
  /** 数源部门: the departments whose resources the caller may change (absent: not checked — internal callers). */
  departments?: DepartmentScope;
}

export interface CatalogService {
  create(input: ResourceInput, actor: Actor): Promise<Resource>;
  /** Replace the resource's fields; a new version is kept when anything changed. */
  update(code: string, input: ResourceUpdate, actor: Actor): Promise<Resource>;
  get(code: string): Promise<Resource>;
  search(query: ResourceQuery): Promise<ResourceList>;
  versions(code: string): Promise<{ code: string; items: VersionInfo[] }>;
  version(code: string, version: number): Promise<Snapshot & { version: number }>;
  diff(code: string, from: number, to: number): Promise<VersionDiff>;
  libraries(): Promise<{ items: LibraryInfo[] }>;
  templates(): { items: ThemeTemplate[] };
  createFromTemplate(input: FromTemplate, actor: Actor): Promise<Resource>;
  /** Catalogue the base-library resources that are missing (first start); returns how many were added. */
  ensureBaseLibraries(): Promise<number>;
}

export const RESOURCE_CHANGED = 'catalog.resource.changed';

const snapshotOf = (r: Resource): Snapshot => {
  const { code: _code, version: _v, createdAt: _c, updatedAt: _u, updatedBy: _b, ...rest } = r;
  return rest;
};
const termsOf = (r: Resource): string[] =>
  indexTerms([r.name, r.abstract, r.code, r.department, r.classification.category, r.classification.item, r.classification.heading, r.classification.subheading, ...r.dataItems.map((i) => i.title)]);

export function createCatalogService(deps: { db: Database; logger: Logger; clock: Clock }): CatalogService {
  const store = createCatalogStore(deps.db);

  /** Catalog rules beyond the schema; each failure names the field. */
  async function check(tx: Queryable, code: string, r: Omit<ResourceInput, 'code'>): Promise<Array<{ element: string; item: string }>> {
    const names = new Set<string>();
    r.dataItems.forEach((item, i) => {
      if (names.has(item.name)) throw catalogError('data_item_duplicate', `data item ${item.name} appears twice`, { field: `/body/dataItems/${i}/name` });
      names.add(item.name);
    });
    if (r.sharing.type !== 'unconditional' && !r.sharing.conditions) {
      throw catalogError('resource_invalid', r.sharing.type === 'conditional' ? 'conditional sharing needs its conditions (共享条件)' : 'not sharing needs its basis (不予共享依据)', { field: '/body/sharing/conditions' });
    }
    if (r.open.type === 'conditional' && !r.open.conditions) throw catalogError('resource_invalid', 'conditional opening needs its conditions (开放条件)', { field: '/body/open/conditions' });
    if (r.sharing.type === 'none' && r.open.type !== 'none') throw catalogError('resource_invalid', 'a resource that is not shared cannot be open', { field: '/body/open/type' });
    if (r.publishDate !== undefined && Number.isNaN(Date.parse(`${r.publishDate}T00:00:00Z`))) throw catalogError('resource_invalid', 'publishDate is not a date', { field: '/body/publishDate' });
    if (r.libraryClass === 'base' && !BASE_LIBRARIES.some((l) => l.library === r.library)) {
      throw catalogError('resource_invalid', `a base-library resource names one of the six base libraries: ${BASE_LIBRARIES.map((l) => l.library).join(', ')}`, { field: '/body/library' });
    }
    const related = r.related ?? [];
    const known = await store.existingCodes(tx, related);
    related.forEach((c, i) => {
      if (c === code) throw catalogError('resource_invalid', 'a resource cannot be related to itself', { field: `/body/related/${i}` });
      if (!known.has(c)) throw catalogError('resource_invalid', `related resource ${c} is not in the catalog`, { field: `/body/related/${i}` });
    });
    // 一数一源: an element is owned by one resource; others carry it with `source` naming the owner.
    const elements = r.dataItems.flatMap((i) => (i.element ? [i.element] : []));
    const owners = await store.elementOwners(tx, elements);
    const owned: Array<{ element: string; item: string }> = [];
    const ownedHere = new Set<string>();
    r.dataItems.forEach((item, i) => {
      if (item.source !== undefined && !item.element) throw catalogError('resource_invalid', 'a data item with a source names its data element', { field: `/body/dataItems/${i}/element` });
      if (!item.element) return;
      const owner = owners.get(item.element);
      if (item.source === undefined || item.source === code) {
        if (owner !== undefined && owner !== code) {
          throw catalogError('element_source_conflict', `data element ${item.element} already has its source in ${owner} (一数一源); set source to ${owner}`, { field: `/body/dataItems/${i}/source`, owner });
        }
        if (ownedHere.has(item.element)) throw catalogError('element_source_conflict', `data element ${item.element} appears twice in this resource`, { field: `/body/dataItems/${i}/element` });
        ownedHere.add(item.element);
        owned.push({ element: item.element, item: item.name });
      } else if (owner !== item.source) {
        throw catalogError('element_source_conflict', owner === undefined ? `data element ${item.element} has no source resource yet` : `the source of data element ${item.element} is ${owner}, not ${item.source}`, { field: `/body/dataItems/${i}/source`, owner });
      }
    });
    return owned;
  }

  async function save(tx: Queryable, r: Resource, owned: Array<{ element: string; item: string }>, actor: Actor, change: 'created' | 'updated'): Promise<void> {
    await store.upsert(tx, r, termsOf(r));
    await store.setOwnedElements(tx, r.code, owned);
    await store.addVersion(tx, r.code, r.version, snapshotOf(r), r.updatedAt, actor.id);
    await enqueueEvent(tx, RESOURCE_CHANGED, { code: r.code, version: r.version, change });
  }

  function build(code: string, input: Omit<ResourceInput, 'code'>, version: number, createdAt: string, actor: Actor, backingTable: string | null): Resource {
    const now = deps.clock.now().toISOString();
    return {
      code,
      name: input.name,
      classification: input.classification,
      department: input.department,
      abstract: input.abstract,
      format: input.format,
      dataItems: input.dataItems,
      sharing: input.sharing,
      open: input.open,
      updateCycle: input.updateCycle,
      publishDate: input.publishDate ?? null,
      related: input.related ?? [],
      libraryClass: input.libraryClass,
      library: input.library ?? null,
      backingTable,
      version,
      createdAt,
      updatedAt: now,
      updatedBy: actor.id,
    };
  }

  /** 一数一源: a caller scoped to departments catalogues and edits their own departments' resources only. */
  function checkDepartment(actor: Actor, department: string, field: string): void {
    if (actor.departments && !inDepartments(actor.departments, department)) {
      throw catalogError('department_out_of_scope', `${department} is not a department you may catalogue for (数源部门)`, { field });
    }
  }

  async function create(input: ResourceInput, actor: Actor, backingTable: string | null = null): Promise<Resource> {
    checkDepartment(actor, input.department, '/body/department');
    return deps.db.transaction(async (tx) => {
      if (await store.get(tx, input.code)) throw catalogError('resource_exists', `resource ${input.code} is already in the catalog`, { field: '/body/code' });
      const { code, ...fields } = input;
      const owned = await check(tx, code, fields);
      const r = build(code, fields, 1, deps.clock.now().toISOString(), actor, backingTable);
      await save(tx, r, owned, actor, 'created');
      return r;
    });
  }

  async function get(code: string): Promise<Resource> {
    const r = await store.get(deps.db, code);
    if (!r) throw catalogError('resource_not_found', `no resource ${code} in the catalog`, { field: '/params/code' });
    return r;
  }

  async function version(code: string, v: number): Promise<Snapshot & { version: number }> {
    await get(code);
    const found = (await store.versions(code)).find((x) => x.version === v);
    if (!found) throw catalogError('version_not_found', `resource ${code} has no version ${v}`, { field: '/params/version' });
    return { ...(found.snapshot as Snapshot), version: v };
  }

  return {
    create: (input, actor) => create(input, actor),

    update(code, input, actor) {
      return deps.db.transaction(async (tx) => {
        const current = await store.get(tx, code, true);
        if (!current) throw catalogError('resource_not_found', `no resource ${code} in the catalog`, { field: '/params/code' });
        checkDepartment(actor, current.department, '/params/code');
        if (input.department !== undefined) checkDepartment(actor, input.department, '/body/department');
        const { version: expected, ...fields } = input;
        if (expected !== undefined && expected !== current.version) {
          throw catalogError('version_conflict', `resource ${code} is at version ${current.version}, not ${expected}; reload and edit again`, { field: '/body/version', current: current.version });
        }
        const owned = await check(tx, code, fields);
        const next = build(code, fields, current.version + 1, current.createdAt, actor, current.backingTable);
        if (diffSnapshots(snapshotOf(current), snapshotOf(next)).length === 0) return current;
        await save(tx, next, owned, actor, 'updated');
        return next;
      });
    },

    get,
    search: (query) => store.search(query),

    async versions(code) {
      await get(code);
      const list = await store.versions(code);
      return {
        code,
        items: list.map((v, i) => ({
          version: v.version,
          changedAt: v.changedAt,
          changedBy: v.changedBy,
          changes: i === 0 ? 0 : diffSnapshots(list[i - 1]?.snapshot as Snapshot, v.snapshot as Snapshot).length,
        })),
      };
    },

    version,

    async diff(code, from, to) {
      const [a, b] = await Promise.all([version(code, from), version(code, to)]);
      const { version: _a, ...before } = a;
      const { version: _b, ...after } = b;
      return { code, from, to, changes: diffSnapshots(before, after) };
    },

    async libraries() {
      const counts = await store.libraryCounts();
      return {
        items: [
          ...BASE_LIBRARIES.map((l) => ({ libraryClass: 'base', ...l, resources: counts.get(`base/${l.library}`) ?? 0 })),
          ...THEME_LIBRARIES.map((l) => ({ libraryClass: 'theme', ...l, resources: counts.get(`theme/${l.library}`) ?? 0 })),
        ],
      };
    },

    templates: () => ({ items: [...THEME_TEMPLATES] }),

    createFromTemplate(input, actor) {
      const t = THEME_TEMPLATES.find((x) => x.id === input.template);
      if (!t) throw catalogError('template_not_found', `no theme template ${input.template}`, { field: '/body/template' });
      const lib = THEME_LIBRARIES.find((l) => l.library === t.library);
      return create(
        {
          code: input.code,
          name: input.name ?? t.title,
          classification: { category: '主题信息资源类', item: lib?.title ?? t.library, heading: t.title },
          department: input.department,
          abstract: `${lib?.title ?? ''}：${t.title}（由模板 ${t.id} 创建）`,
          format: 'database',
          dataItems: t.dataItems,
          sharing: { type: 'conditional', conditions: '依申请共享，用途限于履职需要', method: '接口' },
          open: { type: 'none' },
          updateCycle: 'daily',
          libraryClass: 'theme',
          library: t.library,
        },
        actor,
      );
    },

    async ensureBaseLibraries() {
      let added = 0;
      let updated = 0;
      const system = { id: 'system' };
      for (const { backingTable, ...input } of BASE_RESOURCES) {
        const current = await store.get(deps.db, input.code);
        if (!current) {
          await create(input, system, backingTable ?? null);
          added++;
          continue;
        }
        // A newer release's definition replaces one the platform wrote, never one a person edited.
        if (current.updatedBy !== system.id) continue;
        const { code, ...fields } = input;
        const changed = await deps.db.transaction(async (tx) => {
          const owned = await check(tx, code, fields);
          const next = build(code, fields, current.version + 1, current.createdAt, system, backingTable ?? null);
          if (current.backingTable === next.backingTable && diffSnapshots(snapshotOf(current), snapshotOf(next)).length === 0) return false;
          await save(tx, next, owned, system, 'updated');
          return true;
        });
        if (changed) updated++;
      }
      if (added > 0 || updated > 0) deps.logger.info({ added, updated }, 'catalogued the base libraries');
      return added;
    },
  };
}
