// 定时抽取 data sources: a resource fed from an HTTP API or another PostgreSQL database, on a cron
// schedule or on demand. Each run is an ordinary load (quarantine, load record, replay, rollback,
// LOAD_COMPLETED). A failing source records its error and never takes the platform down. A run
// holds a lease row in the database, so two API nodes (or a schedule and a click) never run the
// same source at once.
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { sm4OpenFieldText, sm4SealField, type Sm4FieldKey } from '../../kernel/crypto/index.ts';
import { inDepartments, type Clock, type Logger } from '../../kernel/index.ts';
import type { Database } from '../../platform/index.ts';
import type { Actor, CatalogService } from '../catalog/index.ts';
import { createSourceStore, LEASE_SECONDS, type SourceRow } from './data-sources-store.ts';
import { aggregationError } from './errors.ts';
import { pullHttp, pullPostgres, type HttpSettings, type PostgresSettings } from './pull.ts';
import type { Load, SourceInput, SourceView } from './schemas.ts';
import type { AggregationService } from './service.ts';

export interface SourcesService {
  list(resourceCode: string | undefined): Promise<{ items: SourceView[] }>;
  get(id: number): Promise<SourceView>;
  create(input: SourceInput, actor: Actor): Promise<SourceView>;
  /** Replace the settings; credentials left out are kept. A changed query or watermark column starts the watermark over. */
  update(id: number, input: SourceInput, actor: Actor): Promise<SourceView>;
  /** Remove a source (its loads stay); a caller scoped to departments removes their departments' sources only. */
  remove(id: number, actor: Actor): Promise<void>;
  /**
   * Run now, as the caller (a caller scoped to departments runs their departments' sources only);
   * 409 source_busy while another run holds the lease. A failed pull answers the source with its error.
   */
  run(id: number, actor: Actor): Promise<{ source: SourceView; load: Load | null }>;
  /** Schedule the enabled sources and keep the schedules in step with the table. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const TIMEZONE = 'Asia/Shanghai';
const SYNC_MS = 30_000;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

interface Secret {
  headers?: Record<string, string>;
  connectionUrl?: string;
}

function nextRun(schedule: string | null, enabled: boolean): string | null {
  if (!schedule || !enabled) return null;
  try {
    return new Cron(schedule, { paused: true, timezone: TIMEZONE }).nextRun()?.toISOString() ?? null;
  } catch {
    return null;
  }
}

/** postgres://user@host:port/db: the connection as shown, without its password. */
function redact(connectionUrl: string): string {
  try {
    const u = new URL(connectionUrl);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export function createSourcesService(deps: { db: Database; logger: Logger; clock: Clock; catalog: CatalogService; aggregation: AggregationService; key: Sm4FieldKey; nodeId: string }): SourcesService {
  const store = createSourceStore(deps.db);
  const aad = (id: number) => `aggregation_sources.secret:${id}`;
  const crons = new Map<number, { expr: string; cron: Cron }>();
  const inFlight = new Set<Promise<unknown>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  function openSecret(row: SourceRow): Secret {
    return row.secret ? (JSON.parse(sm4OpenFieldText(deps.key, row.secret, { aad: aad(row.id) })) as Secret) : {};
  }

  function view(row: SourceRow): SourceView {
    const s = row.settings;
    const secret = row.secret ? openSecret(row) : {};
    return {
      id: row.id,
      resourceCode: row.resourceCode,
      name: row.name,
      kind: row.kind,
      http: row.kind === 'http'
        ? { url: String(s.url), recordsPath: (s.recordsPath as string | undefined) ?? null, paging: (s.paging as Record<string, unknown> | undefined) ?? null, headerNames: Object.keys(secret.headers ?? {}) }
        : null,
      postgres: row.kind === 'postgres'
        ? { connection: secret.connectionUrl ? redact(secret.connectionUrl) : '', query: String(s.query), watermarkColumn: (s.watermarkColumn as string | undefined) ?? null }
        : null,
      schedule: row.schedule,
      nextRunAt: nextRun(row.schedule, row.enabled),
      enabled: row.enabled,
      watermark: row.watermark,
      running: row.leaseOwner !== null,
      lastRunAt: row.lastRunAt,
      lastStatus: row.lastStatus,
      lastError: row.lastError,
      lastLoadId: row.lastLoadId,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      updatedAt: row.updatedAt,
    };
  }

  async function row(id: number): Promise<SourceRow> {
    const r = await store.get(deps.db, id);
    if (!r) throw aggregationError('source_not_found', `no data source ${id}`, { field: '/params/id' });
    return r;
  }

  /** 一数一源: a caller scoped to departments manages the sources of their departments' resources only. */
  function ownDepartment(actor: Actor, resourceCode: string, department: string, field: string): void {
    if (actor.departments && !inDepartments(actor.departments, department)) {
      throw aggregationError('department_out_of_scope', `the source department of ${resourceCode} is ${department}; your grant does not cover it (一数一源)`, { field });
    }
  }

  /** The source `id`, refused to a caller whose departments do not include its resource's source department. */
  async function ownSource(id: number, actor: Actor): Promise<SourceRow> {
    const prior = await row(id);
    if (actor.departments) ownDepartment(actor, prior.resourceCode, (await deps.catalog.get(prior.resourceCode)).department, '/params/id');
    return prior;
  }

  /** Settings and secret from the input, each rule naming its field. */
  async function check(input: SourceInput, prior: Secret | null, actor?: Actor): Promise<{ settings: Record<string, unknown>; secret: Secret }> {
    const resource = await deps.catalog.get(input.resourceCode).catch(() => null);
    if (!resource) throw aggregationError('source_invalid', `no resource ${input.resourceCode} in the catalog`, { field: '/body/resourceCode' });
    if (actor) ownDepartment(actor, input.resourceCode, resource.department, '/body/resourceCode');
    if (resource.backingTable) throw aggregationError('source_invalid', `the rows of ${input.resourceCode} are the ${resource.backingTable} table of the demo city`, { field: '/body/resourceCode' });
    if (input.schedule) {
      try {
        new Cron(input.schedule, { paused: true, timezone: TIMEZONE });
      } catch (e) {
        throw aggregationError('source_invalid', `not a cron schedule: ${(e as Error).message}`, { field: '/body/schedule' });
      }
    }
    if (input.kind === 'http') {
      if (!input.http) throw aggregationError('source_invalid', 'an HTTP source needs its http settings (url, …)', { field: '/body/http' });
      const { headers, ...settings } = input.http;
      for (const name of Object.keys(headers ?? {})) {
        if (!HEADER_NAME.test(name)) throw aggregationError('source_invalid', `not a header name: ${JSON.stringify(name)}`, { field: `/body/http/headers/${name}` });
      }
      return { settings, secret: { headers: headers ?? prior?.headers ?? {} } };
    }
    if (!input.postgres) throw aggregationError('source_invalid', 'a PostgreSQL source needs its postgres settings (connectionUrl, query)', { field: '/body/postgres' });
    const { connectionUrl, ...settings } = input.postgres;
    const url = connectionUrl ?? prior?.connectionUrl;
    if (!url) throw aggregationError('source_invalid', 'a PostgreSQL source needs its connection URL', { field: '/body/postgres/connectionUrl' });
    try {
      new URL(url);
    } catch {
      throw aggregationError('source_invalid', 'the connection URL does not parse', { field: '/body/postgres/connectionUrl' });
    }
    if (!/^\s*(select|with)\b/i.test(settings.query)) throw aggregationError('source_invalid', 'the query is a SELECT (or WITH … SELECT)', { field: '/body/postgres/query' });
    return { settings, secret: { connectionUrl: url } };
  }

  async function execute(id: number): Promise<{ source: SourceView; load: Load | null } | null> {
    const owner = `${deps.nodeId}:${randomUUID()}`;
    const leased = await store.lease(id, owner);
    if (!leased) return null;
    const renew = setInterval(() => void store.renew(id, owner).catch(() => undefined), (LEASE_SECONDS * 1000) / 4);
    renew.unref();
    let load: Load | null = null;
    let watermark: string | undefined;
    try {
      const secret = openSecret(leased);
      const batches =
        leased.kind === 'http'
          ? pullHttp(leased.settings as unknown as HttpSettings, secret.headers ?? {})
          : pullPostgres(secret.connectionUrl ?? '', leased.settings as unknown as PostgresSettings, leased.watermark, (w) => (watermark = w));
      load = await deps.aggregation.ingest(leased.resourceCode, batches, {
        fileName: `source-${id}-${deps.clock.now().toISOString().replace(/[:.]/g, '')}.json`,
        actor: { id: `source:${id}` },
        sourceId: id,
      });
      const ok = load.status === 'done';
      await store.finish(id, owner, { at: deps.clock.now().toISOString(), status: ok ? 'done' : 'failed', error: ok ? null : load.error, loadId: load.id, watermark: ok ? watermark : undefined });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      deps.logger.warn({ sourceId: id, err: message }, 'data source run failed');
      await store.finish(id, owner, { at: deps.clock.now().toISOString(), status: 'failed', error: message, loadId: load?.id ?? null }).catch((err: unknown) => deps.logger.error({ err }, 'could not record the failed run'));
    } finally {
      clearInterval(renew);
    }
    return { source: view(await row(id)), load };
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  async function sync(): Promise<void> {
    const sources = await store.list(undefined);
    const wanted = new Map(sources.filter((s) => s.enabled && s.schedule).map((s) => [s.id, s.schedule as string]));
    for (const [id, entry] of crons) {
      if (wanted.get(id) !== entry.expr) {
        entry.cron.stop();
        crons.delete(id);
      }
    }
    for (const [id, expr] of wanted) {
      if (crons.has(id) || stopped) continue;
      const cron = new Cron(expr, { timezone: TIMEZONE, protect: true }, async () => {
        // Another node may hold the lease for this tick: then it is its run, not ours.
        await track(execute(id)).catch((err: unknown) => deps.logger.error({ err, sourceId: id }, 'scheduled run failed'));
      });
      crons.set(id, { expr, cron });
    }
  }
  const resync = () => void sync().catch((err: unknown) => deps.logger.warn({ err }, 'could not refresh the data-source schedules'));

  return {
    async list(resourceCode) {
      return { items: (await store.list(resourceCode)).map(view) };
    },

    async get(id) {
      return view(await row(id));
    },

    async create(input, actor) {
      const { settings, secret } = await check(input, null, actor);
      const id = await deps.db.transaction(async (tx) => {
        const at = deps.clock.now().toISOString();
        const newId = await store.insert(tx, { resourceCode: input.resourceCode, name: input.name, kind: input.kind, settings, schedule: input.schedule ?? null, enabled: input.enabled ?? true, at, by: actor.id });
        await store.setSecret(tx, newId, sm4SealField(deps.key, JSON.stringify(secret), { aad: aad(newId) }));
        return newId;
      });
      resync();
      return view(await row(id));
    },

    async update(id, input, actor) {
      const prior = await ownSource(id, actor);
      const { settings, secret } = await check(input, prior.kind === input.kind ? openSecret(prior) : null, actor);
      const reset = JSON.stringify([prior.settings.query, prior.settings.watermarkColumn]) !== JSON.stringify([settings.query, settings.watermarkColumn]) || prior.resourceCode !== input.resourceCode;
      await deps.db.transaction(async (tx) => {
        await store.update(tx, id, { resourceCode: input.resourceCode, name: input.name, kind: input.kind, settings, schedule: input.schedule ?? null, enabled: input.enabled ?? true, at: deps.clock.now().toISOString(), resetWatermark: reset });
        await store.setSecret(tx, id, sm4SealField(deps.key, JSON.stringify(secret), { aad: aad(id) }));
      });
      resync();
      return view(await row(id));
    },

    async remove(id, actor) {
      await ownSource(id, actor);
      if (!(await store.remove(id))) throw aggregationError('source_not_found', `no data source ${id}`, { field: '/params/id' });
      resync();
    },

    async run(id, actor) {
      await ownSource(id, actor);
      const result = await track(execute(id));
      if (!result) throw aggregationError('source_busy', `a run of data source ${id} is under way`, { field: '/params/id' });
      return result;
    },

    async start() {
      stopped = false;
      await sync();
      timer = setInterval(resync, SYNC_MS);
      timer.unref();
    },

    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const { cron } of crons.values()) cron.stop();
      crons.clear();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
