// Quality service (数据治理): rules on resources, runs queued after loads, on schedule and on demand
// and worked through one at a time; each run's results become the resource's score, and a failing
// rule keeps one problem ticket (问题工单) open with the source department until a run passes.
import { Cron } from 'croner';
import { sameDepartment, type Clock, type Logger } from '../../kernel/index.ts';
import { audit, enqueueEvent, type BusEvent, type Database, type OutboxRelay, type Queryable } from '../../platform/index.ts';
import type { AggregationService } from '../aggregation/index.ts';
import { dataTableName } from '../aggregation/index.ts';
import type { CatalogService, Resource } from '../catalog/index.ts';
import { DEFAULT_RULES } from './defaults.ts';
import { assertTableName, checkRule as runRule, ruleScore, type EngineContext, type Finding, type RuleSpec, type Target } from './engine.ts';
import { qualityError } from './errors.ts';
import type { Rule, RuleInput, RuleKind, RuleUpdate, Run, ScoreBoard, ScoreRow, Ticket, TicketQuery, Trend } from './schemas.ts';
import { createQualityStore, type StoredRun } from './store.ts';
import { checkRule, DEFAULT_SCHEDULE, SCHEDULE_TIMEZONE } from './validate.ts';

export const TICKET_OPENED = 'quality.ticket.opened';
export const TICKET_CLOSED = 'quality.ticket.closed';
export const RUN_COMPLETED = 'quality.run.completed';

/**
 * Who acts, and the source departments whose rules, runs and tickets the route's permission reaches
 * ('all' for the data bureau and unscoped grants).
 */
export interface Viewer {
  id: string;
  departments: 'all' | readonly string[];
}

export interface QualityService {
  createRule(input: RuleInput, actor: Viewer): Promise<Rule>;
  updateRule(id: number, input: RuleUpdate, actor: Viewer): Promise<Rule>;
  /** A rule; forbidden `department_out_of_scope` when its resource's source department is not the viewer's. */
  getRule(id: number, viewer: Viewer): Promise<Rule>;
  /** The rules of one resource; forbidden `department_out_of_scope` (`/query/resource`) for another department's resource. */
  listRules(resourceCode: string, viewer: Viewer): Promise<{ items: Rule[] }>;
  /** The resources with enabled rules and how many, of the viewer's departments. */
  resourcesWithRules(viewer: Viewer): Promise<{ items: Array<{ resourceCode: string; rules: number }> }>;
  /** Queue a run of the resource's enabled rules (or of `ruleIds`); it starts at once unless another is running. */
  requestRun(resourceCode: string, opts: { ruleIds?: number[] | undefined }, actor: Viewer): Promise<Run>;
  /** A run with its results and failing samples; forbidden `department_out_of_scope` when it ran for another department. */
  getRun(id: number, viewer: Viewer): Promise<Run>;
  /** Runs of the viewer's departments, newest first; naming another department's resource is forbidden (`/query/resource`). */
  listRuns(resourceCode: string | undefined, limit: number, viewer: Viewer): Promise<{ items: Run[] }>;
  scores(): Promise<ScoreBoard>;
  trend(scope: 'resource' | 'department', subject: string, days: number): Promise<Trend>;
  listTickets(query: TicketQuery, viewer: Viewer): Promise<{ total: number; items: Ticket[] }>;
  getTicket(id: number, viewer: Viewer): Promise<Ticket>;
  acknowledge(id: number, body: string | undefined, viewer: Viewer): Promise<Ticket>;
  comment(id: number, body: string, viewer: Viewer): Promise<Ticket>;
  /** The aggregation module's LOAD_COMPLETED / LOAD_ROLLED_BACK: run the resource's rules once per load. */
  onDataChanged(event: BusEvent): Promise<void>;
  /**
   * The city module's CITY_BUILT: the demo city filled the tables behind the base libraries; run
   * the rules of every resource whose `backingTable` the build filled, once per build.
   */
  onBaseLibrariesBuilt(event: BusEvent): Promise<void>;
  /** Seed the base libraries' default rules (first start), pick up runs a stopped process left, schedule. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no run is queued or running in this process (tests, CLI). */
  idle(): Promise<void>;
}

export interface QualityDeps {
  db: Database;
  logger: Logger;
  clock: Clock;
  catalog: CatalogService;
  aggregation: Pick<AggregationService, 'listLoads'>;
  /** When the demo city's tables (the backing tables of base libraries) were last built. */
  backingBuiltAt?: () => Promise<string | null>;
  relay?: Pick<OutboxRelay, 'kick'>;
  /** Set false to leave the cron schedule off (tests drive runs themselves). */
  schedule?: boolean;
}

// 数源部门 names in the catalog ('市公安局', '市市场监督管理局') and the org tree's units ('公安局',
// '市场监管局') differ in prefix and abbreviation; both sides are folded to one name.
const rounded = (x: number) => Math.round(x * 100) / 100;

export function createQualityService(deps: QualityDeps): QualityService {
  const { db, clock, logger } = deps;
  const store = createQualityStore(db);
  const now = () => clock.now().toISOString();
  const jobs = new Map<string, Cron>();
  let working: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function getResource(code: string, field = '/body/resourceCode'): Promise<Resource> {
    try {
      return await deps.catalog.get(code);
    } catch (e) {
      if ((e as { kind?: string }).kind === 'not_found') throw qualityError('rule_invalid', `resource ${code} is not in the catalog`, { field });
      throw e;
    }
  }

  async function targetOf(code: string): Promise<Target> {
    const resource = await deps.catalog.get(code);
    const table = assertTableName(resource.backingTable ?? dataTableName(code));
    const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    return { resource, table, exists: rows[0]?.t !== null && rows[0]?.t !== undefined, keys: resource.dataItems.filter((i) => i.key).map((i) => i.name) };
  }

  async function lastUpdated(target: Target): Promise<Date | null> {
    if (target.resource.backingTable) {
      const at = deps.backingBuiltAt ? await deps.backingBuiltAt() : null;
      return at ? new Date(at) : null;
    }
    const { items } = await deps.aggregation.listLoads(target.resource.code, 50);
    const done = items.find((l) => l.status === 'done' && l.finishedAt);
    return done?.finishedAt ? new Date(done.finishedAt) : null;
  }

  function visible(viewer: Viewer, department: string): boolean {
    if (viewer.departments === 'all') return true;
    return viewer.departments.some((d) => sameDepartment(department, d));
  }

  /** 一数一源: a caller scoped to departments writes and runs the rules of their departments' resources only. */
  function ownDepartment(viewer: Viewer, resource: Resource, field: string): void {
    if (!visible(viewer, resource.department)) {
      throw qualityError('department_out_of_scope', `the source department of ${resource.code} is ${resource.department}; your grant does not cover it`, { field });
    }
  }

  /** The source department of a resource with rules; null once the catalog no longer has it. */
  async function departmentOf(resourceCode: string): Promise<string | null> {
    return deps.catalog.get(resourceCode).then((r) => r.department, (e: unknown) => {
      if ((e as { kind?: string }).kind === 'not_found') return null;
      throw e;
    });
  }

  async function getRule(id: number): Promise<Rule> {
    const r = await store.rule(db, id);
    if (!r) throw qualityError('rule_not_found', `no quality rule ${id}`, { field: '/params/id' });
    return r;
  }

  async function getRun(id: number): Promise<Run> {
    const run = await store.run(id);
    if (!run) throw qualityError('run_not_found', `no quality run ${id}`, { field: '/params/id' });
    const { ruleIds: _ids, ...rest } = run;
    return { ...rest, results: await store.results(id) };
  }

  /** The departments among `all` (as the catalog spells them) that the viewer's scope reaches; 'all' unscoped. */
  function visibleDepartments(viewer: Viewer, all: readonly string[]): 'all' | string[] {
    return viewer.departments === 'all' ? 'all' : all.filter((d) => visible(viewer, d));
  }

  // --- runs ------------------------------------------------------------------------------------

  function kick(): void {
    if (stopped) return;
    if (working) {
      again = true;
      return;
    }
    working = (async () => {
      do {
        again = false;
        for (;;) {
          if (stopped) return;
          const run = await store.claimRun(now());
          if (!run) break;
          await execute(run);
        }
      } while (again);
    })()
      .catch((err: unknown) => logger.error({ err }, 'quality run worker failed'))
      .finally(() => {
        working = null;
      });
  }

  async function queue(resource: Resource, trigger: 'load' | 'build' | 'schedule' | 'manual', ref: string | null, ruleIds: number[] | null, by: string): Promise<number | null> {
    const id = await store.queueRun({ resourceCode: resource.code, department: resource.department, trigger, ref, ruleIds, by, at: now() });
    if (id !== null) kick();
    return id;
  }

  async function execute(run: StoredRun): Promise<void> {
    const started = Date.now();
    try {
      const target = await targetOf(run.resourceCode);
      const rules = (await store.rules(run.resourceCode, true)).filter((r) => !run.ruleIds || run.ruleIds.includes(r.id));
      let rowsTotal = 0;
      if (target.exists) {
        const c = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${target.table}`);
        rowsTotal = Number(c.rows[0]?.n ?? 0);
      }
      await store.updateRun(db, run.id, { rules_total: rules.length, rows_total: rowsTotal });
      const ctx: EngineContext = { rowsTotal, now: clock.now(), targetOf, lastUpdated };
      const outcomes: Array<{ rule: Rule; finding: Finding; error: string | null }> = [];
      for (const [i, rule] of rules.entries()) {
        const t0 = performance.now();
        let finding: Finding = { rowsChecked: 0, failures: 0, samples: [] };
        let error: string | null = null;
        try {
          finding = await runRule(db, target, { id: rule.id, kind: rule.kind as RuleKind, field: rule.field, params: rule.params } satisfies RuleSpec, ctx);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          logger.warn({ err: e, rule: rule.id, run: run.id }, 'quality rule could not run');
        }
        await store.addResult({ runId: run.id, ruleId: rule.id, passed: error === null && finding.failures === 0, ...finding, error, durationMs: Math.round(performance.now() - t0) });
        outcomes.push({ rule, finding, error });
        await store.updateRun(db, run.id, { rules_done: i + 1 });
      }
      await finish(run, target.resource, outcomes);
      logger.info({ run: run.id, resource: run.resourceCode, rules: rules.length, ms: Date.now() - started }, 'quality run done');
    } catch (e) {
      logger.error({ err: e, run: run.id }, 'quality run failed');
      await store.updateRun(db, run.id, { status: 'failed', error: e instanceof Error ? e.message : String(e), finished_at: now() });
    }
  }

  async function finish(run: StoredRun, resource: Resource, outcomes: Array<{ rule: Rule; finding: Finding; error: string | null }>): Promise<void> {
    const scored = outcomes.filter((o) => o.error === null);
    const score = scored.length ? rounded((100 * scored.reduce((s, o) => s + ruleScore(o.rule.kind, o.finding), 0)) / scored.length) : null;
    const at = now();
    await db.transaction(async (tx) => {
      for (const { rule, finding, error } of outcomes) if (error === null) await settleTicket(tx, run, resource, rule, finding, at);
      if (score !== null) await store.addScores(tx, { resourceCode: resource.code, department: run.department, score, runId: run.id, at });
      await store.updateRun(tx, run.id, { status: 'done', score, rules_failed: outcomes.filter((o) => o.error !== null || o.finding.failures > 0).length, finished_at: at });
      await enqueueEvent(tx, RUN_COMPLETED, { runId: run.id, resourceCode: resource.code, department: run.department, score, rulesFailed: outcomes.filter((o) => o.finding.failures > 0).map((o) => o.rule.id) });
    });
    deps.relay?.kick();
  }

  /** One ticket per failing rule: opened on the first failure, kept through later ones, closed by a pass. */
  async function settleTicket(tx: Queryable, run: StoredRun, resource: Resource, rule: Rule, f: Finding, at: string): Promise<void> {
    const active = await store.activeTicket(tx, rule.id);
    if (f.failures > 0) {
      const first = f.samples[0]?.reason;
      const binary = rule.kind === 'row_count' || rule.kind === 'freshness';
      const summary = binary ? `${rule.name}: ${first ?? 'failed'}` : `${rule.name}: ${f.failures} of ${f.rowsChecked} rows fail${first ? ` (e.g. ${first})` : ''}`;
      if (active) {
        await store.failAgain(tx, active.id, { summary, failures: f.failures, runId: run.id, at });
        return;
      }
      const id = await store.openTicket(tx, { ruleId: rule.id, resourceCode: resource.code, department: run.department, summary, failures: f.failures, runId: run.id, at });
      await store.addNote(tx, id, 'opened', summary, 'system', at);
      await audit(tx, { actor: 'system', action: 'quality.ticket.open', target: `quality-ticket:${id}`, outcome: 'success', details: { rule: rule.id, resource: resource.code, department: run.department, run: run.id, failures: f.failures } }, clock);
      await enqueueEvent(tx, TICKET_OPENED, { ticketId: id, ruleId: rule.id, resourceCode: resource.code, department: run.department, summary });
    } else if (active) {
      const reason = `passed in run ${run.id}`;
      await store.closeTicket(tx, active.id, reason, run.id, at);
      await store.addNote(tx, active.id, 'closed', `${rule.name}: ${reason}`, 'system', at);
      await audit(tx, { actor: 'system', action: 'quality.ticket.close', target: `quality-ticket:${active.id}`, outcome: 'success', details: { rule: rule.id, resource: resource.code, run: run.id, reason } }, clock);
      await enqueueEvent(tx, TICKET_CLOSED, { ticketId: active.id, ruleId: rule.id, resourceCode: resource.code, department: active.department, reason });
    }
  }

  // --- schedule --------------------------------------------------------------------------------

  async function refreshSchedule(): Promise<void> {
    if (stopped || deps.schedule === false) return;
    const wanted = new Map((await store.schedules()).map((s) => [`${s.resourceCode}|${s.schedule}`, s]));
    for (const [key, job] of jobs) {
      if (wanted.has(key)) continue;
      job.stop();
      jobs.delete(key);
    }
    for (const [key, s] of wanted) {
      if (jobs.has(key)) continue;
      const job = new Cron(s.schedule, { timezone: SCHEDULE_TIMEZONE, protect: true, catch: (err) => logger.error({ err, schedule: key }, 'scheduled quality run failed') }, async () => {
        const ruleIds = await store.ruleIdsWithSchedule(s.resourceCode, s.schedule);
        if (ruleIds.length === 0) return;
        const resource = await deps.catalog.get(s.resourceCode);
        // The tick's minute is the reference: nodes sharing the database queue it once.
        const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
        await queue(resource, 'schedule', `${s.schedule}@${tick}`, ruleIds, 'system');
      });
      jobs.set(key, job);
    }
  }

  // --- tickets ---------------------------------------------------------------------------------

  async function ticketFor(id: number, viewer: Viewer, tx: Queryable = db, lock = false): Promise<Ticket> {
    const t = await store.ticket(tx, id, lock);
    if (!t) throw qualityError('ticket_not_found', `no problem ticket ${id}`, { field: '/params/id' });
    if (!visible(viewer, t.department)) throw qualityError('ticket_forbidden', `ticket ${id} belongs to ${t.department}`, { field: '/params/id' });
    return t;
  }

  async function withNotes(t: Ticket): Promise<Ticket> {
    return { ...t, notes: await store.notes(t.id) };
  }

  async function seedDefaults(): Promise<number> {
    let added = 0;
    for (const d of DEFAULT_RULES) {
      if (await store.builtinExists(d.resourceCode, d.name)) continue;
      let resource: Resource;
      try {
        resource = await deps.catalog.get(d.resourceCode);
      } catch {
        continue;
      }
      const checked = await checkRule(db, deps.catalog, resource, { kind: d.kind, field: d.field, params: d.params });
      await db.transaction(async (tx) => {
        await store.insertRule(tx, { resourceCode: d.resourceCode, name: d.name, ...checked, enabled: true, builtin: true }, now(), 'system');
      });
      added++;
    }
    return added;
  }

  return {
    async createRule(input, actor) {
      const resource = await getResource(input.resourceCode);
      ownDepartment(actor, resource, '/body/resourceCode');
      const checked = await checkRule(db, deps.catalog, resource, input);
      const id = await db.transaction(async (tx) => {
        const ruleId = await store.insertRule(tx, { resourceCode: resource.code, name: input.name, ...checked, enabled: input.enabled ?? true, builtin: false }, now(), actor.id);
        await audit(tx, { actor: actor.id, action: 'quality.rule.create', target: `quality-rule:${ruleId}`, outcome: 'success', details: { resource: resource.code, name: input.name, kind: checked.kind, field: checked.field, params: checked.params } }, clock);
        return ruleId;
      });
      await refreshSchedule();
      return getRule(id);
    },

    async updateRule(id, input, actor) {
      const before = await getRule(id);
      const resource = await deps.catalog.get(before.resourceCode);
      ownDepartment(actor, resource, '/params/id');
      const checked = await checkRule(db, deps.catalog, resource, { ...input, schedule: input.schedule ?? before.schedule });
      const enabled = input.enabled ?? before.enabled;
      await db.transaction(async (tx) => {
        await store.updateRule(tx, id, { name: input.name, ...checked, enabled }, now(), actor.id);
        await audit(tx, {
          actor: actor.id, action: enabled ? 'quality.rule.update' : 'quality.rule.disable', target: `quality-rule:${id}`, outcome: 'success',
          details: { before: { name: before.name, kind: before.kind, field: before.field, params: before.params, schedule: before.schedule, enabled: before.enabled }, after: { name: input.name, ...checked, enabled } },
        }, clock);
        // A disabled rule no longer speaks for the data: its ticket closes.
        const active = enabled ? undefined : await store.activeTicket(tx, id);
        if (active) {
          await store.closeTicket(tx, active.id, 'rule disabled', null, now());
          await store.addNote(tx, active.id, 'closed', `rule disabled by ${actor.id}`, actor.id, now());
          await audit(tx, { actor: actor.id, action: 'quality.ticket.close', target: `quality-ticket:${active.id}`, outcome: 'success', details: { rule: id, reason: 'rule disabled' } }, clock);
        }
      });
      await refreshSchedule();
      return getRule(id);
    },

    async getRule(id, viewer) {
      const rule = await getRule(id);
      if (viewer.departments === 'all') return rule;
      const department = await departmentOf(rule.resourceCode);
      // A rule whose resource left the catalog belongs to no department a scoped grant can prove.
      if (department === null || !visible(viewer, department)) {
        throw qualityError('department_out_of_scope', `rule ${id} checks ${rule.resourceCode} of ${department ?? 'no catalogued department'}; your grant does not cover it`, { field: '/params/id' });
      }
      return rule;
    },

    async listRules(resourceCode, viewer) {
      const resource = await getResource(resourceCode, '/query/resource');
      ownDepartment(viewer, resource, '/query/resource');
      return { items: await store.rules(resourceCode) };
    },

    async resourcesWithRules(viewer) {
      const items = await store.resourcesWithRules();
      if (viewer.departments === 'all') return { items };
      const mine: typeof items = [];
      for (const item of items) {
        const department = await departmentOf(item.resourceCode);
        if (department !== null && visible(viewer, department)) mine.push(item);
      }
      return { items: mine };
    },

    async requestRun(resourceCode, opts, actor) {
      const resource = await getResource(resourceCode);
      ownDepartment(actor, resource, '/body/resourceCode');
      const enabled = await store.rules(resourceCode, true);
      if (opts.ruleIds) {
        opts.ruleIds.forEach((rid, i) => {
          if (!enabled.some((r) => r.id === rid)) throw qualityError('rule_invalid', `rule ${rid} is not an enabled rule of ${resourceCode}`, { field: `/body/ruleIds/${i}` });
        });
      } else if (enabled.length === 0) {
        throw qualityError('no_rules', `${resourceCode} has no enabled quality rules; add one first`, { field: '/body/resourceCode' });
      }
      const id = await queue(resource, 'manual', null, opts.ruleIds ?? null, actor.id);
      return getRun(id ?? 0);
    },

    async getRun(id, viewer) {
      const run = await getRun(id);
      // A run belongs to the department it ran for (recorded when queued), as its tickets do.
      if (!visible(viewer, run.department)) throw qualityError('department_out_of_scope', `run ${id} checked ${run.resourceCode} of ${run.department}; your grant does not cover it`, { field: '/params/id' });
      return run;
    },

    async listRuns(resourceCode, limit, viewer) {
      if (resourceCode !== undefined && viewer.departments !== 'all') {
        const department = await departmentOf(resourceCode);
        if (department !== null && !visible(viewer, department)) {
          throw qualityError('department_out_of_scope', `the source department of ${resourceCode} is ${department}; your grant does not cover it`, { field: '/query/resource' });
        }
      }
      const departments = visibleDepartments(viewer, viewer.departments === 'all' ? [] : await store.runDepartments());
      return { items: (await store.runs(resourceCode, limit, departments)).map(({ ruleIds: _ids, ...r }) => r) };
    },

    async scores() {
      const [resources, departments, counts] = await Promise.all([store.latestScores('resource'), store.latestScores('department'), store.openTicketCounts()]);
      const names = new Map<string, string>();
      for (const r of resources) names.set(r.subject, await deps.catalog.get(r.subject).then((x) => x.name, () => r.subject));
      const byScore = (a: ScoreRow, b: ScoreRow) => a.score - b.score || a.subject.localeCompare(b.subject);
      return {
        departments: departments.map((d) => ({ ...d, name: d.subject, openTickets: counts.byDepartment.get(d.subject) ?? 0 })).sort(byScore),
        resources: resources.map((r) => ({ ...r, name: names.get(r.subject) ?? r.subject, openTickets: counts.byResource.get(r.subject) ?? 0 })).sort(byScore),
      };
    },

    async trend(scope, subject, days) {
      const since = new Date(clock.now().getTime() - days * 86_400_000).toISOString();
      return { scope, subject, points: await store.trend(scope, subject, since) };
    },

    async listTickets(query, viewer) {
      if (viewer.departments === 'all') return store.tickets(query, 'all');
      // The tickets' departments that are the viewer's, in the catalog's spelling.
      const { rows } = await db.query<{ department: string }>('SELECT DISTINCT department FROM quality_tickets');
      return store.tickets(query, visibleDepartments(viewer, rows.map((r) => r.department)));
    },

    async getTicket(id, viewer) {
      return withNotes(await ticketFor(id, viewer));
    },

    async acknowledge(id, body, viewer) {
      await db.transaction(async (tx) => {
        const t = await ticketFor(id, viewer, tx, true);
        if (t.state !== 'open') throw qualityError('ticket_state', `ticket ${id} is ${t.state}; only an open ticket can be acknowledged`, { field: '/params/id', state: t.state });
        const at = now();
        await store.acknowledge(tx, id, viewer.id, at);
        await store.addNote(tx, id, 'acknowledged', body ?? '已确认，正在整改', viewer.id, at);
        await audit(tx, { actor: viewer.id, action: 'quality.ticket.acknowledge', target: `quality-ticket:${id}`, outcome: 'success', details: { department: t.department, body: body ?? null } }, clock);
      });
      return withNotes(await ticketFor(id, viewer));
    },

    async comment(id, body, viewer) {
      await db.transaction(async (tx) => {
        const t = await ticketFor(id, viewer, tx, true);
        await store.addNote(tx, id, 'comment', body, viewer.id, now());
        await audit(tx, { actor: viewer.id, action: 'quality.ticket.comment', target: `quality-ticket:${id}`, outcome: 'success', details: { department: t.department, state: t.state } }, clock);
      });
      return withNotes(await ticketFor(id, viewer));
    },

    async onDataChanged(event) {
      const data = event.data as { loadId?: unknown; resourceCode?: unknown };
      if (typeof data.resourceCode !== 'string' || (typeof data.loadId !== 'number' && typeof data.loadId !== 'string')) return;
      const rules = await store.rules(data.resourceCode, true);
      if (rules.length === 0) return;
      const resource = await deps.catalog.get(data.resourceCode);
      const ref = event.subject.endsWith('rolled_back') ? `rollback:${String(data.loadId)}` : String(data.loadId);
      await queue(resource, 'load', ref, null, 'system');
    },

    async onBaseLibrariesBuilt(event) {
      const data = event.data as { buildId?: unknown; tables?: unknown };
      if ((typeof data.buildId !== 'number' && typeof data.buildId !== 'string') || !Array.isArray(data.tables)) return;
      const tables = new Set(data.tables.filter((t): t is string => typeof t === 'string'));
      for (const { resourceCode } of await store.resourcesWithRules()) {
        const resource = await deps.catalog.get(resourceCode).catch(() => null);
        if (resource?.backingTable && tables.has(resource.backingTable)) await queue(resource, 'build', `city-build:${String(data.buildId)}`, null, 'system');
      }
    },

    async start() {
      stopped = false;
      const added = await seedDefaults();
      if (added > 0) logger.info({ added }, 'quality: default rules of the base libraries added');
      const resumed = await store.requeueRunning();
      if (resumed > 0) logger.info({ resumed }, 'quality: runs interrupted by a stop are queued again');
      await refreshSchedule();
      kick();
    },

    async stop() {
      stopped = true;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
      while (working) await working;
    },

    async idle() {
      const settle = async () => {
        for (let w = working; w; w = working) await w;
      };
      await settle();
      if (stopped || (await store.pendingRuns()) === 0) return;
      kick();
      await settle();
    },
  };
}

export { DEFAULT_SCHEDULE };
