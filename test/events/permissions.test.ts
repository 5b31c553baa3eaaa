// Per-unit enforcement: every lifecycle action tried by every role, on an event in the state that
// allows it. The route's permission refuses a role without it (403 permission_denied); the service
// refuses a unit or region that is not the event's (403 event_out_of_scope), and the event stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { EVENT_ACTIONS, eventsMigrations, type EventAction, type EventDetail, type EventList } from '../../src/modules/events/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, PLACES, seedCity, startEvents, type Harness } from './support.ts';

type Reply = EventDetail & { code?: string; detail?: string };

/** How to bring a fresh event (routed to 城管局 D07 in 东昌府区) into the state where `action` is allowed. */
const SETUP: Record<EventAction, string[]> = {
  dispatch: ['return'], accept: [], return: [], start: ['accept'], report: ['accept', 'start'], verify: ['accept', 'start', 'report'],
  reject: ['accept', 'start', 'report'], close: ['accept', 'start', 'report', 'verify'], reopen: ['accept', 'start', 'report', 'verify', 'close'],
  reassign: [], escalate: [], joint: [],
};
const BODY = { note: '理由 reason', departmentCode: 'D06', partnerCodes: ['D12'] };

/** Who may take each action on a D07 event in 东昌府区: the city dispatchers all, the lead unit's handler the handling ones. */
const ROLES: Record<string, { allowed: readonly EventAction[]; refusedWith: string }> = {
  'dispatcher-1': { allowed: EVENT_ACTIONS, refusedWith: '' },
  'hw-officer': { allowed: ['accept', 'return', 'start', 'report'], refusedWith: 'permission_denied' },
  'zj-officer': { allowed: [], refusedWith: 'event_out_of_scope|permission_denied' },
  'lq-dispatcher': { allowed: [], refusedWith: 'event_out_of_scope' },
  'lq-officer': { allowed: [], refusedWith: 'event_out_of_scope|permission_denied' },
  'clerk': { allowed: [], refusedWith: 'permission_denied' },
};

forEachDatabase('events permissions by role and unit', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db);
  });
  afterAll(() => h.close());

  const create = async (over: Record<string, unknown> = {}) => {
    const r = await h.call<EventDetail>('POST', '/api/events', newEvent(over), 'grid-worker-7');
    expect(r.status).toBe(201);
    return r.body;
  };
  const act = (id: number, action: string, who: string, body: Record<string, unknown> = BODY) => h.call<Reply>('POST', `/api/events/${id}/${action}`, body, who);
  const state = async (id: number) => (await h.call<EventDetail>('GET', `/api/events/${id}`)).body.state;

  describe.each(EVENT_ACTIONS)('%s', (action) => {
    it('is taken by exactly the roles and units that may, refused (403, event unchanged) for the others', async () => {
      const e = await create();
      expect(e.departmentCode).toBe('D07');
      for (const step of SETUP[action]) expect((await act(e.id, step, 'dispatcher-1')).status, step).toBe(200);
      const before = await state(e.id);
      const allowedBy = Object.entries(ROLES).filter(([, r]) => r.allowed.includes(action)).map(([who]) => who);
      for (const [who, role] of Object.entries(ROLES)) {
        if (role.allowed.includes(action)) continue;
        const r = await act(e.id, action, who);
        expect(r.status, `${who} ${action}`).toBe(403);
        expect(r.body.code ?? '', `${who} ${action}`).toMatch(new RegExp(`^(${role.refusedWith})$`));
        expect(await state(e.id), `${who} ${action} left the event alone`).toBe(before);
      }
      // The least powerful role that may (the handler when it may) takes it.
      const taker = allowedBy.includes('hw-officer') ? 'hw-officer' : 'dispatcher-1';
      const done = await act(e.id, action, taker);
      expect(done.status, `${taker} ${action}: ${done.body.detail ?? ''}`).toBe(200);
      expect(done.body.timeline.at(-1)).toMatchObject({ actor: taker });
      // What the event page offers each role is what the server lets it do.
      const fresh = await create();
      for (const step of SETUP[action]) await act(fresh.id, step, 'dispatcher-1');
      const seen = (await h.call<EventDetail>('GET', `/api/events/${fresh.id}`, undefined, 'hw-officer')).body;
      expect(seen.myActions.includes(action)).toBe(ROLES['hw-officer']?.allowed.includes(action));
    });
  });

  it('a handler sees only the events of their unit (or below it); others get 403 naming the lead unit', async () => {
    const e = await create();
    expect((await h.call('GET', `/api/events/${e.id}`, undefined, 'hw-officer')).status).toBe(200);
    const other = await h.call<{ code: string; detail: string }>('GET', `/api/events/${e.id}`, undefined, 'lq-officer');
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('event_out_of_scope');
    expect(other.body.detail).toContain('城管局 (D07)');
    const list = (await h.call<EventList>('GET', '/api/events?limit=500', undefined, 'zj-officer')).body;
    expect(list.items.some((x) => x.id === e.id)).toBe(false);
  });

  it('the town/street below a district: the district handler acts on a town event, the town handler too, another district not', async () => {
    const e = await create();
    expect((await act(e.id, 'reassign', 'dispatcher-1', { departmentCode: PLACES.dongchangfu.town })).body.departmentCode).toBe(PLACES.dongchangfu.town);
    expect((await act(e.id, 'accept', 'lq-officer')).status).toBe(403);
    expect((await act(e.id, 'accept', 'dcf-officer')).status).toBe(200);
    expect((await act(e.id, 'start', 'town-officer')).status).toBe(200);
  });

  it('联合处置: a partner unit sees the event and may add to it, but the lead unit handles it', async () => {
    const e = await create();
    expect((await act(e.id, 'joint', 'dispatcher-1', { partnerCodes: ['D06'] })).status).toBe(200);
    expect((await h.call('GET', `/api/events/${e.id}`, undefined, 'zj-officer')).status).toBe(200);
    const refused = await act(e.id, 'accept', 'zj-officer');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('event_out_of_scope');
    const note = await h.call('POST', `/api/events/${e.id}/attachments`, { name: 'site.txt', mediaType: 'text/plain', contentBase64: Buffer.from('现场照片说明').toString('base64') }, 'zj-officer');
    expect(note.status).toBe(201);
    expect((await h.call('POST', `/api/events/${e.id}/attachments`, { name: 'x.txt', mediaType: 'text/plain', contentBase64: 'eA==' }, 'lq-officer')).status).toBe(403);
  });

  it('a district dispatcher acts on all events of their district and sees no other', async () => {
    const lq = await create({ categoryCode: 'SR02', lon: PLACES.linqing.lon, lat: PLACES.linqing.lat });
    expect(lq.departmentCode).toBe(PLACES.linqing.district);
    const listed = (await h.call<EventList>('GET', '/api/events?limit=500', undefined, 'lq-dispatcher')).body;
    expect(listed.items.length).toBeGreaterThan(0);
    expect(listed.items.every((x) => x.place.districtCode === PLACES.linqing.district)).toBe(true);
    expect((await act(lq.id, 'reassign', 'lq-dispatcher', { departmentCode: PLACES.linqing.town })).status).toBe(200);
    for (const a of ['accept', 'start', 'report']) expect((await act(lq.id, a, 'lq-officer')).status, a).toBe(200);
    expect((await act(lq.id, 'verify', 'lq-dispatcher')).status).toBe(200);
    expect((await act(lq.id, 'close', 'lq-dispatcher')).status).toBe(200);
  });

  it('the unit inbox lists my unit\'s events, overdue first', async () => {
    const late = await create({ categoryCode: 'SR01', title: '早先的暴露垃圾' });
    h.clock.advance(3 * 24 * 3600_000);
    const fresh = await create({ categoryCode: 'SR01', title: '新的暴露垃圾' });
    const inbox = (await h.call<EventList>('GET', '/api/events?mine=true&state=open&sort=urgency&limit=500', undefined, 'hw-officer')).body;
    expect(inbox.items.every((x) => x.departmentCode === 'D07' || x.partnerCodes.includes('D07'))).toBe(true);
    const ids = inbox.items.map((x) => x.id);
    expect(inbox.items[0]?.overdue).toBe(true);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(fresh.id));
    expect(inbox.items.find((x) => x.id === fresh.id)?.overdue).toBe(false);
  });

  it('the service itself refuses an action outside the role, whoever calls it', async () => {
    const e = await create();
    const viewer = await h.module.service.viewer(await h.principal('hw-officer'), 'hw-officer');
    await expect(h.module.service.act(e.id, 'close', {}, viewer)).rejects.toMatchObject({ code: 'action_not_permitted' });
    await expect(h.module.service.viewer(undefined, 'anonymous')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await h.call('GET', `/api/events/${e.id}`, undefined, 'anonymous')).status).toBe(401);
  });
});
