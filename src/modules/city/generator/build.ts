// Builds the demo city into the database: divisions, then households, residents, enterprises,
// their e-licences and credit records village by village (streamed to one COPY per table), grids,
// points of interest, economy indicators, keys and indexes, and counts.
import { type Clock, systemClock } from '../../../kernel/index.ts';
import { enqueueEvent } from '../../../platform/bus/index.ts';
import type { Database } from '../../../platform/db/index.ts';
import {
  type BuildRow,
  CITY_TABLES,
  CITY_VIEWS,
  createCityStore,
  type CityStore,
  CREDIT_COLUMNS,
  DEFERRED_SCHEMA,
  DIVISION_COLUMNS,
  ENTERPRISE_COLUMNS,
  GRID_COLUMNS,
  HOUSEHOLD_COLUMNS,
  INDICATOR_COLUMNS,
  LICENCE_COLUMNS,
  POI_COLUMNS,
  RESIDENT_COLUMNS,
  STATS_COLUMNS,
  type TableRowCounts,
} from '../store.ts';
import { cityError } from '../errors.ts';
import { BatchQueue, type Row } from './batches.ts';
import { generateIndicators, generatePois, villageLicences } from './base-libraries.ts';
import { loadDistrictBoundaries } from './boundaries.ts';
import { CENSUS_2020, type CityPlan, planCity } from './plan.ts';
import { placeNear, PopulationGenerator, REFERENCE_DATE } from './population.ts';
import { Prng } from './prng.ts';
import { CITY_CODE, CITY_NAME, loadDivisionSource, PROVINCE_CODE } from './sources.ts';

export type DemoBuildPhase = 'divisions' | 'residents' | 'enterprises' | 'grids' | 'libraries' | 'indexes' | 'stats';

/** Progress of a build, reported at most every ~100 ms and at the start and end of each phase. */
export interface DemoBuildProgress {
  phase: DemoBuildPhase;
  done: number;
  total: number;
}

export interface DemoBuildOptions {
  /** Residents, 1 … 20 000 000 (the real city has about 6 000 000). */
  people: number;
  /** 0 … 4 294 967 295; the same seed and size give byte-identical rows. */
  seed: number;
  /** Rebuild even if the tables already hold this city. */
  force?: boolean;
  /** Timestamps of the build record (never the data); the system clock by default. */
  clock?: Clock;
}

export interface DemoBuildResult {
  id: number;
  seed: number;
  people: number;
  /** Ages are completed years on this date. */
  referenceDate: string;
  startedAt: string;
  finishedAt: string | null;
  /** True when an identical finished build was found and nothing was done. */
  reused: boolean;
  /** Rows written, all tables together. */
  rows: number;
  tables: TableRowCounts;
}

/**
 * Written to the outbox in the transaction that marks a build finished, so modules that check or
 * copy the base libraries (quality rules) react once per build, even when the build ran from the
 * CLI with no platform up (the next start's relay publishes it). A reused build sends nothing.
 */
export const CITY_BUILT = 'city.build.completed';

/** The data of {@link CITY_BUILT}: the build, and the tables and views it filled (base libraries' `backingTable`). */
export interface CityBuiltEvent {
  buildId: number;
  seed: number;
  people: number;
  finishedAt: string;
  tables: string[];
}

export const MAX_PEOPLE = 20_000_000;
const MAX_SEED = 0xffffffff;
const BATCH_ROWS = 5_000;
const PROGRESS_INTERVAL_MS = 100;
// Advisory lock serialising builds across processes on one PostgreSQL database.
const BUILD_LOCK_KEY = 3_715_000_001;

type Report = (phase: DemoBuildPhase, done: number, total: number, force?: boolean) => void;

function reporter(onProgress: ((p: DemoBuildProgress) => void) | undefined): Report {
  let last = -Infinity;
  return (phase, done, total, force = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && done < total && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress({ phase, done, total });
  };
}

const inProcess = new WeakMap<Database, Promise<unknown>>();

/** One build at a time per database: in this process, and on PostgreSQL across processes. */
function withBuildLock<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  const prior = inProcess.get(db) ?? Promise.resolve();
  const run = async (): Promise<T> => {
    if (db.engine !== 'postgres') return fn();
    // The transaction only holds the lock; the build itself runs on other pool connections.
    return db.transaction(async (tx) => {
      // The transaction sits idle for the whole build: a server-wide idle timeout must not end it.
      await tx.query('SET LOCAL idle_in_transaction_session_timeout = 0');
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BUILD_LOCK_KEY]);
      return fn();
    });
  };
  const next = prior.then(run, run);
  inProcess.set(db, next.catch(() => undefined));
  return next;
}

function toResult(build: BuildRow, reused: boolean): DemoBuildResult {
  const t = build.rowCounts;
  return {
    id: build.id,
    seed: build.seed,
    people: build.people,
    referenceDate: build.referenceDate,
    startedAt: build.startedAt,
    finishedAt: build.finishedAt,
    reused,
    rows: t.divisions + t.grids + t.households + t.residents + t.enterprises + t.licences + t.pois + t.creditRecords + t.indicators,
    tables: t,
  };
}

function checkOptions(o: DemoBuildOptions): void {
  if (!Number.isInteger(o.people) || o.people < 1 || o.people > MAX_PEOPLE) {
    throw cityError('build_options_invalid', `people must be an integer from 1 to ${MAX_PEOPLE}, got ${o.people}`, { field: 'people' });
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED) {
    throw cityError('build_options_invalid', `seed must be an integer from 0 to ${MAX_SEED}, got ${o.seed}`, { field: 'seed' });
  }
}

/**
 * Build the deterministic demo city (聊城市 on its real divisions) into `db`. Returns at once if
 * the newest build is a finished one with the same seed and size (unless `force`); a build that
 * was interrupted is discarded and done again. Memory stays bounded: rows stream to COPY in
 * batches of 5 000, so 6 000 000 people fit in the default Node heap.
 */
export async function buildDemoCity(db: Database, options: DemoBuildOptions, onProgress?: (p: DemoBuildProgress) => void): Promise<DemoBuildResult> {
  checkOptions(options);
  const clock = options.clock ?? systemClock;
  const store = createCityStore(db);
  return withBuildLock(db, async () => {
    const latest = await store.latestBuild();
    // A build from before the four other base libraries (no licences for its enterprises) is redone.
    const complete = latest !== undefined && (latest.rowCounts.enterprises === 0 || latest.rowCounts.licences > 0);
    if (!options.force && latest?.status === 'done' && complete && latest.seed === options.seed && latest.people === options.people) {
      return toResult(latest, true);
    }
    const id = await store.startBuild({ seed: options.seed, people: options.people, referenceDate: REFERENCE_DATE, startedAt: clock.now() });
    try {
      const counts = await fillCity(db, store, options, reporter(onProgress));
      const finishedAt = clock.now();
      await db.transaction(async (tx) => {
        await store.finishBuild(id, finishedAt, counts, tx);
        const event: CityBuiltEvent = { buildId: id, seed: options.seed, people: options.people, finishedAt: finishedAt.toISOString(), tables: [...CITY_TABLES, ...CITY_VIEWS] };
        await enqueueEvent(tx, CITY_BUILT, event);
      });
    } catch (e) {
      await store.failBuild(id, clock.now(), e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    }
    const build = await store.latestBuild();
    if (!build) throw new Error('city_builds: the finished build is missing');
    return toResult(build, false);
  });
}

/** Counts per division code: people, households, enterprises, grids. */
class Tally {
  readonly byCode = new Map<string, [number, number, number, number]>();

  add(codes: readonly string[], people: number, households: number, enterprises: number, grids: number): void {
    for (const code of codes) {
      const t = this.byCode.get(code) ?? [0, 0, 0, 0];
      t[0] += people;
      t[1] += households;
      t[2] += enterprises;
      t[3] += grids;
      this.byCode.set(code, t);
    }
  }
}

async function* inBatches(rows: readonly Row[]): AsyncGenerator<Row[]> {
  for (let i = 0; i < rows.length; i += BATCH_ROWS) yield rows.slice(i, i + BATCH_ROWS);
}

async function fillCity(db: Database, store: CityStore, options: DemoBuildOptions, report: Report): Promise<TableRowCounts> {
  await store.truncateCity();
  await store.dropDeferredSchema();

  const [source, boundaries] = await Promise.all([loadDivisionSource(), loadDistrictBoundaries()]);
  const plan = planCity(source, boundaries, options);
  const divisions = await writeDivisions(db, plan, report);

  const tally = new Tally();
  const { households, residents, enterprises, licences, creditRecords, gridHouseholds } = await writePeople(db, plan, tally, report);
  const grids = await writeGrids(db, plan, gridHouseholds, tally, report);
  const { pois, indicators } = await writeLibraries(db, plan, report);

  report('indexes', 0, DEFERRED_SCHEMA.length, true);
  await store.createDeferredSchema((done) => report('indexes', done, DEFERRED_SCHEMA.length));

  await writeStats(db, plan, tally, report);
  return { divisions, grids, households, residents, enterprises, licences, pois, creditRecords, indicators };
}

async function writeDivisions(db: Database, plan: CityPlan, report: Report): Promise<number> {
  const seat = plan.districts[0];
  const rows: Row[] = [[CITY_CODE, CITY_NAME, 'city', PROVINCE_CODE, seat?.lon ?? 0, seat?.lat ?? 0]];
  for (const d of plan.districts) {
    rows.push([d.code, d.name, 'county', CITY_CODE, d.lon, d.lat]);
    for (const t of d.towns) {
      rows.push([t.code, t.name, 'town', d.code, t.lon, t.lat]);
      for (const v of t.villages) rows.push([v.code, v.name, 'village', t.code, v.lon, v.lat]);
    }
  }
  report('divisions', 0, rows.length, true);
  const n = await db.copyFrom('city_divisions', DIVISION_COLUMNS, inBatches(rows));
  report('divisions', n, rows.length, true);
  return n;
}

async function writePeople(db: Database, plan: CityPlan, tally: Tally, report: Report) {
  const queues = {
    households: new BatchQueue(BATCH_ROWS),
    residents: new BatchQueue(BATCH_ROWS),
    enterprises: new BatchQueue(BATCH_ROWS),
    licences: new BatchQueue(BATCH_ROWS),
    credit: new BatchQueue(BATCH_ROWS),
  };
  const all = Object.values(queues);
  const failAll = (e: unknown): never => {
    for (const q of all) q.fail(e);
    throw e;
  };
  const copies = Promise.all([
    db.copyFrom('city_households', HOUSEHOLD_COLUMNS, queues.households).catch(failAll),
    db.copyFrom('city_residents', RESIDENT_COLUMNS, queues.residents).catch(failAll),
    db.copyFrom('city_enterprises', ENTERPRISE_COLUMNS, queues.enterprises).catch(failAll),
    db.copyFrom('city_licences', LICENCE_COLUMNS, queues.licences).catch(failAll),
    db.copyFrom('city_credit_records', CREDIT_COLUMNS, queues.credit).catch(failAll),
  ]);
  const gridHouseholds = new Map<string, number[]>();
  const produce = async (): Promise<[number, number, number, number, number]> => {
    const generator = new PopulationGenerator(plan);
    let people = 0;
    let households = 0;
    let enterprises = 0;
    let licences = 0;
    let credit = 0;
    report('residents', 0, plan.people, true);
    for (const d of plan.districts) {
      for (const t of d.towns) {
        for (const v of t.villages) {
          const rows = generator.village(v, t, d);
          await queues.households.push(rows.households);
          await queues.residents.push(rows.residents);
          await queues.enterprises.push(rows.enterprises);
          const derived = villageLicences(plan.seed, v, d, rows.residents, rows.enterprises);
          await queues.licences.push(derived.licences);
          await queues.credit.push(derived.credit);
          licences += derived.licences.length;
          credit += derived.credit.length;
          gridHouseholds.set(v.code, rows.gridHouseholds);
          tally.add([CITY_CODE, d.code, t.code, v.code], rows.residents.length, rows.households.length, rows.enterprises.length, 0);
          people += rows.residents.length;
          households += rows.households.length;
          enterprises += rows.enterprises.length;
          report('residents', people, plan.people);
        }
      }
    }
    await Promise.all(all.map((q) => q.close()));
    return [people, households, enterprises, licences, credit];
  };
  const [[people, households, enterprises, licences, creditRecords]] = await Promise.all([produce().catch(failAll), copies]);
  report('residents', people, plan.people, true);
  // Enterprises are written alongside residents: their legal representatives are picked from
  // the village being generated, which is what keeps the build a single streaming pass.
  report('enterprises', enterprises, enterprises, true);
  return { households, residents: people, enterprises, licences, creditRecords, gridHouseholds };
}

/** Points of interest and the economy indicator series: small, written in one COPY each. */
async function writeLibraries(db: Database, plan: CityPlan, report: Report): Promise<{ pois: number; indicators: number }> {
  const poiRows = generatePois(plan);
  const indicatorRows = generateIndicators(plan, CENSUS_2020);
  const total = poiRows.length + indicatorRows.length;
  report('libraries', 0, total, true);
  const pois = await db.copyFrom('city_pois', POI_COLUMNS, inBatches(poiRows));
  const indicators = await db.copyFrom('city_economy_indicators', INDICATOR_COLUMNS, inBatches(indicatorRows));
  report('libraries', total, total, true);
  return { pois, indicators };
}

async function writeGrids(db: Database, plan: CityPlan, gridHouseholds: ReadonlyMap<string, number[]>, tally: Tally, report: Report): Promise<number> {
  const rows: Row[] = [];
  for (const d of plan.districts) {
    for (const t of d.towns) {
      for (const v of t.villages) {
        const prng = new Prng(plan.seed, `grids/${v.code}`);
        const counts = gridHouseholds.get(v.code) ?? [0];
        counts.forEach((households, k) => {
          const [lon, lat] = placeNear(prng, v, d, v.spread);
          rows.push([`${v.code}${String(k + 1).padStart(3, '0')}`, `${v.shortName}第${k + 1}网格`, v.code, t.code, d.code, households, lon, lat]);
        });
        tally.add([CITY_CODE, d.code, t.code, v.code], 0, 0, 0, counts.length);
      }
    }
  }
  report('grids', 0, rows.length, true);
  let done = 0;
  const n = await db.copyFrom(
    'city_grids',
    GRID_COLUMNS,
    (async function* () {
      for await (const batch of inBatches(rows)) {
        yield batch;
        done += batch.length;
        report('grids', done, rows.length);
      }
    })(),
  );
  report('grids', n, rows.length, true);
  return n;
}

async function writeStats(db: Database, plan: CityPlan, tally: Tally, report: Report): Promise<void> {
  const rows: Row[] = [];
  const row = (code: string, towns: number, villages: number): void => {
    const [people, households, enterprises, grids] = tally.byCode.get(code) ?? [0, 0, 0, 0];
    rows.push([code, people, households, enterprises, grids, towns, villages]);
  };
  const townCount = plan.districts.reduce((s, d) => s + d.towns.length, 0);
  const villageCount = plan.districts.reduce((s, d) => s + d.towns.reduce((n, t) => n + t.villages.length, 0), 0);
  row(CITY_CODE, townCount, villageCount);
  for (const d of plan.districts) {
    row(d.code, d.towns.length, d.towns.reduce((n, t) => n + t.villages.length, 0));
    for (const t of d.towns) {
      row(t.code, 0, t.villages.length);
      for (const v of t.villages) row(v.code, 0, 0);
    }
  }
  report('stats', 0, rows.length, true);
  await db.copyFrom('city_district_stats', STATS_COLUMNS, inBatches(rows));
  report('stats', rows.length, rows.length, true);
}
