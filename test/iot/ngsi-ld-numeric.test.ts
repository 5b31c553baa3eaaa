// NGSI-LD numeric range filters (q=height>a;height<b) answered with the help of the ngsi_numeric
// btree: the results follow every kind of write (create, batch upsert, attribute update and
// deletion, entity deletion, device readings) and equal the plain jsonb comparison.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, createMqttEngine, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { silent, waterSensor } from './support.ts';

forEachDatabase('NGSI-LD numeric filters', { migrations: [iotMigrations] }, (ctx) => {
  let app: HttpApp;
  let iot: IotModule;
  const clock = fixedClock('2026-07-01T10:00:00Z');

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await app.inject({ method, url: `/ngsi-ld/v1${url}`, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) } : {}) });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as unknown) : null };
  };
  const ids = async (q: string, type = 'WaterObserved'): Promise<string[]> => {
    const r = await call('GET', `/entities?type=${type}&limit=1000&q=${encodeURIComponent(q)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body as Array<{ id: string }>).map((e) => e.id.split(':').pop() ?? '');
  };
  const gauge = (n: number, height: unknown) => ({ id: `urn:ngsi-ld:WaterObserved:g${n}`, type: 'WaterObserved', height: { type: 'Property', value: height } });

  beforeAll(async () => {
    iot = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) });
    app = await createHttpServer({ logger: silent, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(iot.ngsiLd.routes ?? (() => undefined), { prefix: '/ngsi-ld/v1' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('follows creates, batch upserts, updates and deletions', async () => {
    expect((await call('POST', '/entityOperations/create', [gauge(1, 1.5), gauge(2, 2.5), gauge(3, 3.5), gauge(4, '3'), gauge(5, [3]), gauge(6, -0.25)])).status).toBe(201);
    expect(await ids('height>2;height<4')).toEqual(['g2', 'g3']);
    expect(await ids('height==-1..2')).toEqual(['g1', 'g6']);
    expect(await ids('height>=2.5')).toEqual(['g2', 'g3']);
    expect(await ids('height>1;height>=2.5;height<4;height<=3.5')).toEqual(['g2', 'g3']);
    expect(await ids('height>3|height<0')).toEqual(['g3', 'g6']);
    expect(await ids('height<=1.5')).toEqual(['g1', 'g6']);
    // Strings and arrays are not numbers: no numeric comparison matches them.
    expect(await ids('height>0')).not.toContain('g4');

    expect((await call('PATCH', `/entities/urn:ngsi-ld:WaterObserved:g1/attrs/height`, { value: 3.9 })).status).toBe(204);
    expect((await call('POST', '/entityOperations/upsert?options=update', [gauge(2, 9), { ...gauge(7, 3.1), flow: { type: 'Property', value: 3 } }])).status).toBeLessThan(300);
    expect(await ids('height>2;height<4')).toEqual(['g1', 'g3', 'g7']);
    expect(await ids('flow>2')).toEqual(['g7']);

    expect((await call('DELETE', `/entities/urn:ngsi-ld:WaterObserved:g3/attrs/height`)).status).toBe(204);
    expect((await call('DELETE', `/entities/urn:ngsi-ld:WaterObserved:g7`)).status).toBe(204);
    expect(await ids('height>2;height<4')).toEqual(['g1']);
    expect(await ids('height>2|flow>2')).toEqual(['g1', 'g2']);
  });

  it('follows device readings written by ingestion', async () => {
    await iot.registry.register(waterSensor('wl-n'));
    // Entities follow the stored readings within a flush interval; drain waits for that.
    const reading = async (observedAt: string, height: number) => {
      await iot.ingestion.handleMqtt({ topic: 'devices/wl-n/telemetry', payload: Buffer.from(JSON.stringify({ observedAt, values: { height } })), qos: 1, dup: false });
      await iot.drain();
    };
    await reading('2026-07-01T09:59:00Z', 2.2);
    expect(await ids('height>2;height<3')).toEqual(['wl-n']);
    await reading('2026-07-01T09:59:30Z', 7);
    expect(await ids('height>2;height<3')).toEqual([]);
    expect(await ids('height>6')).toEqual(['g2', 'wl-n']);
  });

  it('answers a range from the btree of ngsi_numeric', async () => {
    await ctx.db.query('SET enable_seqscan = off');
    const plan = await ctx.db.query<Record<string, string>>(
      "EXPLAIN SELECT id FROM ngsi_entities WHERE id IN (SELECT n.entity_id FROM ngsi_numeric n WHERE n.attr = 'x' AND n.value >= 1 AND n.value <= 2)",
    );
    await ctx.db.query('SET enable_seqscan = on');
    expect(plan.rows.map((r) => Object.values(r).join(' ')).join('\n')).toMatch(/ngsi_numeric_attr_value/);
    // An update writes only what changed: a number that becomes a string leaves the index, an
    // untouched number stays, a new one joins.
    expect((await call('PATCH', `/entities/urn:ngsi-ld:WaterObserved:g6/attrs/height`, { value: 'low' })).status).toBe(204);
    expect((await call('POST', `/entities/urn:ngsi-ld:WaterObserved:g2/attrs`, { flow: { type: 'Property', value: 4.5 } })).status).toBe(204);
    expect(await ids('height<0')).toEqual([]);
    expect(await ids('height>6;flow>4')).toEqual(['g2']);
    // The side table holds exactly the numeric attribute values of the entities (both directions).
    const numeric = `SELECT e.id, a.key, (coalesce(a.value->'value', a.value->'object') #>> '{}')::float8 FROM ngsi_entities e, jsonb_each(e.attrs) a
      WHERE jsonb_typeof(coalesce(a.value->'value', a.value->'object')) = 'number'`;
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT (SELECT count(*)::int FROM (SELECT entity_id, attr, value FROM ngsi_numeric EXCEPT ${numeric}) d)
            + (SELECT count(*)::int FROM (${numeric} EXCEPT SELECT entity_id, attr, value FROM ngsi_numeric) d) AS n`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});
