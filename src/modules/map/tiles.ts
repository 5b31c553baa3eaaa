// 矢量瓦片 Mapbox Vector Tiles from a layer's features: points through supercluster (clusters at
// low zoom, the points themselves when zoomed in), lines and polygons through geojson-vt. Encoded
// tiles sit in a bounded LRU keyed by the layer's content version, so a changed layer never
// serves a stale tile; invalidation also drops them at once to free the memory.
import { createHash } from 'node:crypto';
import type { Feature, Geometry, Point } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import Supercluster from 'supercluster';
import { fromGeojsonVt } from 'vt-pbf';
import type { Clock } from '../../kernel/index.ts';
import { mapError } from './errors.ts';
import type { FlatFeature, LayerSource } from './sources.ts';

export const MAX_ZOOM = 22;
/** Lines and polygons are cut down to this zoom; MapLibre overzooms past the source's maxzoom. */
export const INDEX_MAX_ZOOM = 16;
const EXTENT = 4096;

export interface LayerData {
  version: string;
  features: FlatFeature[];
  /** Records without usable coordinates (reported in the GeoJSON answer). */
  skipped: number;
  /** [west, south, east, north] of every feature, 4 numbers each. */
  boxes: Float64Array;
  loadedAt: number;
  /** Estimated memory of the features (their JSON text plus the boxes), for the LRU's budget. */
  bytes: number;
  index?: { getTile(z: number, x: number, y: number): { features: unknown[] } | null };
}

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Parse z/x/y of a tile URL ("y" may end in .pbf); the error names the bad parameter. */
export function parseTileAddress(zs: string, xs: string, ys: string): TileAddress {
  const int = (s: string, field: string, max: number): number => {
    if (!/^\d{1,8}$/.test(s)) throw mapError('tile_invalid', `${field} must be a whole number, got ${JSON.stringify(s)}`, { field: `/params/${field}` });
    const n = Number(s);
    if (n > max) throw mapError('tile_invalid', `${field} must be at most ${max}${field === 'z' ? '' : ` at zoom ${zs}`}, got ${n}`, { field: `/params/${field}` });
    return n;
  };
  const z = int(zs, 'z', MAX_ZOOM);
  const side = 2 ** z - 1;
  const x = int(xs, 'x', side);
  const y = int(ys.endsWith('.pbf') ? ys.slice(0, -4) : ys, 'y', side);
  return { z, x, y };
}

function boxOf(g: Geometry): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  if (g.type === 'GeometryCollection') for (const x of g.geometries) walk('coordinates' in x ? x.coordinates : []);
  else walk(g.coordinates);
  return [w, s, e, n];
}

export interface TileCacheOptions {
  /** Encoded tiles kept (default 4000). */
  maxTiles?: number;
  /** Bytes of encoded tiles kept (default 64 MiB). */
  maxBytes?: number;
  /** Estimated bytes of loaded layers' features kept (default 256 MiB); least recently used layers go first. */
  maxLayerBytes?: number;
  /** Features of loaded layers kept (default 1 000 000). */
  maxLayerFeatures?: number;
}

export interface TileEngineStats {
  tiles: number;
  bytes: number;
  layers: number;
  /** Estimated bytes of the loaded layers' features. */
  layerBytes: number;
  layerFeatures: number;
  /** Layers dropped from memory to stay within the budget (reloaded when asked for again). */
  layerEvictions: number;
}

export interface TileEngine {
  /** The layer's features, loading them when missing, invalidated or older than the layer's TTL. */
  data(source: LayerSource): Promise<LayerData>;
  tile(source: LayerSource, address: TileAddress): Promise<{ body: Buffer; version: string; cached: boolean }>;
  /** Forget a layer's features and tiles (its data changed). */
  invalidate(id: string): void;
  stats(): TileEngineStats;
}

export function createTileEngine(clock: Clock, options: TileCacheOptions = {}): TileEngine {
  const maxTiles = options.maxTiles ?? 4000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxLayerBytes = options.maxLayerBytes ?? 256 * 1024 * 1024;
  const maxLayerFeatures = options.maxLayerFeatures ?? 1_000_000;
  // Loaded layers in least-recently-used order (a hit re-inserts), bounded by bytes and features.
  const layers = new Map<string, LayerData>();
  let layerBytes = 0;
  let layerFeatures = 0;
  let layerEvictions = 0;
  const loading = new Map<string, { generation: number; promise: Promise<LayerData> }>();
  const generations = new Map<string, number>();
  // Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const tiles = new Map<string, Buffer>();
  let bytes = 0;

  const dropTile = (key: string): void => {
    const b = tiles.get(key);
    if (!b) return;
    bytes -= b.length;
    tiles.delete(key);
  };

  const dropLayer = (id: string): void => {
    const d = layers.get(id);
    if (!d) return;
    layerBytes -= d.bytes;
    layerFeatures -= d.features.length;
    layers.delete(id);
  };

  // The layer just loaded stays even when alone it is over the budget: it is being served.
  const keepLayer = (id: string, d: LayerData): void => {
    dropLayer(id);
    layers.set(id, d);
    layerBytes += d.bytes;
    layerFeatures += d.features.length;
    for (const k of layers.keys()) {
      if (k === id || (layerBytes <= maxLayerBytes && layerFeatures <= maxLayerFeatures)) break;
      dropLayer(k);
      layerEvictions++;
    }
  };

  async function load(source: LayerSource): Promise<LayerData> {
    const { features, skipped } = await source.load();
    const boxes = new Float64Array(features.length * 4);
    features.forEach((f, i) => boxes.set(boxOf(f.geometry), i * 4));
    const hash = createHash('sha1');
    let bytes = boxes.byteLength;
    for (const f of features) {
      const text = JSON.stringify(f);
      bytes += text.length;
      hash.update(text);
    }
    return { version: hash.digest('base64url').slice(0, 16), features, skipped, boxes, loadedAt: clock.now().getTime(), bytes };
  }

  function indexOf(source: LayerSource, data: LayerData): NonNullable<LayerData['index']> {
    if (data.index) return data.index;
    const points = source.layer.geometry === 'point' && data.features.every((f) => f.geometry.type === 'Point');
    if (points) {
      const sc = new Supercluster<Record<string, unknown>>({ maxZoom: source.layer.style.cluster ? 13 : 0, minZoom: 0, radius: source.layer.style.cluster ? 48 : 0, extent: EXTENT });
      sc.load(data.features as Array<Feature<Point, Record<string, unknown>>>);
      data.index = { getTile: (z, x, y) => sc.getTile(z, x, y) };
    } else {
      const vt = new GeoJSONVT({ type: 'FeatureCollection', features: data.features }, { maxZoom: INDEX_MAX_ZOOM, extent: EXTENT, buffer: 64, tolerance: 3 });
      // Past INDEX_MAX_ZOOM the tile is empty: the console's sources stop there and overzoom.
      data.index = { getTile: (z, x, y) => (z <= INDEX_MAX_ZOOM ? vt.getTile(z, x, y) : null) };
    }
    return data.index;
  }

  return {
    async data(source) {
      const id = source.layer.id;
      const have = layers.get(id);
      if (have && clock.now().getTime() - have.loadedAt < source.ttlMs) {
        layers.delete(id);
        layers.set(id, have);
        return have;
      }
      const generation = generations.get(id) ?? 0;
      const pending = loading.get(id);
      if (pending && pending.generation === generation) return pending.promise;
      const promise = load(source).then(
        (d) => {
          if ((generations.get(id) ?? 0) === generation) {
            const old = layers.get(id);
            if (old && old.version === d.version) {
              old.loadedAt = d.loadedAt;
              keepLayer(id, old);
              return old;
            }
            keepLayer(id, d);
          }
          return d;
        },
      ).finally(() => {
        if (loading.get(id)?.promise === promise) loading.delete(id);
      });
      loading.set(id, { generation, promise });
      return promise;
    },
    async tile(source, { z, x, y }) {
      const data = await this.data(source);
      const key = `${source.layer.id}|${data.version}|${z}/${x}/${y}`;
      const hit = tiles.get(key);
      if (hit) {
        tiles.delete(key);
        tiles.set(key, hit);
        return { body: hit, version: data.version, cached: true };
      }
      const tile = indexOf(source, data).getTile(z, x, y) ?? { features: [] };
      const body = Buffer.from(fromGeojsonVt({ [source.tileLayer ?? source.layer.id]: tile as Parameters<typeof fromGeojsonVt>[0][string] }, { version: 2, extent: EXTENT }));
      tiles.set(key, body);
      bytes += body.length;
      for (const k of tiles.keys()) {
        if (tiles.size <= maxTiles && bytes <= maxBytes) break;
        dropTile(k);
      }
      return { body, version: data.version, cached: false };
    },
    invalidate(id) {
      generations.set(id, (generations.get(id) ?? 0) + 1);
      dropLayer(id);
      const prefix = `${id}|`;
      for (const k of [...tiles.keys()]) if (k.startsWith(prefix)) dropTile(k);
    },
    stats: () => ({ tiles: tiles.size, bytes, layers: layers.size, layerBytes, layerFeatures, layerEvictions }),
  };
}
