// Loaded lazily (MapLibre). Offline like the home page's map: no tiles, glyphs or sprites — a
// background, the district outlines, and a circle per device (green online, grey offline).
import { Alert, theme } from 'antd';
import type { GeoJSONSource, StyleSpecification } from 'maplibre-gl';
import { Map as MapLibreMap, NavigationControl, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isOnline, type Device, type DistrictOutlines } from '../api/iot-api.ts';

setWorkerUrl(workerUrl);

const LIAOCHENG: [number, number, number, number] = [115.2, 35.8, 116.7, 37.1];

function devicePoints(devices: readonly Device[]) {
  const now = Date.now();
  return {
    type: 'FeatureCollection' as const,
    features: devices.map((d) => ({
      type: 'Feature' as const,
      id: d.id,
      geometry: { type: 'Point' as const, coordinates: [d.lon, d.lat] },
      properties: { id: d.id, online: isOnline(d, now) },
    })),
  };
}

function mapStyle(outlines: DistrictOutlines | undefined, devices: readonly Device[], background: string): StyleSpecification {
  return {
    version: 8,
    sources: {
      districts: { type: 'geojson', data: outlines ?? { type: 'FeatureCollection', features: [] } },
      devices: { type: 'geojson', data: devicePoints(devices) },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': background } },
      { id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#e6f4ff', 'fill-opacity': 0.6 } },
      { id: 'district-border', type: 'line', source: 'districts', paint: { 'line-color': '#91caff', 'line-width': 1.2 } },
      {
        id: 'device',
        type: 'circle',
        source: 'devices',
        paint: {
          'circle-radius': 6,
          'circle-color': ['case', ['get', 'online'], '#52c41a', '#bfbfbf'],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      },
    ],
  };
}

/** 设备地图 devices on an offline map; clicking a device opens it. */
export function DeviceMap({ devices, outlines, onOpen, height = 420 }: { devices: readonly Device[]; outlines: DistrictOutlines | undefined; onOpen: (id: string) => void; height?: number }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const openRef = useRef(onOpen);
  const [failure, setFailure] = useState<string | null>(null);
  const background = token.colorFillQuaternary;

  useEffect(() => {
    openRef.current = onOpen;
  });

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let instance: MapLibreMap;
    try {
      instance = new MapLibreMap({ container: element, style: mapStyle(outlines, [], background), bounds: LIAOCHENG, attributionControl: false, dragRotate: false, renderWorldCopies: false });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      return;
    }
    map.current = instance;
    instance.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    instance.on('click', 'device', (event) => {
      const id: unknown = event.features?.[0]?.properties.id;
      if (typeof id === 'string') openRef.current(id);
    });
    instance.on('mouseenter', 'device', () => (instance.getCanvas().style.cursor = 'pointer'));
    instance.on('mouseleave', 'device', () => (instance.getCanvas().style.cursor = ''));
    instance.on('error', (event) => setFailure(event.error.message));
    return () => {
      map.current = null;
      instance.remove();
    };
  }, [outlines, background]);

  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    const update = (): void => {
      void instance.getSource<GeoJSONSource>('devices')?.setData(devicePoints(devices));
    };
    if (instance.isStyleLoaded()) update();
    else void instance.once('load', update);
  }, [devices, outlines, background]);

  if (failure) return <Alert type="warning" showIcon title={t('map.webglError')} description={failure} />;
  return <div ref={container} style={{ height, borderRadius: token.borderRadius, overflow: 'hidden' }} data-testid="device-map" />;
}
