// A slow notification endpoint: the subscription's delivery queue stays bounded; when it is full
// the waiting notifications are coalesced into one with each entity's newest state, the endpoint
// still ends with every entity's latest value, and the merge shows in the notification status.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, createMqttEngine, type HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { silent } from './support.ts';

interface Notified {
  data: Array<{ id: string; level: number }>;
}
interface Status {
  notification: { status: string; timesSent: number; timesCoalesced: number; lastCoalesced?: string; queued: number };
}

forEachDatabase('NGSI-LD notifications to a slow endpoint', { migrations: [iotMigrations] }, (ctx) => {
  let app: HttpApp;
  let iot: IotModule;
  let server: http.Server;
  let url: string;
  const received: Notified[] = [];

  beforeAll(async () => {
    // Answers each notification after 100 ms.
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => setTimeout(() => {
        received.push(JSON.parse(data) as Notified);
        res.writeHead(204).end();
      }, 100));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    iot = createIotModule({ db: ctx.db, clock: fixedClock(new Date()), logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }) }, { ngsiLd: { retryDelaysMs: [20], maxQueuedNotifications: 3 } });
    app = await createHttpServer({ logger: silent, db: ctx.db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
    await app.register(iot.ngsiLd.routes ?? (() => undefined), { prefix: '/ngsi-ld/v1' });
    await app.ready();
  });
  afterAll(async () => {
    await iot.ngsiLd.stop?.();
    await app.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const call = async (method: 'POST' | 'PATCH' | 'GET', path: string, body?: unknown) => {
    const res = await app.inject({ method, url: `/ngsi-ld/v1${path}`, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });
    return { status: res.statusCode, headers: res.headers, body: res.body ? (JSON.parse(res.body) as unknown) : undefined };
  };

  it('keeps the backlog bounded, coalesces to the newest state per entity and records it', async () => {
    const sub = await call('POST', '/subscriptions', { type: 'Subscription', entities: [{ type: 'Gauge' }], notification: { format: 'keyValues', endpoint: { uri: url } } });
    expect(sub.status).toBe(201);
    const subPath = `/subscriptions/${String(sub.headers.location).split('/').pop()}`;
    const ids = ['urn:ngsi-ld:Gauge:g1', 'urn:ngsi-ld:Gauge:g2'];
    for (const id of ids) expect((await call('POST', '/entities', { id, type: 'Gauge', level: { type: 'Property', value: 0 } })).status).toBe(201);
    const changes = 60;
    let maxQueued = 0;
    for (let i = 1; i <= changes; i++) {
      const id = ids[i % 2] ?? '';
      expect((await call('PATCH', `/entities/${id}/attrs`, { level: { type: 'Property', value: i } })).status).toBe(204);
      if (i % 10 === 0) maxQueued = Math.max(maxQueued, ((await call('GET', subPath)).body as Status).notification.queued);
    }
    await iot.ngsiLd.subscriptions.idle();

    expect(maxQueued).toBeLessThanOrEqual(3);
    // Far fewer notifications than changes, and the endpoint ends with each entity's latest value.
    const sent = received.length;
    expect(sent).toBeLessThan(changes);
    const last = new Map<string, number>();
    for (const n of received) for (const e of n.data) last.set(e.id, e.level);
    expect(Object.fromEntries(last)).toEqual({ [ids[0] ?? '']: changes, [ids[1] ?? '']: changes - 1 });
    const status = ((await call('GET', subPath)).body as Status).notification;
    expect(status).toMatchObject({ status: 'ok', timesSent: sent, queued: 0 });
    expect(status.timesCoalesced).toBeGreaterThan(0);
    expect(status.lastCoalesced).toBeTruthy();
  });
});
