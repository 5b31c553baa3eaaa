// Calls to /api/map: the layer catalogue (一张图图层目录). Tiles are fetched by MapLibre itself.
import { fetchJson } from '../../../app/api.ts';

export type LayerGroup = 'basemap' | 'iot' | 'events' | 'catalog';

export interface MapLayer {
  id: string;
  nameZh: string;
  nameEn: string;
  group: LayerGroup;
  geometry: 'point' | 'line' | 'polygon';
  style: {
    kind: 'fill' | 'line' | 'circle' | 'heatmap';
    color: string;
    colorBy?: { property: string; values: Record<string, string> };
    cluster: boolean;
    minZoom: number;
    labelProperty?: string;
  };
  source: string;
  permission: string;
  tiles: string;
  geojson: string;
  /** Reload this often when shown (live layers); 0 for layers that rarely change. */
  refreshSeconds: number;
}

export interface LayerList {
  total: number;
  groups: Record<string, number>;
  items: MapLayer[];
}

export interface LayerQuery {
  q?: string;
  /** Only these layers (resolved by id wherever they sit in the catalogue). */
  ids?: readonly string[];
  group?: LayerGroup;
  limit: number;
  offset: number;
}

export function fetchLayers(query: LayerQuery, signal?: AbortSignal): Promise<LayerList> {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  if (query.q) params.set('q', query.q);
  if (query.group) params.set('group', query.group);
  if (query.ids) params.set('ids', query.ids.join(','));
  return fetchJson<LayerList>(`/api/map/layers?${params}`, { signal });
}
