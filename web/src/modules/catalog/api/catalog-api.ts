// 资源目录 catalog: resources, versions and diffs from /api/catalog.
import { fetchJson } from '../../../app/api.ts';

export interface DataItem {
  name: string;
  title: string;
  type: string;
  sensitivity: string;
  key?: boolean;
  required?: boolean;
  element?: string;
  source?: string;
}

export interface Resource {
  code: string;
  name: string;
  classification: { category: string; item?: string; heading?: string; subheading?: string };
  department: string;
  abstract: string;
  format: string;
  dataItems: DataItem[];
  sharing: { type: string; conditions?: string; method?: string };
  open: { type: string; conditions?: string };
  updateCycle: string;
  publishDate: string | null;
  related: string[];
  libraryClass: string;
  library: string | null;
  backingTable: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ResourceSummary {
  code: string;
  name: string;
  department: string;
  abstract: string;
  libraryClass: string;
  library: string | null;
  sharingType: string;
  openType: string;
  updateCycle: string;
  version: number;
  updatedAt: string;
}

export interface ResourceFilters {
  q?: string;
  department?: string;
  libraryClass?: string;
  library?: string;
  sharingType?: string;
  openType?: string;
  limit: number;
  offset: number;
}

export interface VersionInfo {
  version: number;
  changedAt: string;
  changedBy: string;
  changes: number;
}

export interface FieldChange {
  field: string;
  change: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

export interface LibraryInfo {
  libraryClass: string;
  library: string;
  title: string;
  titleEn: string;
  resources: number;
}

export function searchResources(filters: ResourceFilters, signal: AbortSignal): Promise<{ total: number; totalCapped: boolean; items: ResourceSummary[] }> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') params.set(k, String(v));
  return fetchJson(`/api/catalog/resources?${params.toString()}`, { signal });
}

export const fetchResource = (code: string, signal: AbortSignal): Promise<Resource> => fetchJson(`/api/catalog/resources/${encodeURIComponent(code)}`, { signal });

export const fetchVersions = (code: string, signal: AbortSignal): Promise<{ items: VersionInfo[] }> =>
  fetchJson(`/api/catalog/resources/${encodeURIComponent(code)}/versions`, { signal });

export const fetchDiff = (code: string, a: number, b: number, signal?: AbortSignal): Promise<{ changes: FieldChange[] }> =>
  fetchJson(`/api/catalog/resources/${encodeURIComponent(code)}/versions/${a}/diff/${b}`, signal ? { signal } : {});

export const fetchLibraries = (signal: AbortSignal): Promise<{ items: LibraryInfo[] }> => fetchJson('/api/catalog/libraries', { signal });

/** The fields a resource is created or edited with (PUT adds `version`, the one being edited). */
export type ResourceInput = Omit<Resource, 'code' | 'version' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'backingTable' | 'publishDate' | 'library'> & {
  code?: string;
  publishDate?: string;
  library?: string;
  version?: number;
};

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const createResource = (input: ResourceInput): Promise<Resource> => fetchJson('/api/catalog/resources', json('POST', input));
export const updateResource = (code: string, input: ResourceInput): Promise<Resource> => fetchJson(`/api/catalog/resources/${encodeURIComponent(code)}`, json('PUT', input));

/** 主题库模板 a theme-library template: the data items a department starts a theme resource from. */
export interface ThemeTemplate {
  id: string;
  library: string;
  title: string;
  titleEn: string;
  dataItems: DataItem[];
}

export interface FromTemplateInput {
  template: string;
  code: string;
  name?: string;
  department: string;
}

export const fetchTemplates = (signal: AbortSignal): Promise<{ items: ThemeTemplate[] }> => fetchJson('/api/catalog/templates', { signal });
export const createFromTemplate = (input: FromTemplateInput): Promise<Resource> => fetchJson('/api/catalog/resources/from-template', json('POST', input));
