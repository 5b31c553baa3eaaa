/**
 * The platform's modules, in dependency order. To add a capability: export its migrations in
 * `moduleMigrations` and construct it in `createModules`; `app.ts` does the rest (migrations,
 * routes under `/api/<name>`, start and stop).
 */
import type { MigrationSource, ModuleContext, PlatformModule } from './platform/index.ts';
import { cityMigrations, createCityModule, type CityModule } from './modules/city/index.ts';
import { createIdentityModule, identityMigrations, type IdentityModule } from './modules/identity/index.ts';
import { catalogMigrations, createCatalogModule, type CatalogModule } from './modules/catalog/index.ts';
import { aggregationMigrations, createAggregationModule, type AggregationModule } from './modules/aggregation/index.ts';
import { createQualityModule, qualityMigrations, type QualityModule } from './modules/quality/index.ts';
import { createIotModule, iotMigrations, type IotModule } from './modules/iot/index.ts';
import { createEventsModule, eventsMigrations, type EventsModule } from './modules/events/index.ts';
import { createMapModule, mapMigrations, type MapModule } from './modules/map/index.ts';
import { createScreenModule, screenMigrations, type ScreenModule } from './modules/screen/index.ts';
import { createNotificationsModule, notificationsMigrations, type NotificationsModule } from './modules/notifications/index.ts';

/** Every module's migrations, applied after the platform's own, in this order. */
export const moduleMigrations: readonly MigrationSource[] = [cityMigrations, identityMigrations, iotMigrations, catalogMigrations, aggregationMigrations, qualityMigrations, eventsMigrations, mapMigrations, screenMigrations, notificationsMigrations];

export interface Modules {
  city: CityModule;
  identity: IdentityModule;
  iot: IotModule;
  catalog: CatalogModule;
  aggregation: AggregationModule;
  quality: QualityModule;
  events: EventsModule;
  map: MapModule;
  screen: ScreenModule;
  notifications: NotificationsModule;
}

export function createModules(ctx: ModuleContext): { modules: Modules; list: PlatformModule[] } {
  const city = createCityModule(ctx);
  const identity = createIdentityModule(ctx, { city: city.service });
  const iot = createIotModule(ctx);
  const catalog = createCatalogModule(ctx);
  const aggregation = createAggregationModule({ ...ctx, catalog: catalog.service });
  const quality = createQualityModule(ctx, { catalog: catalog.service, aggregation: aggregation.service, backingBuiltAt: async () => (await city.service.summary()).builtAt });
  const events = createEventsModule(ctx, {
    locate: (lon, lat) => city.service.locate(lon, lat),
    directory: identity.directory,
    deviceLocator: async (id) => {
      const d = await iot.registry.get(id);
      return { name: d.name, lon: d.lon, lat: d.lat };
    },
  });
  const map = createMapModule(ctx, {
    city: city.service, events: events.service, devices: iot.registry, alarms: iot.alarms, catalog: catalog.service,
    rows: (code, limit, offset) => aggregation.service.rows(code, limit, offset),
  });
  const screen = createScreenModule(ctx, { events: events.service, devices: iot.registry, alarms: iot.alarms, city: city.service });
  const notifications = createNotificationsModule(ctx, { directory: identity.directory, events: events.service, devices: iot.registry });
  return { modules: { city, identity, iot, catalog, aggregation, quality, events, map, screen, notifications }, list: [city, identity, iot, iot.ngsiLd, catalog, aggregation, quality, events, map, screen, notifications] };
}
