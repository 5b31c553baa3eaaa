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
import { createSourcesService, type SourcesService } from './data-sources.ts';
import { loadFieldKey } from './field-key.ts';
import { aggregationRoutes } from './routes.ts';
import { createAggregationService, type AggregationService } from './service.ts';

export interface AggregationModule extends PlatformModule {
  name: 'aggregation';
  service: AggregationService;
  /** 定时抽取 scheduled pulls from HTTP APIs and PostgreSQL databases. */
  sources: SourcesService;
}

/** The aggregation_* tables. */
export const aggregationMigrations: MigrationSource = { module: 'aggregation', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/**
 * Wire the aggregation module; uploads are kept under `<dataDir>/aggregation` (replay reads them).
 * Source credentials are sealed with `config.fieldKey` (CITYBRAIN_FIELD_KEY) or a key generated
 * under the data directory; `config.nodeId` names this node on a source's run lease.
 */
export function createAggregationModule(deps: {
  db: Database;
  logger: Logger;
  clock: Clock;
  catalog: CatalogService;
  config: { dataDir: string; fieldKey?: string | undefined; nodeId?: string | undefined };
}): AggregationModule {
  const service = createAggregationService({ ...deps, dataDir: path.resolve(deps.config.dataDir) });
  const sources = createSourcesService({ ...deps, aggregation: service, key: loadFieldKey(deps.config), nodeId: deps.config.nodeId ?? 'node-1' });
  return {
    name: 'aggregation',
    service,
    sources,
    routes: aggregationRoutes(service, sources),
    migrations: aggregationMigrations,
    async start() {
      await service.resume();
      await sources.start();
    },
    async stop() {
      await sources.stop();
      await service.idle();
    },
  };
}

export { dataTableName } from './data-table.ts';
export { LOAD_COMPLETED } from './pipeline.ts';
export { LOAD_ROLLED_BACK, type AggregationService, type IngestOptions, type PushOptions, type PushResult, type UploadOptions } from './service.ts';
export type { SourcesService } from './data-sources.ts';
export { AGGREGATION_ERRORS, type AggregationErrorCode } from './errors.ts';
export type { ColumnMapping, Load, LoadColumn, Preview, Reject, SourceInput, SourceView } from './schemas.ts';
export type { UploadFormat } from './sources.ts';
