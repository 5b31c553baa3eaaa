// The county-level boundaries of 聊城市 (data/liaocheng-districts.geojson, properties {code, name}).
import { readFile } from 'node:fs/promises';
import { type DistrictGeometry, labelPoint, type Position } from './geo.ts';

export interface DistrictBoundary {
  code: string;
  name: string;
  geometry: DistrictGeometry;
  /** A point well inside the district, for labels and the district's own coordinates. */
  label: Position;
}

const boundaryFile = new URL('../data/liaocheng-districts.geojson', import.meta.url);
let loading: Promise<readonly DistrictBoundary[]> | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isPositionList(v: unknown, depth: number): boolean {
  if (!Array.isArray(v)) return false;
  if (depth === 0) return v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
  return v.every((item) => isPositionList(item, depth - 1));
}

function parseFeature(feature: unknown, index: number): DistrictBoundary {
  const where = `liaocheng-districts.geojson feature ${index}`;
  if (!isRecord(feature) || !isRecord(feature.properties) || !isRecord(feature.geometry)) throw new Error(`${where}: not a GeoJSON feature`);
  const { code, name } = feature.properties;
  if (typeof code !== 'string' || !/^\d{6}$/.test(code) || typeof name !== 'string') throw new Error(`${where}: properties need {code, name}`);
  const { type, coordinates } = feature.geometry;
  let geometry: DistrictGeometry;
  if (type === 'Polygon' && isPositionList(coordinates, 2)) geometry = { type, coordinates: coordinates as Position[][] };
  else if (type === 'MultiPolygon' && isPositionList(coordinates, 3)) geometry = { type, coordinates: coordinates as Position[][][] };
  else throw new Error(`${where}: geometry must be a Polygon or MultiPolygon`);
  return { code, name, geometry, label: labelPoint(geometry) };
}

/** The 8 district boundaries ordered by code; read and checked once per process. */
export function loadDistrictBoundaries(): Promise<readonly DistrictBoundary[]> {
  loading ??= readFile(boundaryFile, 'utf8').then((text) => {
    const doc = JSON.parse(text) as unknown;
    if (!isRecord(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
      throw new Error('liaocheng-districts.geojson: not a FeatureCollection');
    }
    return doc.features.map(parseFeature).sort((a, b) => a.code.localeCompare(b.code));
  });
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
