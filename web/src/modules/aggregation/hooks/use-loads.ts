import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchLoads, fetchRejects, fetchRows, type Load, type Reject } from '../api/aggregation-api.ts';

const LIVE_MS = 700;

/** Loads of a resource; polls while one is still receiving or loading, so progress moves. */
export function useLoads(code: string, nonce: number): Resource<{ items: Load[] }> {
  return useResource((signal) => fetchLoads(code, signal), {
    key: `loads:${code}:${nonce}`,
    pollMs: (data) => (data?.items.some((l) => l.status === 'loading' || l.status === 'receiving') ? LIVE_MS : undefined),
  });
}

export function useRejects(id: number, offset: number, version: string): Resource<{ total: number; items: Reject[] }> {
  return useResource((signal) => fetchRejects(id, offset, signal), { key: `rejects:${id}:${offset}:${version}` });
}

export function useRows(code: string, nonce: string): Resource<{ total: number; columns: string[]; rows: Array<Record<string, string | null>> }> {
  return useResource((signal) => fetchRows(code, signal), { key: `rows:${code}:${nonce}` });
}
