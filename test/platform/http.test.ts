import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, createLogger } from '../../src/kernel/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, opsRoutes, type HttpApp } from '../../src/platform/index.ts';
import { openTestDatabase } from '../support/databases.ts';

const logger = createLogger({ level: 'silent' });

describe('HTTP server', () => {
  let app: HttpApp;
  let closeDb: () => Promise<void>;
  let created = 0;

  beforeAll(async () => {
    const { db, close } = await openTestDatabase('pglite');
    closeDb = close;
    const metrics = createMetrics();
    app = await createHttpServer({ logger, db, metrics, rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 5, version: 'test' });
    app.register(opsRoutes({ metrics, checks: { database: () => db.ping(), broken: () => Promise.reject(new Error('engine down')) }, info: { name: 'OpenCityBrain', version: 'test', engines: { database: 'pglite', bus: 'memory', mqtt: 'embedded', cache: 'memory' }, startedAt: new Date() } }));
    app.post(
      '/api/things',
      { config: { idempotent: true, rateLimit: false }, schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), size: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
      (req) => ({ id: ++created, name: req.body.name }),
    );
    app.get('/api/missing/:id', { config: { rateLimit: false } }, () => {
      throw new AppError('not_found', 'thing_not_found', 'no such thing', { field: '/params/id' });
    });
    app.get('/api/crash', { config: { rateLimit: false } }, () => {
      throw new Error('secret internal detail');
    });
    app.get('/api/limited', () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await closeDb();
  });

  it('answers bad input with 400 problem+json naming the wrong field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'a', size: 0 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json<{ code: string; field: string; requestId: string; status: number }>();
    expect(body).toMatchObject({ code: 'validation_failed', field: '/body/size', status: 400 });
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('names a missing required field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/things', payload: { size: 3 } });
    expect(res.json<{ field: string }>().field).toBe('/body/name');
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/things', payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('maps an AppError kind to its status with the code and field', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/missing/7' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'thing_not_found', detail: 'no such thing', field: '/params/id' });
  });

  it('masks an unexpected error as a 500 without leaking its message', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internal detail');
    expect(res.json()).toMatchObject({ code: 'internal' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'k-123' };
    const first = await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'pump', size: 2 }, headers });
    const again = await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'pump', size: 2 }, headers });
    expect(first.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'valve', size: 2 }, headers });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', field: '/headers/idempotency-key' });
    const { id } = first.json<{ id: number }>();
    const fresh = await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'pump', size: 2 } });
    expect(fresh.json<{ id: number }>().id).toBe(id + 1);
  });

  it('refuses a client over its rate limit with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/limited', remoteAddress: '10.9.8.7' })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const refused = await app.inject({ method: 'GET', url: '/api/limited', remoteAddress: '10.9.8.7' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/limited', remoteAddress: '10.9.8.8' })).statusCode).toBe(200);
  });

  it('reports readiness per engine and 503 when one is down', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'not_ready', checks: { database: 'ok', broken: 'engine down' } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics including HTTP timings', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('citybrain_http_request_duration_seconds_bucket');
    expect(res.body).toContain('citybrain_process_cpu_user_seconds_total');
  });

  it('publishes an OpenAPI 3.1 document listing the routes, and browsable docs', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/things', '/readyz', '/api/platform/info']));
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
