// The shared core of the events service: routing, creation and dispatch inside a caller's
// transaction, each change written to the timeline and to the outbox (events.event.<verb>).
import type { Clock, Logger } from '../../kernel/index.ts';
import { enqueueEvent } from '../../platform/bus/index.ts';
import type { Database, Queryable } from '../../platform/db/index.ts';
import { DEFAULT_CALENDAR, deadlineAfter, type WorkingCalendar } from './calendar.ts';
import { eventsError } from './errors.ts';
import { allowedActions, type EventState } from './lifecycle.ts';
import type { OrgSnapshot, Org } from './org.ts';
import type { Category, EventSource, EventSummary, RoutingRule, Severity, TimelineEntry } from './schemas.ts';
import { type EventRow, type EventsStore, iso, isoOrNull, type ScenarioRow } from './store.ts';

/** Division and grid of a point (the city module's `locate`). */
export interface PlaceCodes {
  districtCode: string;
  townCode: string;
  villageCode: string;
  gridCode: string;
}

export interface EventsSettings {
  /** Dispatch a new event to the routed department at once (default true); false leaves it for the dispatcher desk. */
  autoDispatch: boolean;
  calendar: WorkingCalendar;
  /** The unit that takes escalations and what no rule or district routes (the city level, 市级指挥中心). */
  commandCenter: string;
  /** Detections of one scenario within this time and distance join the same event. */
  dedupWindowMinutes: number;
  dedupRadiusMeters: number;
  /** A warning when this share of the time limit has passed. */
  warnShare: number;
  /** How often the deadline timer runs. */
  sweepIntervalMs: number;
}

export const DEFAULT_SETTINGS: EventsSettings = {
  autoDispatch: true,
  calendar: DEFAULT_CALENDAR,
  commandCenter: '371500',
  dedupWindowMinutes: 10,
  dedupRadiusMeters: 50,
  warnShare: 0.75,
  sweepIntervalMs: 30_000,
};

export interface CoreDeps {
  db: Database;
  store: EventsStore;
  clock: Clock;
  logger: Logger;
  settings: EventsSettings;
  locate: (lon: number, lat: number) => Promise<PlaceCodes | null>;
  org: Org;
}

/**
 * What a change needs besides the database, read before its transaction opens (PGlite has one
 * connection, so nothing may query outside the open transaction): the org tree and the calendar.
 */
export interface Prepared {
  units: OrgSnapshot;
  calendar: WorkingCalendar;
  catalogue: Catalogue;
}

/** The event catalogue (active and disabled categories), the routing rules and the video scenarios, as cached in memory. */
export interface Catalogue {
  categories: ReadonlyMap<string, Category>;
  rules: readonly RoutingRule[];
  /** 视频识别场景 the video scenarios (scenario → category, minimum confidence). */
  scenarios: ReadonlyMap<string, ScenarioRow>;
}

/**
 * How long the catalogue and the rules are served from memory. Edits through this process drop the
 * cache at once; the limit bounds how long another node of the platform routes by an older copy.
 */
const CATALOGUE_TTL_MS = 30_000;

export interface NewEventInput {
  title: string;
  description: string;
  categoryCode: string;
  severity?: Severity | undefined;
  source: EventSource;
  sourceRef: string | null;
  lon: number | null;
  lat: number | null;
  address: string;
  place: PlaceCodes | null;
  detectedAt?: Date;
}

const WORK_STATES: readonly EventState[] = ['dispatched', 'accepted', 'handling'];

/** What a change records: who, when, the states and the unit after it (and, when the change sets them, the new time limits and level). */
export interface ChangeFacts {
  actor: string;
  at: Date;
  from: EventState | null;
  to: EventState | null;
  department: string | null;
  note: string;
  partners?: string[];
  deadlineAt?: Date | null;
  warnAt?: Date | null;
  escalationLevel?: number;
}

/**
 * The payload of `events.event.<verb>` on the bus: enough for a consumer (the big screen, the map,
 * notifications) to act without reading the event back — who has it now, what it is, and its time limit.
 */
export interface EventChange {
  eventId: number;
  /** A short title (at most 80 characters) and the first 200 characters of the description. */
  title: string;
  summary: string;
  state: EventState;
  fromState: EventState | null;
  /**
   * The unit of the change — the lead unit after it, or the partner unit for `part_accepted` /
   * `part_reported` — and the lead unit before it (differs on dispatch, reassign, escalation; null on `created`).
   */
  departmentCode: string | null;
  fromDepartmentCode: string | null;
  partnerCodes: string[];
  categoryCode: string;
  categoryName: string;
  severity: Severity;
  source: EventSource;
  districtCode: string | null;
  townCode: string | null;
  address: string;
  /** Where it is (WGS 84), null when it has no point. */
  lon: number | null;
  lat: number | null;
  /** 时限 the time limit in force after the change (ISO; null before the first dispatch), its warning time and the escalation level. */
  deadlineAt: string | null;
  warnAt: string | null;
  escalationLevel: number;
  actor: string;
  note: string;
  at: string;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function changeOf(row: EventRow, t: ChangeFacts): EventChange {
  const time = (v: Date | null | undefined, stored: Date | string | null): string | null => (v === undefined ? isoOrNull(stored) : v === null ? null : v.toISOString());
  return {
    eventId: Number(row.id), title: clip(row.title, 80), summary: clip(row.description.trim(), 200), state: t.to ?? row.state, fromState: t.from,
    departmentCode: t.department, fromDepartmentCode: t.from === null ? null : row.department_code, partnerCodes: t.partners ?? row.partner_codes,
    categoryCode: row.category_code, categoryName: row.category_name, severity: row.severity, source: row.source,
    districtCode: row.district_code, townCode: row.town_code, address: row.address, lon: row.lon === null ? null : Number(row.lon), lat: row.lat === null ? null : Number(row.lat),
    deadlineAt: time(t.deadlineAt, row.deadline_at), warnAt: time(t.warnAt, row.warn_at), escalationLevel: t.escalationLevel ?? row.escalation_level,
    actor: t.actor, note: t.note, at: t.at.toISOString(),
  };
}

export function toSummary(r: EventRow, now: Date, name: (code: string | null) => string | null = () => null): EventSummary {
  const deadline = isoOrNull(r.deadline_at);
  return {
    id: Number(r.id),
    title: r.title,
    categoryCode: r.category_code,
    categoryName: r.category_name,
    severity: r.severity,
    state: r.state,
    source: r.source,
    sourceRef: r.source_ref,
    place: { lon: r.lon, lat: r.lat, address: r.address, districtCode: r.district_code, townCode: r.town_code, villageCode: r.village_code, gridCode: r.grid_code },
    departmentCode: r.department_code,
    departmentName: r.department_name ?? name(r.department_code),
    partnerCodes: r.partner_codes,
    createdAt: iso(r.created_at),
    dispatchedAt: isoOrNull(r.dispatched_at),
    reportedAt: isoOrNull(r.reported_at),
    closedAt: isoOrNull(r.closed_at),
    warnAt: isoOrNull(r.warn_at),
    deadlineAt: deadline,
    overdue: deadline !== null && WORK_STATES.includes(r.state) && new Date(deadline) < now,
    escalationLevel: r.escalation_level,
    detectionCount: r.detection_count,
  };
}

/** The most specific routing rule: a grid beats a district beats the whole city; a sub-class beats its class; then the newest. */
export function matchRule(rules: readonly RoutingRule[], cat: Pick<Category, 'code' | 'parentCode'>, place: { districtCode: string | null; gridCode: string | null }): RoutingRule | undefined {
  const parent = cat.parentCode ?? cat.code;
  let best: RoutingRule | undefined;
  const rank = (r: RoutingRule) => [r.gridCode !== null ? 1 : 0, r.districtCode !== null ? 1 : 0, r.categoryCode === cat.code ? 1 : 0, r.id];
  for (const r of rules) {
    if (r.categoryCode !== cat.code && r.categoryCode !== parent) continue;
    if (r.districtCode !== null && r.districtCode !== place.districtCode) continue;
    if (r.gridCode !== null && r.gridCode !== place.gridCode) continue;
    if (!best) {
      best = r;
      continue;
    }
    const a = rank(r);
    const b = rank(best);
    const i = a.findIndex((v, k) => v !== b[k]);
    if (i >= 0 && (a[i] ?? 0) > (b[i] ?? 0)) best = r;
  }
  return best;
}

/** What a new event recorded: its row and the timeline entries written with it. */
export interface CreatedEvent {
  id: number;
  row: EventRow;
  timeline: TimelineEntry[];
}

export function createCore(deps: CoreDeps) {
  const { store, clock, settings } = deps;

  let catalogueCache: { at: number; value: Catalogue } | undefined;
  let catalogueGeneration = 0;

  /**
   * The catalogue and the routing rules, from memory (see CATALOGUE_TTL_MS). Inside a transaction
   * pass `q`: PGlite has one connection, so a query outside the open transaction would wait for it.
   */
  async function catalogue(q: Queryable = deps.db): Promise<Catalogue> {
    const now = clock.now().getTime();
    if (catalogueCache && now - catalogueCache.at >= 0 && now - catalogueCache.at < CATALOGUE_TTL_MS) return catalogueCache.value;
    // An edit while this load runs makes what it read stale: then it is used once, not kept.
    const generation = catalogueGeneration;
    const [categories, rules, scenarios] = [await store.categories(true, q), await store.rules(q), await store.scenarios(q)];
    const value: Catalogue = { categories: new Map(categories.map((c) => [c.code, c])), rules, scenarios: new Map(scenarios.map((s) => [s.code, s])) };
    if (generation === catalogueGeneration) catalogueCache = { at: now, value };
    return value;
  }

  /** An active category of the catalogue; 400 category_unknown otherwise. */
  async function category(code: string, q: Queryable = deps.db, field = '/body/categoryCode'): Promise<Category> {
    const c = (await catalogue(q)).categories.get(code);
    if (!c?.active) throw eventsError('category_unknown', `no category ${code} in the catalogue`, { field });
    return c;
  }

  let calendarCache: { at: number; value: WorkingCalendar } | undefined;

  /** The org tree, the working calendar (holidays and make-up days from the table, cached a minute), the catalogue and the rules. */
  async function prepare(need: ReadonlyArray<string | undefined> = []): Promise<Prepared> {
    const units = await deps.org.snapshot(need);
    const now = clock.now().getTime();
    if (!calendarCache || now - calendarCache.at < 0 || now - calendarCache.at > 60_000) {
      const days = await store.calendarDays();
      calendarCache = {
        at: now,
        value: { ...settings.calendar, holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date), makeupDays: days.filter((d) => d.kind === 'workday').map((d) => d.date) },
      };
    }
    return { units, calendar: calendarCache.value, catalogue: await catalogue() };
  }

  /** Routing rules, then the district unit (回落到区县), then the city level. */
  function route(cat: Category, place: { districtCode: string | null; gridCode: string | null }, prep: Prepared): { department: string; routedBy: string } {
    const rule = matchRule(prep.catalogue.rules, cat, place);
    if (rule) return { department: rule.departmentCode, routedBy: `rule:${rule.id}` };
    const district = place.districtCode ? prep.units.districtUnit(place.districtCode) : undefined;
    if (district) return { department: district, routedBy: `fallback:${place.districtCode}` };
    return { department: settings.commandCenter, routedBy: 'fallback:city' };
  }

  /** The time limit a unit gets from now for an event of this category and severity. */
  function limitFrom(now: Date, cat: Category, severity: Severity, prep: Prepared): { deadline: Date; warnAt: Date } {
    const limit = cat.limits[severity];
    return { deadline: deadlineAfter(now, limit, cat.workingHours, prep.calendar), warnAt: deadlineAfter(now, limit * settings.warnShare, cat.workingHours, prep.calendar) };
  }

  async function record(tx: Queryable, row: EventRow, verb: string, t: ChangeFacts): Promise<void> {
    const id = Number(row.id);
    await store.addTimeline(tx, id, { at: t.at, actor: t.actor, action: verb, fromState: t.from, toState: t.to, departmentCode: t.department, note: t.note });
    await enqueueEvent(tx, `events.event.${verb}`, changeOf(row, t), { occurredAt: t.at });
  }

  /** Hand the event to `department` with a fresh time limit (dispatch, reassign, reopen, escalation). */
  async function handOver(tx: Queryable, row: EventRow, department: string, verb: string, actor: string, note: string, prep: Prepared, extra: Record<string, unknown> = {}): Promise<void> {
    const now = clock.now();
    // A disabled category keeps its time limits for the events that already have it.
    const cat = prep.catalogue.categories.get(row.category_code) ?? (await store.anyCategory(row.category_code, tx)) ?? (await category(row.category_code, tx));
    const { deadline, warnAt } = limitFrom(now, cat, row.severity, prep);
    const partners = row.partner_codes.filter((p) => p !== department);
    await store.updateEvent(tx, Number(row.id), {
      state: 'dispatched', department_code: department, partner_codes: partners, dispatched_at: now.toISOString(), updated_at: now.toISOString(),
      deadline_at: deadline.toISOString(), warn_at: warnAt.toISOString(), warned_at: null, escalated_at: null, reported_at: null, ...extra,
    });
    const level = typeof extra.escalation_level === 'number' ? extra.escalation_level : row.escalation_level;
    await record(tx, row, verb, { actor, at: now, from: row.state, to: 'dispatched', department, note, partners, deadlineAt: deadline, warnAt, escalationLevel: level });
  }

  /**
   * Create an event (routed, and dispatched at once unless `autoDispatch` is off) inside `tx`;
   * undefined when its source reference already has one. The event is inserted in its final state
   * and both steps (`created`, `dispatched`) go to the timeline in one statement and to the outbox.
   */
  async function createIn(tx: Queryable, input: NewEventInput, actor: string, prep: Prepared): Promise<CreatedEvent | undefined> {
    const now = clock.now();
    const cat = await category(input.categoryCode, tx);
    const place = input.place;
    const severity = input.severity ?? 'normal';
    const routed = route(cat, { districtCode: place?.districtCode ?? null, gridCode: place?.gridCode ?? null }, prep);
    const limit = settings.autoDispatch ? limitFrom(now, cat, severity, prep) : undefined;
    const row = await store.insertEvent(tx, {
      title: input.title, description: input.description, categoryCode: cat.code, severity, source: input.source, sourceRef: input.sourceRef,
      lon: input.lon, lat: input.lat, address: input.address, districtCode: place?.districtCode ?? null, townCode: place?.townCode ?? null,
      villageCode: place?.villageCode ?? null, gridCode: place?.gridCode ?? null, departmentCode: routed.department, routedBy: routed.routedBy, at: now,
      ...(input.detectedAt ? { detection: { at: input.detectedAt } } : {}),
      ...(limit ? { dispatch: { deadlineAt: limit.deadline, warnAt: limit.warnAt } } : {}),
    }, cat.name);
    if (!row) return undefined;
    const id = Number(row.id);
    // The event as it was created, before the dispatch: what `created` says and what `dispatched` starts from.
    const asCreated: EventRow = { ...row, state: 'created', dispatched_at: null, deadline_at: null, warn_at: null };
    const steps: Array<{ verb: string; facts: ChangeFacts }> = [
      { verb: 'created', facts: { actor, at: now, from: null, to: 'created', department: routed.department, note: `routed by ${routed.routedBy}` } },
    ];
    if (limit) {
      steps.push({ verb: 'dispatched', facts: { actor: 'system', at: now, from: 'created', to: 'dispatched', department: routed.department, note: '', partners: [], deadlineAt: limit.deadline, warnAt: limit.warnAt, escalationLevel: row.escalation_level } });
    }
    const timeline = steps.map(({ verb, facts: t }) => ({ at: t.at, actor: t.actor, action: verb, fromState: t.from, toState: t.to, departmentCode: t.department, note: t.note }));
    await store.addTimelineEntries(tx, id, timeline);
    for (const { verb, facts } of steps) await enqueueEvent(tx, `events.event.${verb}`, changeOf(asCreated, facts), { occurredAt: facts.at });
    return { id, row, timeline: timeline.map((t) => ({ ...t, at: t.at.toISOString(), departmentName: null })) };
  }

  return {
    category,
    catalogue,
    prepare,
    /** Forget the cached calendar (after an edit). */
    invalidateCalendar(): void {
      calendarCache = undefined;
    },
    /** Forget the cached catalogue, routing rules and video scenarios (after an edit of any). */
    invalidateCatalogue(): void {
      catalogueGeneration++;
      catalogueCache = undefined;
    },
    route,
    record,
    handOver,
    createIn,
    allowedActions,
  };
}

export type EventsCore = ReturnType<typeof createCore>;
