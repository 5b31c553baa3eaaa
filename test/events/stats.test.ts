// 按时办结率 statistics are scoped like the big screen: the whole city for a city-wide dispatcher, a
// district's events (led by its units or located in it) for a district grant, a department's own.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cityMigrations } from '../../src/modules/city/index.ts';
import { identityMigrations } from '../../src/modules/identity/index.ts';
import { eventsMigrations, type EventDetail, type Stats } from '../../src/modules/events/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newEvent, PLACES, seedCity, startEvents, type Harness } from './support.ts';

forEachDatabase('events stats scope', { migrations: [cityMigrations, identityMigrations, eventsMigrations] }, (ctx) => {
  let h: Harness;
  beforeAll(async () => {
    await seedCity(ctx.db);
    h = await startEvents(ctx.db, { staff: ['dispatcher-1', 'lq-dispatcher', 'hw-officer', 'dcf-officer'] });
  });
  afterAll(() => h.close());

  const create = async (over: Record<string, unknown>) => (await h.call<EventDetail>('POST', '/api/events', newEvent(over))).body;
  const stats = async (who: string) => {
    const r = await h.call<Stats>('GET', '/api/events/stats', undefined, who);
    expect(r.status).toBe(200);
    return r.body;
  };
  const units = (s: Stats) => s.departments.map((d) => `${d.departmentCode}:${d.total}`);

  it('a city-wide dispatcher sees every unit; a district grant its district; a department its own', async () => {
    expect((await create({ categoryCode: 'SR01' })).departmentCode).toBe('D07');
    expect((await create({ categoryCode: 'JM03' })).departmentCode).toBe('371502');
    expect((await create({ categoryCode: 'SR02', lon: PLACES.linqing.lon, lat: PLACES.linqing.lat })).departmentCode).toBe('371581');

    const city = await stats('dispatcher-1');
    expect(units(city)).toEqual(['371502:1', '371581:1', 'D07:1']);
    expect(city.total).toBe(3);
    // 临清市's dispatcher (events.* scoped to 371581): only 临清市's events.
    const linqing = await stats('lq-dispatcher');
    expect(units(linqing)).toEqual(['371581:1']);
    expect(linqing.total).toBe(1);
    // 东昌府区's handler: the district's events, whichever unit leads them (城管局 D07 handles one there).
    expect(units(await stats('dcf-officer'))).toEqual(['371502:1', 'D07:1']);
    // 城管局's handler: its own department's events only.
    const cg = await stats('hw-officer');
    expect(units(cg)).toEqual(['D07:1']);
    expect(cg.total).toBe(1);
  });
});
