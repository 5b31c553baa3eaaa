// `citybrain import <resource-code> <file>`: stream a file to a running platform's aggregation API
// and follow the load with a progress bar (upload, then rows), then print the counts and the
// columns no data item took (--map 列名=item maps them).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { phaseProgress } from './progress.ts';

export interface ImportOptions {
  url: string;
  format?: string;
  apiKey?: string;
  /** 列映射 `列名=item` entries: map a file column to a data item; `列名=` leaves it out. */
  map?: readonly string[];
}

interface LoadView {
  id: number;
  status: string;
  bytesTotal: number;
  bytesRead: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  error: string | null;
  unmapped?: string[];
}

/** Returns the process exit code: 0 loaded (bad rows may be quarantined), 1 failed. */
export async function importFile(code: string, file: string, opts: ImportOptions, out: (line: string) => void): Promise<number> {
  const size = fs.statSync(file).size;
  const base = opts.url.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const progress = phaseProgress();
  let sent = 0;
  const body = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  body.on('data', (chunk) => {
    sent += chunk.length;
    progress.update({ phase: 'upload', done: sent, total: size });
  });
  const query = new URLSearchParams({ fileName: path.basename(file), ...(opts.format ? { format: opts.format } : {}) });
  for (const entry of opts.map ?? []) query.append('map', entry);
  const res = await fetch(`${base}/api/aggregation/resources/${encodeURIComponent(code)}/loads?${query.toString()}`, {
    method: 'POST',
    headers,
    body: Readable.toWeb(body) as ReadableStream,
    duplex: 'half',
  });
  const answer = (await res.json()) as LoadView & { detail?: string; field?: string };
  if (res.status !== 202) {
    progress.stop();
    out(`import refused (${res.status}): ${answer.detail ?? JSON.stringify(answer)}${answer.field ? ` [${answer.field}]` : ''}`);
    return 1;
  }
  let load: LoadView = answer;
  for (;;) {
    progress.update({ phase: 'load', done: load.bytesRead, total: Math.max(load.bytesTotal, 1) });
    if (load.status !== 'loading' && load.status !== 'receiving') break;
    await new Promise((r) => setTimeout(r, 500));
    const poll = await fetch(`${base}/api/aggregation/loads/${load.id}`, { headers: opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {} });
    load = (await poll.json()) as LoadView;
  }
  progress.stop();
  if (load.status !== 'done') {
    out(`load ${load.id} ${load.status}: ${load.error ?? ''}`);
    return 1;
  }
  out(`load ${load.id} done: ${load.rowsRead} rows read, ${load.rowsInserted} inserted, ${load.rowsUpdated} updated, ${load.rowsRejected} quarantined`);
  if (load.unmapped?.length) out(`columns not loaded (no data item matches): ${load.unmapped.join(', ')}; map them with --map 列名=item, or leave them out with --map 列名=`);
  if (load.rowsRejected > 0) out(`quarantined rows: ${base}/api/aggregation/loads/${load.id}/rejects.csv`);
  return 0;
}
