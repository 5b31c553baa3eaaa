/**
 * The platform's modules, in dependency order. To add a capability: export its migrations in
 * `moduleMigrations` and construct it in `createModules`; `app.ts` does the rest (migrations,
 * routes under `/api/<name>`, start and stop).
 */
import type { MigrationSource, ModuleContext, PlatformModule } from './platform/index.ts';
import { cityMigrations, createCityModule, type CityModule } from './modules/city/index.ts';

/** Every module's migrations, applied after the platform's own, in this order. */
export const moduleMigrations: readonly MigrationSource[] = [cityMigrations];

export interface Modules {
  city: CityModule;
}

export function createModules(ctx: ModuleContext): { modules: Modules; list: PlatformModule[] } {
  const city = createCityModule(ctx);
  return { modules: { city }, list: [city] };
}
