// Entities and batch operations (实体与批量操作) of the NGSI-LD API: validation, storage and the
// change feed that subscriptions listen to.
import type { Clock } from '../../../kernel/index.ts';
import { isAppError } from '../../../kernel/index.ts';
import type { Database } from '../../../platform/db/index.ts';
import { expand, type LdContext } from './context.ts';
import { checkEntityId, checkName, parseAttr, parseAttrs, parseEntity, renderEntity, type Rendering, type StoredAttr, type StoredEntity } from './entity.ts';
import { NGSI_ERROR_BASE, ngsiError } from './errors.ts';
import { geoToSql, Params, qToSql } from './query.ts';
import type { EntityStore } from './store.ts';

/** What changed: the entity and its changed attributes (expanded), or its deletion. */
export interface EntityChange {
  id: string;
  attrs: readonly string[];
  deleted?: boolean;
}
export type ChangeListener = (changes: readonly EntityChange[]) => void;

export interface BatchError {
  entityId: string | null;
  index: number;
  error: { type: string; title: string; status: number; detail: string; field?: string };
}
export interface BatchResult {
  success: string[];
  errors: BatchError[];
  /** Ids created (upsert: the others were changed). */
  created: string[];
}

export interface UpdateResult {
  updated: string[];
  notUpdated: Array<{ attributeName: string; reason: string }>;
}

export interface EntityQuery {
  /** Entity selectors of POST /entityOperations/query, OR-ed (each: type and id / idPattern). */
  entities?: ReadonlyArray<{ type?: string | undefined; id?: string | undefined; idPattern?: string | undefined }> | undefined;
  type?: string | undefined;
  id?: string | undefined;
  idPattern?: string | undefined;
  attrs?: string | undefined;
  q?: string | undefined;
  georel?: string | undefined;
  geometry?: string | undefined;
  coordinates?: unknown;
  geoproperty?: string | undefined;
  limit: number;
  offset: number;
  count?: boolean | undefined;
}

export const MAX_LIMIT = 1000;
export const MAX_BATCH = 1000;

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');

function problemOf(err: unknown): BatchError['error'] {
  if (isAppError(err)) {
    const status = err.kind === 'not_found' ? 404 : err.kind === 'conflict' ? 409 : err.kind === 'unavailable' ? 503 : 400;
    const type = err.code in { BadRequestData: 1, InvalidRequest: 1, AlreadyExists: 1, ResourceNotFound: 1, OperationNotSupported: 1, LdContextNotAvailable: 1 } ? err.code : 'BadRequestData';
    return { type: NGSI_ERROR_BASE + type, title: type, status, detail: err.message, ...(typeof err.details?.field === 'string' ? { field: err.details.field } : {}) };
  }
  throw err;
}

/** The WHERE clause of an entity query. */
export function entityWhere(query: Omit<EntityQuery, 'limit' | 'offset'>, ctx: LdContext, params: Params, prefix = '/query'): { where: string; pick: Set<string> | undefined } {
  const parts: string[] = [];
  const types = list(query.type);
  const ids = list(query.id);
  const attrs = list(query.attrs);
  if (query.entities && query.entities.length > 0) {
    const alternatives = query.entities.map((sel, i) => {
      const at = `${prefix}/entities/${i}`;
      const conds: string[] = [];
      if (sel.type !== undefined) {
        checkName(sel.type, `${at}/type`);
        conds.push(`type = ${params.add(expand(sel.type, ctx))}`);
      }
      if (sel.id !== undefined) conds.push(`id = ${params.add(checkEntityId(sel.id, `${at}/id`))}`);
      if (sel.idPattern !== undefined) {
        try {
          new RegExp(sel.idPattern);
        } catch {
          throw ngsiError('BadRequestData', 'idPattern must be a regular expression', `${at}/idPattern`);
        }
        conds.push(`id ~ ${params.add(sel.idPattern)}`);
      }
      if (conds.length === 0) throw ngsiError('BadRequestData', 'an entity selector needs type, id or idPattern', `${at}/type`);
      return `(${conds.join(' AND ')})`;
    });
    parts.push(`(${alternatives.join(' OR ')})`);
  } else if (types.length === 0 && ids.length === 0 && !query.idPattern && attrs.length === 0 && !query.q && !query.georel) {
    throw ngsiError('BadRequestData', 'give at least one of type, id, idPattern, attrs, q or a geo-query', `${prefix}/type`);
  }
  types.forEach((t) => checkName(t, `${prefix}/type`));
  if (types.length > 0) parts.push(`type = ANY(${params.add(types.map((t) => expand(t, ctx)))}::text[])`);
  ids.forEach((id) => checkEntityId(id, `${prefix}/id`));
  if (ids.length > 0) parts.push(`id = ANY(${params.add(ids)}::text[])`);
  if (query.idPattern) {
    try {
      new RegExp(query.idPattern);
    } catch {
      throw ngsiError('BadRequestData', 'idPattern must be a regular expression', `${prefix}/idPattern`);
    }
    parts.push(`id ~ ${params.add(query.idPattern)}`);
  }
  let pick: Set<string> | undefined;
  if (attrs.length > 0) {
    attrs.forEach((a) => checkName(a, `${prefix}/attrs`));
    pick = new Set(attrs.map((a) => expand(a, ctx)));
    parts.push(`attrs ?| ${params.add([...pick])}::text[]`);
  }
  if (query.q) parts.push(qToSql(query.q, ctx, params, `${prefix}/q`));
  if (query.georel || query.geometry || query.coordinates !== undefined) {
    if (!query.georel) throw ngsiError('BadRequestData', 'a geo-query needs georel', `${prefix}/georel`);
    if (!query.geometry) throw ngsiError('BadRequestData', 'a geo-query needs geometry (Point, Polygon, …)', `${prefix}/geometry`);
    if (query.coordinates === undefined) throw ngsiError('BadRequestData', 'a geo-query needs coordinates', `${prefix}/coordinates`);
    parts.push(geoToSql({ georel: query.georel, geometry: query.geometry, coordinates: query.coordinates, geoproperty: query.geoproperty }, ctx, params, prefix));
  }
  return { where: parts.join(' AND ') || 'true', pick };
}

export function createEntityService(deps: { db: Database; store: EntityStore; clock: Clock }) {
  const { db, store, clock } = deps;
  const listeners: ChangeListener[] = [];
  const emit = (changes: EntityChange[]): void => {
    if (changes.length > 0) for (const l of listeners) l(changes);
  };
  const changeOf = (e: StoredEntity): EntityChange => ({ id: e.id, attrs: Object.keys(e.attrs) });

  async function mustGet(id: string, field = '/params/entityId'): Promise<StoredEntity> {
    const e = await store.get(db, checkEntityId(id, field));
    if (!e) throw ngsiError('ResourceNotFound', `no entity ${id}`, field);
    return e;
  }

  /** Change one entity's attributes inside a transaction (read for update, modify, save). */
  async function modify(id: string, fn: (e: StoredEntity) => string[]): Promise<string[]> {
    checkEntityId(id, '/params/entityId');
    const now = clock.now();
    const changed = await db.transaction(async (tx) => {
      const e = await store.get(tx, id, true);
      if (!e) throw ngsiError('ResourceNotFound', `no entity ${id}`, '/params/entityId');
      const names = fn(e);
      if (names.length > 0) {
        await store.save(tx, e, now);
        await store.appendHistory(tx, [{ ...e, attrs: Object.fromEntries(names.filter((n) => e.attrs[n]).map((n) => [n, e.attrs[n] as StoredAttr])) }], now);
      }
      return names;
    });
    emit([{ id, attrs: changed }]);
    return changed;
  }

  function parseBatch(bodies: unknown, ctx: (i: number) => LdContext, idsOnly = false): { good: Array<{ index: number; entity: StoredEntity }>; errors: BatchError[] } {
    if (!Array.isArray(bodies)) throw ngsiError('BadRequestData', 'the body is an array of entities', '/body');
    if (bodies.length === 0 || bodies.length > MAX_BATCH) throw ngsiError('BadRequestData', `a batch holds 1 to ${MAX_BATCH} entities`, '/body');
    const good: Array<{ index: number; entity: StoredEntity }> = [];
    const errors: BatchError[] = [];
    bodies.forEach((b, index) => {
      try {
        if (idsOnly) {
          const id = checkEntityId(typeof b === 'string' ? b : undefined, `/body/${index}`);
          good.push({ index, entity: { id, type: '', attrs: {} } });
        } else good.push({ index, entity: parseEntity(b, ctx(index), `/body/${index}`) });
      } catch (err) {
        const id = b !== null && typeof b === 'object' && typeof (b as Record<string, unknown>).id === 'string' ? ((b as Record<string, unknown>).id as string) : typeof b === 'string' ? b : null;
        errors.push({ entityId: id, index, error: problemOf(err) });
      }
    });
    return { good, errors };
  }

  const notFound = (id: string, index: number): BatchError => ({ entityId: id, index, error: problemOf(ngsiError('ResourceNotFound', `no entity ${id}`, `/body/${index}/id`)) });

  return {
    onChange(l: ChangeListener): void {
      listeners.push(l);
    },
    /** Tell subscribers about changes made elsewhere (device readings), after they are committed. */
    emit,

    async create(body: unknown, ctx: LdContext): Promise<string> {
      const e = parseEntity(body, ctx, '/body');
      const now = clock.now();
      const created = await db.transaction(async (tx) => {
        const ids = await store.insert(tx, [e], now);
        if (ids.size > 0) await store.appendHistory(tx, [e], now);
        return ids;
      });
      if (created.size === 0) throw ngsiError('AlreadyExists', `entity ${e.id} already exists`, '/body/id');
      emit([changeOf(e)]);
      return e.id;
    },

    async get(id: string, ctx: LdContext, opts: { form: Rendering; attrs?: string | undefined; sysAttrs?: boolean }): Promise<Record<string, unknown>> {
      const e = await mustGet(id);
      const names = list(opts.attrs);
      names.forEach((a) => checkName(a, '/query/attrs'));
      const pick = names.length > 0 ? new Set(names.map((a) => expand(a, ctx))) : undefined;
      if (pick && !Object.keys(e.attrs).some((a) => pick.has(a))) throw ngsiError('ResourceNotFound', `entity ${id} has none of the attributes ${names.join(', ')}`, '/query/attrs');
      return renderEntity(e, ctx, { form: opts.form, pick, sysAttrs: opts.sysAttrs ?? false });
    },

    /** POST /entities/{id}/attrs: add or replace attributes (`noOverwrite` keeps existing ones). */
    async appendAttrs(id: string, body: unknown, ctx: LdContext, noOverwrite: boolean): Promise<UpdateResult> {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ngsiError('BadRequestData', 'the body is an object of attributes', '/body');
      const attrs = parseAttrs(body as Record<string, unknown>, ctx, '/body');
      const result: UpdateResult = { updated: [], notUpdated: [] };
      await modify(id, (e) => {
        for (const [name, a] of Object.entries(attrs)) {
          if (noOverwrite && e.attrs[name]) {
            result.notUpdated.push({ attributeName: name, reason: 'attribute exists and options=noOverwrite' });
            continue;
          }
          e.attrs[name] = a;
          result.updated.push(name);
        }
        return result.updated;
      });
      return result;
    },

    /** PATCH /entities/{id}/attrs: replace existing attributes; unknown ones are reported. */
    async updateAttrs(id: string, body: unknown, ctx: LdContext): Promise<UpdateResult> {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ngsiError('BadRequestData', 'the body is an object of attributes', '/body');
      const attrs = parseAttrs(body as Record<string, unknown>, ctx, '/body');
      const result: UpdateResult = { updated: [], notUpdated: [] };
      await modify(id, (e) => {
        for (const [name, a] of Object.entries(attrs)) {
          if (!e.attrs[name]) {
            result.notUpdated.push({ attributeName: name, reason: 'the entity has no such attribute' });
            continue;
          }
          e.attrs[name] = a;
          result.updated.push(name);
        }
        return result.updated;
      });
      return result;
    },

    /** PATCH /entities/{id}/attrs/{attr}: partial update of one attribute (given members replace). */
    async patchAttr(id: string, attr: string, body: unknown, ctx: LdContext): Promise<void> {
      checkName(attr, '/params/attrId');
      const name = expand(attr, ctx);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ngsiError('BadRequestData', 'the body is the attribute fragment (e.g. {"value": 3})', '/body');
      await modify(id, (e) => {
        const current = e.attrs[name];
        if (!current) throw ngsiError('ResourceNotFound', `entity ${id} has no attribute ${attr}`, '/params/attrId');
        const merged = { ...current, ...(body as Record<string, unknown>), type: (body as Record<string, unknown>).type ?? current.type };
        if ('value' in (body) && current.type === 'Relationship') delete merged.object;
        e.attrs[name] = parseAttr(attr, merged, ctx, '/body');
        return [name];
      });
    },

    async deleteAttr(id: string, attr: string, ctx: LdContext): Promise<void> {
      checkName(attr, '/params/attrId');
      const name = expand(attr, ctx);
      await modify(id, (e) => {
        if (!e.attrs[name]) throw ngsiError('ResourceNotFound', `entity ${id} has no attribute ${attr}`, '/params/attrId');
        delete e.attrs[name];
        return [name];
      });
    },

    async remove(id: string): Promise<void> {
      checkEntityId(id, '/params/entityId');
      const gone = await db.transaction((tx) => store.remove(tx, [id]));
      if (gone.size === 0) throw ngsiError('ResourceNotFound', `no entity ${id}`, '/params/entityId');
      emit([{ id, attrs: [], deleted: true }]);
    },

    async query(query: EntityQuery, ctx: LdContext, opts: { form: Rendering; sysAttrs?: boolean }, prefix = '/query'): Promise<{ entities: Array<Record<string, unknown>>; count: number | undefined }> {
      if (query.limit > MAX_LIMIT) throw ngsiError('TooManyResults', `limit is at most ${MAX_LIMIT}`, `${prefix}/limit`);
      const params = new Params();
      const { where, pick } = entityWhere(query, ctx, params, prefix);
      const [found, count] = await Promise.all([
        query.limit > 0 ? store.find(where, params.values, query.limit, query.offset) : Promise.resolve([]),
        query.count ? store.count(where, params.values) : Promise.resolve(undefined),
      ]);
      return { entities: found.map((e) => renderEntity(e, ctx, { form: opts.form, pick, sysAttrs: opts.sysAttrs ?? false })), count };
    },

    async batchCreate(bodies: unknown, ctx: (i: number) => LdContext): Promise<BatchResult> {
      const { good, errors } = parseBatch(bodies, ctx);
      const firstOf = new Map<string, number>();
      const unique = good.filter(({ index, entity }) => {
        if (!firstOf.has(entity.id)) return firstOf.set(entity.id, index), true;
        errors.push({ entityId: entity.id, index, error: problemOf(ngsiError('AlreadyExists', `entity ${entity.id} appears twice in the batch`, `/body/${index}/id`)) });
        return false;
      });
      const now = clock.now();
      const created = await db.transaction(async (tx) => {
        const ids = await store.insert(tx, unique.map((g) => g.entity), now);
        await store.appendHistory(tx, unique.filter((g) => ids.has(g.entity.id)).map((g) => g.entity), now);
        return ids;
      });
      for (const { index, entity } of unique) {
        if (!created.has(entity.id)) errors.push({ entityId: entity.id, index, error: problemOf(ngsiError('AlreadyExists', `entity ${entity.id} already exists`, `/body/${index}/id`)) });
      }
      emit(unique.filter((g) => created.has(g.entity.id)).map((g) => changeOf(g.entity)));
      const success = unique.filter((g) => created.has(g.entity.id)).map((g) => g.entity.id);
      return { success, errors: errors.sort((a, b) => a.index - b.index), created: success };
    },

    async batchUpsert(bodies: unknown, ctx: (i: number) => LdContext, replace: boolean): Promise<BatchResult> {
      const { good, errors } = parseBatch(bodies, ctx);
      // One row per id: later entries merge into (update) or replace earlier ones.
      const byId = new Map<string, StoredEntity>();
      for (const { entity } of good) {
        const seen = byId.get(entity.id);
        byId.set(entity.id, seen && !replace ? { ...entity, attrs: { ...seen.attrs, ...entity.attrs } } : entity);
      }
      const entities = [...byId.values()];
      const now = clock.now();
      const created = await db.transaction(async (tx) => {
        const ids = await store.upsert(tx, entities, replace, now);
        await store.appendHistory(tx, entities, now);
        return ids;
      });
      emit(entities.map(changeOf));
      return { success: entities.map((e) => e.id), errors: errors.sort((a, b) => a.index - b.index), created: entities.filter((e) => created.has(e.id)).map((e) => e.id) };
    },

    async batchUpdate(bodies: unknown, ctx: (i: number) => LdContext): Promise<BatchResult> {
      const { good, errors } = parseBatch(bodies, ctx);
      const byId = new Map<string, { index: number; entity: StoredEntity }>();
      for (const g of good) {
        const seen = byId.get(g.entity.id);
        byId.set(g.entity.id, seen ? { index: seen.index, entity: { ...g.entity, attrs: { ...seen.entity.attrs, ...g.entity.attrs } } } : g);
      }
      const rows = [...byId.values()];
      const now = clock.now();
      const updated = await db.transaction(async (tx) => {
        const ids = await store.update(tx, rows.map((r) => r.entity), now);
        await store.appendHistory(tx, rows.filter((r) => ids.has(r.entity.id)).map((r) => r.entity), now);
        return ids;
      });
      for (const r of rows) if (!updated.has(r.entity.id)) errors.push(notFound(r.entity.id, r.index));
      emit(rows.filter((r) => updated.has(r.entity.id)).map((r) => changeOf(r.entity)));
      return { success: rows.filter((r) => updated.has(r.entity.id)).map((r) => r.entity.id), errors: errors.sort((a, b) => a.index - b.index), created: [] };
    },

    async batchDelete(bodies: unknown): Promise<BatchResult> {
      const { good, errors } = parseBatch(bodies, () => ({}) as LdContext, true);
      const ids = [...new Set(good.map((g) => g.entity.id))];
      const gone = await db.transaction((tx) => store.remove(tx, ids));
      const reported = new Set<string>();
      for (const g of good) {
        if (!gone.has(g.entity.id) && !reported.has(g.entity.id)) {
          reported.add(g.entity.id);
          errors.push(notFound(g.entity.id, g.index));
        }
      }
      emit([...gone].map((id) => ({ id, attrs: [], deleted: true })));
      return { success: ids.filter((id) => gone.has(id)), errors: errors.sort((a, b) => a.index - b.index), created: [] };
    },
  };
}

export type EntityService = ReturnType<typeof createEntityService>;
