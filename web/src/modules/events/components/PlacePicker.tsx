// 地图选点 pick an event's place on a small map of the platform's district boundaries (no remote
// tiles, so it works offline): a click sets the point and moves the marker.
import type { StyleSpecification } from 'maplibre-gl';
import { Map as MapLibreMap, Marker, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { DistrictCollection } from '../../city/api/city-api.ts';
import { useDistrictBoundaries } from '../../city/hooks/use-district-boundaries.ts';

setWorkerUrl(workerUrl);

const CITY_BOUNDS: [number, number, number, number] = [115.25, 35.75, 116.6, 37.05];

function style(data: DistrictCollection): StyleSpecification {
  return {
    version: 8,
    sources: { districts: { type: 'geojson', data } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f0f5ff' } },
      { id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#bae0ff', 'fill-opacity': 0.6 } },
      { id: 'district-border', type: 'line', source: 'districts', paint: { 'line-color': '#4096ff', 'line-width': 1.2 } },
      { id: 'district-name', type: 'symbol', source: 'districts', layout: { 'text-field': ['get', 'name'], 'text-size': 12 }, paint: { 'text-color': '#1d39c4' } },
    ],
  };
}

export function PlacePicker({ value, onPick }: { value: { lon: number; lat: number } | null; onPick: (p: { lon: number; lat: number }) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const marker = useRef<Marker | null>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const { data } = useDistrictBoundaries('events');

  useEffect(() => {
    const element = container.current;
    if (!element || !data) return;
    const map = new MapLibreMap({ container: element, style: style(data), bounds: CITY_BOUNDS, fitBoundsOptions: { padding: 8 }, attributionControl: false, dragRotate: false });
    mapRef.current = map;
    map.on('load', () => {
      element.dataset.ready = 'true';
    });
    map.on('click', (event) => pick.current({ lon: Number(event.lngLat.lng.toFixed(6)), lat: Number(event.lngLat.lat.toFixed(6)) }));
    return () => {
      marker.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, [data]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!value) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    marker.current ??= new Marker({ color: '#f5222d' }).setLngLat([value.lon, value.lat]).addTo(map);
    marker.current.setLngLat([value.lon, value.lat]);
  }, [value, data]);

  return <div ref={container} data-testid="place-picker" style={{ height: 320, borderRadius: 8, overflow: 'hidden', cursor: 'crosshair' }} />;
}
