// 联合处置 joint handling: each partner unit accepts and reports its own part; the lead unit reports
// the whole event only when every partner has reported, or a dispatcher overrides with a reason. The
// permissions of each step: who may, who is refused and with which code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type EventDetail } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, seedCity, startEvents, type Harness } from './support.ts';

type Reply = EventDetail & { code?: string; pending?: string[]; field?: string };

forEachDatabase('joint handling', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'lq-dispatcher', 'hw-officer', 'zj-officer', 'yj-officer', 'lq-officer', 'grid-worker-7', 'clerk'] });
  });
  afterAll(() => h.close());

  const act = (id: number, action: string, who: string, body: Record<string, unknown> = {}) => h.call<Reply>('POST', `/api/events/${id}/${action}`, body, who);
  const part = (id: number, step: string, who: string, body: Record<string, unknown> = {}) => h.call<Reply>('POST', `/api/events/${id}/part/${step}`, body, who);
  const view = async (id: number, who = 'dispatcher-1') => (await h.call<EventDetail>('GET', `/api/events/${id}`, undefined, who)).body;

  /** 暴露垃圾 led by 城管局 D07 with 住建局 D06 and 应急局 D12 as partners, accepted and in handling by the lead. */
  async function jointEvent(): Promise<number> {
    const created = await h.call<EventDetail>('POST', '/api/events', newEvent(), 'grid-worker-7');
    expect(created.body.departmentCode).toBe('D07');
    const id = created.body.id;
    expect((await act(id, 'joint', 'dispatcher-1', { partnerCodes: ['D06', 'D12'] })).status).toBe(200);
    for (const a of ['accept', 'start']) expect((await act(id, a, 'hw-officer')).status, a).toBe(200);
    return id;
  }

  describe('a partner unit', () => {
    it('accepts and reports its own part; the event page shows each part and who did it', async () => {
      const id = await jointEvent();
      const before = await view(id, 'zj-officer');
      expect(before.partners.map((p) => [p.unitCode, p.state])).toEqual([['D06', 'assigned'], ['D12', 'assigned']]);
      expect(before.myPartActions).toEqual(['accept']);
      expect(before.myActions).not.toContain('report');

      const accepted = await part(id, 'accept', 'zj-officer', { note: '住建局已签收' });
      expect(accepted.status).toBe(200);
      expect(accepted.body.partners.find((p) => p.unitCode === 'D06')).toMatchObject({ state: 'accepted', acceptedBy: 'zj-officer' });
      expect(accepted.body.myPartActions).toEqual(['report']);
      const reported = await part(id, 'report', 'zj-officer', { note: '井盖已更换' });
      expect(reported.status).toBe(200);
      expect(reported.body.partners.find((p) => p.unitCode === 'D06')).toMatchObject({ state: 'reported', reportedBy: 'zj-officer', note: '井盖已更换' });
      expect(reported.body.partnersPending).toEqual(['D12']);
      expect(reported.body.myPartActions).toEqual([]);
      expect(reported.body.state).toBe('handling');
      const steps = reported.body.timeline.filter((t) => t.action.startsWith('part_')).map((t) => [t.action, t.actor, t.departmentCode]);
      expect(steps).toEqual([['part_accepted', 'zj-officer', 'D06'], ['part_reported', 'zj-officer', 'D06']]);
    });

    it('cannot report before accepting, accept twice, or act on the whole event', async () => {
      const id = await jointEvent();
      const early = await part(id, 'report', 'yj-officer');
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('transition_not_allowed');
      expect((await part(id, 'accept', 'yj-officer')).status).toBe(200);
      expect((await part(id, 'accept', 'yj-officer')).body.code).toBe('transition_not_allowed');
      const whole = await act(id, 'report', 'yj-officer', { note: 'x' });
      expect(whole.status).toBe(403);
      expect(whole.body.code).toBe('event_out_of_scope');
    });
  });

  describe('refused', () => {
    it('the lead unit, another unit, staff without the handle permission, and a unit that is not a partner', async () => {
      const id = await jointEvent();
      const lead = await part(id, 'accept', 'hw-officer');
      expect(lead.status).toBe(403);
      expect(lead.body.code).toBe('event_out_of_scope');
      expect((await part(id, 'accept', 'lq-officer')).status).toBe(403);
      const clerk = await part(id, 'accept', 'clerk');
      expect(clerk.status).toBe(403);
      expect(clerk.body.code).toBe('permission_denied');
      const notPartner = await part(id, 'accept', 'zj-officer', { unitCode: 'D02' });
      expect(notPartner.status).toBe(400);
      expect(notPartner.body).toMatchObject({ code: 'partners_invalid' });
      expect(JSON.stringify(notPartner.body)).toContain('/body/unitCode');
      const solo = await h.call<EventDetail>('POST', '/api/events', newEvent(), 'grid-worker-7');
      expect((await part(solo.body.id, 'accept', 'zj-officer')).status).toBe(403);
      expect((await view(id)).partners.every((p) => p.state === 'assigned')).toBe(true);
    });
  });

  describe('the lead', () => {
    it('reports the event only when every partner has reported', async () => {
      const id = await jointEvent();
      const early = await act(id, 'report', 'hw-officer', { note: '主办部分完成' });
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'partners_pending', pending: ['D06', 'D12'] });
      for (const who of ['zj-officer', 'yj-officer']) {
        expect((await part(id, 'accept', who)).status).toBe(200);
        expect((await part(id, 'report', who)).status).toBe(200);
      }
      const done = await act(id, 'report', 'hw-officer', { note: '联合处置完成' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ state: 'reported', partnersPending: [] });
    });

    it('a rejected report (核查不通过) sends the partners\' parts back to work too', async () => {
      const id = await jointEvent();
      for (const who of ['zj-officer', 'yj-officer']) {
        await part(id, 'accept', who);
        await part(id, 'report', who);
      }
      expect((await act(id, 'report', 'hw-officer')).status).toBe(200);
      const rejected = await act(id, 'reject', 'dispatcher-1', { note: '现场仍有积水' });
      expect(rejected.status).toBe(200);
      expect(rejected.body.partners.map((p) => p.state)).toEqual(['accepted', 'accepted']);
      expect((await act(id, 'report', 'hw-officer')).body.code).toBe('partners_pending');
    });

    it('cannot override; a dispatcher of the region can, only with a reason, and the timeline says so', async () => {
      const id = await jointEvent();
      const lead = await act(id, 'report', 'hw-officer', { override: true, note: '等不及了' });
      expect(lead.status).toBe(403);
      expect(lead.body.code).toBe('action_not_permitted');
      const otherRegion = await act(id, 'report', 'lq-dispatcher', { override: true, note: '越权' });
      expect(otherRegion.status).toBe(403);
      const noReason = await act(id, 'report', 'dispatcher-1', { override: true });
      expect(noReason.status).toBe(400);
      expect(noReason.body.code).toBe('reason_required');
      const overridden = await act(id, 'report', 'dispatcher-1', { override: true, note: '应急局现场已撤离，由指挥中心确认' });
      expect(overridden.status).toBe(200);
      expect(overridden.body.state).toBe('reported');
      const entry = overridden.body.timeline.find((t) => t.action === 'reported');
      expect(entry).toMatchObject({ actor: 'dispatcher-1' });
      expect(entry?.note).toContain('override: D06, D12');
      expect(entry?.note).toContain('应急局现场已撤离');
    });
  });
});
