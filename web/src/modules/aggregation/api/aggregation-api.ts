// 数据汇聚 aggregation: uploads, loads, quarantined rows and rollback from /api/aggregation.
import { fetchJson } from '../../../app/api.ts';

export type LoadStatus = 'receiving' | 'loading' | 'done' | 'failed' | 'rolled_back';

export interface Load {
  id: number;
  resourceCode: string;
  format: string;
  fileName: string;
  encoding: string | null;
  status: LoadStatus;
  bytesTotal: number;
  bytesRead: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  columns: Array<{ header: string; inferredType: string; item: string | null }>;
  error: string | null;
  submittedBy: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface Reject {
  line: number;
  reason: string;
  field: string | null;
  raw: string;
}

const base = '/api/aggregation';

/** Send the file as the request body; the server streams it to disk. */
export function uploadFile(code: string, file: File): Promise<Load> {
  const params = new URLSearchParams({ fileName: file.name });
  return fetchJson(`${base}/resources/${encodeURIComponent(code)}/loads?${params.toString()}`, { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream' } });
}

export const fetchLoads = (code: string, signal: AbortSignal): Promise<{ items: Load[] }> => fetchJson(`${base}/loads?resource=${encodeURIComponent(code)}&limit=50`, { signal });
export const fetchRejects = (id: number, offset: number, signal: AbortSignal): Promise<{ total: number; items: Reject[] }> => fetchJson(`${base}/loads/${id}/rejects?limit=20&offset=${offset}`, { signal });
export const fetchRows = (code: string, signal: AbortSignal): Promise<{ total: number; columns: string[]; rows: Array<Record<string, string | null>> }> =>
  fetchJson(`${base}/resources/${encodeURIComponent(code)}/rows?limit=20`, { signal });
export const replayLoad = (id: number): Promise<Load> => fetchJson(`${base}/loads/${id}/replay`, { method: 'POST' });
export const rollbackLoad = (id: number): Promise<Load> => fetchJson(`${base}/loads/${id}/rollback`, { method: 'POST' });
export const rejectsCsvUrl = (id: number): string => `${base}/loads/${id}/rejects.csv`;
