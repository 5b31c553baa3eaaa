// 三张清单 the sharing, open and e-licence lists from /api/catalog/lists.
import { fetchJson } from '../../../app/api.ts';
import type { FieldChange } from './catalog-api.ts';

export type ListKind = 'sharing' | 'open' | 'licence';
export const LIST_KINDS: readonly ListKind[] = ['sharing', 'open', 'licence'];

export interface ListEntry {
  code: string;
  name: string;
  department: string;
  classification: string;
  libraryClass: string;
  library: string | null;
  sharingType: string;
  sharingConditions: string | null;
  sharingMethod: string | null;
  openType: string;
  openConditions: string | null;
  updateCycle: string;
  format: string;
  items: string[];
  resourceVersion: number;
}

export interface ListVersionMeta {
  kind: ListKind;
  version: number;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
  entries: number;
}

export interface ListDiff {
  kind: ListKind;
  from: number;
  to: number;
  added: ListEntry[];
  removed: ListEntry[];
  changed: Array<{ code: string; name: string; changes: FieldChange[] }>;
}

export interface ListSummary {
  kind: ListKind;
  title: string;
  titleEn: string;
  current: number;
  latest: ListVersionMeta | null;
  pending: number;
}

const base = '/api/catalog/lists';

export const fetchListSummary = (signal: AbortSignal): Promise<{ items: ListSummary[] }> => fetchJson(base, { signal });
export const fetchCurrentList = (kind: ListKind, signal: AbortSignal): Promise<{ entries: ListEntry[]; changes: ListDiff }> => fetchJson(`${base}/${kind}/current`, { signal });
export const fetchListVersions = (kind: ListKind, signal: AbortSignal): Promise<{ items: ListVersionMeta[] }> => fetchJson(`${base}/${kind}/versions`, { signal });
export const fetchListDiff = (kind: ListKind, a: number, b: number): Promise<ListDiff> => fetchJson(`${base}/${kind}/versions/${a}/diff/${b}`);
export const publishList = (kind: ListKind, note: string): Promise<ListVersionMeta> =>
  fetchJson(`${base}/${kind}/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(note ? { note } : {}) });
export const listExportUrl = (kind: ListKind, version: number, format: 'xlsx' | 'csv'): string => `${base}/${kind}/versions/${version}/export?format=${format}`;
