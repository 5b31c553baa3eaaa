/**
 * Aggregation module (大汇聚): files (CSV in UTF-8 or GBK, XLSX, JSON) streamed into catalogued
 * resources, each resource's rows in a table made from its data items, upserted by key; bad rows
 * quarantined with line and reason; every load recorded and reversible. Whole public surface.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Clock, Logger } from '../../kernel/index.ts';
import type { Database, MigrationSource, PlatformModule } from '../../platform/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { aggregationRoutes } from './routes.ts';
import { createAggregationService, type AggregationService } from './service.ts';

export interface AggregationModule extends PlatformModule {
  name: 'aggregation';
  service: AggregationService;
}

/** The aggregation_* tables. */
export const aggregationMigrations: MigrationSource = { module: 'aggregation', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/** Wire the aggregation module; uploads are kept under `<dataDir>/aggregation` until loaded. */
export function createAggregationModule(deps: { db: Database; logger: Logger; clock: Clock; catalog: CatalogService; config: { dataDir: string } }): AggregationModule {
  const service = createAggregationService({ ...deps, dataDir: path.resolve(deps.config.dataDir) });
  return {
    name: 'aggregation',
    service,
    routes: aggregationRoutes(service),
    migrations: aggregationMigrations,
    start: () => service.resume(),
    stop: () => service.idle(),
  };
}

export { dataTableName } from './data-table.ts';
export { LOAD_COMPLETED } from './pipeline.ts';
export { LOAD_ROLLED_BACK, type AggregationService, type UploadOptions } from './service.ts';
export { AGGREGATION_ERRORS, type AggregationErrorCode } from './errors.ts';
export type { Load, LoadColumn, Reject } from './schemas.ts';
export type { UploadFormat } from './sources.ts';
