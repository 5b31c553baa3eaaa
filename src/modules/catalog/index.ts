/**
 * Catalog module (政务信息资源目录): government information resources with the national catalog
 * fields, every change kept as a version with a field-level diff, Chinese partial-word search,
 * the six base libraries (六大基础库) and theme-library templates. This file is its whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { Clock, Logger } from '../../kernel/index.ts';
import type { Database, MigrationSource, PlatformModule } from '../../platform/index.ts';
import { createListsService, type ListsService } from './lists-service.ts';
import { catalogRoutes } from './routes.ts';
import { createCatalogService, type CatalogService } from './service.ts';

export interface CatalogModule extends PlatformModule {
  name: 'catalog';
  service: CatalogService;
  /** 三张清单 the sharing, open and e-licence lists generated from the catalog. */
  lists: ListsService;
}

/** The catalog_* tables. */
export const catalogMigrations: MigrationSource = { module: 'catalog', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/** Wire the catalog onto a database; `start` catalogues the base libraries on first start. */
export function createCatalogModule(deps: { db: Database; logger: Logger; clock: Clock }): CatalogModule {
  const service = createCatalogService(deps);
  const lists = createListsService(deps);
  return {
    name: 'catalog',
    service,
    lists,
    routes: catalogRoutes(service, lists),
    migrations: catalogMigrations,
    async start() {
      await service.ensureBaseLibraries();
    },
  };
}

export { actorOf, scopedActorOf } from './routes.ts';
export { RESOURCE_CHANGED, type Actor, type CatalogService } from './service.ts';
export { CATALOG_ERRORS, type CatalogErrorCode } from './errors.ts';
export { BASE_LIBRARIES, THEME_LIBRARIES, THEME_TEMPLATES } from './libraries.ts';
export { indexTerms, queryTerms } from './search-terms.ts';
export { LIST_PUBLISHED, type ListsService, type ListSummary } from './lists-service.ts';
export { LIST_HEADER, LIST_KINDS, LIST_TITLES, type ListDiff, type ListEntry, type ListKind } from './lists.ts';
export type { ListVersionMeta } from './lists-store.ts';
export {
  DATA_ITEM_TYPES,
  type DataItem,
  type FieldChange,
  type LibraryInfo,
  type Resource,
  type ResourceInput,
  type ResourceList,
  type ResourceQuery,
  type ResourceSummary,
  type ResourceUpdate,
  type ThemeTemplate,
  type VersionDiff,
  type VersionInfo,
} from './schemas.ts';
