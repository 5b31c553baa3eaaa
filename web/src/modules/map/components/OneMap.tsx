// 一张图 the map: MapLibre with the platform's vector-tile layers only (no remote basemap, so it
// works offline). Clicking a feature shows its properties; clicking a cluster zooms in.
import { Alert, Card, Descriptions, Typography } from 'antd';
import type { MapGeoJSONFeature, VectorTileSource } from 'maplibre-gl';
import { Map as MapLibreMap, NavigationControl, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapLayer } from '../api/map-api.ts';
import { CITY_BOUNDS, styleLayerIds, styleLayers, tileSource } from '../layer-style.ts';

setWorkerUrl(workerUrl);

interface Picked {
  layer: string;
  properties: Record<string, unknown>;
}

/** The layers in `shown` are on the map, in that order (the first at the bottom). */
export function OneMap({ shown, height = '100%' }: { shown: readonly MapLayer[]; height?: number | string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked | null>(null);
  const shownRef = useRef(shown);
  shownRef.current = shown;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: element,
        style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f7' } }] },
        bounds: CITY_BOUNDS,
        fitBoundsOptions: { padding: 16 },
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        renderWorldCopies: false,
        maxZoom: 18,
      });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      return;
    }
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.on('load', () => setReady(true));
    map.on('error', (event) => {
      if (!String(event.error.message).includes('AbortError')) element.dataset.lastError = event.error.message;
    });
    // "idle" lists the layers whose tiles are all in and drawn; idleAt is when (ms since the page
    // started loading). The bench and the tests wait for them.
    map.on('idle', () => {
      element.dataset.idle = shownRef.current.filter((l) => map.getSource(l.id) && map.isSourceLoaded(l.id)).map((l) => l.id).join(',');
      element.dataset.idleAt = String(Math.round(performance.now()));
    });
    map.on('dataloading', () => {
      delete element.dataset.idle;
    });
    map.on('click', (event) => {
      const ids = shownRef.current.flatMap(styleLayerIds).filter((id) => map.getLayer(id));
      const feature: MapGeoJSONFeature | undefined = map.queryRenderedFeatures(event.point, { layers: ids })[0];
      if (!feature) {
        setPicked(null);
        return;
      }
      const properties = { ...feature.properties };
      if (properties.cluster) map.easeTo({ center: event.lngLat, zoom: map.getZoom() + 2 });
      setPicked({ layer: feature.source, properties });
    });
    return () => {
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const wanted = new Set(shown.map((l) => l.id));
    for (const layer of map.getStyle().layers) {
      const source = 'source' in layer ? layer.source : undefined;
      if (source && !wanted.has(source)) map.removeLayer(layer.id);
    }
    for (const id of Object.keys(map.getStyle().sources)) if (!wanted.has(id)) map.removeSource(id);
    for (const layer of shown) {
      if (!map.getSource(layer.id)) map.addSource(layer.id, tileSource(layer));
      for (const spec of styleLayers(layer)) {
        if (map.getLayer(spec.id)) map.moveLayer(spec.id);
        else map.addLayer(spec);
      }
    }
    if (container.current) delete container.current.dataset.idle;
    map.triggerRepaint();
  }, [shown, ready]);

  // Live layers (events, alarms, devices) reload on their own period while shown.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const live = shown.filter((l) => l.refreshSeconds > 0);
    if (live.length === 0) return;
    const timers = live.map((layer) =>
      setInterval(() => {
        const source = map.getSource<VectorTileSource>(layer.id);
        if (!source) return;
        source.setTiles([`${window.location.origin}${layer.tiles}?v=${Date.now()}`]);
        if (container.current) container.current.dataset.refreshedAt = String(Date.now());
      }, layer.refreshSeconds * 1000),
    );
    return () => timers.forEach(clearInterval);
  }, [shown, ready]);

  if (failure) return <Alert type="warning" showIcon title={t('map.webglError')} description={failure} />;
  return (
    <div style={{ position: 'relative', height, minHeight: 480, borderRadius: 8, overflow: 'hidden' }}>
      <div ref={container} style={{ position: 'absolute', inset: 0 }} data-testid="one-map" />
      <Card size="small" style={{ position: 'absolute', top: 10, right: 10, width: 300, maxHeight: '70%', overflow: 'auto', zIndex: 1 }} data-testid="feature-properties" title={t('oneMap.properties')}>
        {picked ? (
          <Descriptions size="small" column={1} items={[{ key: '$layer', label: 'layer', children: picked.layer }, ...Object.entries(picked.properties).map(([k, v]) => ({ key: k, label: k, children: String(v) }))]} />
        ) : (
          <Typography.Text type="secondary">{t('oneMap.clickHint')}</Typography.Text>
        )}
      </Card>
    </div>
  );
}
