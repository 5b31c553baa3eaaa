/**
 * Quality module (数据治理, 数据质量保障): rules on a resource's data items (not null, unique, regex,
 * range, in set, resident ID / credit code / division code / phone, consistency across libraries,
 * freshness against the update cycle, row-count bounds), run after every load, on schedule and on
 * demand; a score per resource and per source department kept as history; problem tickets
 * (问题工单) to the source department that close when a later check passes. Whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { BusSubscription, MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { LOAD_COMPLETED, LOAD_ROLLED_BACK, type AggregationService } from '../aggregation/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { CITY_BUILT } from '../city/index.ts';
import { qualityRoutes } from './routes.ts';
import { createQualityService, type QualityService } from './service.ts';

export interface QualityModule extends PlatformModule {
  name: 'quality';
  service: QualityService;
}

/** The quality_* tables. */
export const qualityMigrations: MigrationSource = { module: 'quality', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface QualityModuleDeps {
  catalog: CatalogService;
  aggregation: Pick<AggregationService, 'listLoads'>;
  /** When the tables behind the base libraries (the demo city) were last built, for freshness rules. */
  backingBuiltAt?: () => Promise<string | null>;
  /** False leaves the cron schedule off (tests run rules themselves). */
  schedule?: boolean;
}

/**
 * Wire the quality module; `start` seeds the base libraries' default rules and subscribes to loads
 * and to builds of the demo city (the base libraries' tables).
 */
export function createQualityModule(ctx: Pick<ModuleContext, 'db' | 'logger' | 'clock' | 'bus'> & Partial<Pick<ModuleContext, 'relay'>>, deps: QualityModuleDeps): QualityModule {
  const service = createQualityService({ db: ctx.db, logger: ctx.logger.child({ module: 'quality' }), clock: ctx.clock, relay: ctx.relay, ...deps });
  const subscriptions: BusSubscription[] = [];
  return {
    name: 'quality',
    service,
    routes: qualityRoutes(service),
    migrations: qualityMigrations,
    async start() {
      await service.start();
      subscriptions.push(await ctx.bus.subscribe(LOAD_COMPLETED, 'quality-load-completed', (e) => service.onDataChanged(e)));
      subscriptions.push(await ctx.bus.subscribe(LOAD_ROLLED_BACK, 'quality-load-rolled-back', (e) => service.onDataChanged(e)));
      subscriptions.push(await ctx.bus.subscribe(CITY_BUILT, 'quality-city-built', (e) => service.onBaseLibrariesBuilt(e)));
    },
    async stop() {
      for (const s of subscriptions.splice(0)) await s.stop();
      await service.stop();
    },
  };
}

export { RUN_COMPLETED, TICKET_CLOSED, TICKET_OPENED, type QualityService, type Viewer } from './service.ts';
export { QUALITY_ERRORS, type QualityErrorCode } from './errors.ts';
export { DEFAULT_RULES, type DefaultRule } from './defaults.ts';
export { checkRule as checkRuleOver, CYCLE_HOURS, PHONE_PATTERN, type EngineContext, type Finding, type RuleSpec, type Target } from './engine.ts';
export { RULE_KINDS, TICKET_STATES, type Rule, type RuleInput, type RuleKind, type RuleParams, type RuleResult, type RuleUpdate, type Run, type Sample, type ScoreBoard, type Ticket, type Trend } from './schemas.ts';
