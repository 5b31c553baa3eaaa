// SQL of the events_* tables only.
import type { Database, Queryable } from '../../platform/db/index.ts';
import type { EventState } from './lifecycle.ts';
import type { Attachment, Category, DetectionListQuery, DetectionOutcome, EventListQuery, EventSource, RoutingRule, Severity, TimelineEntry } from './schemas.ts';

export interface EventRow {
  id: string | number;
  title: string;
  description: string;
  category_code: string;
  category_name: string;
  severity: Severity;
  state: EventState;
  source: EventSource;
  source_ref: string | null;
  lon: number | null;
  lat: number | null;
  address: string;
  district_code: string | null;
  town_code: string | null;
  village_code: string | null;
  grid_code: string | null;
  department_code: string | null;
  department_name: string | null;
  partner_codes: string[];
  routed_by: string | null;
  created_at: Date | string;
  dispatched_at: Date | string | null;
  reported_at: Date | string | null;
  closed_at: Date | string | null;
  warn_at: Date | string | null;
  deadline_at: Date | string | null;
  warned_at: Date | string | null;
  escalated_at: Date | string | null;
  escalation_level: number;
  detection_count: number;
}

export interface NewEvent {
  title: string;
  description: string;
  categoryCode: string;
  severity: Severity;
  source: EventSource;
  sourceRef: string | null;
  lon: number | null;
  lat: number | null;
  address: string;
  districtCode: string | null;
  townCode: string | null;
  villageCode: string | null;
  gridCode: string | null;
  departmentCode: string;
  routedBy: string;
  at: Date;
  detection?: { at: Date };
  /** Dispatched at `at` to `departmentCode` in the same insert, with this time limit. */
  dispatch?: { deadlineAt: Date; warnAt: Date };
}

export const iso = (v: Date | string): string => new Date(v).toISOString();
export const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : iso(v));

// department_name is filled from the org tree (identity's units) by the service, not joined here.
const EVENT_SELECT = `SELECT e.*, c.name AS category_name, NULL::text AS department_name
  FROM events_events e JOIN events_categories c ON c.code = e.category_code`;

export interface DetectionRecord {
  eventId: number | null;
  outcome: DetectionOutcome;
  cameraId: string;
  scenario: string;
  detectedAt: Date;
  confidence: number;
  minConfidence: number;
  snapshotUrls: string[];
  lon: number;
  lat: number;
  districtCode: string | null;
  actor: string;
  receivedAt: Date;
}

export interface DetectionRow {
  id: string;
  event_id: string | null;
  outcome: DetectionOutcome;
  camera_id: string;
  scenario: string;
  detected_at: Date | string;
  confidence: number;
  min_confidence: number | null;
  snapshot_count: number;
  snapshot_urls: string[];
  lon: number;
  lat: number;
  district_code: string | null;
  actor: string;
  received_at: Date | string;
  event_title: string | null;
  event_state: string | null;
}

export interface PartRow {
  unit_code: string;
  state: 'accepted' | 'reported';
  accepted_at: Date | string;
  accepted_by: string;
  reported_at: Date | string | null;
  reported_by: string | null;
  note: string;
}

export interface ScenarioRow {
  code: string;
  name_zh: string;
  name_en: string;
  category_code: string;
  min_confidence: number;
  updated_at: Date | string;
  updated_by: string;
}

/** Who may see which events, as SQL sees it: lead/partner units, or the place for a dispatcher's region. */
export interface ListScope {
  all: boolean;
  units: Iterable<string>;
  region: Iterable<string>;
}

/** The events a scope sees (lead or partner unit in `units` or `region`, or located in `region`), as SQL over `e`; pushes its two parameters. */
function scopeClause(scope: ListScope, params: unknown[]): string {
  params.push([...scope.units], [...scope.region]);
  const u = `$${params.length - 1}::text[]`;
  const r = `$${params.length}::text[]`;
  return `(e.department_code = ANY(${u}) OR e.partner_codes && ${u} OR e.department_code = ANY(${r}) OR e.partner_codes && ${r} OR e.district_code = ANY(${r}) OR e.town_code = ANY(${r}))`;
}

export interface ListFilter extends EventListQuery {
  scope?: ListScope;
  /** Lead or partner unit among these (the inbox of a unit and the units below it). */
  units?: readonly string[];
}

interface CategoryRow {
  code: string;
  name: string;
  name_en: string;
  parent_code: string | null;
  limit_normal_minutes: number;
  limit_major_minutes: number;
  limit_urgent_minutes: number;
  working_hours: boolean;
  active: boolean;
  updated_at: Date | string | null;
  updated_by: string | null;
}

const toCategory = (r: CategoryRow): Category => ({
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  parentCode: r.parent_code,
  limits: { normal: r.limit_normal_minutes, major: r.limit_major_minutes, urgent: r.limit_urgent_minutes },
  workingHours: r.working_hours,
  active: r.active,
  updatedAt: r.updated_at === null ? null : iso(r.updated_at),
  updatedBy: r.updated_by,
});

export interface CategoryWrite {
  name: string;
  nameEn: string;
  parentCode: string | null;
  limits: { normal: number; major: number; urgent: number };
  workingHours: boolean;
}

export function createEventsStore(db: Database) {
  return {
    async categories(includeDisabled = false, q: Queryable = db): Promise<Category[]> {
      const { rows } = await q.query<CategoryRow>(`SELECT * FROM events_categories ${includeDisabled ? '' : 'WHERE active'} ORDER BY code`);
      return rows.map(toCategory);
    },
    /** A category whether active or not. */
    async anyCategory(code: string, q: Queryable = db): Promise<Category | undefined> {
      const { rows } = await q.query<CategoryRow>('SELECT * FROM events_categories WHERE code = $1', [code]);
      return rows[0] && toCategory(rows[0]);
    },
    async insertCategory(code: string, c: CategoryWrite, actor: string, at: Date): Promise<boolean> {
      const r = await db.query(
        `INSERT INTO events_categories (code, name, name_en, parent_code, limit_normal_minutes, limit_major_minutes, limit_urgent_minutes, working_hours, active, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, $9, $10) ON CONFLICT (code) DO NOTHING`,
        [code, c.name, c.nameEn, c.parentCode, c.limits.normal, c.limits.major, c.limits.urgent, c.workingHours, at.toISOString(), actor],
      );
      return r.rowCount > 0;
    },
    async updateCategory(code: string, c: Partial<CategoryWrite> & { active?: boolean }, actor: string, at: Date): Promise<void> {
      const set: Record<string, unknown> = { updated_at: at.toISOString(), updated_by: actor };
      if (c.name !== undefined) set.name = c.name;
      if (c.nameEn !== undefined) set.name_en = c.nameEn;
      if (c.limits !== undefined) Object.assign(set, { limit_normal_minutes: c.limits.normal, limit_major_minutes: c.limits.major, limit_urgent_minutes: c.limits.urgent });
      if (c.workingHours !== undefined) set.working_hours = c.workingHours;
      if (c.active !== undefined) set.active = c.active;
      const cols = Object.keys(set);
      await db.query(`UPDATE events_categories SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE code = $1`, [code, ...Object.values(set)]);
    },
    /** What still refers to a category: events, routing rules (and video scenarios), sub-classes. */
    async categoryUsage(code: string): Promise<{ events: number; rules: number; children: number }> {
      const { rows } = await db.query<{ events: number; rules: number; children: number }>(
        `SELECT (SELECT count(*)::int FROM events_events WHERE category_code = $1) AS events,
                (SELECT count(*)::int FROM events_routing_rules WHERE category_code = $1)
                  + (SELECT count(*)::int FROM events_scenarios WHERE category_code = $1) AS rules,
                (SELECT count(*)::int FROM events_categories WHERE parent_code = $1) AS children`,
        [code],
      );
      return rows[0] ?? { events: 0, rules: 0, children: 0 };
    },
    async deleteCategory(code: string): Promise<boolean> {
      return (await db.query('DELETE FROM events_categories WHERE code = $1', [code])).rowCount > 0;
    },
    /** 工作日历 holidays and make-up working days between two dates (inclusive), or all. */
    async calendarDays(from?: string, to?: string, q: Queryable = db): Promise<Array<{ date: string; kind: 'holiday' | 'workday'; name: string; updatedAt: string; updatedBy: string }>> {
      const { rows } = await q.query<{ date: string; kind: 'holiday' | 'workday'; name: string; updated_at: Date | string; updated_by: string }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS date, kind, name, updated_at, updated_by FROM events_calendar_days
         WHERE ($1::date IS NULL OR day >= $1::date) AND ($2::date IS NULL OR day <= $2::date) ORDER BY day`,
        [from ?? null, to ?? null],
      );
      return rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name, updatedAt: iso(r.updated_at), updatedBy: r.updated_by }));
    },
    async upsertCalendarDays(days: ReadonlyArray<{ date: string; kind: 'holiday' | 'workday'; name: string }>, actor: string, at: Date): Promise<void> {
      await db.transaction(async (tx) => {
        for (const d of days) {
          await tx.query(
            `INSERT INTO events_calendar_days (day, kind, name, updated_at, updated_by) VALUES ($1::date, $2, $3, $4, $5)
             ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
            [d.date, d.kind, d.name, at.toISOString(), actor],
          );
        }
      });
    },
    async deleteCalendarDay(date: string): Promise<boolean> {
      return (await db.query('DELETE FROM events_calendar_days WHERE day = $1::date', [date])).rowCount > 0;
    },
    async category(code: string, q: Queryable = db): Promise<Category | undefined> {
      const { rows } = await q.query<CategoryRow>('SELECT * FROM events_categories WHERE code = $1 AND active', [code]);
      return rows[0] && toCategory(rows[0]);
    },
    async rules(q: Queryable = db): Promise<RoutingRule[]> {
      const { rows } = await q.query<{ id: string; category_code: string; district_code: string | null; grid_code: string | null; department_code: string }>(
        'SELECT id, category_code, district_code, grid_code, department_code FROM events_routing_rules ORDER BY category_code, district_code NULLS FIRST, grid_code NULLS FIRST, id',
      );
      return rows.map((r) => ({ id: Number(r.id), categoryCode: r.category_code, districtCode: r.district_code, gridCode: r.grid_code, departmentCode: r.department_code }));
    },
    async insertRule(r: { categoryCode: string; districtCode: string | null; gridCode: string | null; departmentCode: string }): Promise<number> {
      const { rows } = await db.query<{ id: string }>(
        'INSERT INTO events_routing_rules (category_code, district_code, grid_code, department_code) VALUES ($1, $2, $3, $4) RETURNING id',
        [r.categoryCode, r.districtCode, r.gridCode, r.departmentCode],
      );
      return Number(rows[0]?.id);
    },
    async deleteRule(id: number): Promise<boolean> {
      return (await db.query('DELETE FROM events_routing_rules WHERE id = $1', [id])).rowCount > 0;
    },
    /**
     * Insert a new event — in state `created`, or `dispatched` with its time limit when `e.dispatch`
     * is given (auto-dispatch in the same statement) — and return its row; undefined when
     * (source, sourceRef) already has one.
     */
    async insertEvent(tx: Queryable, e: NewEvent, categoryName: string): Promise<EventRow | undefined> {
      const d = e.dispatch;
      const { rows } = await tx.query<EventRow>(
        `INSERT INTO events_events (title, description, category_code, severity, state, source, source_ref, lon, lat, address,
           district_code, town_code, village_code, grid_code, department_code, routed_by, created_at, updated_at, detection_count, last_detected_at,
           dispatched_at, deadline_at, warn_at)
         VALUES ($1, $2, $3, $4, $19, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18, $20, $21, $22)
         ON CONFLICT DO NOTHING RETURNING *`,
        [e.title, e.description, e.categoryCode, e.severity, e.source, e.sourceRef, e.lon, e.lat, e.address, e.districtCode, e.townCode, e.villageCode, e.gridCode,
          e.departmentCode, e.routedBy, e.at.toISOString(), e.detection ? 1 : 0, e.detection?.at.toISOString() ?? null,
          d ? 'dispatched' : 'created', d ? e.at.toISOString() : null, d?.deadlineAt.toISOString() ?? null, d?.warnAt.toISOString() ?? null],
      );
      const r = rows[0];
      return r && { ...r, category_name: categoryName, department_name: null };
    },
    async eventIdBySource(q: Queryable, source: EventSource, sourceRef: string): Promise<number | undefined> {
      const { rows } = await q.query<{ id: string }>('SELECT id FROM events_events WHERE source = $1 AND source_ref = $2', [source, sourceRef]);
      return rows[0] ? Number(rows[0].id) : undefined;
    },
    async lockEvent(tx: Queryable, id: number): Promise<EventRow | undefined> {
      await tx.query('SELECT id FROM events_events WHERE id = $1 FOR UPDATE', [id]);
      return this.event(tx, id);
    },
    async event(q: Queryable, id: number): Promise<EventRow | undefined> {
      const { rows } = await q.query<EventRow>(`${EVENT_SELECT} WHERE e.id = $1`, [id]);
      return rows[0];
    },
    async updateEvent(tx: Queryable, id: number, set: Record<string, unknown>): Promise<void> {
      const cols = Object.keys(set);
      await tx.query(`UPDATE events_events SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...Object.values(set)]);
    },
    /** Append several entries to an event's timeline in one statement, in order. */
    async addTimelineEntries(tx: Queryable, eventId: number, entries: ReadonlyArray<{ at: Date; actor: string; action: string; fromState: string | null; toState: string | null; departmentCode: string | null; note: string }>): Promise<void> {
      if (entries.length === 0) return;
      const params: unknown[] = [eventId];
      const values = entries.map((t) => {
        params.push(t.at.toISOString(), t.actor, t.action, t.fromState, t.toState, t.departmentCode, t.note);
        const n = params.length;
        return `($1, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      });
      await tx.query(`INSERT INTO events_timeline (event_id, at, actor, action, from_state, to_state, department_code, note) VALUES ${values.join(', ')}`, params);
    },
    /** Append to the timeline; false when `busEventId` was already recorded (a redelivered message). */
    async addTimeline(tx: Queryable, eventId: number, t: { at: Date; actor: string; action: string; fromState: string | null; toState: string | null; departmentCode: string | null; note: string; busEventId?: string }): Promise<boolean> {
      const r = await tx.query(
        `INSERT INTO events_timeline (event_id, at, actor, action, from_state, to_state, department_code, note, bus_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [eventId, t.at.toISOString(), t.actor, t.action, t.fromState, t.toState, t.departmentCode, t.note, t.busEventId ?? null],
      );
      return r.rowCount > 0;
    },
    async timeline(id: number): Promise<TimelineEntry[]> {
      const { rows } = await db.query<{ at: Date | string; actor: string; action: string; from_state: string | null; to_state: string | null; department_code: string | null; note: string }>(
        'SELECT at, actor, action, from_state, to_state, department_code, note FROM events_timeline WHERE event_id = $1 ORDER BY id',
        [id],
      );
      return rows.map((r) => ({ at: iso(r.at), actor: r.actor, action: r.action, fromState: r.from_state, toState: r.to_state, departmentCode: r.department_code, departmentName: null, note: r.note }));
    },
    async list(q: ListFilter, now: Date): Promise<{ total: number; rows: EventRow[] }> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replaceAll('?', `$${params.length}`));
      };
      if (q.department) add('(e.department_code = ? OR ? = ANY(e.partner_codes))', q.department);
      if (q.units) add('(e.department_code = ANY(?::text[]) OR e.partner_codes && ?::text[])', q.units);
      if (q.scope && !q.scope.all) where.push(scopeClause(q.scope, params));
      if (q.escalated !== undefined) where.push(q.escalated ? 'e.escalation_level > 0' : 'e.escalation_level = 0');
      if (q.state === 'open') where.push("e.state <> 'closed'");
      else if (q.state) add('e.state = ?', q.state);
      if (q.source) add('e.source = ?', q.source);
      if (q.overdue !== undefined) add(`${q.overdue ? '' : 'NOT '}COALESCE(e.state IN ('dispatched', 'accepted', 'handling') AND e.deadline_at < ?, false)`, now.toISOString());
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events_events e ${w}`, params);
      // 紧急度 the inbox order: overdue first, then the nearest deadline.
      let order = 'e.id DESC';
      if (q.sort === 'urgency') {
        params.push(now.toISOString());
        order = `COALESCE(e.state IN ('dispatched', 'accepted', 'handling') AND e.deadline_at < $${params.length}, false) DESC, e.deadline_at ASC NULLS LAST, e.id DESC`;
      }
      const { rows } = await db.query<EventRow>(`${EVENT_SELECT} ${w} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`, params);
      return { total: total.rows[0]?.n ?? 0, rows };
    },
    /** An open video event of this category whose last detection is recent and within `radiusM` of the point. */
    async nearbyDetectionEvent(tx: Queryable, p: { categoryCode: string; lon: number; lat: number; since: Date; radiusM: number }): Promise<number | undefined> {
      const dLat = p.radiusM / 111_320;
      const dLon = dLat / Math.cos((p.lat * Math.PI) / 180);
      const { rows } = await tx.query<{ id: string }>(
        `SELECT id FROM events_events
         WHERE source = 'video_ai' AND category_code = $1 AND state <> 'closed' AND last_detected_at >= $2
           AND lon BETWEEN $3::float8 - $5::float8 AND $3::float8 + $5::float8 AND lat BETWEEN $4::float8 - $6::float8 AND $4::float8 + $6::float8
           AND 6371008.8 * radians(sqrt(power((lon - $3::float8) * cos(radians($4::float8)), 2) + power(lat - $4::float8, 2))) <= $7::float8
         ORDER BY last_detected_at DESC LIMIT 1`,
        [p.categoryCode, p.since.toISOString(), p.lon, p.lat, dLon, dLat, p.radiusM],
      );
      return rows[0] ? Number(rows[0].id) : undefined;
    },
    async insertDetection(tx: Queryable, d: DetectionRecord): Promise<number> {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO events_detections (event_id, outcome, camera_id, scenario, detected_at, confidence, min_confidence, snapshot_urls, lon, lat, district_code, actor, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [d.eventId, d.outcome, d.cameraId, d.scenario, d.detectedAt.toISOString(), d.confidence, d.minConfidence, d.snapshotUrls, d.lon, d.lat, d.districtCode, d.actor, d.receivedAt.toISOString()],
      );
      return Number(rows[0]?.id);
    },
    /** Detections, newest first, cut to the scope: those of events the caller sees, and those without an event in their region. */
    async listDetections(q: DetectionListQuery & { scope?: ListScope }): Promise<{ total: number; rows: DetectionRow[] }> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replaceAll('?', `$${params.length}`));
      };
      if (q.cameraId) add('d.camera_id = ?', q.cameraId);
      if (q.scenario) add('d.scenario = ?', q.scenario);
      if (q.eventId !== undefined) add('d.event_id = ?', q.eventId);
      if (q.outcome) add('d.outcome = ?', q.outcome);
      if (q.from) add('d.detected_at >= ?', q.from);
      if (q.to) add('d.detected_at < ?', q.to);
      if (q.scope && !q.scope.all) {
        params.push([...q.scope.units], [...q.scope.region]);
        const u = `$${params.length - 1}::text[]`;
        const r = `$${params.length}::text[]`;
        where.push(`(e.department_code = ANY(${u}) OR e.partner_codes && ${u} OR e.department_code = ANY(${r}) OR e.partner_codes && ${r} OR e.district_code = ANY(${r}) OR e.town_code = ANY(${r})
          OR (d.event_id IS NULL AND d.district_code = ANY(${r})))`);
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const from = 'FROM events_detections d LEFT JOIN events_events e ON e.id = d.event_id';
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n ${from} ${w}`, params);
      const { rows } = await db.query<DetectionRow>(
        `SELECT d.id, d.event_id, d.outcome, d.camera_id, d.scenario, d.detected_at, d.confidence, d.min_confidence, cardinality(d.snapshot_urls) AS snapshot_count, d.snapshot_urls,
                d.lon, d.lat, d.district_code, d.actor, d.received_at, e.title AS event_title, e.state AS event_state
         ${from} ${w} ORDER BY d.detected_at DESC, d.id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      );
      return { total: total.rows[0]?.n ?? 0, rows };
    },
    /** The partner units' parts of a joint event (units without a row have not accepted yet). */
    async partnerParts(q: Queryable, eventId: number): Promise<PartRow[]> {
      const { rows } = await q.query<PartRow>('SELECT unit_code, state, accepted_at, accepted_by, reported_at, reported_by, note FROM events_partner_parts WHERE event_id = $1 ORDER BY unit_code', [eventId]);
      return rows;
    },
    async acceptPart(tx: Queryable, eventId: number, unit: string, actor: string, at: Date, note: string): Promise<void> {
      await tx.query(`INSERT INTO events_partner_parts (event_id, unit_code, state, accepted_at, accepted_by, note) VALUES ($1, $2, 'accepted', $3, $4, $5)`, [eventId, unit, at.toISOString(), actor, note]);
    },
    async reportPart(tx: Queryable, eventId: number, unit: string, actor: string, at: Date, note: string): Promise<void> {
      await tx.query(`UPDATE events_partner_parts SET state = 'reported', reported_at = $3, reported_by = $4, note = $5 WHERE event_id = $1 AND unit_code = $2`, [eventId, unit, at.toISOString(), actor, note]);
    },
    /** Forget the parts of units that are no longer partners (joint handling changed), or all of them (`keep` empty). */
    async dropParts(tx: Queryable, eventId: number, keep: readonly string[]): Promise<void> {
      await tx.query('DELETE FROM events_partner_parts WHERE event_id = $1 AND NOT (unit_code = ANY($2::text[]))', [eventId, keep]);
    },
    /** 核查不通过: reported parts go back to work with the lead's. */
    async reopenParts(tx: Queryable, eventId: number): Promise<void> {
      await tx.query(`UPDATE events_partner_parts SET state = 'accepted', reported_at = NULL, reported_by = NULL WHERE event_id = $1 AND state = 'reported'`, [eventId]);
    },
    async scenarios(tx: Queryable = db): Promise<ScenarioRow[]> {
      const { rows } = await tx.query<ScenarioRow>('SELECT code, name_zh, name_en, category_code, min_confidence, updated_at, updated_by FROM events_scenarios ORDER BY code');
      return rows;
    },
    async putScenario(s: { code: string; nameZh: string; nameEn: string; categoryCode: string; minConfidence: number; actor: string; at: Date }): Promise<void> {
      await db.query(
        `INSERT INTO events_scenarios (code, name_zh, name_en, category_code, min_confidence, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, category_code = EXCLUDED.category_code,
           min_confidence = EXCLUDED.min_confidence, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [s.code, s.nameZh, s.nameEn, s.categoryCode, s.minConfidence, s.at.toISOString(), s.actor],
      );
    },
    async deleteScenario(code: string): Promise<boolean> {
      return (await db.query('DELETE FROM events_scenarios WHERE code = $1', [code])).rowCount > 0;
    },
    async countDetection(tx: Queryable, eventId: number, at: Date): Promise<number> {
      const { rows } = await tx.query<{ n: number }>(
        'UPDATE events_events SET detection_count = detection_count + 1, last_detected_at = GREATEST(last_detected_at, $2) WHERE id = $1 RETURNING detection_count AS n',
        [eventId, at.toISOString()],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async insertAttachment(tx: Queryable, eventId: number, a: { name: string; mediaType: string; sizeBytes: number | null; sha256: string | null; path: string | null; url: string | null; actor: string; at: Date }): Promise<number> {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO events_attachments (event_id, name, media_type, size_bytes, sha256, path, url, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [eventId, a.name, a.mediaType, a.sizeBytes, a.sha256, a.path, a.url, a.actor, a.at.toISOString()],
      );
      return Number(rows[0]?.id);
    },
    async attachments(eventId: number): Promise<Array<Attachment & { path: string | null }>> {
      const { rows } = await db.query<{ id: string; name: string; media_type: string; size_bytes: string | null; sha256: string | null; path: string | null; url: string | null; actor: string; created_at: Date | string }>(
        'SELECT * FROM events_attachments WHERE event_id = $1 ORDER BY id',
        [eventId],
      );
      return rows.map((r) => ({
        id: Number(r.id), name: r.name, mediaType: r.media_type, sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes), sha256: r.sha256, url: r.url, actor: r.actor, createdAt: iso(r.created_at), path: r.path,
      }));
    },
    /** Open work whose warning or deadline has passed and was not yet acted on, oldest first. */
    async dueTimers(now: Date, limit: number): Promise<Array<{ id: number; kind: 'warn' | 'escalate' }>> {
      const { rows } = await db.query<{ id: string; kind: 'warn' | 'escalate' }>(
        `SELECT id, CASE WHEN deadline_at <= $1 THEN 'escalate' ELSE 'warn' END AS kind FROM events_events
         WHERE state IN ('dispatched', 'accepted', 'handling')
           AND ((deadline_at <= $1 AND escalated_at IS NULL) OR (warn_at <= $1 AND warned_at IS NULL))
         ORDER BY deadline_at LIMIT $2`,
        [now.toISOString(), limit],
      );
      return rows.map((r) => ({ id: Number(r.id), kind: r.kind }));
    },
    /** Per department: totals, open, handled, on time and overdue (reported late, or open past the deadline). */
    async stats(from: Date, to: Date, now: Date, scope?: ListScope): Promise<Array<{ code: string; total: number; open: number; handled: number; on_time: number; overdue: number }>> {
      const params: unknown[] = [from.toISOString(), to.toISOString(), now.toISOString()];
      const scoped = scope && !scope.all ? ` AND ${scopeClause(scope, params)}` : '';
      const { rows } = await db.query<{ code: string; total: number; open: number; handled: number; on_time: number; overdue: number }>(
        `SELECT e.department_code AS code, count(*)::int AS total,
           count(*) FILTER (WHERE e.state <> 'closed')::int AS open,
           count(*) FILTER (WHERE e.reported_at IS NOT NULL)::int AS handled,
           count(*) FILTER (WHERE e.reported_at IS NOT NULL AND e.reported_at <= e.deadline_at)::int AS on_time,
           count(*) FILTER (WHERE (e.reported_at IS NOT NULL AND e.reported_at > e.deadline_at)
                               OR (e.reported_at IS NULL AND e.state IN ('dispatched', 'accepted', 'handling') AND e.deadline_at < $3))::int AS overdue
         FROM events_events e
         WHERE e.created_at >= $1 AND e.created_at < $2 AND e.department_code IS NOT NULL${scoped} GROUP BY e.department_code ORDER BY e.department_code`,
        params,
      );
      return rows;
    },
  };
}

export type EventsStore = ReturnType<typeof createEventsStore>;
