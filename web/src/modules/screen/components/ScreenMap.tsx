// The city map in the middle of the big screen: the platform's district boundaries, open events and
// active alarms as vector tiles (reloaded when the stream says they changed), and the points the
// stream just brought, highlighted. A district's screen (区县级大屏) frames its district.
import type { GeoJSONSource, StyleSpecification, VectorTileSource } from 'maplibre-gl';
import { Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { fetchJson } from '../../../app/api.ts';
import type { MapLayer } from '../../map/api/map-api.ts';
import { CITY_BOUNDS, styleLayers, tileSource } from '../../map/layer-style.ts';
import type { StreamItem } from '../hooks/use-screen-stream.ts';

setWorkerUrl(workerUrl);

const LIVE = 'live-points';

export interface ScreenMapHandle {
  /** Show a point the stream brought and reload the tile layers it changed. */
  show(item: StreamItem): void;
}

/**
 * A layer's tiles cut to the screen's scope (`view=screen`: the reach of the viewer's screen grant),
 * so that the map shows the events the screen's KPIs and stream count — not the viewer's event list.
 */
const screenTiles = (layer: MapLayer, version?: number): string => `${window.location.origin}${layer.tiles}?view=screen${version ? `&v=${version}` : ''}`;

function style(layers: readonly MapLayer[]): StyleSpecification {
  return {
    version: 8,
    sources: {
      ...Object.fromEntries(layers.map((l) => [l.id, { ...tileSource(l), tiles: [screenTiles(l)] }])),
      [LIVE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#04101f' } },
      ...layers.flatMap((l) => styleLayers(l, { dark: true })),
      { id: `${LIVE}::halo`, type: 'circle', source: LIVE, paint: { 'circle-radius': 16, 'circle-color': ['get', 'color'], 'circle-opacity': 0.25 } },
      { id: `${LIVE}::dot`, type: 'circle', source: LIVE, paint: { 'circle-radius': 6, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } },
    ],
  };
}

/** West, south, east, north of every position in a GeoJSON coordinates array (any nesting). */
function boundsOf(coordinates: unknown): [number, number, number, number] | undefined {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
      return;
    }
    for (const x of c) walk(x);
  };
  walk(coordinates);
  return Number.isFinite(box[0]) ? box : undefined;
}

interface DistrictBoundaries {
  features: Array<{ properties: Record<string, unknown> | null; geometry: { coordinates?: unknown } | null }>;
}

export const ScreenMap = forwardRef<ScreenMapHandle, { layers: readonly MapLayer[]; focus?: string | undefined }>(function ScreenMap({ layers, focus }, ref) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const live = useRef<Array<{ key: string; lon: number; lat: number; color: string }>>([]);
  const reloads = useRef<{ timer?: ReturnType<typeof setTimeout>; ids: Set<string> }>({ ids: new Set() });

  useEffect(() => {
    const element = container.current;
    if (!element || layers.length === 0) return;
    const map = new MapLibreMap({ container: element, style: style(layers), bounds: CITY_BOUNDS, fitBoundsOptions: { padding: 12 }, attributionControl: false, interactive: true, dragRotate: false });
    mapRef.current = map;
    map.on('idle', () => {
      element.dataset.idle = 'true';
    });
    const pending = reloads.current;
    return () => {
      clearTimeout(pending.timer);
      pending.timer = undefined;
      map.remove();
      mapRef.current = null;
    };
  }, [layers]);

  // 区县级大屏: frame the district of the screen's scope (from the platform's own boundaries).
  useEffect(() => {
    if (!focus) return;
    const abort = new AbortController();
    fetchJson<DistrictBoundaries>('/api/map/layers/districts/geojson', { signal: abort.signal }).then(
      (fc) => {
        const box = boundsOf(fc.features.find((f) => f.properties?.code === focus)?.geometry?.coordinates);
        if (box && mapRef.current) mapRef.current.fitBounds(box, { padding: 24, duration: 0 });
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [focus, layers]);

  useImperativeHandle(ref, () => ({
    show(item) {
      const map = mapRef.current;
      if (!map) return;
      const changed = item.kind === 'event' ? ['events-open', 'events-heat'] : ['alarms', 'devices'];
      for (const id of changed) reloads.current.ids.add(id);
      // Throttled, not debounced: a burst reloads the tiles once, and a steady stream still reloads them every 800 ms.
      if (reloads.current.timer === undefined) {
        reloads.current.timer = setTimeout(() => {
          reloads.current.timer = undefined;
          const v = Date.now();
          for (const id of reloads.current.ids) {
            const layer = layers.find((l) => l.id === id);
            const source = map.getSource<VectorTileSource>(id);
            if (layer && source) source.setTiles([screenTiles(layer, v)]);
          }
          reloads.current.ids.clear();
          if (container.current) container.current.dataset.reloads = String(Number(container.current.dataset.reloads ?? '0') + 1);
        }, 800);
      }
      if (item.lon === null || item.lat === null) return;
      const key = item.kind === 'event' ? `e${item.eventId}` : `a${item.alarmId}`;
      const color = item.kind === 'alarm' ? '#ff4d4f' : item.severity === 'urgent' ? '#ff4d4f' : item.severity === 'major' ? '#ff7a45' : '#ffc53d';
      live.current = [{ key, lon: item.lon, lat: item.lat, color }, ...live.current.filter((p) => p.key !== key)].slice(0, 30);
      void map.getSource<GeoJSONSource>(LIVE)?.setData({
        type: 'FeatureCollection',
        features: live.current.map((p) => ({ type: 'Feature', properties: { key: p.key, color: p.color }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })),
      });
    },
  }), [layers]);

  return <div ref={container} style={{ position: 'absolute', inset: 0 }} data-testid="screen-map" />;
});
