// MapLibre sources and style layers for a platform layer: vector tiles from /api/map/tiles, drawn
// by the layer's style hints. Clustered point tiles carry point_count.
import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { MapLayer } from './api/map-api.ts';

/** The extent of 聊城市, for the first view. */
export const CITY_BOUNDS: [number, number, number, number] = [115.25, 35.75, 116.6, 37.05];

/** Tile sources stop here; MapLibre overzooms deeper. */
export const SOURCE_MAX_ZOOM = 14;

export function tileSource(layer: MapLayer, version = 0): SourceSpecification {
  const url = `${window.location.origin}${layer.tiles}${version ? `?v=${version}` : ''}`;
  return { type: 'vector', tiles: [url], minzoom: 0, maxzoom: SOURCE_MAX_ZOOM };
}

const count: ExpressionSpecification = ['coalesce', ['get', 'point_count'], 1];

function color(layer: MapLayer): ExpressionSpecification | string {
  const by = layer.style.colorBy;
  if (!by) return layer.style.color;
  const pairs = Object.entries(by.values).flat();
  return ['match', ['to-string', ['get', by.property]], ...pairs, layer.style.color] as unknown as ExpressionSpecification;
}

/** Style layer ids of a platform layer (for click queries and removal). */
export function styleLayerIds(layer: MapLayer): string[] {
  return styleLayers(layer).map((l) => l.id);
}

export function styleLayers(layer: MapLayer, options: { dark?: boolean } = {}): LayerSpecification[] {
  const base = { source: layer.id, 'source-layer': layer.id, minzoom: layer.style.minZoom };
  const c = color(layer);
  if (layer.style.kind === 'heatmap') {
    return [
      {
        id: `${layer.id}::heat`, type: 'heatmap', ...base,
        paint: { 'heatmap-weight': ['interpolate', ['linear'], count, 1, 0.4, 50, 1], 'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 6, 12, 14, 30], 'heatmap-opacity': 0.75 },
      },
    ];
  }
  const out: LayerSpecification[] = [];
  if (layer.geometry !== 'point') {
    out.push({ id: `${layer.id}::fill`, type: 'fill', ...base, filter: ['==', '$type', 'Polygon'], paint: { 'fill-color': c, 'fill-opacity': options.dark ? 0.18 : 0.22 } });
    out.push({ id: `${layer.id}::line`, type: 'line', ...base, filter: ['!=', '$type', 'Point'], paint: { 'line-color': c, 'line-width': 1.4 } });
  }
  out.push({
    id: `${layer.id}::circle`, type: 'circle', ...base, filter: ['==', '$type', 'Point'],
    paint: {
      'circle-color': c,
      'circle-radius': ['step', count, 4, 2, 8, 10, 11, 100, 15, 1000, 20],
      'circle-opacity': 0.85,
      'circle-stroke-color': options.dark ? '#0b1a33' : '#ffffff',
      'circle-stroke-width': 1,
    },
  });
  return out;
}
