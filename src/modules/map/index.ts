/**
 * Map module (一张图 one map, 基础地理信息服务): the layer registry — district boundaries, towns,
 * grids, IoT devices, active alarms, open events, the event heat map and every catalogued resource
 * with coordinates — served as GeoJSON and Mapbox Vector Tiles, kept current by bus events. The
 * basemap is the platform's own boundaries, so it works with no internet. Whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { BusSubscription } from '../../platform/bus/index.ts';
import type { MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { mapRoutes } from './routes.ts';
import { createMapService, type MapService } from './service.ts';
import type { MapSourceDeps } from './sources.ts';
import type { TileCacheOptions } from './tiles.ts';

export interface MapModule extends PlatformModule {
  name: 'map';
  service: MapService;
  /** Resolves when the catalogue scan after start has finished. */
  ready(): Promise<void>;
}

/** The map keeps no tables; the folder is here for the platform's migration runner. */
export const mapMigrations: MigrationSource = { module: 'map', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/** Bus subjects whose events change layers. */
const SUBJECTS = ['events.event.>', 'iot.alarm.>', 'iot.device.>', 'catalog.resource.changed', 'aggregation.load.>'] as const;

export function createMapModule(
  ctx: Pick<ModuleContext, 'bus' | 'clock' | 'logger' | 'config'>,
  deps: Omit<MapSourceDeps, 'clock'> & { tileCache?: TileCacheOptions },
): MapModule {
  const logger = ctx.logger.child({ module: 'map' });
  const service = createMapService({ ...deps, clock: ctx.clock, logger });
  const subscriptions: BusSubscription[] = [];
  let scan: Promise<void> = Promise.resolve();
  return {
    name: 'map',
    service,
    migrations: mapMigrations,
    routes: mapRoutes(service),
    ready: () => scan,
    async start() {
      // Every node keeps its own tile cache, so each subscribes under its own durable name.
      for (const subject of SUBJECTS) {
        subscriptions.push(
          await ctx.bus.subscribe(subject, `map-${ctx.config.nodeId}-${subject.replace(/[.>*]+/g, '-')}`, async (e) => {
            await service.onBusEvent(e.subject, e.data);
          }),
        );
      }
      scan = service.syncCatalog().then(
        (n) => logger.info({ layers: n }, 'map: catalogued resources with coordinates added as layers'),
        (err: unknown) => logger.error({ err }, 'map: catalogue scan failed'),
      );
    },
    async stop() {
      await scan;
      for (const s of subscriptions.splice(0)) await s.stop();
    },
  };
}

export { MAP_ERRORS, type MapErrorCode } from './errors.ts';
export { subjectMatches, EVERYTHING, type MapService, type MapCaller, type CanRead, type GeoJsonAnswer, type TileAnswer } from './service.ts';
export { coordinateColumns, parseGeometry, type LayerSource, type FlatFeature, type MapSourceDeps } from './sources.ts';
export { parseTileAddress, MAX_ZOOM, type TileEngine } from './tiles.ts';
export { LAYER_GROUPS, type Layer, type LayerGroup, type LayerList, type LayerListQuery, type LayerStyle } from './schemas.ts';
