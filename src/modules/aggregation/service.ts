// Aggregation service (大汇聚): uploads into catalogued resources, each load recorded and
// reversible; bad rows quarantined and downloadable.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { inDepartments, isAppError, type Clock, type Logger } from '../../kernel/index.ts';
import { enqueueEvent, type Database } from '../../platform/index.ts';
import type { Actor, CatalogService, DataItem } from '../catalog/index.ts';
import { backingRows, dataTableName, previewRows, rollbackRows } from './data-table.ts';
import { aggregationError } from './errors.ts';
import { failLoad, runLoad } from './pipeline.ts';
import { itemOfField, parseMapping, suggestColumns, suggestItem } from './column-mapping.ts';
import type { ColumnMapping, Load, Preview, Reject } from './schemas.ts';
import { detectEncoding, readRecords, type UploadFormat } from './sources.ts';
import { ColumnInference } from './values.ts';
import { createAggregationStore } from './store.ts';

export const LOAD_ROLLED_BACK = 'aggregation.load.rolled_back';

export interface UploadOptions {
  format?: UploadFormat | undefined;
  fileName?: string | undefined;
  contentType?: string | undefined;
  /** A retried upload with the same key (and caller) answers the first load instead of loading again. */
  idempotencyKey?: string | undefined;
  /** 列映射 `列名=item` entries: file column → data item (name or title); `列名=` leaves it out. */
  map?: readonly string[] | undefined;
}

/** What a push answers: the load it made, each refused record with its index and reason, and the fields it did not load. */
export interface PushResult {
  load: Load;
  accepted: number;
  rejected: Array<{ index: number; field: string | null; reason: string }>;
  /** Fields of the records that are no data item of the resource: not loaded (also the load's `unmapped`). */
  unknownFields: Array<{ field: string; records: number; suggestion: string | null }>;
}

/** 实时推送 options: `strict` refuses the whole push when a record carries a field that is no data item. */
export interface PushOptions {
  strict?: boolean | undefined;
}

interface UnknownField {
  field: string;
  /** How many records carry it, and the index of the first. */
  records: number;
  first: number;
  suggestion: string | null;
}

/**
 * The fields of pushed records that feed no data item, in the order first met, with the item each
 * was probably meant for; and the items some field feeds.
 */
function fieldsOf(records: readonly unknown[], items: readonly DataItem[]): { unknown: UnknownField[]; fed: Set<string> } {
  const found = new Map<string, UnknownField>();
  const known = new Set<string>();
  const fed = new Set<string>();
  records.forEach((r, index) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return;
    for (const field of Object.keys(r)) {
      if (known.has(field)) continue;
      const seen = found.get(field);
      if (seen) {
        seen.records++;
        continue;
      }
      const item = itemOfField(field, items);
      if (item) {
        known.add(field);
        fed.add(item.name);
      } else found.set(field, { field, records: 1, first: index, suggestion: suggestItem(field, items)?.name ?? null });
    }
  });
  return { unknown: [...found.values()], fed };
}

/** Where loaded records come from besides uploads: a source run or a push. */
export interface IngestOptions {
  fileName: string;
  actor: Actor;
  sourceId?: number | undefined;
}

export interface AggregationService {
  /**
   * 列映射 preview: the columns of the start of a file (CSV/JSON: the first megabyte is enough;
   * XLSX: the whole file), with the type inferred over the first rows, sample values and the data
   * item suggested for each, so the uploader can confirm or change the mapping before loading.
   */
  preview(resourceCode: string, body: Readable, opts: Omit<UploadOptions, 'map' | 'idempotencyKey'>): Promise<Preview>;
  /** Store the upload on disk, record the load, and start loading it; resolves once the file is stored. */
  upload(resourceCode: string, body: Readable, opts: UploadOptions, actor: Actor): Promise<Load & { replayed?: boolean }>;
  /**
   * Load records (from a pull or a push) as an ordinary load: written to an NDJSON file kept for
   * replay, checked and upserted like an upload; resolves when the load has finished.
   */
  ingest(resourceCode: string, batches: AsyncIterable<unknown[]>, opts: IngestOptions): Promise<Load>;
  /**
   * 实时推送 real-time push: the records land now; refused ones come back with their index and
   * reason, fields that are no data item with the item each was probably meant for. With `strict`
   * such a field refuses the push (400 naming `/body/records/<i>/<field>`) and nothing loads.
   */
  push(resourceCode: string, records: readonly unknown[], actor: Actor, opts?: PushOptions): Promise<PushResult>;
  getLoad(id: number): Promise<Load>;
  listLoads(resourceCode: string | undefined, limit: number): Promise<{ items: Load[] }>;
  rejects(id: number, limit: number, offset: number): Promise<{ total: number; items: Reject[] }>;
  /** The quarantined rows as CSV (UTF-8 with BOM, so spreadsheet programs show Chinese). */
  rejectsCsv(id: number): Promise<AsyncIterable<string>>;
  rollback(id: number, actor: Actor): Promise<Load>;
  /** Load the stored file of an earlier load again, as a new load (after a rollback, or into a changed resource). */
  replay(id: number, actor: Actor): Promise<Load>;
  /** Rows of a resource: its data table, or for a base library backed by the demo city, that table. */
  rows(resourceCode: string, limit: number, offset: number): Promise<{ total: number; columns: string[]; rows: Array<Record<string, unknown>> }>;
  /** Resolves when every load in progress has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Pick up what a stopped process left: re-run stored files, fail interrupted uploads, delete
   * partial files (`*.part`), files of no load or of failed uploads, and orphaned stage tables.
   */
  resume(): Promise<void>;
}

const byExtension: Record<string, UploadFormat> = { '.csv': 'csv', '.txt': 'csv', '.xlsx': 'xlsx', '.json': 'json', '.ndjson': 'json', '.jsonl': 'json' };
const byContentType: Record<string, UploadFormat> = {
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/x-ndjson': 'json',
};

/** A preview reads this much of a CSV or JSON file, and refuses an XLSX larger than the other. */
const PREVIEW_TEXT_BYTES = 1 << 20;
const PREVIEW_XLSX_BYTES = 64 << 20;
const PREVIEW_ROWS = 200;
const PREVIEW_SAMPLES = 3;

const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function createAggregationService(deps: { db: Database; logger: Logger; clock: Clock; catalog: CatalogService; dataDir: string }): AggregationService {
  const store = createAggregationStore(deps.db);
  const dir = path.join(deps.dataDir, 'aggregation');
  const running = new Set<Promise<void>>();
  const fileOf = (id: number, format: string) => path.join(dir, `${id}.${format}`);
  // A file being received is `<id>.<format>.part` until it is whole; a crash leaves only parts behind.
  const partOf = (id: number, format: string) => `${fileOf(id, format)}.part`;
  const loadDeps = { db: deps.db, clock: deps.clock, store };

  /** Run a stored load to its end; never rejects (a failure is recorded on the load). */
  function run(load: Load): Promise<void> {
    const task = (async () => {
      try {
        const resource = await deps.catalog.get(load.resourceCode);
        await runLoad(loadDeps, { id: load.id, format: load.format as UploadFormat, file: fileOf(load.id, load.format), mapping: load.mapping }, resource);
      } catch (e) {
        if (!isAppError(e)) deps.logger.error({ err: e, loadId: load.id }, 'load failed');
        await failLoad(loadDeps, load.id, e instanceof Error ? e.message : String(e)).catch((err: unknown) => deps.logger.error({ err }, 'could not record the failed load'));
      }
    })();
    running.add(task);
    void task.finally(() => running.delete(task));
    return task;
  }
  const start = (load: Load): void => void run(load);

  /** 一数一源: a caller scoped to departments loads into (and rolls back, replays) their departments' resources only. */
  function checkDepartment(actor: Actor, department: string, field: string): void {
    if (actor.departments && !inDepartments(actor.departments, department)) {
      throw aggregationError('department_out_of_scope', `the source department of this resource is ${department}; your grant does not cover it (一数一源)`, { field });
    }
  }

  async function loadable(resourceCode: string, field: string, actor?: Actor) {
    const resource = await deps.catalog.get(resourceCode);
    if (actor) checkDepartment(actor, resource.department, field);
    if (resource.backingTable) {
      throw aggregationError('resource_backed_elsewhere', `the rows of ${resourceCode} are the ${resource.backingTable} table of the demo city; load into another resource`, { field });
    }
    return resource;
  }

  /**
   * Write record batches as NDJSON, one record a line (line n = record n - 1). A field that feeds a
   * data item (by name in any case, or title) is written under the item's name; only items some
   * record names get a column, so a column no record carries is not overwritten with empties.
   * Every other field is written as it came: the load reports it as not loaded (unmapped), like an
   * upload's unmatched column, and a replay reports it again. The columns are those of every
   * record: when a later batch brings a new field, the file is rewritten with it (a pull's pages
   * usually share their fields, so this is rare). Returns the number of records written.
   */
  async function writeRecords(file: string, items: readonly DataItem[], batches: AsyncIterable<unknown[]>): Promise<number> {
    const order = new Map(items.map((item, i) => [item.name, i]));
    /** Field → the item it feeds, or null for a field that is no data item. */
    const fields = new Map<string, DataItem | null>();
    const itemKeys = new Map<string, string[]>();
    const extras: string[] = [];
    let columns: string[] = [];
    let written: string[] | null = null;
    const isRecord = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r);
    const out = fs.createWriteStream(file);
    let n = 0;
    try {
      for await (const batch of batches) {
        let grew = false;
        for (const r of batch) {
          if (!isRecord(r)) continue;
          for (const k of Object.keys(r)) {
            if (fields.has(k)) continue;
            const item = itemOfField(k, items);
            fields.set(k, item);
            grew = true;
            if (!item) extras.push(k);
            else itemKeys.set(item.name, [...(itemKeys.get(item.name) ?? []), k]);
          }
        }
        if (grew) columns = [...[...itemKeys.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)), ...extras];
        let chunk = '';
        for (const r of batch) {
          if (!isRecord(r)) chunk += `${JSON.stringify(r) ?? 'null'}\n`;
          else {
            const row: Record<string, unknown> = {};
            for (const c of columns) {
              const keys = itemKeys.get(c);
              let v: unknown;
              if (keys) for (const k of keys) v ??= r[k];
              else v = r[c];
              row[c] = v ?? null;
            }
            written ??= columns;
            chunk += `${JSON.stringify(row)}\n`;
          }
          n++;
        }
        if (chunk !== '' && !out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
    // The first record's fields are the load's columns: give the records written before a field
    // first appeared that field too (empty), so it is loaded, or reported, like the others.
    if (written !== null && written.length !== columns.length) await widenRecords(file, columns);
    return n;
  }

  /** Rewrite an NDJSON file of records with `columns` on every record (missing ones empty). */
  async function widenRecords(file: string, columns: readonly string[]): Promise<void> {
    const wide = `${file}.wide`;
    const out = fs.createWriteStream(wide);
    try {
      for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
        const parsed: unknown = JSON.parse(line);
        let text = line;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          const r = parsed as Record<string, unknown>;
          text = JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
        }
        if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', resolve));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
    await fs.promises.rename(wide, file);
  }

  async function ingest(resourceCode: string, batches: AsyncIterable<unknown[]>, opts: IngestOptions): Promise<Load> {
    const resource = await loadable(resourceCode, '/params/code', opts.actor);
    await fs.promises.mkdir(dir, { recursive: true });
    const load = await store.createLoad({ resourceCode, format: 'json', fileName: opts.fileName, submittedBy: opts.actor.id, at: deps.clock.now().toISOString(), ...(opts.sourceId ? { sourceId: opts.sourceId } : {}) });
    const part = partOf(load.id, 'json');
    let records: number;
    try {
      records = await writeRecords(part, resource.dataItems, batches);
    } catch (e) {
      await fs.promises.rm(part, { force: true });
      await failLoad(loadDeps, load.id, e instanceof Error ? e.message : String(e));
      throw e;
    }
    if (records === 0) {
      // Nothing new (an incremental pull past its watermark): a finished load of no rows.
      await fs.promises.rm(part, { force: true });
      await store.update(deps.db, load.id, { status: 'done', finished_at: deps.clock.now().toISOString() });
      return getLoad(load.id);
    }
    await fs.promises.rename(part, fileOf(load.id, 'json'));
    await store.update(deps.db, load.id, { status: 'loading', bytes_total: (await fs.promises.stat(fileOf(load.id, 'json'))).size });
    await run(await getLoad(load.id));
    return getLoad(load.id);
  }

  /**
   * Temporary files a crash leaves: parts of uploads, files of loads that never got recorded or
   * whose upload failed; and stage tables of loads that are not loading. Files of finished loads
   * stay (replay reads them).
   */
  async function removeLeftovers(): Promise<void> {
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    const ids = names.map((n) => /^(\d+)\.(csv|xlsx|json)$/.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
    const statuses = await store.statuses(ids);
    let removed = 0;
    for (const name of names) {
      const m = /^(\d+)\.(csv|xlsx|json)$/.exec(name);
      const status = m ? statuses.get(Number(m[1])) : undefined;
      if (name.endsWith('.part') || (m && (status === undefined || status === 'failed' || status === 'receiving'))) {
        await fs.promises.rm(path.join(dir, name), { force: true });
        removed++;
      }
    }
    const stages = await deps.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'agg\\_stage\\_%'",
    );
    const loading = new Set((await store.loadsInState('loading')).map((l) => l.id));
    for (const { table_name } of stages.rows) {
      const id = Number(table_name.slice('agg_stage_'.length));
      if (Number.isInteger(id) && !loading.has(id)) await deps.db.query(`DROP TABLE IF EXISTS agg_stage_${id}`);
    }
    if (removed > 0) deps.logger.info({ removed }, 'removed temporary upload files a stopped process left');
  }

  function formatOf(opts: { format?: UploadFormat | undefined; fileName?: string | undefined; contentType?: string | undefined }): UploadFormat | undefined {
    const ext = path.extname(opts.fileName ?? '').toLowerCase();
    return opts.format ?? byExtension[ext] ?? byContentType[(opts.contentType ?? '').split(';')[0]?.trim() ?? ''];
  }

  async function preview(resourceCode: string, body: Readable, opts: Omit<UploadOptions, 'map' | 'idempotencyKey'>): Promise<Preview> {
    let resource;
    try {
      resource = await loadable(resourceCode, '/params/code');
    } catch (e) {
      body.resume();
      throw e;
    }
    const format = formatOf(opts);
    if (!format) {
      body.resume();
      throw aggregationError('format_unknown', 'say the format: ?format=csv|xlsx|json, a file name ending .csv/.xlsx/.json, or a matching Content-Type', { field: '/query/format' });
    }
    const limit = format === 'xlsx' ? PREVIEW_XLSX_BYTES : PREVIEW_TEXT_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of body) {
      if (size >= limit) {
        truncated = true;
        continue; // drain the rest
      }
      const b = chunk as Buffer;
      chunks.push(b);
      size += b.length;
    }
    if (format === 'xlsx' && (truncated || size > limit)) throw aggregationError('preview_too_large', `an XLSX preview reads the whole file, at most ${limit >> 20} MB; load it without a preview`, { field: '/body' });
    let data = Buffer.concat(chunks);
    // A text file cut short ends at its last whole line (a cut inside a character would read as GBK).
    if (format !== 'xlsx' && (truncated || size > limit)) data = data.subarray(0, data.lastIndexOf(0x0a) + 1);
    if (data.length === 0) throw aggregationError('upload_empty', 'the upload is empty', { field: '/body' });
    await fs.promises.mkdir(dir, { recursive: true });
    const file = path.join(dir, `preview-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.${format}.part`);
    await fs.promises.writeFile(file, data);
    try {
      const encoding = format === 'csv' ? await detectEncoding(file) : 'utf-8';
      let header: string[] | null = null;
      const inference: ColumnInference[] = [];
      const samples: string[][] = [];
      let rows = 0;
      for await (const rec of readRecords(file, format, encoding, () => undefined)) {
        if (header === null) {
          if (!rec.values) continue;
          header = rec.values.map((h) => h.trim());
          header.forEach(() => {
            inference.push(new ColumnInference());
            samples.push([]);
          });
          continue;
        }
        if (!rec.values) continue;
        rows++;
        rec.values.forEach((v, i) => {
          inference[i]?.observe(v);
          const list = samples[i];
          if (list && list.length < PREVIEW_SAMPLES && v.trim() !== '') list.push(v.length > 100 ? `${v.slice(0, 100)}…` : v);
        });
        if (rows >= PREVIEW_ROWS) break;
      }
      if (header === null) throw aggregationError('upload_empty', 'the file has no header row', { field: '/body' });
      const suggested = suggestColumns(header, resource.dataItems);
      const covered = new Set(suggested.flatMap((c) => (c.item ? [c.item.name] : [])));
      return {
        format,
        encoding,
        rowsSampled: rows,
        columns: header.map((h, i) => ({ header: h, inferredType: inference[i]?.type ?? 'empty', samples: samples[i] ?? [], suggested: suggested[i]?.item?.name ?? null, mappedBy: suggested[i]?.mappedBy ?? 'unmapped' })),
        items: resource.dataItems.map((i) => ({ name: i.name, title: i.title, type: i.type, key: i.key === true, required: i.required === true })),
        missing: resource.dataItems.filter((i) => (i.key || i.required) && !covered.has(i.name)).map((i) => i.name),
      };
    } finally {
      await fs.promises.rm(file, { force: true });
    }
  }

  async function getLoad(id: number): Promise<Load> {
    const load = await store.getLoad(deps.db, id);
    if (!load) throw aggregationError('load_not_found', `no load ${id}`, { field: '/params/id' });
    return load;
  }

  return {
    preview,

    async upload(resourceCode, body, opts, actor) {
      const resource = await loadable(resourceCode, '/params/code', actor);
      let mapping: ColumnMapping | null;
      try {
        mapping = opts.map?.length ? parseMapping(opts.map, resource.dataItems) : null;
      } catch (e) {
        body.resume();
        throw e;
      }
      if (opts.idempotencyKey) {
        const prior = await store.loadByIdempotencyKey(actor.id, opts.idempotencyKey);
        // A retry of an upload that was cut off loads; a retry of a stored one answers that load.
        if (prior && prior.status === 'failed' && (prior.error ?? '').startsWith('upload interrupted')) await store.forgetIdempotencyKey(prior.id);
        else if (prior) {
          if (prior.resourceCode !== resourceCode) {
            body.resume();
            throw aggregationError('idempotency_key_reused', `this Idempotency-Key was used for an upload into ${prior.resourceCode}`, { field: '/headers/idempotency-key' });
          }
          body.resume();
          return { ...prior, replayed: true };
        }
      }
      const format = formatOf(opts);
      if (!format) {
        body.resume();
        throw aggregationError('format_unknown', 'say the format: ?format=csv|xlsx|json, a file name ending .csv/.xlsx/.json, or a matching Content-Type', { field: '/query/format' });
      }
      const fileName = opts.fileName ?? `upload.${format}`;
      await fs.promises.mkdir(dir, { recursive: true });
      let load: Load;
      try {
        load = await store.createLoad({ resourceCode, format, fileName, submittedBy: actor.id, at: deps.clock.now().toISOString(), mapping, ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}) });
      } catch (e) {
        // Two retries racing with one key: the other one won.
        const prior = opts.idempotencyKey ? await store.loadByIdempotencyKey(actor.id, opts.idempotencyKey) : null;
        body.resume();
        if (prior) return { ...prior, replayed: true };
        throw e;
      }
      const file = fileOf(load.id, format);
      const part = partOf(load.id, format);
      try {
        await pipeline(body, fs.createWriteStream(part));
      } catch (e) {
        await fs.promises.rm(part, { force: true });
        await failLoad(loadDeps, load.id, `upload interrupted: ${(e as Error).message}`);
        throw e;
      }
      const size = (await fs.promises.stat(part)).size;
      if (size === 0) {
        await fs.promises.rm(part, { force: true });
        await failLoad(loadDeps, load.id, 'the upload is empty');
        throw aggregationError('upload_empty', 'the upload is empty', { field: '/body' });
      }
      await fs.promises.rename(part, file);
      await store.update(deps.db, load.id, { status: 'loading', bytes_total: size });
      const stored = await getLoad(load.id);
      start(stored);
      return stored;
    },

    ingest,

    async push(resourceCode, records, actor, opts = {}) {
      const resource = await loadable(resourceCode, '/params/code', actor);
      const { unknown, fed } = fieldsOf(records, resource.dataItems);
      const pointer = (u: UnknownField) => `/body/records/${u.first}/${u.field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const hint = (u: UnknownField) => `${u.field}${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`;
      const first = unknown[0];
      if (opts.strict && first) {
        throw aggregationError('fields_unknown', `records carry fields that are no data item of ${resourceCode}: ${unknown.map(hint).join(', ')}; nothing was loaded`, { field: pointer(first), fields: unknown.map((u) => u.field) });
      }
      const load = await ingest(
        resourceCode,
        (async function* () {
          yield [...records];
        })(),
        { fileName: `push-${deps.clock.now().toISOString().replace(/[:.]/g, '')}.json`, actor },
      );
      if (load.status === 'failed') {
        // A key or required item no field feeds, and a field that looks like it: name the misspelt field.
        const needed = new Set(resource.dataItems.filter((i) => (i.key || i.required) && !fed.has(i.name)).map((i) => i.name));
        const typo = unknown.find((u) => u.suggestion !== null && needed.has(u.suggestion));
        throw aggregationError('push_refused', `${load.error ?? 'the records could not be loaded'}${typo ? `; the records carry ${hint(typo)}` : ''}`, { field: typo ? pointer(typo) : '/body/records' });
      }
      const rejected = (await store.rejects(load.id, records.length + 1, -1)).map((r) => ({ index: r.line - 1, field: r.field, reason: r.reason }));
      return { load, accepted: load.rowsInserted + load.rowsUpdated, rejected, unknownFields: unknown.map(({ first: _first, ...u }) => u) };
    },

    getLoad,
    async listLoads(resourceCode, limit) {
      return { items: await store.listLoads(resourceCode, limit) };
    },

    async rejects(id, limit, offset) {
      const load = await getLoad(id);
      return { total: load.rowsRejected, items: await store.rejects(id, limit, -1, offset) };
    },

    async rejectsCsv(id) {
      await getLoad(id);
      return (async function* () {
        yield '\uFEFFline,reason,field,raw\r\n';
        let after = -1;
        for (;;) {
          const page = await store.rejects(id, 5000, after);
          if (page.length === 0) return;
          yield page.map((r) => `${[r.line, r.reason, r.field, r.raw].map(csvCell).join(',')}\r\n`).join('');
          after = page[page.length - 1]?.line ?? after;
        }
      })();
    },

    async rollback(id, actor) {
      await deps.db.transaction(async (tx) => {
        const load = await store.getLoad(tx, id, true);
        if (!load) throw aggregationError('load_not_found', `no load ${id}`, { field: '/params/id' });
        if (actor.departments) checkDepartment(actor, (await deps.catalog.get(load.resourceCode)).department, '/params/id');
        if (load.status !== 'done') throw aggregationError('rollback_refused', `load ${id} is ${load.status}; only a finished load can be rolled back`, { field: '/params/id' });
        const later = await store.laterDoneLoad(tx, load.resourceCode, id);
        if (later !== null) throw aggregationError('rollback_refused', `load ${later} came after load ${id} into the same resource; roll it back first`, { field: '/params/id', later });
        const table = (await store.tableOf(tx, load.resourceCode)) ?? dataTableName(load.resourceCode);
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
        const result = await rollbackRows(tx, table, id);
        await store.deleteHistory(tx, id);
        await store.update(tx, id, { status: 'rolled_back', rolled_back_at: deps.clock.now().toISOString(), rolled_back_by: actor.id });
        await enqueueEvent(tx, LOAD_ROLLED_BACK, { loadId: id, resourceCode: load.resourceCode, ...result });
      });
      return getLoad(id);
    },

    async replay(id, actor) {
      const prior = await getLoad(id);
      if (actor.departments) checkDepartment(actor, (await deps.catalog.get(prior.resourceCode)).department, '/params/id');
      const source = fileOf(prior.id, prior.format);
      if (prior.status === 'receiving' || prior.status === 'loading' || !fs.existsSync(source)) {
        throw aggregationError('replay_unavailable', prior.status === 'receiving' || prior.status === 'loading' ? `load ${id} is still ${prior.status}` : `the stored file of load ${id} is gone`, { field: '/params/id' });
      }
      const load = await store.createLoad({ resourceCode: prior.resourceCode, format: prior.format, fileName: prior.fileName, submittedBy: actor.id, at: deps.clock.now().toISOString(), mapping: prior.mapping });
      await fs.promises.copyFile(source, fileOf(load.id, load.format));
      await store.update(deps.db, load.id, { status: 'loading', bytes_total: prior.bytesTotal });
      const stored = await getLoad(load.id);
      start(stored);
      return stored;
    },

    async rows(resourceCode, limit, offset) {
      const resource = await deps.catalog.get(resourceCode);
      const columns = resource.dataItems.map((i) => i.name);
      if (resource.backingTable) return { columns, ...(await backingRows(deps.db, resource.backingTable, columns, limit, offset)) };
      const table = (await store.tableOf(deps.db, resourceCode)) ?? dataTableName(resourceCode);
      return { columns, ...(await previewRows(deps.db, table, columns, limit, offset)) };
    },

    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },

    async resume() {
      for (const load of await store.loadsInState('receiving')) await failLoad(loadDeps, load.id, 'upload interrupted: the platform stopped while receiving the file');
      await removeLeftovers();
      for (const load of await store.loadsInState('loading')) {
        if (fs.existsSync(fileOf(load.id, load.format))) start(load);
        else await failLoad(loadDeps, load.id, 'the stored upload is gone');
      }
    },
  };
}
