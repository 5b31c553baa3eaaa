// SQL for the city_* tables, and nothing else. Numbers are cast in SQL so both engines return
// JavaScript numbers; dates come back as YYYY-MM-DD text.
import type { Database, Queryable } from '../../platform/db/index.ts';

export const DIVISION_COLUMNS = ['code', 'name', 'level', 'parent_code', 'lon', 'lat'] as const;
export const GRID_COLUMNS = ['code', 'name', 'village_code', 'town_code', 'district_code', 'households', 'lon', 'lat'] as const;
export const HOUSEHOLD_COLUMNS = ['id', 'head_id_number', 'size', 'address', 'village_code', 'town_code', 'district_code', 'grid_code', 'lon', 'lat'] as const;
export const RESIDENT_COLUMNS = [
  'id_number', 'name', 'sex', 'birth_date', 'relation', 'household_id', 'village_code', 'district_code', 'phone', 'lon', 'lat',
] as const;
export const ENTERPRISE_COLUMNS = [
  'uscc', 'name', 'legal_rep_id', 'district_code', 'village_code', 'industry', 'registered_capital', 'established_on', 'lon', 'lat',
] as const;
export const LICENCE_COLUMNS = [
  'licence_no', 'licence_type', 'holder_type', 'holder_id', 'holder_name', 'issuer', 'issued_on', 'valid_until', 'status', 'district_code',
] as const;
export const POI_COLUMNS = ['poi_id', 'name', 'category', 'address', 'district_code', 'town_code', 'lon', 'lat'] as const;
export const CREDIT_COLUMNS = [
  'record_id', 'subject_type', 'subject_code', 'subject_name', 'record_type', 'content', 'decided_on', 'valid_until', 'authority', 'district_code',
] as const;
export const INDICATOR_COLUMNS = ['indicator', 'name', 'period', 'division_code', 'value', 'unit'] as const;
export const STATS_COLUMNS = ['code', 'population', 'households', 'enterprises', 'grids', 'towns', 'villages'] as const;

/** The views over city_licences, one per licence type (migrations/002_base_libraries.sql): refreshed by every build. */
export const CITY_VIEWS = ['city_licence_business', 'city_licence_food', 'city_licence_marriage', 'city_licence_real_estate', 'city_licence_driving'] as const;

/** The data tables a build fills, in an order that truncates and loads cleanly. */
export const CITY_TABLES = ['city_licences', 'city_credit_records', 'city_pois', 'city_economy_indicators', 'city_enterprises', 'city_residents', 'city_households', 'city_grids', 'city_divisions', 'city_district_stats'] as const;

/**
 * Keys and indexes of the big tables that the build drops before its bulk load and creates
 * afterwards (a sorted index build beats millions of random inserts). Same names and
 * definitions as migrations/001_city.sql; foreign keys last, after the keys they point to.
 */
export const DEFERRED_SCHEMA: readonly { table: string; name: string; kind: 'constraint' | 'index'; definition: string }[] = [
  { table: 'city_households', name: 'city_households_pkey', kind: 'constraint', definition: 'PRIMARY KEY (id)' },
  { table: 'city_residents', name: 'city_residents_pkey', kind: 'constraint', definition: 'PRIMARY KEY (id_number)' },
  { table: 'city_residents', name: 'city_residents_phone_key', kind: 'constraint', definition: 'UNIQUE (phone)' },
  { table: 'city_enterprises', name: 'city_enterprises_pkey', kind: 'constraint', definition: 'PRIMARY KEY (uscc)' },
  { table: 'city_licences', name: 'city_licences_pkey', kind: 'constraint', definition: 'PRIMARY KEY (licence_no)' },
  { table: 'city_credit_records', name: 'city_credit_records_pkey', kind: 'constraint', definition: 'PRIMARY KEY (record_id)' },
  { table: 'city_households', name: 'city_households_village_idx', kind: 'index', definition: '(village_code)' },
  { table: 'city_households', name: 'city_households_grid_idx', kind: 'index', definition: '(grid_code)' },
  { table: 'city_residents', name: 'city_residents_district_idx', kind: 'index', definition: '(district_code)' },
  { table: 'city_residents', name: 'city_residents_village_idx', kind: 'index', definition: '(village_code)' },
  { table: 'city_residents', name: 'city_residents_household_idx', kind: 'index', definition: '(household_id)' },
  { table: 'city_enterprises', name: 'city_enterprises_district_idx', kind: 'index', definition: '(district_code)' },
  { table: 'city_enterprises', name: 'city_enterprises_legal_rep_idx', kind: 'index', definition: '(legal_rep_id)' },
  { table: 'city_enterprises', name: 'city_enterprises_village_idx', kind: 'index', definition: '(village_code)' },
  { table: 'city_licences', name: 'city_licences_holder_idx', kind: 'index', definition: '(holder_id)' },
  { table: 'city_licences', name: 'city_licences_type_idx', kind: 'index', definition: '(licence_type)' },
  { table: 'city_credit_records', name: 'city_credit_records_subject_idx', kind: 'index', definition: '(subject_code)' },
  {
    table: 'city_households',
    name: 'city_households_grid_code_fkey',
    kind: 'constraint',
    definition: 'FOREIGN KEY (grid_code) REFERENCES city_grids (code)',
  },
  {
    table: 'city_residents',
    name: 'city_residents_household_id_fkey',
    kind: 'constraint',
    definition: 'FOREIGN KEY (household_id) REFERENCES city_households (id)',
  },
  {
    table: 'city_enterprises',
    name: 'city_enterprises_legal_rep_id_fkey',
    kind: 'constraint',
    definition: 'FOREIGN KEY (legal_rep_id) REFERENCES city_residents (id_number)',
  },
];

export type BuildStatus = 'building' | 'done' | 'failed';

export interface TableRowCounts {
  divisions: number;
  grids: number;
  households: number;
  residents: number;
  enterprises: number;
  /** 电子证照 e-licences. */
  licences: number;
  /** 兴趣点 points of interest. */
  pois: number;
  /** 公共信用 public credit records. */
  creditRecords: number;
  /** 宏观经济 indicator values (one per indicator, month and division). */
  indicators: number;
}

export interface BuildRow {
  id: number;
  seed: number;
  people: number;
  referenceDate: string;
  status: BuildStatus;
  startedAt: string;
  finishedAt: string | null;
  rowCounts: TableRowCounts;
}

export interface DivisionRow {
  code: string;
  name: string;
  level: 'city' | 'county' | 'town' | 'village';
  parentCode: string;
  lon: number;
  lat: number;
}

export interface DivisionStatsRow extends DivisionRow {
  population: number;
  households: number;
  enterprises: number;
  grids: number;
  towns: number;
  villages: number;
  children: number;
}

export interface ResidentRow {
  idNumber: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: string;
  relation: string;
  householdId: string;
  address: string;
  gridCode: string;
  villageCode: string;
  villageName: string;
  townCode: string;
  townName: string;
  districtCode: string;
  districtName: string;
  phone: string | null;
  lon: number;
  lat: number;
}

export interface EnterpriseRow {
  uscc: string;
  name: string;
  legalRepId: string;
  legalRepName: string;
  districtCode: string;
  districtName: string;
  villageCode: string;
  villageName: string;
  industry: string;
  registeredCapital: number;
  establishedOn: string;
  lon: number;
  lat: number;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const BUILD_SELECT = `SELECT id, seed::float8 AS "seed", people, reference_date::text AS "referenceDate", status,
  ${iso('started_at')} AS "startedAt", ${iso('finished_at')} AS "finishedAt", row_counts AS "rowCounts" FROM city_builds`;

const EMPTY_COUNTS: TableRowCounts = { divisions: 0, grids: 0, households: 0, residents: 0, enterprises: 0, licences: 0, pois: 0, creditRecords: 0, indicators: 0 };

function normaliseBuild(row: BuildRow): BuildRow {
  const counts = typeof row.rowCounts === 'string' ? (JSON.parse(row.rowCounts) as TableRowCounts) : row.rowCounts;
  return { ...row, rowCounts: { ...EMPTY_COUNTS, ...counts } };
}

export function createCityStore(db: Database) {
  return {
    // ---- builds ---------------------------------------------------------------------------
    async latestBuild(q: Queryable = db): Promise<BuildRow | undefined> {
      const { rows } = await q.query<BuildRow>(`${BUILD_SELECT} ORDER BY id DESC LIMIT 1`);
      return rows[0] && normaliseBuild(rows[0]);
    },

    async latestDoneBuild(): Promise<BuildRow | undefined> {
      const { rows } = await db.query<BuildRow>(`${BUILD_SELECT} WHERE id = (SELECT max(id) FROM city_builds) AND status = 'done'`);
      return rows[0] && normaliseBuild(rows[0]);
    },

    async startBuild(b: { seed: number; people: number; referenceDate: string; startedAt: Date }): Promise<number> {
      // A build that was still 'building' crashed (the caller holds the build lock): say so.
      await db.query(`UPDATE city_builds SET status = 'failed', error = 'interrupted' WHERE status = 'building'`);
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO city_builds (seed, people, reference_date, status, started_at) VALUES ($1, $2, $3, 'building', $4) RETURNING id`,
        [b.seed, b.people, b.referenceDate, b.startedAt],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('city_builds: insert returned no id');
      return id;
    },

    async finishBuild(id: number, finishedAt: Date, counts: TableRowCounts, q: Queryable = db): Promise<void> {
      await q.query(`UPDATE city_builds SET status = 'done', finished_at = $2, row_counts = $3 WHERE id = $1`, [id, finishedAt, JSON.stringify(counts)]);
    },

    async failBuild(id: number, finishedAt: Date, error: string): Promise<void> {
      await db.query(`UPDATE city_builds SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [id, finishedAt, error.slice(0, 2000)]);
    },

    async truncateCity(): Promise<void> {
      await db.exec(`TRUNCATE ${CITY_TABLES.join(', ')}`);
    },

    /** Drop the deferred keys and indexes (foreign keys first); missing ones are fine. */
    async dropDeferredSchema(): Promise<void> {
      for (const item of [...DEFERRED_SCHEMA].reverse()) {
        await db.exec(
          item.kind === 'constraint' ? `ALTER TABLE ${item.table} DROP CONSTRAINT IF EXISTS ${item.name}` : `DROP INDEX IF EXISTS ${item.name}`,
        );
      }
    },

    /** Create the deferred keys and indexes in order; `onEach` after each one. */
    async createDeferredSchema(onEach: (done: number) => void): Promise<void> {
      let done = 0;
      for (const item of DEFERRED_SCHEMA) {
        await db.exec(
          item.kind === 'constraint'
            ? `ALTER TABLE ${item.table} ADD CONSTRAINT ${item.name} ${item.definition}`
            : `CREATE INDEX ${item.name} ON ${item.table} ${item.definition}`,
        );
        onEach(++done);
      }
      await db.exec(`ANALYZE ${CITY_TABLES.join(', ')}`);
    },

    // ---- reads ----------------------------------------------------------------------------
    async division(code: string): Promise<DivisionRow | undefined> {
      const { rows } = await db.query<DivisionRow>(
        'SELECT code, name, level, parent_code AS "parentCode", lon, lat FROM city_divisions WHERE code = $1',
        [code],
      );
      return rows[0];
    },

    /** Divisions under `parentCode` with their counts (zeros where no stats row exists yet). */
    async divisionsWithStats(parentCode: string): Promise<DivisionStatsRow[]> {
      const { rows } = await db.query<DivisionStatsRow>(
        `SELECT d.code, d.name, d.level, d.parent_code AS "parentCode", d.lon, d.lat,
           coalesce(s.population, 0) AS population, coalesce(s.households, 0) AS households,
           coalesce(s.enterprises, 0) AS enterprises, coalesce(s.grids, 0) AS grids,
           coalesce(s.towns, 0) AS towns, coalesce(s.villages, 0) AS villages,
           (SELECT count(*)::int FROM city_divisions c WHERE c.parent_code = d.code) AS children
         FROM city_divisions d LEFT JOIN city_district_stats s ON s.code = d.code
         WHERE d.parent_code = $1 ORDER BY d.code`,
        [parentCode],
      );
      return rows;
    },

    async resident(idNumber: string): Promise<ResidentRow | undefined> {
      const { rows } = await db.query<ResidentRow>(
        `SELECT r.id_number AS "idNumber", r.name, r.sex, r.birth_date::text AS "birthDate", r.relation,
           r.household_id AS "householdId", h.address, h.grid_code AS "gridCode",
           r.village_code AS "villageCode", v.name AS "villageName", t.code AS "townCode", t.name AS "townName",
           r.district_code AS "districtCode", d.name AS "districtName", r.phone, r.lon, r.lat
         FROM city_residents r
         JOIN city_households h ON h.id = r.household_id
         JOIN city_divisions v ON v.code = r.village_code
         JOIN city_divisions t ON t.code = v.parent_code
         JOIN city_divisions d ON d.code = r.district_code
         WHERE r.id_number = $1`,
        [idNumber],
      );
      return rows[0];
    },

    async enterprise(uscc: string): Promise<EnterpriseRow | undefined> {
      const { rows } = await db.query<EnterpriseRow>(
        `SELECT e.uscc, e.name, e.legal_rep_id AS "legalRepId", r.name AS "legalRepName",
           e.district_code AS "districtCode", d.name AS "districtName",
           e.village_code AS "villageCode", v.name AS "villageName", e.industry,
           e.registered_capital::float8 AS "registeredCapital", e.established_on::text AS "establishedOn", e.lon, e.lat
         FROM city_enterprises e
         JOIN city_residents r ON r.id_number = e.legal_rep_id
         JOIN city_divisions d ON d.code = e.district_code
         JOIN city_divisions v ON v.code = e.village_code
         WHERE e.uscc = $1`,
        [uscc],
      );
      return rows[0];
    },
  };
}

export type CityStore = ReturnType<typeof createCityStore>;
