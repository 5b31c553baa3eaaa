// 定时抽取 pulls: records from an HTTP API (a JSON array, or an array at a records path, page by
// page) or from another PostgreSQL database (a SELECT read through a cursor, optionally only the
// rows past a watermark). Each yields batches of records; the service writes them to an ordinary load.
import pg from 'pg';
import { AppError } from '../../kernel/index.ts';

export interface HttpPaging {
  /** Query parameter carrying the page number, e.g. `page`. */
  param: string;
  /** Number of the first page (0 or 1). */
  start: number;
  /** Query parameter carrying the page size, e.g. `size`; omitted when the API has a fixed size. */
  sizeParam?: string | undefined;
  /** Records per page; a shorter page is the last. */
  size: number;
  maxPages: number;
}

export interface HttpSettings {
  url: string;
  /** Dotted path to the array in the answer, e.g. `data.items`; the answer itself when omitted. */
  recordsPath?: string | undefined;
  paging?: HttpPaging | undefined;
}

export interface PostgresSettings {
  /** A SELECT (or WITH … SELECT); it runs in a read-only transaction. */
  query: string;
  /** Incremental pulls: only rows whose value here is greater than the last run's greatest. */
  watermarkColumn?: string | undefined;
}

export type SourceRecordBatch = unknown[];

const TIMEOUT_MS = 30_000;
const FETCH_ROWS = 5_000;

const pullFailed = (message: string) => new AppError('unavailable', 'source_failed', message);

function dig(body: unknown, recordsPath: string | undefined): unknown {
  if (!recordsPath) return body;
  let at: unknown = body;
  for (const part of recordsPath.split('.')) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[part] : undefined;
  return at;
}

/** The pages of an HTTP API, each as an array of records. */
export async function* pullHttp(settings: HttpSettings, headers: Record<string, string>): AsyncGenerator<SourceRecordBatch> {
  const paging = settings.paging;
  for (let page = 0; ; page++) {
    const url = new URL(settings.url);
    if (paging) {
      url.searchParams.set(paging.param, String(paging.start + page));
      if (paging.sizeParam) url.searchParams.set(paging.sizeParam, String(paging.size));
    }
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw pullFailed(`cannot reach ${url.host}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw pullFailed(`${url.host} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw pullFailed(`${url.host} did not answer JSON: ${text.slice(0, 100)}`);
    }
    const records = dig(body, settings.recordsPath);
    if (!Array.isArray(records)) throw pullFailed(settings.recordsPath ? `the answer has no array at ${settings.recordsPath}` : 'the answer is not a JSON array (set a records path)');
    if (records.length) yield records;
    if (!paging || records.length < paging.size || page + 1 >= paging.maxPages) return;
  }
}

// Dates and timestamps without a zone come as text, as the source wrote them (pg would turn a date
// into a local-midnight Date and shift it by the zone).
const TEXT_TYPES = new Set([1082, 1114]);
const asText = (v: string): string => v;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => (TEXT_TYPES.has(oid) ? asText : (pg.types.getTypeParser(oid, format ?? 'text') as unknown))) as typeof pg.types.getTypeParser,
};

function watermarkText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Rows of a SELECT on another PostgreSQL database, 5 000 at a time through a cursor. `onWatermark`
 * receives the greatest watermark value seen (rows come ordered by it).
 */
export async function* pullPostgres(connectionUrl: string, settings: PostgresSettings, watermark: string | null, onWatermark: (w: string) => void): AsyncGenerator<SourceRecordBatch> {
  const client = new pg.Client({ connectionString: connectionUrl, connectionTimeoutMillis: TIMEOUT_MS, types, application_name: 'citybrain-pull' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw pullFailed(`cannot connect to the source database: ${(e as Error).message}`);
  }
  try {
    await client.query('BEGIN READ ONLY');
    const col = settings.watermarkColumn ? `src."${settings.watermarkColumn}"` : null;
    const sql = col ? `SELECT * FROM (${settings.query}) AS src${watermark !== null ? ` WHERE ${col} > $1` : ''} ORDER BY ${col}` : settings.query;
    try {
      await client.query(`DECLARE citybrain_pull NO SCROLL CURSOR FOR ${sql}`, col && watermark !== null ? [watermark] : []);
    } catch (e) {
      throw pullFailed(`the source query failed: ${(e as Error).message}`);
    }
    for (;;) {
      const { rows } = await client.query<Record<string, unknown>>(`FETCH ${FETCH_ROWS} FROM citybrain_pull`);
      if (rows.length === 0) break;
      if (settings.watermarkColumn) {
        const w = watermarkText(rows[rows.length - 1]?.[settings.watermarkColumn]);
        if (w !== null) onWatermark(w);
      }
      yield rows;
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}
