import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import type { MqttEngine, MqttMessage } from '../../src/platform/mqtt/index.ts';
import { deferred, sleep, startEmbedded, waitFor } from './helpers.ts';
import { RawDevice } from './raw-client.ts';

const open: Array<MqttEngine | MqttClient> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('endAsync' in x) await x.endAsync(true);
    else await x.close();
  }
});

async function device(url: string, clientId: string, opts: { username?: string; password?: string; reconnectPeriod?: number } = {}): Promise<MqttClient> {
  const client = await connectAsync(url, { clientId, reconnectPeriod: 0, ...opts });
  open.push(client);
  return client;
}

describe('embedded broker', () => {
  it('hands QoS 0 and QoS 1 messages from a TCP client to the handler', async () => {
    const got: MqttMessage[] = [];
    const engine = await startEmbedded({}, (e) => e.consume('devices/+/telemetry', async (m) => void got.push(m)));
    open.push(engine);
    const client = await device(engine.url, 'dev-1');

    await client.publishAsync('devices/dev-1/telemetry', '{"t":21.5}', { qos: 0 });
    await client.publishAsync('devices/dev-1/telemetry', Buffer.from([1, 2, 3]), { qos: 1 });
    await client.publishAsync('other/topic', 'not consumed', { qos: 1 });

    expect(await waitFor(() => got.length === 2)).toBe(true);
    expect(got.map((m) => ({ topic: m.topic, qos: m.qos, clientId: m.clientId, principal: m.principal }))).toEqual([
      { topic: 'devices/dev-1/telemetry', qos: 0, clientId: 'dev-1', principal: 'dev-1' },
      { topic: 'devices/dev-1/telemetry', qos: 1, clientId: 'dev-1', principal: 'dev-1' },
    ]);
    expect(got[0]?.payload.toString()).toBe('{"t":21.5}');
    expect([...(got[1]?.payload ?? [])]).toEqual([1, 2, 3]);
    expect(engine.stats()).toMatchObject({ mode: 'embedded', clients: 1, received: 2, handled: 2, failed: 0 });
  });

  it('sends the PUBACK of a QoS 1 message only after the handler resolved', async () => {
    const stored = deferred();
    let calls = 0;
    const engine = await startEmbedded({}, (e) =>
      e.consume('devices/+/telemetry', async () => {
        calls++;
        await stored.promise;
      }),
    );
    open.push(engine);
    const client = await device(engine.url, 'dev-1');

    let acked = false;
    client.publish('devices/dev-1/telemetry', 'x', { qos: 1 }, (err) => (acked = !err));
    expect(await waitFor(() => calls === 1)).toBe(true);
    await sleep(300);
    expect(acked).toBe(false);

    stored.resolve();
    expect(await waitFor(() => acked)).toBe(true);
  });

  it('does not acknowledge a QoS 1 message whose handler rejects; the device resends it', async () => {
    const attempts: MqttMessage[] = [];
    const engine = await startEmbedded({}, (e) =>
      e.consume('devices/+/telemetry', async (m) => {
        attempts.push(m);
        if (attempts.length === 1) throw new Error('database unavailable');
      }),
    );
    open.push(engine);
    const client = await device(engine.url, 'dev-1', { reconnectPeriod: 100 });
    let closes = 0;
    client.on('close', () => closes++);

    let acked = false;
    client.publish('devices/dev-1/telemetry', 'reading-1', { qos: 1 }, (err) => (acked = !err));
    // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection instead.
    expect(await waitFor(() => closes === 1)).toBe(true);
    expect(acked).toBe(false);

    // mqtt.js resends unacknowledged messages after reconnecting; now the handler succeeds.
    expect(await waitFor(() => acked)).toBe(true);
    expect(attempts.map((m) => m.payload.toString())).toEqual(['reading-1', 'reading-1']);
    expect(engine.stats()).toMatchObject({ received: 2, handled: 1, failed: 1 });
  });

  it('treats a handler that does not settle in time as failed and withholds the PUBACK', async () => {
    const never = deferred();
    const engine = await startEmbedded({ limits: { handlerTimeoutMs: 200 } }, (e) => e.consume('devices/#', () => never.promise));
    open.push(engine);
    const client = await device(engine.url, 'dev-1');
    let acked = false;
    client.publish('devices/dev-1/telemetry', 'x', { qos: 1 }, (err) => (acked = !err));
    expect(await waitFor(() => engine.stats().failed === 1)).toBe(true);
    expect(acked).toBe(false);
    // The slot stays taken until the handler settles, so a hung store cannot pile up work.
    expect(engine.stats().inFlight).toBe(1);
    never.resolve();
    expect(await waitFor(() => engine.stats().inFlight === 0)).toBe(true);
  });

  it('disconnects a device that sends a packet larger than maxPacketBytes', async () => {
    let calls = 0;
    const engine = await startEmbedded({ limits: { maxPacketBytes: 1024 } }, (e) => e.consume('devices/#', async () => void calls++));
    open.push(engine);
    const client = await device(engine.url, 'dev-1');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('devices/dev-1/telemetry', Buffer.alloc(2048), { qos: 0 });
    await closed;
    expect(calls).toBe(0);
    expect(engine.stats().droppedClients).toBe(1);
  });

  it('refuses connections beyond maxConnections and closes one that sends no CONNECT in time', async () => {
    const engine = await startEmbedded({ limits: { maxConnections: 1, connectTimeoutMs: 300 } });
    open.push(engine);
    const silent = createConnection(engine.port ?? 0, '127.0.0.1');
    const silentClosed = new Promise<number>((resolve) => {
      const opened = Date.now();
      silent.on('close', () => resolve(Date.now() - opened));
    });
    await new Promise((resolve) => silent.once('connect', resolve));
    const refused = new RawDevice(engine.port ?? 0, 'dev-2');
    await expect(refused.connected).rejects.toThrow(/closed/);
    expect(engine.stats().rejectedConnections).toBe(1);

    expect(await silentClosed).toBeLessThan(2_000);
    await device(engine.url, 'dev-3');
    expect(engine.stats().clients).toBe(1);
  });

  it('publishes from the platform to subscribed devices', async () => {
    const engine = await startEmbedded();
    open.push(engine);
    const client = await device(engine.url, 'dev-1');
    await client.subscribeAsync('devices/dev-1/commands', { qos: 1 });
    const received = new Promise<string>((resolve) => client.once('message', (_t, payload) => resolve(payload.toString())));
    await engine.publish('devices/dev-1/commands', '{"valve":"open"}', { qos: 1 });
    expect(await received).toBe('{"valve":"open"}');
    expect(engine.stats().published).toBe(1);
  });

  it('close() waits for running handlers, lets their PUBACKs out, then closes', async () => {
    const stored = deferred();
    let calls = 0;
    const engine = await startEmbedded({}, (e) =>
      e.consume('devices/#', async () => {
        calls++;
        await stored.promise;
      }),
    );
    const client = await device(engine.url, 'dev-1');
    let acked = false;
    client.publish('devices/dev-1/telemetry', 'x', { qos: 1 }, (err) => (acked = !err));
    expect(await waitFor(() => calls === 1)).toBe(true);

    let closed = false;
    const closing = engine.close().then(() => (closed = true));
    await sleep(200);
    expect(closed).toBe(false);
    await expect(engine.publish('devices/dev-1/commands', 'x')).rejects.toMatchObject({ code: 'mqtt_closed' });

    stored.resolve();
    await closing;
    expect(acked).toBe(true);
    await expect(connectAsync(engine.url, { reconnectPeriod: 0, connectTimeout: 1_000 })).rejects.toThrow();
  });
});

describe('embedded broker with authentication', () => {
  async function securedEngine(got: MqttMessage[]): Promise<MqttEngine & { url: string }> {
    const engine = await startEmbedded(
      {
        authenticate: (clientId, username, password) =>
          Promise.resolve(username === clientId && password?.toString() === `secret-${clientId}` ? { ok: true, principal: clientId } : { ok: false }),
        authorizePublish: (principal, topic) => topic.startsWith(`devices/${principal}/`),
        authorizeSubscribe: (principal, topic) => topic.startsWith(`devices/${principal}/`),
      },
      (e) => e.consume('devices/+/telemetry', async (m) => void got.push(m)),
    );
    open.push(engine);
    return engine;
  }

  it('refuses a wrong password', async () => {
    const engine = await securedEngine([]);
    await expect(connectAsync(engine.url, { clientId: 'dev-1', username: 'dev-1', password: 'guess', reconnectPeriod: 0 })).rejects.toThrow(
      /bad user ?name or password/i,
    );
    expect(engine.stats().rejectedConnections).toBe(1);
  });

  it('lets a device publish under its own topic only', async () => {
    const got: MqttMessage[] = [];
    const engine = await securedEngine(got);
    const client = await device(engine.url, 'dev-1', { username: 'dev-1', password: 'secret-dev-1' });
    await client.publishAsync('devices/dev-1/telemetry', 'mine', { qos: 1 });
    expect(got.map((m) => [m.principal, m.payload.toString()])).toEqual([['dev-1', 'mine']]);

    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let acked = false;
    client.publish('devices/dev-2/telemetry', 'forged', { qos: 1 }, (err) => (acked = !err));
    await closed;
    await sleep(100);
    expect(acked).toBe(false);
    expect(got).toHaveLength(1);
    expect(engine.stats().unauthorized).toBe(1);
  });

  it("refuses a subscription to another device's topics", async () => {
    const engine = await securedEngine([]);
    const client = await device(engine.url, 'dev-1', { username: 'dev-1', password: 'secret-dev-1' });
    const granted = await client.subscribeAsync('devices/dev-1/commands', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    // SUBACK 0x80 for the refused filter; mqtt.js reports it as an error.
    await expect(client.subscribeAsync('devices/#', { qos: 1 })).rejects.toThrow(/subscribe error/i);
  });
});
