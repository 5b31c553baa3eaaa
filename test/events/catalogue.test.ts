// The event catalogue and the working calendar as staff edit them: categories created, edited,
// disabled (never deleted while in use), holidays and make-up working days that deadlines follow.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { eventsMigrations, type CalendarView, type Category, type EventDetail } from '../../src/modules/events/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, seedCity, startEvents, type Harness } from './support.ts';

type Problem = { code: string; field?: string; detail?: string };

forEachDatabase('events catalogue and calendar', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'hw-officer'] });
  });
  afterAll(() => h.close());

  const cat = (over: Record<string, unknown> = {}) => ({ code: 'SZ07', name: '消防栓损坏', nameEn: 'Damaged fire hydrant', parentCode: 'SZ', limits: { normal: 960, major: 480, urgent: 120 }, workingHours: true, ...over });

  it('adds a sub-class with its limits; it routes like its class and times like itself', async () => {
    const r = await h.call<Category>('POST', '/api/events/categories', cat());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: 'SZ07', parentCode: 'SZ', active: true, updatedBy: 'dispatcher-1', limits: { urgent: 120 } });
    const e = (await h.call<EventDetail>('POST', '/api/events', newEvent({ categoryCode: 'SZ07', severity: 'urgent' }))).body;
    expect(e.departmentCode).toBe('D06');
    // Monday 10:00 + 120 working minutes → 12:00 CST.
    expect(e.deadlineAt).toBe('2026-03-02T04:00:00.000Z');
  });

  it('refuses a bad code, a wrong parent, limits growing with severity, a duplicate — naming the field', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [cat({ code: 'sz7' }), 400, '', 'code'],
      [cat({ code: 'SR09' }), 400, 'category_invalid', '/body/parentCode'],
      [cat({ code: 'QQ01', parentCode: 'QQ' }), 400, 'category_invalid', '/body/parentCode'],
      [cat({ code: 'SZ08', limits: { normal: 60, major: 120, urgent: 30 } }), 400, 'category_invalid', '/body/limits'],
      [cat({ code: 'SZ09', limits: { normal: 0, major: 0, urgent: 0 } }), 400, '', 'limits'],
      [cat(), 409, 'category_exists', '/body/code'],
    ];
    for (const [body, status, code, field] of cases) {
      const r = await h.call<Problem>('POST', '/api/events/categories', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      if (code) expect(r.body).toMatchObject({ code, field });
      else expect(JSON.stringify(r.body)).toContain(field);
    }
    expect((await h.call('POST', '/api/events/categories', cat({ code: 'SZ10' }), 'hw-officer')).status).toBe(403);
  });

  it('edits limits; disables a category in use (new events refused, old ones kept) but will not delete it', async () => {
    const edited = await h.call<Category>('PATCH', '/api/events/categories/SZ07', { limits: { normal: 1440, major: 480, urgent: 60 }, workingHours: false });
    expect(edited.body).toMatchObject({ limits: { urgent: 60 }, workingHours: false });
    const del = await h.call<Problem & { events: number }>('DELETE', '/api/events/categories/SZ07');
    expect(del.status).toBe(409);
    expect(del.body).toMatchObject({ code: 'category_in_use', events: 1 });
    expect((await h.call<Category>('PATCH', '/api/events/categories/SZ07', { active: false })).body.active).toBe(false);
    const refused = await h.call<Problem>('POST', '/api/events', newEvent({ categoryCode: 'SZ07' }));
    expect(refused.body).toMatchObject({ code: 'category_unknown', field: '/body/categoryCode' });
    expect((await h.call<Category[]>('GET', '/api/events/categories')).body.some((c) => c.code === 'SZ07')).toBe(false);
    expect((await h.call<Category[]>('GET', '/api/events/categories?includeDisabled=true')).body.find((c) => c.code === 'SZ07')?.active).toBe(false);
    expect((await h.call<Category>('PATCH', '/api/events/categories/SZ07', { active: true })).body.active).toBe(true);
    // Unused: deleted.
    expect((await h.call('POST', '/api/events/categories', cat({ code: 'XC03', parentCode: 'XC', name: '条幅', nameEn: 'Banner' }))).status).toBe(201);
    expect((await h.call('DELETE', '/api/events/categories/XC03')).status).toBe(204);
    expect((await h.call<Problem>('DELETE', '/api/events/categories/XC03')).status).toBe(404);
  });

  it('serves the year\'s official holidays and make-up days as data, and edits them', async () => {
    const y = (await h.call<CalendarView>('GET', '/api/events/calendar?year=2026')).body;
    expect(y.days.filter((d) => d.kind === 'holiday' && d.name === '国庆节')).toHaveLength(7);
    expect(y.days.find((d) => d.date === '2026-10-10')).toMatchObject({ kind: 'workday' });
    const bad = await h.call<Problem>('PUT', '/api/events/calendar/days', { days: [{ date: '2026-02-30', kind: 'holiday', name: 'x' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('days/0/date');
    const weekday = await h.call<Problem>('PUT', '/api/events/calendar/days', { days: [{ date: '2026-11-25', kind: 'workday' }] });
    expect(weekday.body).toMatchObject({ code: 'calendar_day_invalid', field: '/body/days/0/kind' });
    expect((await h.call('PUT', '/api/events/calendar/days', { days: [{ date: '2026-11-25', kind: 'holiday', name: '测试' }] }, 'hw-officer')).status).toBe(403);
  });

  it('deadlines skip a holiday and count a make-up Saturday (国庆 2026)', async () => {
    // Wednesday 30 Sep 16:00 CST, 暴露垃圾 normal = 480 working minutes: 90 on the 30th, 1–7 Oct are
    // holidays, 450 on Thursday 8 Oct… → Thursday 8 Oct 16:30 CST.
    h.clock.set('2026-09-30T08:00:00Z');
    expect((await h.call<EventDetail>('POST', '/api/events', newEvent({ categoryCode: 'SR01' }))).body.deadlineAt).toBe('2026-10-08T08:30:00.000Z');
    // Friday 9 Oct 16:00 + 480: 90 on Friday, 390 on Saturday 10 Oct (调休上班) → Saturday 16:30, not Monday.
    h.clock.set('2026-10-09T08:00:00Z');
    expect((await h.call<EventDetail>('POST', '/api/events', newEvent({ categoryCode: 'SR01' }))).body.deadlineAt).toBe('2026-10-10T08:30:00.000Z');
    // Made a holiday through the API, Saturday no longer counts and the deadline moves to Monday.
    expect((await h.call('PUT', '/api/events/calendar/days', { days: [{ date: '2026-10-10', kind: 'holiday', name: '改为休息' }] })).status).toBe(200);
    expect((await h.call<EventDetail>('POST', '/api/events', newEvent({ categoryCode: 'SR01' }))).body.deadlineAt).toBe('2026-10-12T08:30:00.000Z');
    expect((await h.call('DELETE', '/api/events/calendar/days/2026-10-10')).status).toBe(204);
    expect((await h.call('DELETE', '/api/events/calendar/days/2026-10-10')).status).toBe(404);
  });
});
