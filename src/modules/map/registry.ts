// 图层目录 the layer registry: built-in layers plus one per catalogued resource with coordinates.
// An in-memory map with a sorted list rebuilt on change, so listing and searching stay cheap
// with thousands of layers.
import { LAYER_GROUPS, type Layer, type LayerList, type LayerListQuery } from './schemas.ts';
import type { LayerSource } from './sources.ts';

export interface LayerRegistry {
  put(source: LayerSource): void;
  remove(id: string): boolean;
  get(id: string): LayerSource | undefined;
  ids(): string[];
  /** Layers matching the query that `canRead` allows, in catalogue order (group, then name). */
  list(query: LayerListQuery, canRead: (permission: string) => boolean): LayerList;
  size(): number;
}

const GROUP_ORDER = new Map<string, number>(LAYER_GROUPS.map((g, i) => [g, i]));

/** The layer as the API shows it, with its tile and GeoJSON URLs. */
export function describeLayer(source: LayerSource, prefix = '/api/map'): Layer {
  const id = encodeURIComponent(source.layer.id);
  // Layers that follow bus events change any moment: a map showing them reloads every 15 s.
  const refreshSeconds = source.subjects.length > 0 ? 15 : source.ttlMs < 10 * 60_000 ? Math.max(15, Math.round(source.ttlMs / 1000)) : 0;
  return { ...source.layer, tiles: `${prefix}/tiles/${id}/{z}/{x}/{y}.pbf`, geojson: `${prefix}/layers/${id}/geojson`, refreshSeconds };
}

export function createLayerRegistry(): LayerRegistry {
  const byId = new Map<string, LayerSource>();
  let sorted: Array<{ source: LayerSource; text: string }> | null = null;
  const order = () => {
    sorted ??= [...byId.values()]
      .sort((a, b) => (GROUP_ORDER.get(a.layer.group) ?? 9) - (GROUP_ORDER.get(b.layer.group) ?? 9) || (a.layer.group === 'catalog' ? a.layer.nameZh.localeCompare(b.layer.nameZh, 'zh-CN') : 0))
      .map((source) => ({ source, text: `${source.layer.id}\n${source.layer.nameZh}\n${source.layer.nameEn}`.toLowerCase() }));
    return sorted;
  };
  return {
    put(source) {
      byId.set(source.layer.id, source);
      sorted = null;
    },
    remove(id) {
      const had = byId.delete(id);
      if (had) sorted = null;
      return had;
    },
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
    size: () => byId.size,
    list(query, canRead) {
      const q = query.q?.trim().toLowerCase();
      const only = query.ids === undefined ? null : new Set(query.ids.split(',').map((id) => id.trim()).filter(Boolean));
      const groups: Record<string, number> = {};
      const items: Layer[] = [];
      let total = 0;
      for (const { source, text } of order()) {
        if (only && !only.has(source.layer.id)) continue;
        if (q && !text.includes(q)) continue;
        if (!canRead(source.layer.permission)) continue;
        groups[source.layer.group] = (groups[source.layer.group] ?? 0) + 1;
        if (query.group && source.layer.group !== query.group) continue;
        if (total >= query.offset && items.length < query.limit) items.push(describeLayer(source));
        total++;
      }
      return { total, groups, items };
    },
  };
}
