// 事件中心 / 协同指挥调度 service: events, their lifecycle, routing rules and the catalogue.
import type { Queryable } from '../../platform/db/index.ts';
import type { OutboxRelay } from '../../platform/bus/index.ts';
import { type CoreDeps, type EventsCore, toSummary } from './core.ts';
import { eventsError } from './errors.ts';
import { allowedActions, type EventAction, nextState, TRANSITIONS } from './lifecycle.ts';
import type { ActionBody, Category, Department, EventDetail, EventInput, EventList, EventListQuery, RoutingRule, RoutingRuleInput } from './schemas.ts';
import type { EventRow } from './store.ts';

export interface EventLifecycleService {
  categories(): Promise<Category[]>;
  departments(): Promise<Department[]>;
  rules(): Promise<RoutingRule[]>;
  addRule(input: RoutingRuleInput): Promise<RoutingRule>;
  removeRule(id: number): Promise<void>;
  /** 人工录入 / 网格员上报: create, route and (by default) dispatch an event. */
  create(input: EventInput, actor: string): Promise<EventDetail>;
  get(id: number): Promise<EventDetail>;
  list(query: EventListQuery): Promise<EventList>;
  /** Apply a lifecycle action; 409 transition_not_allowed when the state does not allow it. */
  act(id: number, action: EventAction, body: ActionBody, actor: string): Promise<EventDetail>;
}

const NOTE_REQUIRED: readonly EventAction[] = ['return', 'reject', 'reopen'];

export function createLifecycleService(deps: CoreDeps & { core: EventsCore; relay?: Pick<OutboxRelay, 'kick'> | undefined }): EventLifecycleService {
  const { db, store, clock, core, settings } = deps;

  async function mustLock(tx: Queryable, id: number): Promise<EventRow> {
    const row = await store.lockEvent(tx, id);
    if (!row) throw eventsError('event_not_found', `no event ${id}`, { field: '/params/id' });
    return row;
  }

  async function partnersOf(tx: Queryable, body: ActionBody, lead: string): Promise<string[]> {
    const partners = body.partnerCodes ?? [];
    if (partners.length === 0) throw eventsError('partners_invalid', 'joint handling needs at least one partner department', { field: '/body/partnerCodes' });
    if (new Set(partners).size !== partners.length || partners.includes(lead)) {
      throw eventsError('partners_invalid', 'partners must be distinct and not the lead department', { field: '/body/partnerCodes' });
    }
    for (const [i, p] of partners.entries()) await core.requireDepartment(p, tx, `/body/partnerCodes/${i}`);
    return partners;
  }

  async function apply(tx: Queryable, row: EventRow, action: EventAction, body: ActionBody, actor: string): Promise<void> {
    const to = nextState(row.state, action);
    if (to === undefined) {
      throw eventsError('transition_not_allowed', `cannot ${action} an event that is ${row.state}`, { state: row.state, action, allowed: allowedActions(row.state) });
    }
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
        if (body.departmentCode) await core.requireDepartment(body.departmentCode, tx);
        const routed = body.departmentCode
          ? { department: body.departmentCode, routedBy: `actor:${actor}` }
          : await core.route(tx, await core.category(row.category_code, tx), { districtCode: row.district_code, gridCode: row.grid_code });
        return core.handOver(tx, row, routed.department, 'dispatched', actor, note, { routed_by: routed.routedBy });
      }
      case 'reassign': {
        if (!body.departmentCode) throw eventsError('department_unknown', 'reassign needs the new department', { field: '/body/departmentCode' });
        await core.requireDepartment(body.departmentCode, tx);
        return core.handOver(tx, row, body.departmentCode, 'reassigned', actor, note, { routed_by: `actor:${actor}` });
      }
      case 'reopen':
        return core.handOver(tx, row, row.department_code ?? settings.commandCenter, 'reopened', actor, note, { closed_at: null });
      case 'escalate': {
        const level = row.escalation_level + 1;
        if (row.state === 'created' || row.state === 'returned') {
          return core.handOver(tx, row, settings.commandCenter, 'escalated', actor, note || '升级至指挥中心', { escalation_level: level, routed_by: `actor:${actor}` });
        }
        await store.updateEvent(tx, id, { escalation_level: level, escalated_at: now.toISOString(), updated_at: now.toISOString() });
        return core.record(tx, row, 'escalated', { actor, at: now, from: row.state, to: row.state, department: row.department_code, note: note || `escalation level ${level}` });
      }
      case 'joint': {
        const lead = body.departmentCode ?? row.department_code ?? settings.commandCenter;
        if (body.departmentCode) await core.requireDepartment(body.departmentCode, tx);
        const partners = await partnersOf(tx, body, lead);
        await store.updateEvent(tx, id, { department_code: lead, partner_codes: partners, updated_at: now.toISOString() });
        return core.record(tx, row, 'joined', { actor, at: now, from: row.state, to: row.state, department: lead, note: note || `lead ${lead}; partners ${partners.join(', ')}`, partners });
      }
      case 'report':
        return move({ reported_at: now.toISOString() });
      case 'reject':
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

  const service: EventLifecycleService = {
    categories: () => store.categories(),
    departments: () => store.departments(),
    rules: () => store.rules(),
    async addRule(input) {
      await core.category(input.categoryCode);
      await core.requireDepartment(input.departmentCode);
      const id = await store.insertRule({ categoryCode: input.categoryCode, districtCode: input.districtCode ?? null, gridCode: input.gridCode ?? null, departmentCode: input.departmentCode });
      const rule = (await store.rules()).find((r) => r.id === id);
      if (!rule) throw eventsError('rule_not_found', `rule ${id} vanished`);
      return rule;
    },
    async removeRule(id) {
      if (!(await store.deleteRule(id))) throw eventsError('rule_not_found', `no routing rule ${id}`, { field: '/params/id' });
    },
    async create(input, actor) {
      await core.category(input.categoryCode);
      const place = await deps.locate(input.lon, input.lat);
      const id = await db.transaction((tx) =>
        core.createIn(tx, {
          title: input.title, description: input.description ?? '', categoryCode: input.categoryCode, severity: input.severity, source: input.source ?? 'manual',
          sourceRef: input.sourceRef ?? null, lon: input.lon, lat: input.lat, address: input.address ?? '', place,
        }, actor),
      );
      deps.relay?.kick();
      if (id === undefined) {
        const existing = await store.eventIdBySource(db, input.source ?? 'manual', input.sourceRef ?? '');
        if (existing !== undefined) return service.get(existing);
        throw eventsError('event_not_found', 'the event was not created');
      }
      return service.get(id);
    },
    async get(id) {
      const row = await store.event(db, id);
      if (!row) throw eventsError('event_not_found', `no event ${id}`, { field: '/params/id' });
      const [timeline, attachments] = await Promise.all([store.timeline(id), store.attachments(id)]);
      return {
        ...toSummary(row, clock.now()),
        description: row.description,
        routedBy: row.routed_by,
        allowedActions: allowedActions(row.state),
        timeline,
        attachments: attachments.map(({ path: _path, ...a }) => a),
      };
    },
    async list(query) {
      const now = clock.now();
      const { total, rows } = await store.list(query, now);
      return { total, items: rows.map((r) => toSummary(r, now)) };
    },
    async act(id, action, body, actor) {
      await db.transaction(async (tx) => apply(tx, await mustLock(tx, id), action, body, actor));
      deps.relay?.kick();
      return service.get(id);
    },
  };
  return service;
}
