// Routing: category × district/grid → department, the district fallback, overrides, and bad input.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type EventDetail, type RoutingRule } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, PLACES, seedCity, startEvents, type Harness } from './support.ts';

forEachDatabase('events routing', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'grid-worker-7'] });
  });
  afterAll(() => h.close());

  const create = async (over: Record<string, unknown>) => {
    const r = await h.call<EventDetail>('POST', '/api/events', newEvent(over), 'grid-worker-7');
    expect(r.status).toBe(201);
    return r.body;
  };

  it('resolves the place and routes a class rule to the district department, dispatched at once', async () => {
    const e = await create({ categoryCode: 'SR01' });
    expect(e.place).toMatchObject({ districtCode: '371502', townCode: '371502001', villageCode: '371502001001', gridCode: PLACES.dongchangfu.grid });
    expect(e.departmentCode).toBe('D07');
    expect(e.departmentName).toBe('城管局');
    expect(e.routedBy).toMatch(/^rule:\d+$/);
    expect(e.state).toBe('dispatched');
    expect(e.timeline.map((t) => [t.action, t.actor])).toEqual([['created', 'grid-worker-7'], ['dispatched', 'system']]);
  });

  it('a sub-class rule beats its class; another district gets its own department', async () => {
    expect((await create({ categoryCode: 'JM01' })).departmentCode).toBe('D02');
    expect((await create({ categoryCode: 'SR02', lon: PLACES.linqing.lon, lat: PLACES.linqing.lat })).departmentCode).toBe('371581');
  });

  it('without a rule the district general department takes it', async () => {
    const e = await create({ categoryCode: 'JM03' });
    expect(e.departmentCode).toBe('371502');
    expect(e.routedBy).toBe('fallback:371502');
  });

  it('a grid rule added by staff beats the district rule, and removing it restores the district rule', async () => {
    const added = await h.call<RoutingRule>('POST', '/api/events/routing-rules', { categoryCode: 'SR', gridCode: PLACES.dongchangfu.grid, departmentCode: '371502' });
    expect(added.status).toBe(201);
    expect((await create({ categoryCode: 'SR03' })).departmentCode).toBe('371502');
    expect((await h.call('DELETE', `/api/events/routing-rules/${added.body.id}`)).status).toBe(204);
    expect((await create({ categoryCode: 'SR03' })).departmentCode).toBe('D07');
  });

  it('rules and the catalogue are served from memory, yet each change takes effect for the very next event', async () => {
    // Warm: the rules and categories are cached by the events before this one.
    expect((await create({ categoryCode: 'JM03' })).departmentCode).toBe('371502');
    const rule = await h.call<RoutingRule>('POST', '/api/events/routing-rules', { categoryCode: 'JM03', districtCode: '371502', departmentCode: 'D02' });
    expect(rule.status).toBe(201);
    expect((await create({ categoryCode: 'JM03' })).routedBy).toBe(`rule:${rule.body.id}`);
    // A changed time limit applies to the next event's deadline (clock time: now + 45 min).
    expect((await h.call('PATCH', '/api/events/categories/JM03', { limits: { normal: 45, major: 45, urgent: 45 }, workingHours: false })).status).toBe(200);
    const timed = await create({ categoryCode: 'JM03' });
    expect(new Date(timed.deadlineAt ?? '').getTime() - new Date(timed.createdAt).getTime()).toBe(45 * 60_000);
    expect((await h.call('DELETE', `/api/events/routing-rules/${rule.body.id}`)).status).toBe(204);
    expect((await create({ categoryCode: 'JM03' })).departmentCode).toBe('371502');
    // A disabled category refuses the next event; enabled again, it is accepted.
    expect((await h.call('PATCH', '/api/events/categories/JM03', { active: false })).status).toBe(200);
    expect((await h.call<{ code: string }>('POST', '/api/events', newEvent({ categoryCode: 'JM03' }), 'grid-worker-7')).body.code).toBe('category_unknown');
    expect((await h.call('PATCH', '/api/events/categories/JM03', { active: true })).status).toBe(200);
    // A rule written by another node (straight into the table) is picked up within 30 seconds.
    const { rows } = await ctx.db.query<{ id: string }>(`INSERT INTO events_routing_rules (category_code, district_code, department_code) VALUES ('JM03', '371502', 'D06') RETURNING id`);
    h.clock.advance(31_000);
    expect((await create({ categoryCode: 'JM03' })).departmentCode).toBe('D06');
    await ctx.db.query('DELETE FROM events_routing_rules WHERE id = $1', [rows[0]?.id]);
    h.clock.advance(31_000);
    expect((await create({ categoryCode: 'JM03' })).departmentCode).toBe('371502');
  });

  it('staff can override the routed department (reassign)', async () => {
    const e = await create({ categoryCode: 'SR01' });
    const r = await h.call<EventDetail>('POST', `/api/events/${e.id}/reassign`, { departmentCode: 'D06', note: '属市政设施' });
    expect(r.status).toBe(200);
    expect(r.body.departmentCode).toBe('D06');
    expect(r.body.routedBy).toBe('actor:dispatcher-1');
    expect(r.body.timeline.at(-1)).toMatchObject({ action: 'reassigned', actor: 'dispatcher-1', fromState: 'dispatched', toState: 'dispatched', departmentCode: 'D06' });
  });

  it('refuses unknown categories and departments and bad coordinates naming the field', async () => {
    const cat = await h.call<{ code: string; field: string }>('POST', '/api/events', newEvent({ categoryCode: 'XX99' }));
    expect(cat.status).toBe(400);
    expect(cat.body).toMatchObject({ code: 'category_unknown', field: '/body/categoryCode' });
    const lon = await h.call<{ status: number; detail: string }>('POST', '/api/events', newEvent({ lon: 500 }));
    expect(lon.status).toBe(400);
    expect(JSON.stringify(lon.body)).toContain('lon');
    const rule = await h.call<{ code: string; field: string }>('POST', '/api/events/routing-rules', { categoryCode: 'SR', departmentCode: 'NOPE' });
    expect(rule.body).toMatchObject({ code: 'department_unknown', field: '/body/departmentCode' });
  });

  it('an Idempotency-Key replays the first answer instead of creating a second event', async () => {
    const headers = { 'idempotency-key': 'grid-report-42' };
    const a = await h.call<EventDetail>('POST', '/api/events', newEvent({ title: '重复提交' }), 'grid-worker-7', headers);
    const b = await h.call<EventDetail>('POST', '/api/events', newEvent({ title: '重复提交' }), 'grid-worker-7', headers);
    expect(b.body.id).toBe(a.body.id);
    const list = await h.call<{ items: EventDetail[] }>('GET', '/api/events?limit=500');
    expect(list.body.items.filter((e) => e.title === '重复提交')).toHaveLength(1);
  });

  it('serves the catalogue with its classes, sub-classes and time limits', async () => {
    const r = await h.call<Array<{ code: string; parentCode: string | null; limits: { urgent: number } }>>('GET', '/api/events/categories');
    expect(r.body.filter((c) => c.parentCode === null).map((c) => c.code)).toEqual(expect.arrayContaining(['SZ', 'SR', 'JM', 'YL', 'TF']));
    expect(r.body.find((c) => c.code === 'TF01')?.limits.urgent).toBe(15);
  });
});
