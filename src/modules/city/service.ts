// City base data service (城市基础数据): the figures of the demo city, its divisions, and lookups
// of residents and enterprises by their national identifiers.
import { inRegion, type Clock, type Logger, type RegionScope } from '../../kernel/index.ts';
import { divisionLevel, divisionName, parseResidentId, parseUscc } from '../../kernel/ids/index.ts';
import type { Database } from '../../platform/db/index.ts';
import { cityError } from './errors.ts';
import { loadDistrictBoundaries } from './generator/boundaries.ts';
import { buildDemoCity, type DemoBuildOptions, type DemoBuildProgress, type DemoBuildResult } from './generator/build.ts';
import { INDUSTRY_SECTIONS } from './generator/enterprises.ts';
import { CITY_CODE, CITY_NAME } from './generator/sources.ts';
import type { CitySummary, DistrictFeatureCollection, DivisionList, Enterprise, Relation, Resident } from './schemas.ts';
import { createCityStore } from './store.ts';

export interface CityService {
  /** City and district totals; zeros and `builtAt: null` before the demo city is built. */
  summary(): Promise<CitySummary>;
  /** The 8 district boundaries with their population, enterprises and grids. */
  districtsGeoJson(): Promise<DistrictFeatureCollection>;
  /** Divisions directly under `parent` (default 聊城市 371500), with counts. */
  listDivisions(query: { parent?: string }): Promise<DivisionList>;
  /** A resident by 居民身份证号码; invalid numbers are refused with the reason. */
  /** A resident by 居民身份证号码, within the caller's region scope (`resident_out_of_scope` outside it). */
  getResident(idNumber: string, scope?: RegionScope): Promise<Resident>;
  /** An enterprise by 统一社会信用代码; invalid codes are refused with the reason. */
  getEnterprise(uscc: string, scope?: RegionScope): Promise<Enterprise>;
  /**
   * 实名核验 real-name check: does the population base data hold this ID number under this name?
   * Malformed numbers are refused (`resident_id_invalid`); a miss is an answer, not an error.
   */
  verifyResidentName(idNumber: string, name: string): Promise<ResidentNameCheck>;
  /**
   * 法人核验 legal-entity check: is the enterprise registered, and is `actingIdNumber` (if given)
   * its legal representative? Malformed codes are refused (`uscc_invalid`).
   */
  verifyEnterprise(uscc: string, actingIdNumber?: string): Promise<EnterpriseCheck>;
  /**
   * The divisions and grid of a point: the grid whose representative point is nearest (grids carry
   * no drawn boundary, so this is a nearest-point match, not point-in-polygon). Null before the
   * demo city is built.
   */
  locate(lon: number, lat: number): Promise<PointLocation | null>;
  /** Every grid (网格) with its representative point and household count, for the one map. */
  gridPoints(): Promise<GridPoint[]>;
  /** Build the demo city with this module's clock (see {@link buildDemoCity}). */
  buildDemoCity(options: Omit<DemoBuildOptions, 'clock'>, onProgress?: (p: DemoBuildProgress) => void): Promise<DemoBuildResult>;
}

export interface GridPoint {
  code: string;
  name: string;
  districtCode: string;
  townCode: string;
  villageCode: string;
  households: number;
  lon: number;
  lat: number;
}

export interface PointLocation {
  districtCode: string;
  townCode: string;
  villageCode: string;
  gridCode: string;
}

export type ResidentNameCheck =
  | { verified: true; idNumber: string; districtCode: string; phone: string | null }
  | { verified: false; reason: 'not_found' | 'name_mismatch' };

export type EnterpriseCheck =
  | { verified: true; uscc: string; name: string; districtCode: string; actingIsLegalRep: boolean }
  | { verified: false; reason: 'not_found' };

const divisionCodeShape = /^\d{6}(\d{3}){0,2}$/;

export function createCityService(deps: { db: Database; logger: Logger; clock: Clock }): CityService {
  const store = createCityStore(deps.db);

  async function districtStats(): Promise<Map<string, CitySummary['districts'][number]>> {
    const boundaries = await loadDistrictBoundaries();
    const parents = await store.divisionsWithStats(CITY_CODE);
    const byCode = new Map(parents.map((d) => [d.code, d]));
    return new Map(
      boundaries.map((b) => {
        const s = byCode.get(b.code);
        return [
          b.code,
          {
            code: b.code,
            name: s?.name ?? b.name,
            population: s?.population ?? 0,
            households: s?.households ?? 0,
            enterprises: s?.enterprises ?? 0,
            grids: s?.grids ?? 0,
            towns: s?.towns ?? 0,
            villages: s?.villages ?? 0,
          },
        ];
      }),
    );
  }

  return {
    async summary() {
      const [districts, build] = await Promise.all([districtStats(), store.latestDoneBuild()]);
      const list = [...districts.values()];
      const total = (key: 'population' | 'households' | 'enterprises' | 'grids'): number => list.reduce((s, d) => s + d[key], 0);
      return {
        city: { code: CITY_CODE, name: CITY_NAME },
        population: total('population'),
        households: total('households'),
        enterprises: total('enterprises'),
        grids: total('grids'),
        builtAt: build?.finishedAt ?? null,
        districts: list,
      };
    },

    async districtsGeoJson() {
      const [boundaries, stats] = await Promise.all([loadDistrictBoundaries(), districtStats()]);
      return {
        type: 'FeatureCollection',
        features: boundaries.map((b) => {
          const s = stats.get(b.code);
          return {
            type: 'Feature',
            properties: { code: b.code, name: b.name, population: s?.population ?? 0, enterprises: s?.enterprises ?? 0, grids: s?.grids ?? 0 },
            geometry: b.geometry,
          };
        }),
      };
    },

    async listDivisions(query) {
      const code = query.parent ?? CITY_CODE;
      if (!divisionCodeShape.test(code)) {
        throw cityError('division_code_invalid', `division code ${JSON.stringify(code)} should be 6, 9 or 12 digits`, { field: 'parent' });
      }
      const parent = await store.division(code);
      if (parent) return { parent: { code, name: parent.name, level: parent.level }, divisions: await store.divisionsWithStats(code) };
      // Not built yet (or a division the build skipped): known divisions of the city list nothing.
      const level = divisionLevel(code);
      if (code.startsWith(CITY_CODE.slice(0, 4)) && level && level !== 'province') {
        return { parent: { code, name: divisionName(code) ?? code, level }, divisions: [] };
      }
      throw cityError('division_not_found', `division ${code} is not a division of ${CITY_NAME}`, { field: 'parent' });
    },

    async getResident(idNumber, scope) {
      const parsed = parseResidentId(idNumber.trim());
      if (!parsed.ok) throw cityError('resident_id_invalid', parsed.message, { field: 'idNumber', reason: parsed.reason });
      const r = await store.resident(parsed.value.id);
      if (!r) throw cityError('resident_not_found', 'no resident of the demo city has this ID number', { field: 'idNumber' });
      if (scope && !inRegion(scope, r.villageCode)) throw cityError('resident_out_of_scope', `this resident lives outside the regions you may look up (${scope.all ? '' : scope.regions.join(', ')})`, { field: 'idNumber' });
      return {
        idNumber: r.idNumber,
        name: r.name,
        sex: r.sex,
        birthDate: r.birthDate,
        relation: r.relation as Relation,
        household: { id: r.householdId, address: r.address, gridCode: r.gridCode },
        village: { code: r.villageCode, name: r.villageName },
        town: { code: r.townCode, name: r.townName },
        district: { code: r.districtCode, name: r.districtName },
        phone: r.phone,
        lon: r.lon,
        lat: r.lat,
      };
    },

    async getEnterprise(uscc, scope) {
      const parsed = parseUscc(uscc.trim().toUpperCase());
      if (!parsed.ok) throw cityError('uscc_invalid', parsed.message, { field: 'uscc', reason: parsed.reason });
      const e = await store.enterprise(parsed.value.code);
      if (!e) throw cityError('enterprise_not_found', 'no enterprise of the demo city has this credit code', { field: 'uscc' });
      if (scope && !inRegion(scope, e.villageCode)) throw cityError('enterprise_out_of_scope', `this enterprise is registered outside the regions you may look up (${scope.all ? '' : scope.regions.join(', ')})`, { field: 'uscc' });
      return {
        uscc: e.uscc,
        name: e.name,
        legalRep: { idNumber: e.legalRepId, name: e.legalRepName },
        district: { code: e.districtCode, name: e.districtName },
        village: { code: e.villageCode, name: e.villageName },
        industry: { section: e.industry, name: INDUSTRY_SECTIONS[e.industry] ?? e.industry },
        registeredCapital: e.registeredCapital,
        establishedOn: e.establishedOn,
        lon: e.lon,
        lat: e.lat,
      };
    },

    async verifyResidentName(idNumber, name) {
      const parsed = parseResidentId(idNumber.trim().toUpperCase());
      if (!parsed.ok) throw cityError('resident_id_invalid', parsed.message, { field: 'idNumber', reason: parsed.reason });
      const r = await store.resident(parsed.value.id);
      if (!r) return { verified: false, reason: 'not_found' };
      if (r.name !== name.trim()) return { verified: false, reason: 'name_mismatch' };
      return { verified: true, idNumber: r.idNumber, districtCode: r.districtCode, phone: r.phone };
    },

    async verifyEnterprise(uscc, actingIdNumber) {
      const parsed = parseUscc(uscc.trim().toUpperCase());
      if (!parsed.ok) throw cityError('uscc_invalid', parsed.message, { field: 'uscc', reason: parsed.reason });
      const e = await store.enterprise(parsed.value.code);
      if (!e) return { verified: false, reason: 'not_found' };
      const acting = actingIdNumber?.trim().toUpperCase();
      return { verified: true, uscc: e.uscc, name: e.name, districtCode: e.districtCode, actingIsLegalRep: acting !== undefined && acting === e.legalRepId };
    },

    async locate(lon, lat) {
      // Equirectangular distance is exact enough at city scale; the bounding box keeps it to nearby grids first.
      const k = Math.cos((lat * Math.PI) / 180) ** 2;
      const nearest = async (box: number | null) =>
        (
          await deps.db.query<{ district_code: string; town_code: string; village_code: string; code: string }>(
            `SELECT district_code, town_code, village_code, code FROM city_grids
             ${box === null ? '' : 'WHERE lon BETWEEN $1::float8 - $4::float8 AND $1::float8 + $4::float8 AND lat BETWEEN $2::float8 - $4::float8 AND $2::float8 + $4::float8'}
             ORDER BY power(lon - $1::float8, 2) * $3::float8 + power(lat - $2::float8, 2) LIMIT 1`,
            box === null ? [lon, lat, k] : [lon, lat, k, box],
          )
        ).rows[0];
      const g = (await nearest(0.05)) ?? (await nearest(null));
      return g ? { districtCode: g.district_code, townCode: g.town_code, villageCode: g.village_code, gridCode: g.code } : null;
    },

    async gridPoints() {
      const { rows } = await deps.db.query<GridPoint>(
        `SELECT code, name, district_code AS "districtCode", town_code AS "townCode", village_code AS "villageCode", households, lon, lat FROM city_grids ORDER BY code`,
      );
      return rows;
    },

    async buildDemoCity(options, onProgress) {
      const result = await buildDemoCity(deps.db, { ...options, clock: deps.clock }, onProgress);
      deps.logger.info({ build: result.id, people: result.people, seed: result.seed, rows: result.rows, reused: result.reused }, 'demo city ready');
      return result;
    },
  };
}
