// 城市 city: the demo city's figures, from the platform's city module.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { fetchJson } from '../../../app/api.ts';

export interface DistrictSummary {
  /** GB/T 2260 county-level division code, e.g. 371502. */
  code: string;
  name: string;
  population: number;
  households: number;
  enterprises: number;
  grids: number;
  towns: number;
  villages: number;
}

export interface CitySummary {
  city: { code: string; name: string };
  population: number;
  households: number;
  enterprises: number;
  grids: number;
  /** When the demo city was generated; null while it is being generated. */
  builtAt: string | null;
  districts: DistrictSummary[];
}

export interface DistrictProperties {
  code: string;
  name: string;
  population: number;
  enterprises: number;
  grids: number;
}

export type DistrictCollection = FeatureCollection<Polygon | MultiPolygon, DistrictProperties>;

/** The figures a district table and chart can show. */
export type DistrictMetric = 'population' | 'households' | 'enterprises' | 'grids';

export const DISTRICT_METRICS: readonly DistrictMetric[] = ['population', 'households', 'enterprises', 'grids'];

export function fetchCitySummary(signal: AbortSignal): Promise<CitySummary> {
  return fetchJson<CitySummary>('/api/city/summary', { signal });
}

export function fetchDistrictBoundaries(signal: AbortSignal): Promise<DistrictCollection> {
  return fetchJson<DistrictCollection>('/api/city/districts.geojson', { signal, headers: { accept: 'application/geo+json, application/json' } });
}

/** The platform answers zero figures and no build time while the demo city is being generated. */
export function isCityBuilding(summary: CitySummary): boolean {
  return summary.population === 0 && summary.builtAt === null;
}
