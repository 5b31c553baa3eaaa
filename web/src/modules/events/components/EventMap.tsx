// A small map of one event: the district boundaries the platform serves (no remote tiles, so it
// works offline, like the home page's map) and a marker at the event's point.
import type { StyleSpecification } from 'maplibre-gl';
import { Map as MapLibreMap, Marker, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { DistrictCollection } from '../../city/api/city-api.ts';
import { useDistrictBoundaries } from '../../city/hooks/use-district-boundaries.ts';

setWorkerUrl(workerUrl);

function style(data: DistrictCollection): StyleSpecification {
  return {
    version: 8,
    sources: { districts: { type: 'geojson', data } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f0f5ff' } },
      { id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#bae0ff', 'fill-opacity': 0.6 } },
      { id: 'district-border', type: 'line', source: 'districts', paint: { 'line-color': '#4096ff', 'line-width': 1.2 } },
    ],
  };
}

export function EventMap({ lon, lat }: { lon: number; lat: number }) {
  const container = useRef<HTMLDivElement>(null);
  const { data } = useDistrictBoundaries('events');
  useEffect(() => {
    if (!container.current || !data) return;
    const map = new MapLibreMap({ container: container.current, style: style(data), center: [lon, lat], zoom: 9, attributionControl: false });
    new Marker({ color: '#f5222d' }).setLngLat([lon, lat]).addTo(map);
    return () => map.remove();
  }, [data, lon, lat]);
  return <div ref={container} data-testid="event-map" style={{ height: 280, borderRadius: 8, overflow: 'hidden' }} />;
}
