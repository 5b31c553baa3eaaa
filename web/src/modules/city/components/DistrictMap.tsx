// Loaded lazily: MapLibre GL is the largest dependency of the console.
// The style uses no remote resources (no tiles, glyphs or sprites), so the map works offline:
// a background, the district polygons coloured by population, borders, and HTML name labels.
import { Alert, Typography, theme } from 'antd';
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import { Map as MapLibreMap, Marker, NavigationControl, setWorkerUrl, type GeoJSONFeature } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import type { DistrictCollection, DistrictProperties } from '../api/city-api.ts';
import { boundsOf, labelPoint } from '../geometry.ts';

// MapLibre finds its worker next to its own module, which a bundle moves; point to the emitted file.
setWorkerUrl(workerUrl);

const RAMP = ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'] as const;
const SOURCE = 'districts';

function fillColor(min: number, max: number): ExpressionSpecification | string {
  if (!(max > min)) return RAMP[2];
  const stops = RAMP.flatMap((color, i) => [min + ((max - min) * i) / (RAMP.length - 1), color]);
  return ['interpolate', ['linear'], ['get', 'population'], ...stops] as ExpressionSpecification;
}

function districtStyle(data: DistrictCollection, background: string, min: number, max: number): StyleSpecification {
  const highlighted: ExpressionSpecification = [
    'any',
    ['boolean', ['feature-state', 'hover'], false],
    ['boolean', ['feature-state', 'selected'], false],
  ];
  return {
    version: 8,
    sources: { [SOURCE]: { type: 'geojson', data, promoteId: 'code' } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': background } },
      {
        id: 'district-fill',
        type: 'fill',
        source: SOURCE,
        paint: { 'fill-color': fillColor(min, max), 'fill-opacity': ['case', highlighted, 0.95, 0.78] },
      },
      { id: 'district-border', type: 'line', source: SOURCE, paint: { 'line-color': '#ffffff', 'line-width': 1.5 } },
      {
        id: 'district-highlight',
        type: 'line',
        source: SOURCE,
        paint: { 'line-color': '#fa8c16', 'line-width': ['case', highlighted, 3, 0] },
      },
    ],
  };
}

function labelElement(name: string): HTMLElement {
  const element = document.createElement('div');
  element.textContent = name;
  element.dataset.testid = 'district-label';
  Object.assign(element.style, {
    pointerEvents: 'none',
    font: '600 12px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
    color: '#1f1f1f',
    whiteSpace: 'nowrap',
    padding: '0 6px',
    borderRadius: '9px',
    background: 'rgba(255, 255, 255, 0.85)',
    boxShadow: '0 1px 2px rgba(0, 0, 0, 0.2)',
  });
  return element;
}

function toProperties(feature: GeoJSONFeature | undefined): DistrictProperties | null {
  const p = feature?.properties;
  if (!p || typeof p.code !== 'string') return null;
  return {
    code: p.code,
    name: String(p.name),
    population: Number(p.population),
    enterprises: Number(p.enterprises),
    grids: Number(p.grids),
  };
}

/** 区县分布 the districts on an offline map, coloured by population; hover or click shows figures. */
export function DistrictMap({ data, height = 460 }: { data: DistrictCollection; height?: number }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { token } = theme.useToken();
  const container = useRef<HTMLDivElement>(null);
  const [hovered, setHovered] = useState<DistrictProperties | null>(null);
  const [selected, setSelected] = useState<DistrictProperties | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const populations = data.features.map((f) => f.properties.population);
  const min = Math.min(...populations);
  const max = Math.max(...populations);
  const background = token.colorFillQuaternary;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const [west, south, east, north] = boundsOf(data.features.map((f) => f.geometry));
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: element,
        style: districtStyle(data, background, min, max),
        bounds: [west, south, east, north],
        fitBoundsOptions: { padding: 24 },
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        renderWorldCopies: false,
        minZoom: 5,
        maxZoom: 13,
      });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      return;
    }
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    // Labels appear once the districts are drawn (and can be hovered), never before.
    map.once('load', () => {
      for (const feature of data.features) {
        new Marker({ element: labelElement(feature.properties.name), anchor: 'center' }).setLngLat(labelPoint(feature.geometry)).addTo(map);
      }
    });

    let hoveredCode: string | null = null;
    let selectedCode: string | null = null;
    const setState = (code: string | null, state: Record<string, boolean>): void => {
      if (code) map.setFeatureState({ source: SOURCE, id: code }, state);
    };
    map.on('mousemove', 'district-fill', (event) => {
      const district = toProperties(event.features?.[0]);
      if (!district || district.code === hoveredCode) return;
      setState(hoveredCode, { hover: false });
      hoveredCode = district.code;
      setState(hoveredCode, { hover: true });
      map.getCanvas().style.cursor = 'pointer';
      setHovered(district);
    });
    map.on('mouseleave', 'district-fill', () => {
      setState(hoveredCode, { hover: false });
      hoveredCode = null;
      map.getCanvas().style.cursor = '';
      setHovered(null);
    });
    map.on('click', (event) => {
      const district = toProperties(map.queryRenderedFeatures(event.point, { layers: ['district-fill'] })[0]);
      setState(selectedCode, { selected: false });
      selectedCode = district?.code ?? null;
      setState(selectedCode, { selected: true });
      setSelected(district);
    });
    map.on('error', (event) => setFailure(event.error.message));
    return () => {
      map.remove();
      setHovered(null);
      setSelected(null);
    };
  }, [data, background, min, max]);

  if (failure) return <Alert type="warning" showIcon title={t('map.webglError')} description={failure} />;

  const shown = hovered ?? selected;
  const overlay = { position: 'absolute', zIndex: 1, background: token.colorBgElevated, borderRadius: token.borderRadius, boxShadow: token.boxShadowSecondary, padding: '8px 12px' } as const;
  return (
    <div>
      <div style={{ position: 'relative', height, borderRadius: token.borderRadius, overflow: 'hidden' }}>
        <div ref={container} style={{ position: 'absolute', inset: 0 }} data-testid="district-map" />
        <div style={{ ...overlay, top: 10, right: 10, minWidth: 180 }} data-testid="map-info">
          {shown ? (
            <>
              <Typography.Text strong>{shown.name}</Typography.Text>
              <Typography.Text type="secondary"> {shown.code}</Typography.Text>
              {(['population', 'enterprises', 'grids'] as const).map((key) => (
                <div key={key} style={{ display: 'flex', justifyContent: 'space-between', gap: 16 }}>
                  <Typography.Text type="secondary">{t(`kpi.${key}`)}</Typography.Text>
                  <Typography.Text data-testid={`map-info-${key}`}>{formatCount(shown[key], language)}</Typography.Text>
                </div>
              ))}
            </>
          ) : (
            <Typography.Text type="secondary">{t('map.hint')}</Typography.Text>
          )}
        </div>
        <div style={{ ...overlay, bottom: 10, left: 10 }} aria-label={t('map.legend')}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('map.legend')}
          </Typography.Text>
          <div style={{ width: 160, height: 8, margin: '4px 0', borderRadius: 4, background: `linear-gradient(to right, ${RAMP.join(', ')})` }} />
          <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12 }}>
            <span>{formatCount(min, language)}</span>
            <span>{formatCount(max, language)}</span>
          </div>
        </div>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('map.attribution')}
      </Typography.Text>
    </div>
  );
}
