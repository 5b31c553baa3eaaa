// Aggregation service (大汇聚): uploads into catalogued resources, each load recorded and
// reversible; bad rows quarantined and downloadable.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { isAppError, type Clock, type Logger } from '../../kernel/index.ts';
import { enqueueEvent, type Database } from '../../platform/index.ts';
import type { Actor, CatalogService } from '../catalog/index.ts';
import { dataTableName, previewRows, rollbackRows } from './data-table.ts';
import { aggregationError } from './errors.ts';
import { failLoad, runLoad } from './pipeline.ts';
import type { Load, Reject } from './schemas.ts';
import type { UploadFormat } from './sources.ts';
import { createAggregationStore } from './store.ts';

export const LOAD_ROLLED_BACK = 'aggregation.load.rolled_back';

export interface UploadOptions {
  format?: UploadFormat | undefined;
  fileName?: string | undefined;
  contentType?: string | undefined;
}

export interface AggregationService {
  /** Store the upload on disk, record the load, and start loading it; resolves once the file is stored. */
  upload(resourceCode: string, body: Readable, opts: UploadOptions, actor: Actor): Promise<Load>;
  getLoad(id: number): Promise<Load>;
  listLoads(resourceCode: string | undefined, limit: number): Promise<{ items: Load[] }>;
  rejects(id: number, limit: number, offset: number): Promise<{ total: number; items: Reject[] }>;
  /** The quarantined rows as CSV (UTF-8 with BOM, so spreadsheet programs show Chinese). */
  rejectsCsv(id: number): Promise<AsyncIterable<string>>;
  rollback(id: number, actor: Actor): Promise<Load>;
  /** Load the stored file of an earlier load again, as a new load (after a rollback, or into a changed resource). */
  replay(id: number, actor: Actor): Promise<Load>;
  rows(resourceCode: string, limit: number, offset: number): Promise<{ total: number; columns: string[]; rows: Array<Record<string, unknown>> }>;
  /** Resolves when every load in progress has finished (tests, shutdown). */
  idle(): Promise<void>;
  /** Pick up loads a stopped process left: re-run stored files, fail interrupted uploads. */
  resume(): Promise<void>;
}

const byExtension: Record<string, UploadFormat> = { '.csv': 'csv', '.txt': 'csv', '.xlsx': 'xlsx', '.json': 'json', '.ndjson': 'json', '.jsonl': 'json' };
const byContentType: Record<string, UploadFormat> = {
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/x-ndjson': 'json',
};

const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function createAggregationService(deps: { db: Database; logger: Logger; clock: Clock; catalog: CatalogService; dataDir: string }): AggregationService {
  const store = createAggregationStore(deps.db);
  const dir = path.join(deps.dataDir, 'aggregation');
  const running = new Set<Promise<void>>();
  const fileOf = (id: number, format: string) => path.join(dir, `${id}.${format}`);

  function start(load: Load): void {
    const task = (async () => {
      try {
        const resource = await deps.catalog.get(load.resourceCode);
        await runLoad({ db: deps.db, clock: deps.clock, store }, { id: load.id, format: load.format as UploadFormat, file: fileOf(load.id, load.format) }, resource);
      } catch (e) {
        if (!isAppError(e)) deps.logger.error({ err: e, loadId: load.id }, 'load failed');
        await failLoad({ db: deps.db, clock: deps.clock, store }, load.id, e instanceof Error ? e.message : String(e)).catch((err: unknown) => deps.logger.error({ err }, 'could not record the failed load'));
      }
    })();
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  async function getLoad(id: number): Promise<Load> {
    const load = await store.getLoad(deps.db, id);
    if (!load) throw aggregationError('load_not_found', `no load ${id}`, { field: '/params/id' });
    return load;
  }

  return {
    async upload(resourceCode, body, opts, actor) {
      const resource = await deps.catalog.get(resourceCode);
      if (resource.backingTable) {
        throw aggregationError('resource_backed_elsewhere', `the rows of ${resourceCode} are the ${resource.backingTable} table of the demo city; load into another resource`, { field: '/params/code' });
      }
      const ext = path.extname(opts.fileName ?? '').toLowerCase();
      const format = opts.format ?? byExtension[ext] ?? byContentType[(opts.contentType ?? '').split(';')[0]?.trim() ?? ''];
      if (!format) {
        body.resume();
        throw aggregationError('format_unknown', 'say the format: ?format=csv|xlsx|json, a file name ending .csv/.xlsx/.json, or a matching Content-Type', { field: '/query/format' });
      }
      const fileName = opts.fileName ?? `upload.${format}`;
      await fs.promises.mkdir(dir, { recursive: true });
      const load = await store.createLoad({ resourceCode, format, fileName, submittedBy: actor.id, at: deps.clock.now().toISOString() });
      const file = fileOf(load.id, format);
      try {
        await pipeline(body, fs.createWriteStream(file));
      } catch (e) {
        await fs.promises.rm(file, { force: true });
        await failLoad({ db: deps.db, clock: deps.clock, store }, load.id, `upload interrupted: ${(e as Error).message}`);
        throw e;
      }
      const size = (await fs.promises.stat(file)).size;
      if (size === 0) {
        await fs.promises.rm(file, { force: true });
        await failLoad({ db: deps.db, clock: deps.clock, store }, load.id, 'the upload is empty');
        throw aggregationError('upload_empty', 'the upload is empty', { field: '/body' });
      }
      await store.update(deps.db, load.id, { status: 'loading', bytes_total: size });
      const stored = await getLoad(load.id);
      start(stored);
      return stored;
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
      const source = fileOf(prior.id, prior.format);
      if (prior.status === 'receiving' || prior.status === 'loading' || !fs.existsSync(source)) {
        throw aggregationError('replay_unavailable', prior.status === 'receiving' || prior.status === 'loading' ? `load ${id} is still ${prior.status}` : `the stored file of load ${id} is gone`, { field: '/params/id' });
      }
      const load = await store.createLoad({ resourceCode: prior.resourceCode, format: prior.format, fileName: prior.fileName, submittedBy: actor.id, at: deps.clock.now().toISOString() });
      await fs.promises.copyFile(source, fileOf(load.id, load.format));
      await store.update(deps.db, load.id, { status: 'loading', bytes_total: prior.bytesTotal });
      const stored = await getLoad(load.id);
      start(stored);
      return stored;
    },

    async rows(resourceCode, limit, offset) {
      const resource = await deps.catalog.get(resourceCode);
      const columns = resource.dataItems.map((i) => i.name);
      const table = (await store.tableOf(deps.db, resourceCode)) ?? dataTableName(resourceCode);
      return { columns, ...(await previewRows(deps.db, table, columns, limit, offset)) };
    },

    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },

    async resume() {
      for (const load of await store.loadsInState('receiving')) await failLoad({ db: deps.db, clock: deps.clock, store }, load.id, 'upload interrupted: the platform stopped while receiving the file');
      for (const load of await store.loadsInState('loading')) {
        if (fs.existsSync(fileOf(load.id, load.format))) start(load);
        else await failLoad({ db: deps.db, clock: deps.clock, store }, load.id, 'the stored upload is gone');
      }
    },
  };
}
