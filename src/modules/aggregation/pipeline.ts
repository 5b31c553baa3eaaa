// One load, from the file on disk to the resource's table: read records as they stream, check
// every cell against its data item, quarantine bad rows with their line and reason, stage the good
// ones with COPY, then merge them in one transaction (upsert by key, before-images kept).
import type { Clock } from '../../kernel/index.ts';
import { enqueueEvent, type Database } from '../../platform/index.ts';
import type { DataItem, Resource } from '../catalog/index.ts';
import { createStage, dataTableName, ensureDataTable, mergeStage } from './data-table.ts';
import { type MappedColumn, resolveColumns } from './column-mapping.ts';
import { aggregationError } from './errors.ts';
import type { ColumnMapping, LoadColumn, Reject } from './schemas.ts';
import { detectEncoding, readRecords, type UploadFormat } from './sources.ts';
import type { AggregationStore } from './store.ts';
import { checkCell, ColumnInference } from './values.ts';

export const LOAD_COMPLETED = 'aggregation.load.completed';
const STAGE_BATCH = 10_000;
const REJECT_BATCH = 1_000;
const PROGRESS_MS = 500;

export async function runLoad(
  deps: { db: Database; clock: Clock; store: AggregationStore },
  load: { id: number; format: UploadFormat; file: string; mapping: ColumnMapping | null },
  resource: Resource,
): Promise<void> {
  const { db, store } = deps;
  const id = load.id;
  const table = dataTableName(resource.code);
  const stage = `agg_stage_${id}`;
  const encoding = load.format === 'csv' ? await detectEncoding(load.file) : 'utf-8';
  await store.update(db, id, { encoding, status: 'loading' });
  await store.clearRejects(id);
  const keys = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    const k = await ensureDataTable(tx, table, resource.dataItems);
    await store.registerTable(tx, resource.code, table, k, deps.clock.now().toISOString());
    return k;
  });

  let header: string[] | null = null;
  let resolved: MappedColumn[] = [];
  let mapped: Array<DataItem | null> = [];
  let inference: ColumnInference[] = [];
  let columns: DataItem[] = [];
  let rowsRead = 0;
  let rejected = 0;
  let bytesRead = 0;
  let lastProgress = Date.now();
  let batch: unknown[][] = [];
  let rejects: Reject[] = [];

  // One stage COPY stays in flight while the next batch is parsed and checked; a failed COPY
  // fails the load at the next flush (its rejection is observed there, not left unhandled).
  let copying: Promise<void> = Promise.resolve();
  const flush = async (last = false) => {
    await copying;
    if (batch.length) {
      const rows = batch;
      batch = [];
      copying = db.copyFrom(stage, ['_line', ...columns.map((c) => c.name)], (async function* () {
        yield rows as (string | number | null)[][];
      })()).then(() => undefined);
      copying.catch(() => undefined);
    }
    if (rejects.length) {
      await store.addRejects(id, rejects);
      rejects = [];
    }
    if (last) await copying;
  };
  const reject = (line: number, reason: string, field: string | null, given: string, values?: readonly string[]) => {
    rejected++;
    // Parsing keeps no raw text (it halves the parse rate); a bad row's text is rebuilt as CSV.
    const raw = given !== '' || !values ? given : values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
    rejects.push({ line, reason, field, raw: raw.length > 4000 ? `${raw.slice(0, 4000)}…` : raw });
  };

  for await (const rec of readRecords(load.file, load.format, encoding, (n) => (bytesRead += n))) {
    if (header === null && rec.values) {
      header = rec.values.map((h) => h.trim());
      resolved = resolveColumns(header, resource.dataItems, load.mapping);
      mapped = resolved.map((c) => c.item);
      inference = header.map(() => new ColumnInference());
      columns = mapped.filter((m): m is DataItem => m !== null);
      const present = new Set(columns.map((c) => c.name));
      const missing = resource.dataItems.filter((i) => (i.key || i.required) && !present.has(i.name));
      if (missing.length) {
        throw aggregationError('columns_missing', `the file has no column for ${missing.map((m) => `${m.title} (${m.name})`).join(', ')}; headers: ${header.join(', ')}; map one with 列名=${missing[0]?.name ?? 'item'}`, { field: 'header' });
      }
      if (columns.length === 0) throw aggregationError('columns_missing', 'no column of the file matches a data item', { field: 'header' });
      // The uploader sees the mapping, and the columns left unmapped, while the rows load.
      await store.update(db, id, { columns: columnReport(header, resolved, null) });
      await createStage(db, stage, columns.map((c) => c.name));
      continue;
    }
    rowsRead++;
    if (!rec.values) {
      reject(rec.line, rec.error ?? 'unreadable', null, rec.raw);
    } else if (load.format === 'csv' && header !== null && rec.values.length !== header.length) {
      rec.values.forEach((v, i) => inference[i]?.observe(v));
      reject(rec.line, `ragged row: ${rec.values.length} fields, the header has ${header.length}`, null, rec.raw, rec.values);
    } else {
      const out: unknown[] = [rec.line];
      let bad: { reason: string; field: string } | null = null;
      for (let i = 0; i < mapped.length; i++) {
        const raw = rec.values[i] ?? '';
        inference[i]?.observe(raw);
        const item = mapped[i];
        if (!item) continue;
        if (raw.trim() === '') {
          if ((item.key || item.required) && !bad) bad = { reason: `${item.title} (${item.name}) is empty`, field: item.name };
          out.push(null);
          continue;
        }
        const c = checkCell(item.type, raw);
        if (c.ok) out.push(c.value);
        else {
          out.push(null);
          if (!bad) bad = { reason: `${item.title} (${item.name}): ${c.reason}`, field: item.name };
        }
      }
      if (bad) reject(rec.line, bad.reason, bad.field, rec.raw, rec.values);
      else batch.push(out);
    }
    if (batch.length >= STAGE_BATCH || rejects.length >= REJECT_BATCH) await flush();
    if (Date.now() - lastProgress > PROGRESS_MS) {
      lastProgress = Date.now();
      await store.update(db, id, { bytes_read: bytesRead, rows_read: rowsRead, rows_rejected: rejected });
    }
  }
  if (header === null) throw aggregationError('upload_empty', 'the file has no header row', { field: 'body' });
  await flush(true);

  const report = columnReport(header, resolved, inference);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await store.deleteHistory(tx, id);
    const counts = await mergeStage(tx, { table, stage, loadId: id, columns: columns.map((c) => c.name), keys, items: resource.dataItems });
    await store.update(tx, id, {
      status: 'done', bytes_read: bytesRead, rows_read: rowsRead, rows_rejected: rejected, rows_inserted: counts.inserted, rows_updated: counts.updated,
      columns: report, finished_at: deps.clock.now().toISOString(), error: null,
    });
    await enqueueEvent(tx, LOAD_COMPLETED, { loadId: id, resourceCode: resource.code, inserted: counts.inserted, updated: counts.updated, rejected });
    await tx.query(`DROP TABLE ${stage}`);
  });
}

function columnReport(header: readonly string[], resolved: readonly MappedColumn[], inference: readonly ColumnInference[] | null): LoadColumn[] {
  return header.map((h, i) => ({ header: h, inferredType: inference?.[i]?.type ?? 'empty', item: resolved[i]?.item?.name ?? null, mappedBy: resolved[i]?.mappedBy ?? 'unmapped' }));
}

/** After a failure: drop the stage, keep the reason on the load. */
export async function failLoad(deps: { db: Database; clock: Clock; store: AggregationStore }, id: number, reason: string): Promise<void> {
  await deps.db.query(`DROP TABLE IF EXISTS agg_stage_${id}`);
  await deps.store.update(deps.db, id, { status: 'failed', error: reason, finished_at: deps.clock.now().toISOString() });
}
