import { useResource, type Resource as Loaded } from '../../../app/use-resource.ts';
import { fetchCurrentList, fetchListSummary, fetchListVersions, type ListDiff, type ListEntry, type ListKind, type ListSummary, type ListVersionMeta } from '../api/lists-api.ts';

/** The three lists with their latest versions; `nonce` reloads after a publish. */
export function useListSummary(nonce: number): Loaded<{ items: ListSummary[] }> {
  return useResource(fetchListSummary, { key: `lists-summary:${nonce}` });
}

export function useCurrentList(kind: ListKind, nonce: number): Loaded<{ entries: ListEntry[]; changes: ListDiff }> {
  return useResource((signal) => fetchCurrentList(kind, signal), { key: `lists-current:${kind}:${nonce}` });
}

export function useListVersions(kind: ListKind, nonce: number): Loaded<{ items: ListVersionMeta[] }> {
  return useResource((signal) => fetchListVersions(kind, signal), { key: `lists-versions:${kind}:${nonce}` });
}
