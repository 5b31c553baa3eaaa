// Helpers for the city tests: a checksum of the city's rows, the schema catalog of its tables,
// and district containment against the boundaries the service serves.
import type { DistrictFeatureCollection } from '../../src/modules/city/index.ts';
import { type DistrictGeometry, pointInGeometry } from '../../src/modules/city/generator/geo.ts';
import type { Database } from '../../src/platform/index.ts';

const TABLES: Record<string, string> = {
  city_divisions: 'code',
  city_grids: 'code',
  city_households: 'id',
  city_residents: 'id_number',
  city_enterprises: 'uscc',
  city_district_stats: 'code',
  city_licences: 'licence_no',
  city_pois: 'poi_id',
  city_credit_records: 'record_id',
  city_economy_indicators: 'indicator, t.period, t.division_code',
};

/** md5 over every row of every data table, in key order: equal checksums mean identical rows. */
export async function cityChecksum(db: Database): Promise<string> {
  const parts: string[] = [];
  for (const [table, key] of Object.entries(TABLES)) {
    const { rows } = await db.query<{ sum: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.${key})) AS sum, count(*)::int AS n FROM ${table} t`,
    );
    parts.push(`${table}:${rows[0]?.n}:${rows[0]?.sum}`);
  }
  return parts.join(' ');
}

/** Indexes and constraints of the city_* tables, with their definitions, sorted. */
export async function catalogOf(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ item: string }>(`
    SELECT 'index ' || indexname || ': ' || indexdef AS item FROM pg_indexes WHERE tablename LIKE 'city\\_%'
    UNION ALL
    SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text LIKE 'city\\_%'
    ORDER BY 1`);
  return rows.map((r) => r.item);
}

export function pointInDistrict(geo: DistrictFeatureCollection, code: string, lon: number, lat: number): boolean {
  const feature = geo.features.find((f) => f.properties.code === code);
  return feature !== undefined && pointInGeometry(lon, lat, feature.geometry as DistrictGeometry);
}
