/**
 * NGSI-LD context data API (ETSI GS CIM 009, API 1.x) of the IoT module: entities, batch
 * operations, queries with q and geo-queries, subscriptions with HTTP notifications and the
 * temporal API, under /ngsi-ld/v1. Registered devices and their readings appear as entities.
 */
import type { Clock, Logger } from '../../../kernel/index.ts';
import type { Database, MigrationSource } from '../../../platform/db/index.ts';
import type { PlatformModule } from '../../../platform/index.ts';
import { createDeviceMirror, type DeviceMirror } from './devices.ts';
import { ngsiRoutes } from './routes.ts';
import { createEntityService, type EntityService } from './service.ts';
import { createEntityStore } from './store.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.ts';
import { createTemporal, type Temporal } from './temporal.ts';

export interface NgsiLdOptions {
  /** How often Device entities are refreshed from the registry (default 10 s). */
  deviceSyncMs?: number;
  /** Longest wait before committed readings are written to their entities, coalesced per entity (default 250 ms). */
  entityFlushMs?: number;
  /** Delays between notification attempts. */
  retryDelaysMs?: readonly number[];
  /** Notifications waiting per subscription before they are coalesced into one with each entity's newest state (default 100). */
  maxQueuedNotifications?: number;
  /** Temporal aggregation of device readings from the stored hourly / daily rollups when the periods fit them (default true); false reads raw readings only. */
  temporalRollups?: boolean;
}

export interface NgsiLdModule extends PlatformModule {
  name: 'ngsi-ld';
  routePrefix: '/ngsi-ld/v1';
  entities: EntityService;
  subscriptions: Subscriptions;
  temporal: Temporal;
  devices: DeviceMirror;
}

/** `migrations`: the IoT module's (the ngsi_* tables are among them). */
export function createNgsiLd(deps: { db: Database; clock: Clock; logger: Logger; migrations: MigrationSource }, options: NgsiLdOptions = {}): NgsiLdModule {
  const logger = deps.logger.child({ module: 'ngsi-ld' });
  const store = createEntityStore(deps.db);
  const entities = createEntityService({ db: deps.db, store, clock: deps.clock });
  const subscriptions = createSubscriptions({ db: deps.db, store, clock: deps.clock, logger, ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}), ...(options.maxQueuedNotifications ? { maxQueuedNotifications: options.maxQueuedNotifications } : {}) });
  entities.onChange((changes) => subscriptions.changed(changes));
  const devices = createDeviceMirror({ db: deps.db, clock: deps.clock, logger, emit: (changes) => entities.emit(changes), ...(options.entityFlushMs !== undefined ? { flushMs: options.entityFlushMs } : {}) });
  const temporal = createTemporal({ db: deps.db, rollups: options.temporalRollups ?? true });
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'ngsi-ld',
    routePrefix: '/ngsi-ld/v1',
    migrations: deps.migrations,
    routes: ngsiRoutes({ entities, subscriptions, temporal, logger }),
    entities,
    subscriptions,
    temporal,
    devices,
    async start() {
      await devices.sync();
      const behind = await devices.catchUp();
      if (behind > 0) logger.info({ devices: behind }, 'ngsi-ld device entities caught up with readings stored before a stop');
      timer = setInterval(() => void devices.sync().catch((err: unknown) => logger.error({ err }, 'ngsi-ld device sync failed')), options.deviceSyncMs ?? 10_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await devices.settle();
      await subscriptions.stop();
    },
  };
}

export { CORE_CONTEXT, CORE_CONTEXT_URL, SERVED_CONTEXT_PATH, type LdContext } from './context.ts';
export { deviceEntityId, observedEntityId } from './devices.ts';
