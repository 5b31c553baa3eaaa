// 数据汇聚 aggregation: uploads, loads, quarantined rows and rollback from /api/aggregation.
import { ApiError, fetchJson } from '../../../app/api.ts';

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
  columns: Array<{ header: string; inferredType: string; item: string | null; mappedBy?: 'map' | 'name' | 'title' | 'ignored' | 'unmapped' }>;
  /** The explicit column mapping of the upload: header → item, null = left out. */
  mapping: Record<string, string | null> | null;
  /** File columns (or fields of pulled / pushed records) no data item took: not loaded. */
  unmapped: string[];
  /** The data source whose run made this load; null for uploads and pushes. */
  sourceId: number | null;
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

/** 列映射 preview of a file: columns, inferred types, samples and the suggested data item of each. */
export interface Preview {
  format: string;
  encoding: string;
  rowsSampled: number;
  columns: Array<{ header: string; inferredType: string; samples: string[]; suggested: string | null; mappedBy: 'name' | 'title' | 'similar' | 'unmapped' }>;
  items: Array<{ name: string; title: string; type: string; key: boolean; required: boolean }>;
  missing: string[];
}

/** A CSV or JSON preview needs only the start of the file; an XLSX workbook is read whole. */
const PREVIEW_BYTES = 1 << 20;

export function previewFile(code: string, file: File): Promise<Preview> {
  const params = new URLSearchParams({ fileName: file.name });
  const body = /\.xlsx$/i.test(file.name) ? file : file.slice(0, PREVIEW_BYTES);
  return fetchJson(`${base}/resources/${encodeURIComponent(code)}/preview?${params.toString()}`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
}

/**
 * Send the file as the request body (the server streams it to disk) with the confirmed column
 * mapping (`列名=item`, `列名=` to leave a column out). XMLHttpRequest, because fetch cannot report
 * how much of the body has been sent: `onProgress` gets the bytes sent as they go.
 */
export function uploadFile(code: string, file: File, map: readonly string[] = [], onProgress?: (sent: number, total: number) => void): Promise<Load> {
  const params = new URLSearchParams({ fileName: file.name });
  for (const m of map) params.append('map', m);
  const url = `${base}/resources/${encodeURIComponent(code)}/loads?${params.toString()}`;
  return new Promise<Load>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: `upload of ${file.name} failed` }));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body !== undefined) {
        resolve(body as Load);
        return;
      }
      const p = (body ?? {}) as { type?: string; title?: string; status?: number; code?: string; detail?: string; requestId?: string; field?: string };
      reject(new ApiError({ type: p.type ?? 'about:blank', title: p.title ?? (xhr.statusText || `HTTP ${xhr.status}`), status: p.status ?? xhr.status, ...(p.code ? { code: p.code } : {}), ...(p.detail ? { detail: p.detail } : {}), ...(p.requestId ? { requestId: p.requestId } : {}), ...(p.field ? { field: p.field } : {}) }));
    };
    xhr.send(file);
  });
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
