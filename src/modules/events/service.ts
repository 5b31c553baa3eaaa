// 事件中心 / 协同指挥调度 service: events, their lifecycle (checked against the caller's role and
// unit), routing rules, the catalogue and the working calendar.
import type { Queryable } from '../../platform/db/index.ts';
import type { OutboxRelay } from '../../platform/bus/index.ts';
import type { Principal } from '../identity/index.ts';
import { type CoreDeps, type EventsCore, type Prepared, toSummary } from './core.ts';
import { eventsError } from './errors.ts';
import { ACTION_PERMISSION, allowedActions, type EventAction, nextState, TRANSITIONS } from './lifecycle.ts';
import { canSee, reaches, unitScopeOf, viewerOf, type EventScope, type OrgSnapshot, type UnitScope, type Viewer } from './org.ts';
import type {
  Attachment, TimelineEntry, ActionBody, CalendarDayInput, PartBody, PartnerPart, PartStep, CalendarView, Category, CategoryInput, CategoryPatch, Department, EventDetail, EventInput, EventList, EventListQuery, RoutingRule, RoutingRuleInput,
} from './schemas.ts';
import { iso, isoOrNull, type EventRow, type ListScope, type PartRow } from './store.ts';

/**
 * Who calls: a `Viewer` (a signed-in principal, scoped by role and unit — every HTTP route passes
 * one) or an actor name for trusted in-process callers (other modules, the timers), unscoped.
 */
export type Caller = string | Viewer;

export interface EventLifecycleService {
  /** The acting principal's scope (their units and region); 401 without a principal. */
  viewer(principal: Principal | undefined, actor: string): Promise<Viewer>;
  categories(opts?: { includeDisabled?: boolean }): Promise<Category[]>;
  addCategory(input: CategoryInput, actor: string): Promise<Category>;
  /** Edit, disable (active: false) or enable a category. */
  updateCategory(code: string, patch: CategoryPatch, actor: string): Promise<Category>;
  /** Delete a category nothing refers to; 409 category_in_use otherwise (disable it instead). */
  deleteCategory(code: string): Promise<void>;
  calendar(year?: number): Promise<CalendarView>;
  putCalendarDays(days: CalendarDayInput[], actor: string): Promise<CalendarView>;
  deleteCalendarDay(date: string): Promise<void>;
  /** Units that can take events: the identity org units (city, 委办局, districts, towns/streets). */
  departments(): Promise<Department[]>;
  rules(): Promise<RoutingRule[]>;
  addRule(input: RoutingRuleInput): Promise<RoutingRule>;
  removeRule(id: number): Promise<void>;
  /** 人工录入 / 网格员上报: create, route and (by default) dispatch an event. */
  create(input: EventInput, caller: Caller): Promise<EventDetail>;
  /** One event; a viewer sees only events of their units or region (403 event_out_of_scope). */
  get(id: number, caller?: Caller): Promise<EventDetail>;
  /** Events; a viewer (or a scope, e.g. the big screen's) gets only those of their units or region. */
  list(query: EventListQuery, caller?: Caller | EventScope): Promise<EventList>;
  /** The reach of the principal's grants of `permission` (城市/区县: a district's, a department's or the whole city's). */
  unitScope(principal: Principal, permission: string): Promise<UnitScope>;
  /** Apply a lifecycle action; 409 transition_not_allowed when the state does not allow it, 403 when the caller's role or unit does not. */
  act(id: number, action: EventAction, body: ActionBody, caller: Caller): Promise<EventDetail>;
  /**
   * 联合处置: a partner unit accepts (签收) or reports (反馈) its part of a joint event. Only a handler
   * of that partner unit (or a unit above it); 409 when the part is not in the step's state.
   */
  actOnPart(id: number, step: PartStep, body: PartBody, caller: Caller): Promise<EventDetail>;
  /** 403 unless the caller works on the event: its lead or a partner unit (handler), or its region (dispatcher). */
  assertCanWork(id: number, caller: Caller): Promise<void>;
  /** 403 unless the caller may see the event. */
  assertCanSee(id: number, caller: Caller): Promise<void>;
}

const NOTE_REQUIRED: readonly EventAction[] = ['return', 'reject', 'reopen'];
const OPEN_WORK: readonly string[] = ['dispatched', 'accepted', 'handling'];

/** Each partner unit's part (a partner without a row has not accepted yet). */
function partsOf(row: EventRow, rows: readonly PartRow[], name: (code: string | null) => string | null): PartnerPart[] {
  const byUnit = new Map(rows.map((r) => [r.unit_code, r]));
  return row.partner_codes.map((unit) => {
    const r = byUnit.get(unit);
    return {
      unitCode: unit, unitName: name(unit), state: r?.state ?? 'assigned', acceptedAt: r ? iso(r.accepted_at) : null, acceptedBy: r?.accepted_by ?? null,
      reportedAt: r ? isoOrNull(r.reported_at) : null, reportedBy: r?.reported_by ?? null, note: r?.note ?? '',
    };
  });
}

/** The partner units of the event the viewer handles (their handle reach). */
const myPartnerUnits = (v: Viewer, row: EventRow): string[] => row.partner_codes.filter((p) => v.handle.all || v.handle.units.has(p));
const HANDLING: readonly EventAction[] = ['accept', 'return', 'start', 'report'];
const VERIFYING: readonly EventAction[] = ['verify', 'reject', 'close'];
const WEEKDAY_PERIOD = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const placeUnits = (r: EventRow) => ({ departmentCode: r.department_code, partnerCodes: r.partner_codes, districtCode: r.district_code, townCode: r.town_code });
const actorName = (c: Caller): string => (typeof c === 'string' ? c : c.actor);

/** Why the viewer may not take `action` on the event, or undefined when they may. */
function refusal(v: Viewer, action: EventAction, row: EventRow, units: OrgSnapshot): { code: 'action_not_permitted' | 'event_out_of_scope'; message: string; details: Record<string, unknown> } | undefined {
  const permission = ACTION_PERMISSION[action];
  if (!v.holds(permission)) {
    return { code: 'action_not_permitted', message: `${action} needs the permission ${permission}, which your roles do not include`, details: { action, permission } };
  }
  const e = placeUnits(row);
  const ok = HANDLING.includes(action)
    ? reaches(v.handle, e, { partners: false, place: false }) || reaches(v.dispatch, e, { partners: true, place: true })
    : reaches(VERIFYING.includes(action) ? v.verify : v.dispatch, e, { partners: true, place: true });
  if (ok) return undefined;
  const lead = row.department_code ? `${units.name(row.department_code) ?? ''} (${row.department_code})` : 'no unit';
  const yours = v.ownUnits.length > 0 ? v.ownUnits.map((u) => `${units.name(u) ?? ''} (${u})`).join(', ') : 'none';
  return {
    code: 'event_out_of_scope',
    message: HANDLING.includes(action)
      ? `event ${Number(row.id)} is led by ${lead}; only that unit (or a unit above it) handles it — your units: ${yours}`
      : `event ${Number(row.id)} (${lead}, district ${row.district_code ?? '—'}) is outside the region where you may ${action}`,
    details: { action, departmentCode: row.department_code, yourUnits: v.ownUnits },
  };
}

export function createLifecycleService(deps: CoreDeps & { core: EventsCore; relay?: Pick<OutboxRelay, 'kick'> | undefined }): EventLifecycleService {
  const { db, store, clock, core, settings, org } = deps;

  async function mustLock(tx: Queryable, id: number): Promise<EventRow> {
    const row = await store.lockEvent(tx, id);
    if (!row) throw eventsError('event_not_found', `no event ${id}`, { field: '/params/id' });
    return row;
  }

  function partnersOf(body: ActionBody, lead: string, prep: Prepared): string[] {
    const partners = body.partnerCodes ?? [];
    if (partners.length === 0) throw eventsError('partners_invalid', 'joint handling needs at least one partner unit', { field: '/body/partnerCodes' });
    if (new Set(partners).size !== partners.length || partners.includes(lead)) {
      throw eventsError('partners_invalid', 'partners must be distinct and not the lead unit', { field: '/body/partnerCodes' });
    }
    for (const [i, p] of partners.entries()) prep.units.requireResponsible(p, `/body/partnerCodes/${i}`);
    return partners;
  }

  /**
   * Route an event anew. After a 退单 the rule's unit may be one that returned it: then the district
   * (回落到区县), then the city command center — never a unit that returned it (`returners`).
   */
  async function routeAgain(tx: Queryable, row: EventRow, returners: ReadonlySet<string>, prep: Prepared): Promise<{ department: string; routedBy: string }> {
    const routed = core.route(await core.category(row.category_code, tx), { districtCode: row.district_code, gridCode: row.grid_code }, prep);
    if (!returners.has(routed.department)) return routed;
    const district = row.district_code ? prep.units.districtUnit(row.district_code) : undefined;
    const why = `returned by ${[...returners].join(', ')}`;
    if (district && !returners.has(district)) return { department: district, routedBy: `fallback:${row.district_code ?? ''} (${why})` };
    return { department: settings.commandCenter, routedBy: `fallback:city (${why})` };
  }

  async function apply(tx: Queryable, row: EventRow, action: EventAction, body: ActionBody, caller: Caller, prep: Prepared, returners: ReadonlySet<string> = new Set()): Promise<void> {
    if (typeof caller !== 'string') {
      const why = refusal(caller, action, row, prep.units);
      if (why) throw eventsError(why.code, why.message, why.details);
    }
    const to = nextState(row.state, action);
    if (to === undefined) {
      throw eventsError('transition_not_allowed', `cannot ${action} an event that is ${row.state}`, { state: row.state, action, allowed: allowedActions(row.state) });
    }
    const actor = actorName(caller);
    const note = body.note?.trim() ?? '';
    if (NOTE_REQUIRED.includes(action) && note === '') throw eventsError('reason_required', `${action} needs a reason in note`, { field: '/body/note' });
    const now = clock.now();
    const id = Number(row.id);
    const move = async (set: Record<string, unknown>) => {
      await store.updateEvent(tx, id, { state: to, updated_at: now.toISOString(), ...set });
      await core.record(tx, row, TRANSITIONS[action].verb, { actor, at: now, from: row.state, to, department: row.department_code, note });
    };
    switch (action) {
      case 'dispatch': {
        if (body.departmentCode) prep.units.requireResponsible(body.departmentCode, '/body/departmentCode');
        const routed = body.departmentCode
          ? { department: body.departmentCode, routedBy: `actor:${actor}` }
          : await routeAgain(tx, row, returners, prep);
        return core.handOver(tx, row, routed.department, 'dispatched', actor, note, prep, { routed_by: routed.routedBy });
      }
      case 'reassign': {
        if (!body.departmentCode) throw eventsError('department_unknown', 'reassign needs the new unit', { field: '/body/departmentCode' });
        prep.units.requireResponsible(body.departmentCode, '/body/departmentCode');
        return core.handOver(tx, row, body.departmentCode, 'reassigned', actor, note, prep, { routed_by: `actor:${actor}` });
      }
      case 'reopen':
        await store.dropParts(tx, id, []);
        return core.handOver(tx, row, row.department_code ?? settings.commandCenter, 'reopened', actor, note, prep, { closed_at: null });
      case 'escalate': {
        const level = row.escalation_level + 1;
        if (row.state === 'created' || row.state === 'returned') {
          return core.handOver(tx, row, settings.commandCenter, 'escalated', actor, note || '升级至市级指挥中心', prep, { escalation_level: level, routed_by: `actor:${actor}` });
        }
        await store.updateEvent(tx, id, { escalation_level: level, escalated_at: now.toISOString(), updated_at: now.toISOString() });
        return core.record(tx, row, 'escalated', { actor, at: now, from: row.state, to: row.state, department: row.department_code, note: note || `escalation level ${level}`, escalationLevel: level });
      }
      case 'joint': {
        const lead = body.departmentCode ?? row.department_code ?? settings.commandCenter;
        if (body.departmentCode) prep.units.requireResponsible(body.departmentCode, '/body/departmentCode');
        const partners = partnersOf(body, lead, prep);
        await store.updateEvent(tx, id, { department_code: lead, partner_codes: partners, updated_at: now.toISOString() });
        await store.dropParts(tx, id, partners);
        return core.record(tx, row, 'joined', { actor, at: now, from: row.state, to: row.state, department: lead, note: note || `lead ${lead}; partners ${partners.join(', ')}`, partners });
      }
      case 'report': {
        const pending = partsOf(row, await store.partnerParts(tx, id), () => null).filter((p) => p.state !== 'reported').map((p) => p.unitCode);
        if (pending.length === 0) return move({ reported_at: now.toISOString() });
        if (!body.override) {
          throw eventsError('partners_pending', `partner units ${pending.join(', ')} have not reported their parts; a dispatcher may override with a reason`, { field: '/body/override', pending });
        }
        if (typeof caller !== 'string' && !(caller.holds('events.event.dispatch') && reaches(caller.dispatch, placeUnits(row), { partners: true, place: true }))) {
          throw eventsError('action_not_permitted', 'only a dispatcher of the event\'s region reports it before every partner unit has reported', { action, permission: 'events.event.dispatch', pending });
        }
        if (note === '') throw eventsError('reason_required', 'reporting before the partner units needs a reason in note', { field: '/body/note' });
        await store.updateEvent(tx, id, { state: to, updated_at: now.toISOString(), reported_at: now.toISOString() });
        return core.record(tx, row, TRANSITIONS[action].verb, { actor, at: now, from: row.state, to, department: row.department_code, note: `override: ${pending.join(', ')} had not reported — ${note}` });
      }
      case 'reject':
        await store.reopenParts(tx, id);
        return move({ reported_at: null });
      case 'close':
        return move({ closed_at: now.toISOString() });
      case 'accept':
      case 'return':
      case 'start':
      case 'verify':
        return move({});
    }
  }

  async function detail(row: EventRow, caller: Caller | undefined): Promise<EventDetail> {
    const id = Number(row.id);
    const units = await org.snapshot([row.department_code ?? undefined]);
    const [timeline, attachments, partRows] = await Promise.all([store.timeline(id), store.attachments(id), store.partnerParts(db, id)]);
    return detailOf(row, units, timeline, attachments, partRows, caller);
  }

  /** The event answer from what is known of it (a new event: the timeline just written, no attachments, no parts). */
  function detailOf(row: EventRow, units: OrgSnapshot, timeline: readonly TimelineEntry[], attachments: ReadonlyArray<Attachment & { path: string | null }>, partRows: readonly PartRow[], caller: Caller | undefined): EventDetail {
    const allowed = allowedActions(row.state);
    const partners = partsOf(row, partRows, units.name);
    const mine = caller === undefined || typeof caller === 'string' || !OPEN_WORK.includes(row.state) || !caller.holds('events.event.handle') ? [] : myPartnerUnits(caller, row);
    const myPartActions = [...new Set(partners.filter((p) => mine.includes(p.unitCode) && p.state !== 'reported').map((p): PartStep => (p.state === 'assigned' ? 'accept' : 'report')))];
    return {
      ...toSummary(row, clock.now(), units.name),
      description: row.description,
      routedBy: row.routed_by,
      allowedActions: allowed,
      myActions: caller === undefined ? [] : typeof caller === 'string' ? allowed : allowed.filter((a) => refusal(caller, a, row, units) === undefined),
      partnerNames: row.partner_codes.map((p) => units.name(p) ?? p),
      partners,
      partnersPending: partners.filter((p) => p.state !== 'reported').map((p) => p.unitCode),
      myPartActions,
      timeline: timeline.map((t) => ({ ...t, departmentName: units.name(t.departmentCode) })),
      attachments: attachments.map(({ path: _path, ...a }) => a),
    };
  }

  async function visibleRow(id: number, caller: Caller | undefined): Promise<EventRow> {
    const row = await store.event(db, id);
    if (!row) throw eventsError('event_not_found', `no event ${id}`, { field: '/params/id' });
    if (caller !== undefined && typeof caller !== 'string' && !canSee(caller, placeUnits(row))) {
      const units = await org.snapshot();
      throw eventsError('event_out_of_scope', `event ${id} belongs to ${units.name(row.department_code) ?? '—'} (${row.department_code ?? '—'}), outside your units and region`, {
        departmentCode: row.department_code, yourUnits: caller.ownUnits,
      });
    }
    return row;
  }

  async function calendarView(year?: number): Promise<CalendarView> {
    const days = year === undefined ? await store.calendarDays() : await store.calendarDays(`${year}-01-01`, `${year}-12-31`);
    return { workdays: [...settings.calendar.workdays], periods: settings.calendar.periods.map(([a, b]) => ({ start: WEEKDAY_PERIOD(a), end: WEEKDAY_PERIOD(b) })), days };
  }

  function checkLimits(limits: { normal: number; major: number; urgent: number }): void {
    if (!(limits.urgent <= limits.major && limits.major <= limits.normal)) {
      throw eventsError('category_invalid', 'time limits must not grow with severity: urgent ≤ major ≤ normal', { field: '/body/limits' });
    }
  }

  async function category(code: string): Promise<Category> {
    const c = await store.anyCategory(code);
    if (!c) throw eventsError('category_not_found', `no category ${code}`, { field: '/params/code' });
    return c;
  }

  const service: EventLifecycleService = {
    async viewer(principal, actor) {
      if (!principal) throw eventsError('unauthenticated', 'sign in: events are scoped to the units of the signed-in account');
      return viewerOf(org, principal, actor);
    },
    categories: (opts) => store.categories(opts?.includeDisabled ?? false),
    async addCategory(input, actor) {
      const parent = input.parentCode ?? null;
      if (input.code.length === 2 && parent !== null) throw eventsError('category_invalid', 'a class (two letters) has no parent; a sub-class is its class code and two digits', { field: '/body/parentCode' });
      if (input.code.length === 4) {
        if (parent === null || !input.code.startsWith(parent)) throw eventsError('category_invalid', `a sub-class ${input.code} belongs to the class ${input.code.slice(0, 2)}: give parentCode ${input.code.slice(0, 2)}`, { field: '/body/parentCode' });
        const p = await store.anyCategory(parent);
        if (!p || p.parentCode !== null) throw eventsError('category_invalid', `no class ${parent} in the catalogue`, { field: '/body/parentCode' });
      }
      checkLimits(input.limits);
      const created = await store.insertCategory(input.code, { name: input.name, nameEn: input.nameEn, parentCode: parent, limits: input.limits, workingHours: input.workingHours }, actor, clock.now());
      if (!created) throw eventsError('category_exists', `category ${input.code} exists`, { field: '/body/code' });
      core.invalidateCatalogue();
      return category(input.code);
    },
    async updateCategory(code, patch, actor) {
      const before = await category(code);
      if (patch.limits) checkLimits(patch.limits);
      if (patch.active === true && before.parentCode !== null) {
        const parent = await store.anyCategory(before.parentCode);
        if (parent && !parent.active) throw eventsError('category_invalid', `enable the class ${before.parentCode} first`, { field: '/body/active' });
      }
      await store.updateCategory(code, patch, actor, clock.now());
      // Disabling a class disables its sub-classes.
      if (patch.active === false && before.parentCode === null) {
        for (const c of (await store.categories(true)).filter((x) => x.parentCode === code && x.active)) await store.updateCategory(c.code, { active: false }, actor, clock.now());
      }
      core.invalidateCatalogue();
      return category(code);
    },
    async deleteCategory(code) {
      await category(code);
      const use = await store.categoryUsage(code);
      if (use.events + use.rules + use.children > 0) {
        throw eventsError('category_in_use', `category ${code} has ${use.events} events, ${use.rules} routing rules and ${use.children} sub-classes: disable it instead`, { field: '/params/code', ...use });
      }
      await store.deleteCategory(code);
      core.invalidateCatalogue();
    },
    calendar: (year) => calendarView(year),
    async putCalendarDays(days, actor) {
      for (const [i, d] of days.entries()) {
        const t = new Date(`${d.date}T00:00:00Z`);
        if (!DATE.test(d.date) || Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d.date) {
          throw eventsError('calendar_day_invalid', `${d.date} is not a calendar date`, { field: `/body/days/${i}/date` });
        }
        const weekend = !settings.calendar.workdays.includes(t.getUTCDay());
        if (d.kind === 'workday' && !weekend) throw eventsError('calendar_day_invalid', `${d.date} is a weekday already worked; a make-up working day (调休上班) falls on a weekend`, { field: `/body/days/${i}/kind` });
      }
      await store.upsertCalendarDays(days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })), actor, clock.now());
      core.invalidateCalendar();
      return calendarView(Number(days[0]?.date.slice(0, 4)));
    },
    async deleteCalendarDay(date) {
      if (!(await store.deleteCalendarDay(date))) throw eventsError('calendar_day_not_found', `no holiday or make-up day on ${date}`, { field: '/params/date' });
      core.invalidateCalendar();
    },
    async departments() {
      const units = await org.snapshot();
      return units.responsible().map((u) => ({
        code: u.code, name: u.name, kind: u.kind, parentCode: u.parentCode,
        districtCode: u.kind === 'district' ? u.code : u.kind === 'town' ? u.parentCode : null,
        general: u.kind === 'district' || u.code === settings.commandCenter,
      }));
    },
    rules: () => store.rules(),
    async addRule(input) {
      await core.category(input.categoryCode);
      (await org.snapshot([input.departmentCode])).requireResponsible(input.departmentCode, '/body/departmentCode');
      const id = await store.insertRule({ categoryCode: input.categoryCode, districtCode: input.districtCode ?? null, gridCode: input.gridCode ?? null, departmentCode: input.departmentCode });
      core.invalidateCatalogue();
      const rule = (await store.rules()).find((r) => r.id === id);
      if (!rule) throw eventsError('rule_not_found', `rule ${id} vanished`);
      return rule;
    },
    async removeRule(id) {
      if (!(await store.deleteRule(id))) throw eventsError('rule_not_found', `no routing rule ${id}`, { field: '/params/id' });
      core.invalidateCatalogue();
    },
    async create(input, caller) {
      await core.category(input.categoryCode);
      const place = await deps.locate(input.lon, input.lat);
      const prep = await core.prepare();
      const created = await db.transaction((tx) =>
        core.createIn(tx, {
          title: input.title, description: input.description ?? '', categoryCode: input.categoryCode, severity: input.severity, source: input.source ?? 'manual',
          sourceRef: input.sourceRef ?? null, lon: input.lon, lat: input.lat, address: input.address ?? '', place,
        }, actorName(caller), prep),
      );
      deps.relay?.kick();
      // Whoever reported it sees what they reported, whichever unit it was routed to.
      if (created) return detailOf(created.row, await org.snapshot([created.row.department_code ?? undefined]), created.timeline, [], [], caller);
      // Its source reference had an event already: answer with that one.
      const found = await store.eventIdBySource(db, input.source ?? 'manual', input.sourceRef ?? '');
      const row = found === undefined ? undefined : await store.event(db, found);
      if (!row) throw eventsError('event_not_found', 'the event was not created');
      return detail(row, caller);
    },
    async get(id, caller) {
      return detail(await visibleRow(id, caller), caller);
    },
    async list(query, caller) {
      const now = clock.now();
      let scope: ListScope | undefined;
      let units: string[] | undefined;
      if (caller !== undefined && typeof caller !== 'string') {
        const read = 'read' in caller ? caller.read : caller;
        scope = { all: read.all, units: read.units, region: read.region };
        if (query.mine && 'read' in caller) units = [...(await org.snapshot()).subtree(caller.ownUnits)];
      }
      const { total, rows } = await store.list({ ...query, ...(scope ? { scope } : {}), ...(units ? { units } : {}) }, now);
      const names = (await org.snapshot()).name;
      return { total, items: rows.map((r) => toSummary(r, now, names)) };
    },
    unitScope: (principal, permission) => unitScopeOf(org, principal, permission, settings.commandCenter),
    async act(id, action, body, caller) {
      const before = await store.event(db, id);
      const prep = await core.prepare([body.departmentCode, ...(body.partnerCodes ?? []), before?.department_code ?? undefined]);
      if (before && typeof caller !== 'string' && !canSee(caller, placeUnits(before))) await visibleRow(id, caller);
      // The units that returned the event (退单): routing it again does not send it back to them.
      const returners = action === 'dispatch' && before?.state === 'returned'
        ? new Set((await store.timeline(id)).filter((t) => t.action === 'returned' && t.departmentCode !== null).map((t) => t.departmentCode as string))
        : new Set<string>();
      await db.transaction(async (tx) => apply(tx, await mustLock(tx, id), action, body, caller, prep, returners));
      deps.relay?.kick();
      return detail(await visibleRow(id, typeof caller === 'string' ? caller : undefined), caller);
    },
    async actOnPart(id, step, body, caller) {
      const before = await visibleRow(id, caller);
      const units = await org.snapshot([...before.partner_codes]);
      const note = body.note?.trim() ?? '';
      await db.transaction(async (tx) => {
        const row = await mustLock(tx, id);
        if (!OPEN_WORK.includes(row.state)) {
          throw eventsError('transition_not_allowed', `partner units ${step} their parts while the event is dispatched, accepted or handling; it is ${row.state}`, { state: row.state, action: `${step}_part`, allowed: allowedActions(row.state) });
        }
        if (row.partner_codes.length === 0) throw eventsError('partners_invalid', `event ${id} has no partner units (联合处置)`, { field: '/params/id' });
        if (body.unitCode !== undefined && !row.partner_codes.includes(body.unitCode)) {
          throw eventsError('partners_invalid', `${body.unitCode} is not a partner unit of event ${id}`, { field: '/body/unitCode', partners: row.partner_codes });
        }
        const candidates = typeof caller === 'string' ? row.partner_codes : myPartnerUnits(caller, row);
        const unit = body.unitCode ?? (candidates.length === 1 ? candidates[0] : undefined);
        if (typeof caller !== 'string' && (candidates.length === 0 || (unit !== undefined && !candidates.includes(unit)))) {
          throw eventsError('event_out_of_scope', `only a handler of a partner unit of event ${id} (${row.partner_codes.join(', ')}) ${step}s its part — your units: ${caller.ownUnits.join(', ') || 'none'}`, {
            action: `${step}_part`, partnerCodes: row.partner_codes, yourUnits: caller.ownUnits,
          });
        }
        if (unit === undefined) throw eventsError('partners_invalid', `say which partner unit in unitCode: ${candidates.join(', ')}`, { field: '/body/unitCode' });
        const part = partsOf(row, await store.partnerParts(tx, id), () => null).find((p) => p.unitCode === unit);
        const need = step === 'accept' ? 'assigned' : 'accepted';
        if (part?.state !== need) {
          throw eventsError('transition_not_allowed', `the part of ${unit} is ${part?.state ?? 'unknown'}; ${step} needs it ${need}`, { state: part?.state ?? null, action: `${step}_part`, unitCode: unit });
        }
        const now = clock.now();
        const actor = actorName(caller);
        if (step === 'accept') await store.acceptPart(tx, id, unit, actor, now, note);
        else await store.reportPart(tx, id, unit, actor, now, note);
        await core.record(tx, row, step === 'accept' ? 'part_accepted' : 'part_reported', { actor, at: now, from: row.state, to: row.state, department: unit, note: note || `${units.name(unit) ?? unit}` });
      });
      deps.relay?.kick();
      return detail(await visibleRow(id, typeof caller === 'string' ? caller : undefined), caller);
    },
    async assertCanWork(id, caller) {
      const row = await visibleRow(id, caller);
      if (typeof caller === 'string') return;
      const e = placeUnits(row);
      if (reaches(caller.handle, e, { partners: true, place: false }) || reaches(caller.dispatch, e, { partners: true, place: true })) return;
      throw eventsError('event_out_of_scope', `only the lead or a partner unit of event ${id}, or a dispatcher of its region, adds to it`, { departmentCode: row.department_code, yourUnits: caller.ownUnits });
    },
    async assertCanSee(id, caller) {
      await visibleRow(id, caller);
    },
  };
  return service;
}
