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

/** 定时抽取 a data source feeding a resource from an HTTP API or a PostgreSQL query. */
export interface DataSource {
  id: number;
  resourceCode: string;
  name: string;
  kind: 'http' | 'postgres';
  http: { url: string; recordsPath: string | null; paging: Record<string, unknown> | null; headerNames: string[] } | null;
  postgres: { connection: string; query: string; watermarkColumn: string | null } | null;
  schedule: string | null;
  nextRunAt: string | null;
  enabled: boolean;
  watermark: string | null;
  running: boolean;
  lastRunAt: string | null;
  lastStatus: 'done' | 'failed' | null;
  lastError: string | null;
  lastLoadId: number | null;
}

export interface SourceInput {
  resourceCode: string;
  name: string;
  kind: 'http' | 'postgres';
  http?: { url: string; recordsPath?: string; paging?: { param: string; start: number; sizeParam?: string; size: number; maxPages: number }; headers?: Record<string, string> };
  postgres?: { connectionUrl?: string; query: string; watermarkColumn?: string };
  schedule?: string | null;
  enabled?: boolean;
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const fetchSources = (code: string, signal: AbortSignal): Promise<{ items: DataSource[] }> => fetchJson(`${base}/sources?resource=${encodeURIComponent(code)}`, { signal });
export const createSource = (input: SourceInput): Promise<DataSource> => fetchJson(`${base}/sources`, json('POST', input));
export const runSource = (id: number): Promise<{ source: DataSource; load: Load | null }> => fetchJson(`${base}/sources/${id}/run`, { method: 'POST' });
export const deleteSource = (id: number): Promise<null> => fetchJson(`${base}/sources/${id}`, { method: 'DELETE' });
