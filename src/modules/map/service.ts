// 一张图 one map: the layer catalogue, GeoJSON by bounding box and vector tiles, with layers kept
// current by bus events (and by TTL for data that changes without one).
import { createHash } from 'node:crypto';
import type { Logger } from '../../kernel/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { eventScopeOf, type EventScope } from '../events/index.ts';
import type { Principal } from '../identity/index.ts';
import { mapError } from './errors.ts';
import { createLayerRegistry, describeLayer, type LayerRegistry } from './registry.ts';
import type { Layer, LayerList, LayerListQuery } from './schemas.ts';
import { builtinSources, catalogSource, eventUnitsOf, type FlatFeature, type LayerSource, type MapSourceDeps } from './sources.ts';
import { createTileEngine, parseTileAddress, type TileCacheOptions, type TileEngine } from './tiles.ts';

/** Whether the caller holds a permission (all true when no access control is installed). */
export type CanRead = (permission: string) => boolean;

/** Who asks: the permissions they hold and, for layers of events, what they may see of them. */
export interface MapCaller {
  can: CanRead;
  /** The caller's event scope (their units and region); null sees everything (no access control, trusted callers). */
  eventScope(): Promise<EventScope | null>;
}

/** A caller who sees everything (in-process use, benchmarks, tests without access control). */
/** The permission whose reach is the big screen's scope (the screen module's KPIs). */
const SCREEN_PERMISSION = 'screen.kpi.read';

export const EVERYTHING: MapCaller = { can: () => true, eventScope: () => Promise.resolve(null) };

export interface GeoJsonAnswer {
  type: 'FeatureCollection';
  features: FlatFeature[];
  truncated: boolean;
  skipped: number;
}

export interface TileAnswer {
  body: Buffer;
  etag: string;
  cached: boolean;
  /** Seconds a browser may reuse the tile without asking (0 for live layers). */
  maxAge: number;
}

export interface MapService {
  layers(query: LayerListQuery, canRead: CanRead): LayerList;
  layer(id: string, canRead: CanRead): Layer;
  /** Features of a layer; a layer of events holds only the events the caller may see. */
  geojson(id: string, query: { bbox?: string; limit: number }, caller: MapCaller): Promise<GeoJsonAnswer>;
  tile(id: string, z: string, x: string, y: string, caller: MapCaller): Promise<TileAnswer>;
  /** The event scope of a signed-in principal (the events module's viewer). */
  eventScope(principal: Principal): Promise<EventScope>;
  /** The big screen's scope of a principal: the reach of their `screen.kpi.read` grant (as the screen's KPIs and stream). */
  screenScope(principal: Principal): Promise<EventScope>;
  /** A bus event arrived: drop the layers it makes stale. Returns the ids invalidated. */
  onBusEvent(subject: string, data: unknown): Promise<string[]>;
  /** Scan the catalogue for resources with coordinates (at start; later changes arrive by bus). */
  syncCatalog(): Promise<number>;
  /** Add a layer from outside the built-ins and the catalogue (tests, benchmarks, future modules). */
  addLayer(source: LayerSource): void;
  engine: TileEngine;
  registry: LayerRegistry;
}

/** Does a NATS-style pattern (`*` one token, `>` the rest) match the subject? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

function parseBbox(bbox: string): [number, number, number, number] {
  const parts = bbox.split(',').map((s) => Number(s.trim()));
  const [w, s, e, n] = parts;
  if (parts.length !== 4 || w === undefined || s === undefined || e === undefined || n === undefined || parts.some((v) => !Number.isFinite(v))) {
    throw mapError('bbox_invalid', 'bbox must be four numbers: west,south,east,north', { field: '/querystring/bbox' });
  }
  if (w < -180 || e > 180 || s < -90 || n > 90 || w >= e || s >= n) {
    throw mapError('bbox_invalid', 'bbox must lie within -180..180, -90..90 with west < east and south < north', { field: '/querystring/bbox' });
  }
  return [w, s, e, n];
}

const CATALOG_PAGE = 200;
/** Scoped views kept per layer (one per distinct reach of the callers); the oldest goes first. */
const MAX_VIEWS = 256;

interface ScopedView {
  source: LayerSource;
  /** The version of the full layer this view was cut from. */
  baseVersion: string | undefined;
}

export function createMapService(deps: MapSourceDeps & { logger: Logger; tileCache?: TileCacheOptions }): MapService {
  const registry = createLayerRegistry();
  for (const s of builtinSources(deps)) registry.put(s);
  const engine = createTileEngine(deps.clock, deps.tileCache);

  function readable(id: string, canRead: CanRead): LayerSource {
    const source = registry.get(id);
    if (!source) throw mapError('layer_not_found', `no layer ${id}`, { field: '/params/id' });
    if (!canRead(source.layer.permission)) throw mapError('layer_forbidden', `layer ${id} needs the permission ${source.layer.permission}`, { permission: source.layer.permission });
    return source;
  }

  // A scoped layer is served to a caller who does not see everything as a view of the full layer
  // cut to their reach, cached (features and tiles) like a layer of its own under `<id>@<reach>`.
  const views = new Map<string, Map<string, ScopedView>>();

  function invalidateViews(id: string): void {
    const byScope = views.get(id);
    if (!byScope) return;
    for (const v of byScope.values()) engine.invalidate(v.source.layer.id);
    views.delete(id);
  }

  async function servedTo(source: LayerSource, caller: MapCaller): Promise<LayerSource> {
    if (!source.scoped) return source;
    const scope = await caller.eventScope();
    if (scope === null || scope.all) return source;
    const id = source.layer.id;
    const byScope = views.get(id) ?? new Map<string, ScopedView>();
    views.set(id, byScope);
    const base = await engine.data(source);
    let view = byScope.get(scope.key);
    if (view && view.baseVersion !== base.version) engine.invalidate(view.source.layer.id);
    if (!view) {
      if (byScope.size >= MAX_VIEWS) {
        const [oldestKey, oldest] = byScope.entries().next().value as [string, ScopedView];
        engine.invalidate(oldest.source.layer.id);
        byScope.delete(oldestKey);
      }
      const created: ScopedView = {
        baseVersion: base.version,
        source: {
          ...source,
          tileLayer: id,
          layer: { ...source.layer, id: `${id}@${createHash('sha1').update(scope.key).digest('base64url').slice(0, 12)}` },
          async load() {
            const full = await engine.data(source);
            created.baseVersion = full.version;
            // Events without a place are not features, so their units are unknown here: not counted for a view.
            return { features: full.features.filter((f) => scope.sees(eventUnitsOf(f.properties))), skipped: 0 };
          },
        },
      };
      view = created;
      byScope.set(scope.key, view);
    }
    return view.source;
  }

  async function refreshResource(code: string, catalog: Pick<CatalogService, 'get'>): Promise<string[]> {
    const id = `res:${code}`;
    const resource = await catalog.get(code).catch(() => undefined);
    const source = resource ? catalogSource(resource, deps.rows) : null;
    if (source) registry.put(source);
    else registry.remove(id);
    engine.invalidate(id);
    return [id];
  }

  return {
    engine,
    registry,
    layers: (query, canRead) => registry.list(query, canRead),
    layer: (id, canRead) => describeLayer(readable(id, canRead)),
    async eventScope(principal) {
      return eventScopeOf(await deps.events.viewer(principal, principal.login));
    },
    screenScope: (principal) => deps.events.unitScope(principal, SCREEN_PERMISSION),
    async geojson(id, query, caller) {
      const source = await servedTo(readable(id, caller.can), caller);
      const box = query.bbox === undefined ? undefined : parseBbox(query.bbox);
      const data = await engine.data(source);
      const features: FlatFeature[] = [];
      let truncated = false;
      for (let i = 0; i < data.features.length; i++) {
        if (box) {
          const b = data.boxes.subarray(i * 4, i * 4 + 4);
          if ((b[2] ?? 0) < box[0] || (b[0] ?? 0) > box[2] || (b[3] ?? 0) < box[1] || (b[1] ?? 0) > box[3]) continue;
        }
        if (features.length >= query.limit) {
          truncated = true;
          break;
        }
        features.push(data.features[i] as FlatFeature);
      }
      return { type: 'FeatureCollection', features, truncated, skipped: data.skipped };
    },
    async tile(id, z, x, y, caller) {
      const address = parseTileAddress(z, x, y);
      const source = await servedTo(readable(id, caller.can), caller);
      const t = await engine.tile(source, address);
      const live = source.subjects.length > 0 || source.ttlMs < 10 * 60_000;
      return { body: t.body, etag: `"${t.version}-${address.z}-${address.x}-${address.y}"`, cached: t.cached, maxAge: live ? 0 : 300 };
    },
    async onBusEvent(subject, data) {
      if (subject === 'catalog.resource.changed' || subject.startsWith('aggregation.load.')) {
        const code = (data as { code?: unknown; resourceCode?: unknown } | null)?.code ?? (data as { resourceCode?: unknown } | null)?.resourceCode;
        if (typeof code !== 'string') return [];
        if (subject === 'catalog.resource.changed') return refreshResource(code, deps.catalog);
        const id = `res:${code}`;
        if (!registry.get(id)) return [];
        engine.invalidate(id);
        return [id];
      }
      const stale: string[] = [];
      for (const id of registry.ids()) {
        const s = registry.get(id);
        if (s?.subjects.some((p) => subjectMatches(p, subject))) {
          engine.invalidate(id);
          invalidateViews(id);
          stale.push(id);
        }
      }
      return stale;
    },
    async syncCatalog() {
      let added = 0;
      for (let offset = 0; ; offset += CATALOG_PAGE) {
        const page = await deps.catalog.search({ limit: CATALOG_PAGE, offset });
        for (const summary of page.items) {
          const resource = await deps.catalog.get(summary.code).catch((err: unknown) => {
            deps.logger.warn({ err, code: summary.code }, 'map: catalogued resource not readable');
            return undefined;
          });
          const source = resource ? catalogSource(resource, deps.rows) : null;
          if (source) {
            registry.put(source);
            added++;
          }
        }
        if (page.items.length < CATALOG_PAGE || offset + CATALOG_PAGE >= 100_000) return added;
      }
    },
    addLayer(source) {
      registry.put(source);
      engine.invalidate(source.layer.id);
      invalidateViews(source.layer.id);
    },
  };
}
