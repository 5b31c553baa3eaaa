// NGSI-LD API over a real database (PGlite, and PostgreSQL when DATABASE_URL is set): entities in
// normalized and keyValues form, @context handling offline, every q operator, geo-queries, batch
// operations with a bad entity, subscriptions notifying a real HTTP server, temporal queries with
// aggregation from device readings, and NGSI-LD errors naming the bad member.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import { CORE_CONTEXT } from '../../src/modules/iot/ngsi-ld/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, createMqttEngine, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { silent, waterSensor } from './support.ts';

const CORE = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld';
const coreLink = `<${CORE}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';

/** A JSON answer, read loosely in assertions. */
interface Json {
  readonly [key: string]: Json;
}
const list = <T = { id: string }>(body: Json): T[] => body as unknown as T[];

interface Res {
  status: number;
  body: Json;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A local HTTP server that records the notifications it receives. */
async function notificationSink(status = 200): Promise<{ url: string; received: Array<{ headers: http.IncomingHttpHeaders; body: Json }>; close: () => Promise<void>; waitFor: (n: number) => Promise<void> }> {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: Json }> = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) as Json });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    async waitFor(n) {
      for (let i = 0; i < 200 && received.length < n; i++) await new Promise((r) => setTimeout(r, 25));
    },
  };
}

forEachDatabase('NGSI-LD API', { migrations: [iotMigrations] }, (ctx) => {
  let app: HttpApp;
  let iot: IotModule;
  const clock = fixedClock(new Date());

  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const res = await app.inject({
      method: method as 'GET',
      url: `/ngsi-ld/v1${url}`,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = res.body;
    return { status: res.statusCode, body: (text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text) as Json, headers: res.headers };
  }
  const get = (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers);

  beforeAll(async () => {
    iot = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) }, { ngsiLd: { retryDelaysMs: [20, 40] } });
    app = await createHttpServer({ logger: silent, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(iot.ngsiLd.routes ?? (() => undefined), { prefix: '/ngsi-ld/v1' });
    await app.ready();
    await iot.ngsiLd.start?.();
  });
  afterAll(async () => {
    await iot.ngsiLd.stop?.();
    await app.close();
  });

  const river = (n: number, height: number, extra: Record<string, unknown> = {}) => ({
    id: `urn:ngsi-ld:WaterObserved:river-${n}`,
    type: 'WaterObserved',
    height: { type: 'Property', value: height, unitCode: 'MTR', observedAt: '2026-07-01T08:00:00Z' },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [115.98 + n * 0.01, 36.45] } },
    ...extra,
  });

  it('serves the core @context itself, as JSON-LD, with no network', async () => {
    const r = await get('/contexts/core');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(r.body['@context']).toMatchObject({ value: 'ngsi-ld:hasValue', Property: 'ngsi-ld:Property', '@vocab': 'https://uri.etsi.org/ngsi-ld/default-context/' });
    // The whole core context, not only the terms this implementation uses.
    const served = r.body['@context'] as unknown as Record<string, string | { '@id': string; '@type'?: string; '@container'?: string }>;
    expect(Object.keys(served).length).toBeGreaterThan(170);
    expect(served).toMatchObject({
      '@version': 1.1,
      '@protected': true,
      object: { '@id': 'ngsi-ld:hasObject', '@type': '@id' },
      languageMap: { '@id': 'ngsi-ld:hasLanguageMap', '@container': '@language' },
      GeoProperty: 'ngsi-ld:GeoProperty',
      Relationship: 'ngsi-ld:Relationship',
      LanguageProperty: 'ngsi-ld:LanguageProperty',
      observedAt: { '@id': 'ngsi-ld:observedAt', '@type': 'DateTime' },
      instanceId: { '@id': 'ngsi-ld:instanceId', '@type': '@id' },
      unitCode: 'ngsi-ld:unitCode',
      observationSpace: 'ngsi-ld:observationSpace',
      operationSpace: 'ngsi-ld:operationSpace',
      Feature: 'geojson:Feature',
      FeatureCollection: 'geojson:FeatureCollection',
      features: { '@container': '@set', '@id': 'geojson:features' },
      MultiPolygon: 'geojson:MultiPolygon',
      ContextSourceRegistration: 'ngsi-ld:ContextSourceRegistration',
      endpoint: 'ngsi-ld:endpoint',
      triggerReason: 'ngsi-ld:triggerReason',
      timeproperty: 'ngsi-ld:timeproperty',
      stddev: { '@id': 'ngsi-ld:stddev', '@container': '@list' },
      deletedAt: { '@id': 'ngsi-ld:deletedAt', '@type': 'DateTime' },
    });
    // Each term expands to the IRI it defines.
    const prefixes: Record<string, string> = { 'ngsi-ld': 'https://uri.etsi.org/ngsi-ld/', geojson: 'https://purl.org/geojson/vocab#' };
    for (const [term, def] of Object.entries(served)) {
      if (term.startsWith('@') || term in prefixes || term === 'id' || term === 'type') continue;
      const raw = typeof def === 'string' ? def : def['@id'];
      const colon = raw.indexOf(':');
      const iri = colon > 0 && prefixes[raw.slice(0, colon)] ? `${prefixes[raw.slice(0, colon)] ?? ''}${raw.slice(colon + 1)}` : raw.includes(':') ? raw : `https://uri.etsi.org/ngsi-ld/default-context/${raw}`;
      expect(CORE_CONTEXT.terms.get(term), term).toBe(iri);
    }
  });

  it('creates an entity and reads it back normalized and as keyValues', async () => {
    const e = {
      ...river(1, 2.5),
      name: { type: 'Property', value: '徒骇河 1 号' },
      refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:wl-1' },
      measurement: { type: 'Property', value: { depth: 3, quality: 'good' }, accuracy: { type: 'Property', value: 0.05 } },
    };
    const created = await call('POST', '/entities', e);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/ngsi-ld/v1/entities/urn%3Angsi-ld%3AWaterObserved%3Ariver-1');

    const normalized = await get(`/entities/${encodeURIComponent(e.id)}`);
    expect(normalized.status).toBe(200);
    expect(normalized.headers.link).toMatch(/contexts\/core>; rel="http:\/\/www.w3.org\/ns\/json-ld#context"/);
    expect(normalized.body).toEqual({
      id: e.id,
      type: 'WaterObserved',
      height: { type: 'Property', value: 2.5, unitCode: 'MTR', observedAt: '2026-07-01T08:00:00.000Z' },
      location: e.location,
      name: e.name,
      refDevice: e.refDevice,
      measurement: { type: 'Property', value: { depth: 3, quality: 'good' }, accuracy: { type: 'Property', value: 0.05 } },
    });
    const kv = await get(`/entities/${encodeURIComponent(e.id)}?options=keyValues&attrs=height,refDevice`);
    expect(kv.body).toEqual({ id: e.id, type: 'WaterObserved', height: 2.5, refDevice: 'urn:ngsi-ld:Device:wl-1' });

    const ld = await get(`/entities/${encodeURIComponent(e.id)}?attrs=height`, { accept: 'application/ld+json' });
    expect(ld.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(ld.body['@context']).toMatch(/\/ngsi-ld\/v1\/contexts\/core$/);

    // Concise input: bare values become Properties.
    expect((await call('POST', '/entities', { id: 'urn:ngsi-ld:Thing:c1', type: 'Thing', level: 7 })).status).toBe(201);
    expect((await get('/entities/urn:ngsi-ld:Thing:c1')).body.level).toEqual({ type: 'Property', value: 7 });
  });

  it('expands names with a user @context given inline, and never fetches a remote one', async () => {
    const userContext = { sdm: 'https://smartdatamodels.org/dataModel.Environment/', height: 'sdm:height', WaterObserved: 'sdm:WaterObserved' };
    const body = { ...river(90, 4.5), '@context': [userContext, CORE] };
    const created = await call('POST', '/entities', JSON.stringify(body), { 'content-type': 'application/ld+json' });
    expect(created.status).toBe(201);
    const rows = await ctx.db.query<{ type: string; keys: string[] }>("SELECT type, ARRAY(SELECT jsonb_object_keys(attrs)) AS keys FROM ngsi_entities WHERE id = 'urn:ngsi-ld:WaterObserved:river-90'");
    expect(rows.rows[0]?.type).toBe('https://smartdatamodels.org/dataModel.Environment/WaterObserved');
    expect(rows.rows[0]?.keys).toContain('https://smartdatamodels.org/dataModel.Environment/height');

    // With the core context only, the same attribute is shown by its full IRI.
    const plain = await get('/entities/urn:ngsi-ld:WaterObserved:river-90?options=keyValues', { link: coreLink });
    expect(plain.body['https://smartdatamodels.org/dataModel.Environment/height']).toBe(4.5);
    // Queried with the user's context (JSON-LD body), it is compacted back.
    const q = await call('POST', '/entityOperations/query', { type: 'Query', entities: [{ type: 'WaterObserved' }], q: 'height>4', '@context': userContext });
    expect(list(q.body).map((e) => e.id)).toEqual(['urn:ngsi-ld:WaterObserved:river-90']);
    expect(q.body[0]?.height?.value).toBe(4.5);

    const remote = await call('POST', '/entities', JSON.stringify({ ...river(91, 1), '@context': 'https://example.org/remote-context.jsonld' }), { 'content-type': 'application/ld+json' });
    expect(remote.status).toBe(503);
    expect(remote.body).toMatchObject({ type: `${ERR}LdContextNotAvailable`, field: '/body/@context' });
  });

  it('answers NGSI-LD problem details naming the bad member', async () => {
    const noValue = await call('POST', '/entities', { id: 'urn:ngsi-ld:WaterObserved:bad', type: 'WaterObserved', height: { type: 'Property' } });
    expect(noValue.status).toBe(400);
    expect(noValue.body).toMatchObject({ type: `${ERR}BadRequestData`, title: 'BadRequestData', status: 400, field: '/body/height/value' });
    expect((await call('POST', '/entities', { id: 'not a uri', type: 'T' })).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/body/id' });
    const badGeo = await call('POST', '/entities', { id: 'urn:x:1', type: 'T', location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [200, 1] } } });
    expect(badGeo.body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/body/location/value/coordinates' });
    expect((await call('POST', '/entities', river(1, 1))).body).toMatchObject({ type: `${ERR}AlreadyExists`, status: 409, field: '/body/id' });
    expect((await get('/entities/urn:ngsi-ld:WaterObserved:nope')).body).toMatchObject({ type: `${ERR}ResourceNotFound`, status: 404 });
    expect((await call('POST', '/entities', '{"id": ', { 'content-type': 'application/ld+json' })).body).toMatchObject({ type: `${ERR}InvalidRequest`, status: 400 });
    expect((await get('/entities?q=height>>3&type=WaterObserved')).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/query/q' });
    expect((await get('/entities')).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/query/type' });
    expect((await get('/entities?type=WaterObserved&limit=abc')).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/querystring/limit' });
  });

  it('appends, updates, partially updates and deletes attributes', async () => {
    const id = encodeURIComponent('urn:ngsi-ld:WaterObserved:river-1');
    expect((await call('POST', `/entities/${id}/attrs`, { flow: { type: 'Property', value: 12 } })).status).toBe(204);
    const keep = await call('POST', `/entities/${id}/attrs?options=noOverwrite`, { flow: { type: 'Property', value: 99 } });
    expect(keep.status).toBe(207);
    expect(keep.body.notUpdated?.[0]?.attributeName).toMatch(/flow$/);
    const patch = await call('PATCH', `/entities/${id}/attrs`, { height: { type: 'Property', value: 2.75 }, ghost: { type: 'Property', value: 1 } });
    expect(patch.status).toBe(207);
    expect(patch.body.updated).toHaveLength(1);
    expect((await call('PATCH', `/entities/${id}/attrs/flow`, { value: 13, observedAt: '2026-07-01T09:00:00Z' })).status).toBe(204);
    const kv = (await get(`/entities/${id}?attrs=flow,height`)).body;
    expect(kv.flow).toEqual({ type: 'Property', value: 13, observedAt: '2026-07-01T09:00:00.000Z' });
    expect(kv.height?.value).toBe(2.75);
    expect((await call('DELETE', `/entities/${id}/attrs/flow`)).status).toBe(204);
    expect((await call('DELETE', `/entities/${id}/attrs/flow`)).body).toMatchObject({ type: `${ERR}ResourceNotFound`, field: '/params/attrId' });
    expect((await get(`/entities/${id}`)).body.flow).toBeUndefined();
  });

  describe('query', () => {
    beforeAll(async () => {
      const entities = [
        river(10, 1.0, { status: 'normal', tags: ['a', 'b'], refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:d10' } }),
        river(11, 2.0, { status: 'warning', tags: ['b'] }),
        river(12, 3.0, { status: 'alarm', measurement: { type: 'Property', value: { depth: 7 } } }),
        river(13, 4.0, { status: 'alarm', dateObserved: { type: 'Property', value: '2026-07-02T00:00:00Z' } }),
        river(14, 5.0, { status: 'normal', sensorType: { type: 'Property', value: 'radar', accuracy: { type: 'Property', value: 0.01 } } }),
      ];
      const r = await call('POST', '/entityOperations/create', entities);
      expect(r.status).toBe(201);
    });
    const ids = async (query: string): Promise<number[]> => {
      const r = await get(`/entities?type=WaterObserved&idPattern=river-1[0-9]$&limit=100&${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return list(r.body).map((e) => Number(e.id.split('-').pop()));
    };
    const q = (s: string) => ids(`q=${encodeURIComponent(s)}`);

    it('evaluates every q operator in SQL', async () => {
      expect(await q('height==3')).toEqual([12]);
      expect(await q('height!=3')).toEqual([10, 11, 13, 14]);
      expect(await q('height>3')).toEqual([13, 14]);
      expect(await q('height>=3')).toEqual([12, 13, 14]);
      expect(await q('height<2')).toEqual([10]);
      expect(await q('height<=2')).toEqual([10, 11]);
      expect(await q('height==2..4')).toEqual([11, 12, 13]);
      expect(await q('status=="alarm","warning"')).toEqual([11, 12, 13]);
      expect(await q('status~=ar')).toEqual([11, 12, 13]);
      expect(await q('status!~=ar')).toEqual([10, 14]);
      expect(await q('status=="normal";height>2')).toEqual([14]);
      expect(await q('status=="warning"|height>4')).toEqual([11, 14]);
      expect(await q('(status=="alarm"|status=="warning");height<4')).toEqual([11, 12]);
      expect(await q('tags=="a"')).toEqual([10]);
      expect(await q('refDevice=="urn:ngsi-ld:Device:d10"')).toEqual([10]);
      expect(await q('measurement')).toEqual([12]);
      expect(await q('measurement[depth]>5')).toEqual([12]);
      expect(await q('sensorType.accuracy<0.1')).toEqual([14]);
      expect(await q('height.observedAt==2026-07-01T08:00:00Z')).toEqual([10, 11, 12, 13, 14]);
      expect(await q('dateObserved>"2026-07-01T00:00:00Z"')).toEqual([13]);
    });

    it('answers geo-queries near and within, limit/offset and count', async () => {
      // river-n is at 115.98 + n × 0.01 E: 0.01° ≈ 895 m at 36.45° N.
      expect(await ids(`georel=near;maxDistance==800&geometry=Point&coordinates=${encodeURIComponent('[116.1,36.45]')}`)).toEqual([12]);
      expect(await ids(`georel=near;maxDistance==1500&geometry=Point&coordinates=[116.1,36.45]`)).toEqual([11, 12, 13]);
      expect(await ids(`georel=near;minDistance==1500&geometry=Point&coordinates=[116.1,36.45]`)).toEqual([10, 14]);
      const square = JSON.stringify([[[116.085, 36.4], [116.085, 36.5], [116.105, 36.5], [116.105, 36.4], [116.085, 36.4]]]);
      expect(await ids(`georel=within&geometry=Polygon&coordinates=${encodeURIComponent(square)}`)).toEqual([11, 12]);
      expect(await ids(`georel=intersects&geometry=Polygon&coordinates=${encodeURIComponent(square)}`)).toEqual([11, 12]);
      const bad = await get(`/entities?type=WaterObserved&georel=near&geometry=Point&coordinates=[116.1,36.45]`);
      expect(bad.body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/query/georel' });

      const page = await get('/entities?type=WaterObserved&idPattern=river-1%5B0-9%5D&limit=2&offset=1&count=true');
      expect(page.headers['ngsild-results-count']).toBe('5');
      expect(list(page.body).map((e) => e.id)).toEqual(['urn:ngsi-ld:WaterObserved:river-11', 'urn:ngsi-ld:WaterObserved:river-12']);
      const countOnly = await get('/entities?type=WaterObserved&q=status=="alarm"&limit=0&count=true');
      expect(countOnly.headers['ngsild-results-count']).toBe('2');
      expect(countOnly.body).toEqual([]);
    });

    it('uses the indexes it filters on', async () => {
      const plan = await ctx.db.query<Record<string, string>>(
        `EXPLAIN SELECT id FROM ngsi_entities WHERE shape <@ '((0,0),(0,1),(1,1),(1,0))'::polygon AND attrs @> '{"x":{"value":1}}'::jsonb`,
      );
      const text = plan.rows.map((r) => Object.values(r).join(' ')).join('\n');
      await ctx.db.query('SET enable_seqscan = off');
      const forced = (await ctx.db.query<Record<string, string>>(`EXPLAIN SELECT id FROM ngsi_entities WHERE shape <@ '((0,0),(0,1),(1,1),(1,0))'::polygon`)).rows.map((r) => Object.values(r).join(' ')).join('\n');
      const gin = (await ctx.db.query<Record<string, string>>(`EXPLAIN SELECT id FROM ngsi_entities WHERE attrs @> '{"x":{"value":1}}'::jsonb`)).rows.map((r) => Object.values(r).join(' ')).join('\n');
      await ctx.db.query('SET enable_seqscan = on');
      expect(text).toBeTruthy();
      expect(forced).toMatch(/ngsi_entities_shape/);
      expect(gin).toMatch(/ngsi_entities_attrs/);
    });
  });

  it('runs batch operations where a bad entity never fails the others (207)', async () => {
    const batch = [river(20, 1), { id: 'urn:ngsi-ld:WaterObserved:river-21', type: 'WaterObserved', height: { type: 'Property' } }, river(22, 2), river(20, 3)];
    const r = await call('POST', '/entityOperations/create', batch);
    expect(r.status).toBe(207);
    expect(r.body.success).toEqual(['urn:ngsi-ld:WaterObserved:river-20', 'urn:ngsi-ld:WaterObserved:river-22']);
    expect(r.body.errors).toMatchObject([
      { entityId: 'urn:ngsi-ld:WaterObserved:river-21', index: 1, error: { type: `${ERR}BadRequestData`, field: '/body/1/height/value' } },
      { entityId: 'urn:ngsi-ld:WaterObserved:river-20', index: 3, error: { type: `${ERR}AlreadyExists` } },
    ]);
    expect(list(r.body.errors ?? {})).toHaveLength(2);
    expect((await get('/entities/urn:ngsi-ld:WaterObserved:river-22')).status).toBe(200);

    // upsert (replace by default): river-20 loses its location; update mode merges.
    const up = await call('POST', '/entityOperations/upsert', [{ id: 'urn:ngsi-ld:WaterObserved:river-20', type: 'WaterObserved', flow: 5 }, river(23, 1)]);
    expect(up.status).toBe(201);
    expect(up.body).toEqual(['urn:ngsi-ld:WaterObserved:river-23']);
    expect(Object.keys((await get('/entities/urn:ngsi-ld:WaterObserved:river-20')).body).sort()).toEqual(['flow', 'id', 'type']);
    expect((await call('POST', '/entityOperations/upsert?options=update', [{ id: 'urn:ngsi-ld:WaterObserved:river-20', type: 'WaterObserved', height: 9 }])).status).toBe(204);
    expect((await get('/entities/urn:ngsi-ld:WaterObserved:river-20?options=keyValues')).body).toEqual({ id: 'urn:ngsi-ld:WaterObserved:river-20', type: 'WaterObserved', flow: 5, height: 9 });

    const upd = await call('POST', '/entityOperations/update', [{ id: 'urn:ngsi-ld:WaterObserved:river-22', type: 'WaterObserved', height: 8 }, { id: 'urn:ngsi-ld:WaterObserved:missing', type: 'WaterObserved', height: 1 }]);
    expect(upd.status).toBe(207);
    expect(upd.body.errors?.[0]).toMatchObject({ entityId: 'urn:ngsi-ld:WaterObserved:missing', error: { type: `${ERR}ResourceNotFound` } });
    const del = await call('POST', '/entityOperations/delete', ['urn:ngsi-ld:WaterObserved:river-22', 'urn:ngsi-ld:WaterObserved:missing', 'bad id']);
    expect(del.status).toBe(207);
    expect(del.body.success).toEqual(['urn:ngsi-ld:WaterObserved:river-22']);
    expect(list<{ index: number }>(del.body.errors ?? {}).map((e) => e.index)).toEqual([1, 2]);
    expect((await get('/entities/urn:ngsi-ld:WaterObserved:river-22')).status).toBe(404);
    expect((await call('DELETE', '/entities/urn:ngsi-ld:WaterObserved:river-23')).status).toBe(204);
  });

  it('notifies subscriptions over HTTP and records the outcome', async () => {
    const sink = await notificationSink();
    try {
      const sub = await call('POST', '/subscriptions', {
        type: 'Subscription',
        entities: [{ type: 'WaterObserved', idPattern: '^urn:ngsi-ld:WaterObserved:river-3' }],
        watchedAttributes: ['height'],
        q: 'height>5',
        notification: { attributes: ['height'], format: 'keyValues', endpoint: { uri: sink.url, accept: 'application/json' } },
      });
      expect(sub.status).toBe(201);
      const subId = String(sub.headers.location).split('/').pop() ?? '';
      await call('POST', '/entities', river(30, 1)); // q does not match: no notification
      await call('PATCH', `/entities/urn:ngsi-ld:WaterObserved:river-30/attrs`, { name: { type: 'Property', value: 'x' } }); // not a watched attribute
      await call('PATCH', `/entities/urn:ngsi-ld:WaterObserved:river-30/attrs`, { height: { type: 'Property', value: 6.5 } });
      await sink.waitFor(1);
      await iot.ngsiLd.subscriptions.idle();
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]?.body).toMatchObject({ type: 'Notification', subscriptionId: decodeURIComponent(subId), data: [{ id: 'urn:ngsi-ld:WaterObserved:river-30', type: 'WaterObserved', height: 6.5 }] });
      expect(sink.received[0]?.headers.link).toContain('json-ld#context');
      const status = (await get(`/subscriptions/${subId}`)).body;
      expect(status.notification).toMatchObject({ status: 'ok', timesSent: 1 });
      expect(status.notification?.lastSuccess).toBeTruthy();
      expect(status.watchedAttributes).toEqual(['height']);
    } finally {
      await sink.close();
    }

    // An endpoint that fails is retried, then recorded as a failure.
    const failing = await notificationSink(500);
    try {
      const sub = await call('POST', '/subscriptions', { type: 'Subscription', entities: [{ type: 'Pump' }], notification: { endpoint: { uri: failing.url } } });
      await call('POST', '/entities', { id: 'urn:ngsi-ld:Pump:1', type: 'Pump', power: 1 });
      await failing.waitFor(3);
      await iot.ngsiLd.subscriptions.idle();
      expect(failing.received).toHaveLength(3);
      const status = (await get(`/subscriptions/${String(sub.headers.location).split('/').pop()}`)).body;
      expect(status.notification).toMatchObject({ status: 'failed', timesSent: 1, timesFailed: 1, lastFailureReason: 'HTTP 500' });
    } finally {
      await failing.close();
    }
    expect((await call('POST', '/subscriptions', { type: 'Subscription', entities: [{ type: 'Pump' }], notification: { endpoint: { uri: 'ftp://x' } } })).body).toMatchObject({
      type: `${ERR}BadRequestData`,
      field: '/body/notification/endpoint/uri',
    });
  });

  it('shows device readings as entity updates and answers temporal queries with aggregation', async () => {
    const id = 'wl-temporal';
    const { token } = await iot.registry.register(waterSensor(id));
    await iot.ngsiLd.devices.sync();
    const device = await get(`/entities/urn:ngsi-ld:Device:${id}?options=keyValues`);
    expect(device.body).toMatchObject({ type: 'Device', name: waterSensor(id).name, controlledProperty: ['height', 'temperature'], location: { type: 'Point', coordinates: [115.98, 36.45] } });

    const hour = Math.floor(clock.now().getTime() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    for (let m = 0; m < 120; m += 10) {
      await iot.ingestion.handleHttp(id, token, { observedAt: new Date(hour + m * 60_000).toISOString(), values: { height: m / 10 } });
    }
    await iot.drain();
    const observed = await get(`/entities/urn:ngsi-ld:WaterObserved:${id}`);
    expect(observed.body.height).toEqual({ type: 'Property', value: 11, observedAt: new Date(hour + 110 * 60_000).toISOString(), unitCode: 'MTR' });
    expect(observed.body.refDevice).toEqual({ type: 'Relationship', object: `urn:ngsi-ld:Device:${id}` });
    // A late (older) reading does not move the entity back in time.
    await iot.ingestion.handleHttp(id, token, { observedAt: new Date(hour + 5 * 60_000).toISOString(), values: { height: 0.5 } });
    await iot.drain();
    expect((await get(`/entities/urn:ngsi-ld:WaterObserved:${id}?options=keyValues`)).body.height).toBe(11);

    const from = new Date(hour).toISOString();
    const to = new Date(hour + 2 * 3_600_000).toISOString();
    const t = `/temporal/entities/urn:ngsi-ld:WaterObserved:${id}`;
    const agg = await get(`${t}?attrs=height&timerel=between&timeAt=${from}&endTimeAt=${to}&aggrMethods=avg,min,max,sum,totalCount&aggrPeriodDuration=PT1H`);
    expect(agg.status, JSON.stringify(agg.body)).toBe(200);
    const h1 = new Date(hour + 3_600_000).toISOString();
    // First hour: 0, 0.5 (late), 1 … 5 → 7 readings; second hour: 6 … 11.
    expect(agg.body.height).toEqual({
      type: 'Property',
      avg: [[expect.closeTo(15.5 / 7, 9), from, h1], [8.5, h1, to]],
      min: [[0, from, h1], [6, h1, to]],
      max: [[5, from, h1], [11, h1, to]],
      sum: [[15.5, from, h1], [51, h1, to]],
      totalCount: [[7, from, h1], [6, h1, to]],
    });
    const last = await get(`${t}?attrs=height&lastN=2`);
    expect(last.body.height).toEqual([
      { type: 'Property', value: 10, observedAt: new Date(hour + 100 * 60_000).toISOString(), unitCode: 'MTR' },
      { type: 'Property', value: 11, observedAt: new Date(hour + 110 * 60_000).toISOString(), unitCode: 'MTR' },
    ]);
    const before = await get(`${t}?attrs=height&timerel=before&timeAt=${new Date(hour + 10 * 60_000).toISOString()}&options=temporalValues`);
    expect(before.body.height).toEqual({ type: 'Property', values: [[0, from], [0.5, new Date(hour + 5 * 60_000).toISOString()]] });
    const many = await get(`/temporal/entities?type=WaterObserved&q=height>10&attrs=height&timerel=after&timeAt=${new Date(hour + 100 * 60_000).toISOString()}`);
    expect(many.body).toEqual([{ id: `urn:ngsi-ld:WaterObserved:${id}`, type: 'WaterObserved', height: [expect.objectContaining({ value: 10 }), expect.objectContaining({ value: 11 })] }]);
    expect((await get(`${t}?timerel=between&timeAt=${from}`)).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/query/endTimeAt' });
    expect((await get(`${t}?aggrMethods=median`)).body).toMatchObject({ type: `${ERR}BadRequestData`, field: '/query/aggrMethods' });

    // Entities written through the API keep their history too.
    await call('POST', '/entities', { id: 'urn:ngsi-ld:Gauge:1', type: 'Gauge', level: { type: 'Property', value: 1, observedAt: '2026-07-01T00:00:00Z' } });
    await call('PATCH', '/entities/urn:ngsi-ld:Gauge:1/attrs', { level: { type: 'Property', value: 3, observedAt: '2026-07-01T00:30:00Z' } });
    const gauge = await get('/temporal/entities/urn:ngsi-ld:Gauge:1?aggrMethods=avg,totalCount&aggrPeriodDuration=P1D&timerel=after&timeAt=2026-07-01T00:00:00Z');
    expect(gauge.body.level).toEqual({ type: 'Property', avg: [[2, '2026-07-01T00:00:00.000Z', '2026-07-02T00:00:00.000Z']], totalCount: [[2, '2026-07-01T00:00:00.000Z', '2026-07-02T00:00:00.000Z']] });

    // Deleting the device removes its entities at the next sync.
    await iot.registry.remove(id);
    await iot.ngsiLd.devices.sync();
    expect((await get(`/entities/urn:ngsi-ld:Device:${id}`)).status).toBe(404);
  });

  it('shows a reading in its entity without waiting for drain, and catches up after a stop between the commit and the entity update', async () => {
    const id = 'wl-catch-up';
    const { token } = await iot.registry.register(waterSensor(id));
    const at = new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 - 120_000).toISOString();
    await iot.ingestion.handleHttp(id, token, { observedAt: at, values: { height: 2.5 } });
    // Within the flush interval (250 ms by default) the entity shows the stored reading by itself.
    await expect.poll(async () => (await get(`/entities/urn:ngsi-ld:WaterObserved:${id}?options=keyValues`)).body.height, { timeout: 5_000 }).toBe(2.5);

    // A node whose entity flush never comes (it stops right after the commit) …
    const stalled = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) }, { ngsiLd: { entityFlushMs: 3_600_000 } });
    const later = new Date(Date.parse(at) + 60_000).toISOString();
    await stalled.ingestion.handleHttp(id, token, { observedAt: later, values: { height: 4.75 } });
    const stored = await ctx.db.query<{ value: number }>("SELECT value FROM iot_latest WHERE device_id = $1 AND attribute = 'height'", [id]);
    expect(Number(stored.rows[0]?.value)).toBe(4.75);
    expect((await get(`/entities/urn:ngsi-ld:WaterObserved:${id}?options=keyValues`)).body.height).toBe(2.5);
    // … is caught up by the next start: the entity follows iot_latest, with the reading's time.
    const restarted = createIotModule({ db: ctx.db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) });
    await restarted.ngsiLd.start?.();
    await restarted.ngsiLd.stop?.();
    const entity = await get(`/entities/urn:ngsi-ld:WaterObserved:${id}`);
    expect(entity.body.height).toEqual({ type: 'Property', value: 4.75, observedAt: later, unitCode: 'MTR' });
    expect((await get(`/entities/urn:ngsi-ld:Device:${id}?options=keyValues`)).body.dateLastValueReported).toBe(later);
  });

  it('shows pipe-network monitoring points as Pipe entities (Smart Data Models) with their units', async () => {
    const at = new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 - 60_000).toISOString();
    const sewer = await iot.registry.register({ ...waterSensor('pn-sewer'), typeId: 'SewerPipeSensor', name: '排水管网监测点' });
    const supply = await iot.registry.register({ ...waterSensor('pn-supply'), typeId: 'WaterSupplyPipeSensor', name: '供水管网监测点' });
    expect(await iot.ingestion.handleHttp('pn-sewer', sewer.token, { observedAt: at, values: { fillLevel: 93.5, flow: 410, velocity: 1.4 } })).toBe(3);
    expect(await iot.ingestion.handleHttp('pn-supply', supply.token, { observedAt: at, values: { pressure: 310, flow: 450 } })).toBe(2);
    await expect(iot.ingestion.handleHttp('pn-sewer', sewer.token, { values: { fillLevel: 120 } })).rejects.toThrow();
    await iot.drain();
    const pipe = await get('/entities/urn:ngsi-ld:Pipe:pn-sewer');
    expect(pipe.status, JSON.stringify(pipe.body)).toBe(200);
    expect(pipe.body).toMatchObject({
      type: 'Pipe',
      fillLevel: { type: 'Property', value: 93.5, observedAt: at, unitCode: 'P1' },
      flow: { type: 'Property', value: 410, unitCode: 'MQH' },
      velocity: { type: 'Property', value: 1.4, unitCode: 'MTS' },
      refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:pn-sewer' },
    });
    expect((await get('/entities/urn:ngsi-ld:Pipe:pn-supply?options=keyValues')).body).toMatchObject({ type: 'Pipe', pressure: 310, flow: 450 });
    const full = await get('/entities?type=Pipe&q=fillLevel>90&options=keyValues');
    expect(list(full.body).map((e) => e.id)).toEqual(['urn:ngsi-ld:Pipe:pn-sewer']);
    expect((await get('/entities/urn:ngsi-ld:Pipe:pn-supply')).body.pressure).toMatchObject({ unitCode: 'KPA' });
  });
});
