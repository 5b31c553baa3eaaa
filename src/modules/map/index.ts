/**
 * Map module (一张图 one map, 基础地理信息服务): the layer registry — district boundaries, towns,
 * grids, IoT devices, active alarms, open events, the event heat map and every catalogued resource
 * with coordinates — served as GeoJSON and Mapbox Vector Tiles, kept current by bus events. The
 * basemap is the platform's own boundaries, so it works with no internet. Whole public surface.
 */
import { fileURLToPath } from 'node:url';
import { Counter, Gauge, type Registry } from 'prom-client';
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
  /** Gauges of the tile engine's memory: loaded layers' features and encoded tiles. */
  registerMetrics(prom: Registry): void;
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
    registerMetrics(prom) {
      const stats = () => service.engine.stats();
      new Gauge({ name: 'citybrain_map_layer_data_bytes', help: 'Estimated bytes of the map layers kept loaded in memory (bounded, least recently used first out)', registers: [prom], collect() { this.set(stats().layerBytes); } });
      new Gauge({ name: 'citybrain_map_layer_data_features', help: 'Features of the map layers kept loaded in memory', registers: [prom], collect() { this.set(stats().layerFeatures); } });
      new Gauge({ name: 'citybrain_map_layers_loaded', help: 'Map layers (and scoped views) kept loaded in memory', registers: [prom], collect() { this.set(stats().layers); } });
      new Counter({ name: 'citybrain_map_layer_evictions_total', help: 'Map layers dropped from memory to stay within the budget', registers: [prom], collect() { this.reset(); this.inc(stats().layerEvictions); } });
      new Gauge({ name: 'citybrain_map_tile_cache_bytes', help: 'Bytes of encoded vector tiles in the cache', registers: [prom], collect() { this.set(stats().bytes); } });
    },
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
export { parseTileAddress, MAX_ZOOM, type TileEngine, type TileEngineStats, type TileCacheOptions } from './tiles.ts';
export { LAYER_GROUPS, type Layer, type LayerGroup, type LayerList, type LayerListQuery, type LayerStyle } from './schemas.ts';
