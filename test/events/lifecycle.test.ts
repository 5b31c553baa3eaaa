// Every lifecycle transition over HTTP: allowed ones move the event and land in the timeline and
// the outbox; refused ones answer 409 transition_not_allowed with the actions allowed instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { EVENT_ACTIONS, eventsMigrations, type EventDetail } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, seedCity, startEvents, type Harness } from './support.ts';

forEachDatabase('events lifecycle', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'inspector-2', 'hw-officer', 'dcf-officer'] });
  });
  afterAll(() => h.close());

  const create = async () => (await h.call<EventDetail>('POST', '/api/events', newEvent())).body;
  const act = (id: number, action: string, body: Record<string, unknown> = {}, actor = 'hw-officer') => h.call<EventDetail & { code: string; field?: string; allowed?: string[]; state?: string }>('POST', `/api/events/${id}/${action}`, body, actor);
  const subjects = async (id: number) =>
    (await ctx.db.query<{ subject: string }>(`SELECT subject FROM platform_outbox WHERE payload->>'eventId' = $1 ORDER BY id`, [String(id)])).rows.map((r) => r.subject);

  it('walks the whole path, each step timestamped, attributed, in the timeline and the outbox', async () => {
    const e = await create();
    const steps: Array<[string, string, string]> = [['accept', 'accepted', 'hw-officer'], ['start', 'handling', 'hw-officer'], ['report', 'reported', 'hw-officer'], ['verify', 'verified', 'inspector-2'], ['close', 'closed', 'dispatcher-1']];
    for (const [action, state, actor] of steps) {
      h.clock.advance(60_000);
      const r = await act(e.id, action, { note: `${action} note` }, actor);
      expect(r.status).toBe(200);
      expect(r.body.state).toBe(state);
    }
    const final = (await h.call<EventDetail>('GET', `/api/events/${e.id}`)).body;
    expect(final.timeline.map((t) => `${t.action}:${t.fromState}>${t.toState}:${t.actor}`)).toEqual([
      'created:null>created:dispatcher-1', 'dispatched:created>dispatched:system', 'accepted:dispatched>accepted:hw-officer', 'started:accepted>handling:hw-officer',
      'reported:handling>reported:hw-officer', 'verified:reported>verified:inspector-2', 'closed:verified>closed:dispatcher-1',
    ]);
    expect(new Set(final.timeline.map((t) => t.at)).size).toBe(6);
    expect(final.closedAt).toBe(final.timeline.at(-1)?.at);
    expect(final.allowedActions).toEqual(['reopen']);
    expect(await subjects(e.id)).toEqual(['created', 'dispatched', 'accepted', 'started', 'reported', 'verified', 'closed'].map((v) => `events.event.${v}`));
  });

  it('refuses every action the current state does not allow with 409 and the allowed list', async () => {
    const e = await create();
    const allowed = ['dispatch', 'accept', 'return', 'reassign', 'escalate', 'joint'].filter((a) => e.allowedActions.includes(a as never));
    expect(e.allowedActions).toEqual(['accept', 'return', 'reassign', 'escalate', 'joint']);
    for (const action of EVENT_ACTIONS.filter((a) => !allowed.includes(a))) {
      const r = await act(e.id, action, { note: 'x', departmentCode: 'D06', partnerCodes: ['D06'] }, 'dispatcher-1');
      expect(r.status, action).toBe(409);
      expect(r.body).toMatchObject({ code: 'transition_not_allowed', state: 'dispatched', allowed: e.allowedActions });
    }
    const closed = await create();
    for (const a of ['accept', 'start', 'report', 'verify', 'close']) expect((await act(closed.id, a, {}, 'dispatcher-1')).status).toBe(200);
    for (const action of EVENT_ACTIONS.filter((a) => a !== 'reopen')) expect((await act(closed.id, action, { note: 'x' }, 'dispatcher-1')).status, action).toBe(409);
    expect((await h.call('POST', '/api/events/999999/accept', {})).status).toBe(404);
  });

  it('退单: a return needs a reason; the dispatcher routes it again or escalates it', async () => {
    const e = await create();
    const noReason = await act(e.id, 'return', {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ code: 'reason_required', field: '/body/note' });
    const returned = await act(e.id, 'return', { note: '不属于本单位职责' });
    expect(returned.body.state).toBe('returned');
    const again = await act(e.id, 'dispatch', { departmentCode: '371502' }, 'dispatcher-1');
    expect(again.body).toMatchObject({ state: 'dispatched', departmentCode: '371502', routedBy: 'actor:dispatcher-1' });
    await act(again.body.id, 'return', { note: '仍不属于' }, 'dcf-officer');
    const escalated = await act(e.id, 'escalate', { note: '多次退单' }, 'dispatcher-1');
    expect(escalated.body).toMatchObject({ state: 'dispatched', departmentCode: '371500', escalationLevel: 1 });
    expect(escalated.body.timeline.find((t) => t.action === 'returned')?.note).toBe('不属于本单位职责');
  });

  it('退单 then routing again: never back to a unit that returned it — the district, then the city', async () => {
    // 暴露垃圾 in 东昌府区 is routed by rule to 城管局 D07.
    const e = await create();
    expect(e.departmentCode).toBe('D07');
    await act(e.id, 'return', { note: '不属于城管职责' });
    const second = await act(e.id, 'dispatch', {}, 'dispatcher-1');
    expect(second.body).toMatchObject({ state: 'dispatched', departmentCode: '371502' });
    expect(second.body.routedBy).toContain('returned by D07');
    await act(e.id, 'return', { note: '区里也不管' }, 'dcf-officer');
    const third = await act(e.id, 'dispatch', {}, 'dispatcher-1');
    expect(third.body).toMatchObject({ state: 'dispatched', departmentCode: '371500' });
    // A dispatcher may still choose a unit that returned it, on purpose.
    await act(e.id, 'return', { note: 'x' }, 'dispatcher-1');
    const chosen = await act(e.id, 'dispatch', { departmentCode: 'D07' }, 'dispatcher-1');
    expect(chosen.body.departmentCode).toBe('D07');
  });

  it('核查不通过 sends a reported event back to handling; a closed one can be reopened with a reason', async () => {
    const e = await create();
    for (const a of ['accept', 'start', 'report']) await act(e.id, a);
    const rejected = await act(e.id, 'reject', { note: '现场仍有垃圾' }, 'inspector-2');
    expect(rejected.body).toMatchObject({ state: 'handling', reportedAt: null });
    expect((await act(e.id, 'report')).status).toBe(200);
    for (const a of ['verify', 'close']) expect((await act(e.id, a, {}, 'inspector-2')).status).toBe(200);
    expect((await act(e.id, 'reopen', {}, 'dispatcher-1')).status).toBe(400);
    const reopened = await act(e.id, 'reopen', { note: '问题复发' }, 'dispatcher-1');
    expect(reopened.body).toMatchObject({ state: 'dispatched', departmentCode: 'D07', closedAt: null });
    expect(await subjects(e.id)).toContain('events.event.reopened');
  });

  it('联合处置: a lead and partner departments; the partner sees it in its inbox', async () => {
    const e = await create();
    const bad = await act(e.id, 'joint', { partnerCodes: ['D07'] }, 'dispatcher-1');
    expect(bad.body).toMatchObject({ code: 'partners_invalid', field: '/body/partnerCodes' });
    const unknown = await act(e.id, 'joint', { partnerCodes: ['NOPE'] }, 'dispatcher-1');
    expect(unknown.body).toMatchObject({ code: 'department_unknown', field: '/body/partnerCodes/0' });
    const joint = await act(e.id, 'joint', { departmentCode: '371502', partnerCodes: ['D07', 'D06'] }, 'dispatcher-1');
    expect(joint.body).toMatchObject({ state: 'dispatched', departmentCode: '371502', partnerCodes: ['D07', 'D06'] });
    const inbox = await h.call<{ items: EventDetail[] }>('GET', '/api/events?department=D06&state=dispatched');
    expect(inbox.body.items.map((x) => x.id)).toContain(e.id);
  });
});
