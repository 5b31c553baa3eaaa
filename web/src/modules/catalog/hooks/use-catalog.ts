import { useResource, type Resource as Loaded } from '../../../app/use-resource.ts';
import {
  fetchLibraries, fetchResource, fetchTemplates, fetchVersions, searchResources, type LibraryInfo, type Resource, type ResourceFilters, type ResourceSummary, type ThemeTemplate, type VersionInfo,
} from '../api/catalog-api.ts';

/** Catalog search; reloads when a filter changes. */
export function useResourceSearch(filters: ResourceFilters): Loaded<{ total: number; totalCapped: boolean; items: ResourceSummary[] }> {
  return useResource((signal) => searchResources(filters, signal), { key: `catalog-search:${JSON.stringify(filters)}` });
}

export function useCatalogResource(code: string): Loaded<Resource> {
  return useResource((signal) => fetchResource(code, signal), { key: `catalog-resource:${code}` });
}

export function useResourceVersions(code: string, version: number): Loaded<{ items: VersionInfo[] }> {
  return useResource((signal) => fetchVersions(code, signal), { key: `catalog-versions:${code}:${version}` });
}

export function useLibraries(nonce = 0): Loaded<{ items: LibraryInfo[] }> {
  return useResource(fetchLibraries, { key: `catalog-libraries:${nonce}` });
}

export function useTemplates(): Loaded<{ items: ThemeTemplate[] }> {
  return useResource(fetchTemplates, { key: 'catalog-templates' });
}
