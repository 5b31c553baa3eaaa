// Time limits with a controllable clock: warnings before the deadline, escalation after it,
// working hours, the overdue filter and the on-time rate per department.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type EventChange, type EventDetail, type Stats } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { MONDAY_10, newEvent, seedCity, startEvents, type Harness } from './support.ts';

const MIN = 60_000;

forEachDatabase('events deadlines', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1'] });
  });
  afterAll(() => h.close());

  const create = async (over: Record<string, unknown>) => (await h.call<EventDetail>('POST', '/api/events', newEvent(over))).body;
  const get = async (id: number) => (await h.call<EventDetail>('GET', `/api/events/${id}`)).body;

  it('an urgent fire (15 min, clock time) is warned at 75 % and escalated once after its deadline', async () => {
    h.clock.set(MONDAY_10);
    const e = await create({ categoryCode: 'TF01', severity: 'urgent', title: '火情' });
    expect(e.deadlineAt).toBe('2026-03-02T02:15:00.000Z');
    expect(e.warnAt).toBe('2026-03-02T02:11:15.000Z');
    h.clock.advance(11 * MIN);
    expect(await h.module.service.sweepDeadlines()).toEqual({ warned: 0, escalated: 0 });
    h.clock.advance(MIN);
    expect(await h.module.service.sweepDeadlines()).toEqual({ warned: 1, escalated: 0 });
    expect(await h.module.service.sweepDeadlines()).toEqual({ warned: 0, escalated: 0 });
    h.clock.advance(4 * MIN);
    expect(await h.module.service.sweepDeadlines()).toEqual({ warned: 0, escalated: 1 });
    expect(await h.module.service.sweepDeadlines()).toEqual({ warned: 0, escalated: 0 });
    // 应急局 D12 is a city department: the level above it is the city command center, with a fresh time limit.
    const after = await get(e.id);
    expect(after).toMatchObject({ state: 'dispatched', departmentCode: '371500', overdue: false, escalationLevel: 1, deadlineAt: '2026-03-02T02:31:00.000Z' });
    expect(after.timeline.map((t) => `${t.action}:${t.actor}`).slice(-2)).toEqual(['warned:system', 'escalated:system']);
    expect(after.timeline.at(-1)?.departmentCode).toBe('371500');
    const escalated = await h.call<{ items: EventDetail[] }>('GET', '/api/events?escalated=true&department=371500');
    expect(escalated.body.items.map((x) => x.id)).toContain(e.id);
    const outbox = await ctx.db.query<{ subject: string; payload: EventChange }>(`SELECT subject, payload FROM platform_outbox WHERE payload->>'eventId' = $1 ORDER BY id`, [String(e.id)]);
    expect(outbox.rows.map((r) => r.subject).slice(-2)).toEqual(['events.event.warned', 'events.event.escalated']);
    // What a notification needs, without reading the event back: what it is, who has it, its time limit.
    const [warnedChange, escalatedChange] = outbox.rows.slice(-2).map((r) => r.payload);
    expect(warnedChange).toMatchObject({
      eventId: e.id, title: '火情', categoryCode: 'TF01', categoryName: expect.any(String) as string, severity: 'urgent', departmentCode: 'D12', partnerCodes: [],
      deadlineAt: '2026-03-02T02:15:00.000Z', warnAt: '2026-03-02T02:11:15.000Z', escalationLevel: 0, state: 'dispatched',
    });
    expect(escalatedChange).toMatchObject({ title: '火情', departmentCode: '371500', fromDepartmentCode: 'D12', deadlineAt: '2026-03-02T02:31:00.000Z', escalationLevel: 1 });
    const dispatched = outbox.rows.find((r) => r.subject === 'events.event.dispatched')?.payload;
    expect(dispatched).toMatchObject({ title: '火情', departmentCode: 'D12', deadlineAt: '2026-03-02T02:15:00.000Z', summary: expect.any(String) as string });
  });

  it('超时升级 goes up one level at each missed deadline: town → district → city command center, where it stays flagged', async () => {
    h.clock.set(MONDAY_10);
    const e = await create({ categoryCode: 'TF03', severity: 'urgent', title: '人群聚集' });
    const town = await h.call<EventDetail>('POST', `/api/events/${e.id}/reassign`, { departmentCode: '371502001' });
    expect(town.body.departmentCode).toBe('371502001');
    const levels: Array<[string | null, number]> = [];
    // Other tests' events are due too: look at this one.
    for (let i = 0; i < 3; i++) {
      h.clock.advance(16 * MIN);
      expect((await h.module.service.sweepDeadlines()).escalated).toBeGreaterThanOrEqual(1);
      const now = await get(e.id);
      levels.push([now.departmentCode, now.escalationLevel]);
    }
    expect(levels).toEqual([['371502', 1], ['371500', 2], ['371500', 3]]);
    // At the top it is flagged once, not escalated again at every sweep.
    h.clock.advance(60 * MIN);
    await h.module.service.sweepDeadlines();
    const last = await get(e.id);
    expect(last).toMatchObject({ overdue: true, state: 'dispatched', departmentCode: '371500', escalationLevel: 3 });
    expect(last.timeline.filter((t) => t.action === 'escalated').map((t) => t.departmentCode)).toEqual(['371502', '371500', '371500']);
  });

  it('a normal 暴露垃圾 (480 working minutes) reported on Friday 16:00 is due Monday 16:30; nights and the weekend do not count', async () => {
    h.clock.set('2026-03-06T08:00:00Z');
    const e = await create({ categoryCode: 'SR01', severity: 'normal' });
    expect(e.deadlineAt).toBe('2026-03-09T08:30:00.000Z');
    h.clock.set('2026-03-08T12:00:00Z');
    await h.module.service.sweepDeadlines();
    expect((await get(e.id)).timeline.some((t) => t.action === 'warned' || t.action === 'escalated')).toBe(false);
  });

  it('reassignment starts a fresh time limit for the new department', async () => {
    h.clock.set(MONDAY_10);
    const e = await create({ categoryCode: 'TF03', severity: 'urgent' });
    h.clock.advance(10 * MIN);
    const r = await h.call<EventDetail>('POST', `/api/events/${e.id}/reassign`, { departmentCode: 'D02' });
    expect(r.body.deadlineAt).toBe('2026-03-02T02:25:00.000Z');
  });

  it('on-time rate per department: reported before the deadline counts, late or open past it does not', async () => {
    h.clock.set('2026-04-06T02:00:00Z');
    const a = await create({ categoryCode: 'YL02', severity: 'urgent' });
    const b = await create({ categoryCode: 'YL02', severity: 'urgent' });
    const c = await create({ categoryCode: 'YL02', severity: 'urgent' });
    for (const id of [a.id, b.id]) for (const act of ['accept', 'start']) await h.call('POST', `/api/events/${id}/${act}`, {});
    h.clock.advance(30 * MIN);
    await h.call('POST', `/api/events/${a.id}/report`, {});
    h.clock.advance(60 * MIN);
    await h.call('POST', `/api/events/${b.id}/report`, {});
    const stats = (await h.call<Stats>('GET', '/api/events/stats?from=2026-04-06T00:00:00Z')).body;
    const yl = stats.departments.find((d) => d.departmentCode === 'D07');
    expect(yl).toMatchObject({ total: 3, handled: 2, onTime: 1, overdue: 2, open: 3 });
    expect(yl?.onTimeRate).toBeCloseTo(1 / 3);
    expect(c.id).toBeGreaterThan(0);
  });
});
