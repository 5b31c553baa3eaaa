// SQL of the quality module's own tables (quality_*).
import type { Database, Queryable } from '../../platform/index.ts';
import type { Rule, RuleParams, RuleResult, Run, Sample, ScoreRow, Ticket, TicketQuery } from './schemas.ts';

const iso = (v: Date | string | null | undefined): string | null => (v === null || v === undefined ? null : new Date(v).toISOString());
const n = (v: unknown): number => Number(v ?? 0);
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

interface RuleRow {
  id: string | number;
  resource_code: string;
  name: string;
  kind: string;
  field: string | null;
  params: RuleParams | string;
  schedule: string;
  enabled: boolean;
  builtin: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string;
  last_run_id?: string | number | null;
  last_passed?: boolean | null;
  last_checked?: string | number | null;
  last_failures?: string | number | null;
  last_at?: Date | string | null;
}

function toRule(r: RuleRow): Rule {
  return {
    id: n(r.id),
    resourceCode: r.resource_code,
    name: r.name,
    kind: r.kind,
    field: r.field,
    params: json<RuleParams>(r.params),
    schedule: r.schedule,
    enabled: r.enabled,
    builtin: r.builtin,
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    updatedBy: r.updated_by,
    lastResult:
      r.last_run_id === null || r.last_run_id === undefined
        ? null
        : { runId: n(r.last_run_id), passed: Boolean(r.last_passed), rowsChecked: n(r.last_checked), failures: n(r.last_failures), at: iso(r.last_at) ?? '' },
  };
}

interface RunRow {
  id: string | number;
  resource_code: string;
  department: string;
  trigger: string;
  trigger_ref: string | null;
  rule_ids: Array<string | number> | null;
  status: Run['status'];
  rules_total: number;
  rules_done: number;
  rules_failed: number;
  rows_total: string | number | null;
  score: string | number | null;
  error: string | null;
  requested_by: string;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

export type StoredRun = Run & { ruleIds: number[] | null };

function toRun(r: RunRow): StoredRun {
  return {
    id: n(r.id),
    resourceCode: r.resource_code,
    department: r.department,
    trigger: r.trigger,
    status: r.status,
    rulesTotal: n(r.rules_total),
    rulesDone: n(r.rules_done),
    rulesFailed: n(r.rules_failed),
    rowsTotal: r.rows_total === null ? null : n(r.rows_total),
    score: r.score === null ? null : n(r.score),
    error: r.error,
    requestedBy: r.requested_by,
    createdAt: iso(r.created_at) ?? '',
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    ruleIds: r.rule_ids ? r.rule_ids.map(n) : null,
  };
}

interface TicketRow {
  id: string | number;
  rule_id: string | number;
  rule_name: string;
  resource_code: string;
  department: string;
  state: Ticket['state'];
  summary: string;
  failures: string | number;
  failing_runs: number;
  opened_run_id: string | number;
  last_run_id: string | number;
  opened_at: Date | string;
  updated_at: Date | string;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  closed_at: Date | string | null;
  closed_reason: string | null;
}

function toTicket(r: TicketRow): Ticket {
  return {
    id: n(r.id),
    ruleId: n(r.rule_id),
    ruleName: r.rule_name,
    resourceCode: r.resource_code,
    department: r.department,
    state: r.state,
    summary: r.summary,
    failures: n(r.failures),
    failingRuns: n(r.failing_runs),
    openedRunId: n(r.opened_run_id),
    lastRunId: n(r.last_run_id),
    openedAt: iso(r.opened_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    closedAt: iso(r.closed_at),
    closedReason: r.closed_reason,
  };
}

const RULE_SELECT = `SELECT r.*, l.run_id AS last_run_id, l.passed AS last_passed, l.rows_checked AS last_checked, l.failures AS last_failures, l.at AS last_at
  FROM quality_rules r
  LEFT JOIN LATERAL (SELECT x.run_id, x.passed, x.rows_checked, x.failures, u.finished_at AS at FROM quality_results x JOIN quality_runs u ON u.id = x.run_id
                     WHERE x.rule_id = r.id ORDER BY x.run_id DESC LIMIT 1) l ON true`;
const TICKET_SELECT = 'SELECT t.*, r.name AS rule_name FROM quality_tickets t JOIN quality_rules r ON r.id = t.rule_id';

export interface RuleRecord {
  resourceCode: string;
  name: string;
  kind: string;
  field: string | null;
  params: RuleParams;
  schedule: string;
  enabled: boolean;
  builtin: boolean;
}

export function createQualityStore(db: Database) {
  return {
    async insertRule(tx: Queryable, r: RuleRecord, at: string, by: string): Promise<number> {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO quality_rules (resource_code, name, kind, field, params, schedule, enabled, builtin, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`,
        [r.resourceCode, r.name, r.kind, r.field, JSON.stringify(r.params), r.schedule, r.enabled, r.builtin, at, by],
      );
      return n(rows[0]?.id);
    },
    async updateRule(tx: Queryable, id: number, r: Omit<RuleRecord, 'resourceCode' | 'builtin'>, at: string, by: string): Promise<void> {
      await tx.query('UPDATE quality_rules SET name = $2, kind = $3, field = $4, params = $5, schedule = $6, enabled = $7, updated_at = $8, updated_by = $9 WHERE id = $1', [
        id, r.name, r.kind, r.field, JSON.stringify(r.params), r.schedule, r.enabled, at, by,
      ]);
    },
    async rule(q: Queryable, id: number): Promise<Rule | undefined> {
      const { rows } = await q.query<RuleRow>(`${RULE_SELECT} WHERE r.id = $1`, [id]);
      return rows[0] ? toRule(rows[0]) : undefined;
    },
    async rules(resourceCode: string, onlyEnabled = false): Promise<Rule[]> {
      const { rows } = await db.query<RuleRow>(`${RULE_SELECT} WHERE r.resource_code = $1${onlyEnabled ? ' AND r.enabled' : ''} ORDER BY r.id`, [resourceCode]);
      return rows.map(toRule);
    },
    async builtinExists(resourceCode: string, name: string): Promise<boolean> {
      const { rows } = await db.query('SELECT 1 FROM quality_rules WHERE resource_code = $1 AND name = $2 AND builtin', [resourceCode, name]);
      return rows.length > 0;
    },
    async resourcesWithRules(): Promise<Array<{ resourceCode: string; rules: number }>> {
      const { rows } = await db.query<{ resource_code: string; n: number }>('SELECT resource_code, count(*)::int AS n FROM quality_rules WHERE enabled GROUP BY 1 ORDER BY 1');
      return rows.map((r) => ({ resourceCode: r.resource_code, rules: n(r.n) }));
    },
    async schedules(): Promise<Array<{ resourceCode: string; schedule: string }>> {
      const { rows } = await db.query<{ resource_code: string; schedule: string }>('SELECT DISTINCT resource_code, schedule FROM quality_rules WHERE enabled ORDER BY 1, 2');
      return rows.map((r) => ({ resourceCode: r.resource_code, schedule: r.schedule }));
    },
    async ruleIdsWithSchedule(resourceCode: string, schedule: string): Promise<number[]> {
      const { rows } = await db.query<{ id: number }>('SELECT id FROM quality_rules WHERE resource_code = $1 AND schedule = $2 AND enabled ORDER BY id', [resourceCode, schedule]);
      return rows.map((r) => n(r.id));
    },

    /** Queue a run; null when a run with the same trigger reference exists (a re-delivered event, another node's tick). */
    async queueRun(r: { resourceCode: string; department: string; trigger: string; ref: string | null; ruleIds: number[] | null; by: string; at: string }): Promise<number | null> {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO quality_runs (resource_code, department, trigger, trigger_ref, rule_ids, status, requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
        [r.resourceCode, r.department, r.trigger, r.ref, r.ruleIds, r.by, r.at],
      );
      return rows[0] ? n(rows[0].id) : null;
    },
    /** Claim the oldest queued run (SKIP LOCKED: nodes sharing a database split the work). */
    async claimRun(at: string): Promise<StoredRun | undefined> {
      const { rows } = await db.query<RunRow>(
        `UPDATE quality_runs SET status = 'running', started_at = $1
         WHERE id = (SELECT id FROM quality_runs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *`,
        [at],
      );
      return rows[0] ? toRun(rows[0]) : undefined;
    },
    async requeueRunning(): Promise<number> {
      const r = await db.query("UPDATE quality_runs SET status = 'queued', rules_done = 0 WHERE status = 'running'");
      await db.query("DELETE FROM quality_results WHERE run_id IN (SELECT id FROM quality_runs WHERE status = 'queued')");
      return r.rowCount;
    },
    async updateRun(q: Queryable, id: number, fields: Record<string, unknown>): Promise<void> {
      const keys = Object.keys(fields);
      await q.query(`UPDATE quality_runs SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...keys.map((k) => fields[k])]);
    },
    async run(id: number): Promise<StoredRun | undefined> {
      const { rows } = await db.query<RunRow>('SELECT * FROM quality_runs WHERE id = $1', [id]);
      return rows[0] ? toRun(rows[0]) : undefined;
    },
    /** Runs, newest first, of one resource or all, of `departments` (as the runs record them) or all. */
    async runs(resourceCode: string | undefined, limit: number, departments: 'all' | readonly string[] = 'all'): Promise<StoredRun[]> {
      const params: unknown[] = [limit];
      const where: string[] = [];
      if (resourceCode !== undefined) where.push(`resource_code = $${params.push(resourceCode)}`);
      if (departments !== 'all') where.push(`department = ANY($${params.push(departments)}::text[])`);
      const { rows } = await db.query<RunRow>(`SELECT * FROM quality_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $1`, params);
      return rows.map(toRun);
    },
    async runDepartments(): Promise<string[]> {
      const { rows } = await db.query<{ department: string }>('SELECT DISTINCT department FROM quality_runs');
      return rows.map((r) => r.department);
    },
    async pendingRuns(): Promise<number> {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM quality_runs WHERE status IN ('queued', 'running')");
      return n(rows[0]?.n);
    },

    async addResult(r: { runId: number; ruleId: number; passed: boolean; rowsChecked: number; failures: number; samples: Sample[]; error: string | null; durationMs: number }): Promise<void> {
      await db.query(
        `INSERT INTO quality_results (run_id, rule_id, passed, rows_checked, failures, samples, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (run_id, rule_id) DO UPDATE SET passed = EXCLUDED.passed, rows_checked = EXCLUDED.rows_checked, failures = EXCLUDED.failures,
           samples = EXCLUDED.samples, error = EXCLUDED.error, duration_ms = EXCLUDED.duration_ms`,
        [r.runId, r.ruleId, r.passed, r.rowsChecked, r.failures, JSON.stringify(r.samples), r.error, r.durationMs],
      );
    },
    async results(runId: number): Promise<RuleResult[]> {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT x.*, r.name, r.kind, r.field FROM quality_results x JOIN quality_rules r ON r.id = x.rule_id WHERE x.run_id = $1 ORDER BY x.rule_id`,
        [runId],
      );
      return rows.map((r) => ({
        ruleId: n(r.rule_id),
        ruleName: String(r.name),
        kind: String(r.kind),
        field: (r.field as string | null) ?? null,
        passed: Boolean(r.passed),
        rowsChecked: n(r.rows_checked),
        failures: n(r.failures),
        samples: json<Sample[]>(r.samples),
        error: (r.error as string | null) ?? null,
        durationMs: n(r.duration_ms),
      }));
    },

    async activeTicket(tx: Queryable, ruleId: number): Promise<Ticket | undefined> {
      const { rows } = await tx.query<TicketRow>(`${TICKET_SELECT} WHERE t.rule_id = $1 AND t.state <> 'closed' FOR UPDATE OF t`, [ruleId]);
      return rows[0] ? toTicket(rows[0]) : undefined;
    },
    async openTicket(tx: Queryable, t: { ruleId: number; resourceCode: string; department: string; summary: string; failures: number; runId: number; at: string }): Promise<number> {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO quality_tickets (rule_id, resource_code, department, state, summary, failures, opened_run_id, last_run_id, opened_at, updated_at)
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $6, $7, $7) RETURNING id`,
        [t.ruleId, t.resourceCode, t.department, t.summary, t.failures, t.runId, t.at],
      );
      return n(rows[0]?.id);
    },
    async failAgain(tx: Queryable, id: number, t: { summary: string; failures: number; runId: number; at: string }): Promise<void> {
      await tx.query('UPDATE quality_tickets SET summary = $2, failures = $3, last_run_id = $4, failing_runs = failing_runs + 1, updated_at = $5 WHERE id = $1', [id, t.summary, t.failures, t.runId, t.at]);
    },
    async closeTicket(tx: Queryable, id: number, reason: string, runId: number | null, at: string): Promise<void> {
      await tx.query("UPDATE quality_tickets SET state = 'closed', closed_at = $2, closed_reason = $3, last_run_id = coalesce($4, last_run_id), updated_at = $2 WHERE id = $1", [id, at, reason, runId]);
    },
    async acknowledge(tx: Queryable, id: number, by: string, at: string): Promise<void> {
      await tx.query("UPDATE quality_tickets SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, updated_at = $2 WHERE id = $1", [id, at, by]);
    },
    async addNote(tx: Queryable, ticketId: number, kind: string, body: string, actor: string, at: string): Promise<void> {
      await tx.query('INSERT INTO quality_ticket_notes (ticket_id, kind, body, actor, at) VALUES ($1, $2, $3, $4, $5)', [ticketId, kind, body, actor, at]);
    },
    async ticket(q: Queryable, id: number, lock = false): Promise<Ticket | undefined> {
      const { rows } = await q.query<TicketRow>(`${TICKET_SELECT} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id]);
      return rows[0] ? toTicket(rows[0]) : undefined;
    },
    async notes(ticketId: number): Promise<NonNullable<Ticket['notes']>> {
      const { rows } = await db.query<{ kind: string; body: string; actor: string; at: Date | string }>('SELECT kind, body, actor, at FROM quality_ticket_notes WHERE ticket_id = $1 ORDER BY id', [ticketId]);
      return rows.map((r) => ({ kind: r.kind, body: r.body, actor: r.actor, at: iso(r.at) ?? '' }));
    },
    async tickets(query: TicketQuery, departments: 'all' | string[]): Promise<{ total: number; items: Ticket[] }> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (query.state === 'active') where.push("t.state <> 'closed'");
      else if (query.state) add('t.state = ?', query.state);
      if (query.resource) add('t.resource_code = ?', query.resource);
      if (query.department) add('t.department = ?', query.department);
      if (departments !== 'all') add('t.department = ANY(?::text[])', departments);
      const w = where.length ? ` WHERE ${where.join(' AND ')}` : '';
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM quality_tickets t${w}`, params);
      const { rows } = await db.query<TicketRow>(`${TICKET_SELECT}${w} ORDER BY (t.state = 'closed'), t.id DESC LIMIT ${query.limit} OFFSET ${query.offset}`, params);
      return { total: n(total.rows[0]?.n), items: rows.map(toTicket) };
    },

    async addScores(tx: Queryable, s: { resourceCode: string; department: string; score: number; runId: number; at: string }): Promise<void> {
      await tx.query("INSERT INTO quality_scores (scope, subject, department, score, run_id, at) VALUES ('resource', $1, $2, $3, $4, $5)", [s.resourceCode, s.department, s.score, s.runId, s.at]);
      // The department's score: the mean of its resources' latest scores, as of now.
      await tx.query(
        `INSERT INTO quality_scores (scope, subject, department, score, run_id, at)
         SELECT 'department', $1, $1, round(avg(score), 2), $2, $3
           FROM (SELECT DISTINCT ON (subject) score FROM quality_scores WHERE scope = 'resource' AND department = $1 ORDER BY subject, at DESC, id DESC) s`,
        [s.department, s.runId, s.at],
      );
    },
    async latestScores(scope: 'resource' | 'department'): Promise<Array<Omit<ScoreRow, 'name' | 'openTickets'>>> {
      const { rows } = await db.query<{ subject: string; department: string; score: string | number; at: Date | string }>(
        'SELECT DISTINCT ON (subject) subject, department, score, at FROM quality_scores WHERE scope = $1 ORDER BY subject, at DESC, id DESC',
        [scope],
      );
      return rows.map((r) => ({ scope, subject: r.subject, department: r.department, score: n(r.score), at: iso(r.at) ?? '' }));
    },
    async openTicketCounts(): Promise<{ byResource: Map<string, number>; byDepartment: Map<string, number> }> {
      const { rows } = await db.query<{ resource_code: string; department: string; n: number }>(
        "SELECT resource_code, department, count(*)::int AS n FROM quality_tickets WHERE state <> 'closed' GROUP BY 1, 2",
      );
      const byResource = new Map<string, number>();
      const byDepartment = new Map<string, number>();
      for (const r of rows) {
        byResource.set(r.resource_code, (byResource.get(r.resource_code) ?? 0) + n(r.n));
        byDepartment.set(r.department, (byDepartment.get(r.department) ?? 0) + n(r.n));
      }
      return { byResource, byDepartment };
    },
    async trend(scope: 'resource' | 'department', subject: string, since: string): Promise<Array<{ at: string; score: number }>> {
      const { rows } = await db.query<{ at: Date | string; score: string | number }>(
        'SELECT at, score FROM quality_scores WHERE scope = $1 AND subject = $2 AND at >= $3 ORDER BY at, id',
        [scope, subject, since],
      );
      return rows.map((r) => ({ at: iso(r.at) ?? '', score: n(r.score) }));
    },
  };
}

export type QualityStore = ReturnType<typeof createQualityStore>;
