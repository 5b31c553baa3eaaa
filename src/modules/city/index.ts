/**
 * City module (城市基础数据): the divisions, grids, households, residents and enterprises of the
 * demo city 聊城市 (Liaocheng, 371500), and the deterministic generator that builds it on the
 * city's real divisions. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { Clock, Logger } from '../../kernel/index.ts';
import type { Database, MigrationSource } from '../../platform/db/index.ts';
import type { HttpApp } from '../../platform/http/index.ts';
import { cityRoutes } from './routes.ts';
import { type CityService, createCityService } from './service.ts';

export interface CityModule {
  name: 'city';
  service: CityService;
  /** Routes to register under `/api/city`. */
  routes: (app: HttpApp) => void;
  /** The city_* tables. */
  migrations: MigrationSource;
}

/** The city_* tables (the same source as `createCityModule(…).migrations`). */
export const cityMigrations: MigrationSource = { module: 'city', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/** Wire the city module onto a database. Apply `migrations` before using the service. */
export function createCityModule(deps: { db: Database; logger: Logger; clock: Clock }): CityModule {
  const service = createCityService(deps);
  return { name: 'city', service, routes: cityRoutes(service), migrations: cityMigrations };
}

export { buildDemoCity, CITY_BUILT, MAX_PEOPLE, type CityBuiltEvent, type DemoBuildOptions, type DemoBuildPhase, type DemoBuildProgress, type DemoBuildResult } from './generator/build.ts';
export { REFERENCE_DATE, HOUSEHOLDS_PER_GRID } from './generator/population.ts';
export { CENSUS_2020, PEOPLE_PER_ENTERPRISE } from './generator/plan.ts';
export { INDUSTRY_SECTIONS } from './generator/enterprises.ts';
export { CITY_ERRORS, type CityErrorCode } from './errors.ts';
export type { CityService, EnterpriseCheck, GridPoint, PointLocation, ResidentNameCheck } from './service.ts';
export type { TableRowCounts } from './store.ts';
export type {
  CitySummary,
  DistrictSummary,
  DistrictFeature,
  DistrictFeatureCollection,
  Division,
  DivisionLevel,
  DivisionList,
  Enterprise,
  Relation,
  Resident,
} from './schemas.ts';
