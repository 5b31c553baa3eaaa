// NGSI-LD through the whole platform: machine clients call it with an API key (iot.ngsi.read /
// iot.ngsi.write), the @context is served without internet, and a reading published over MQTT to
// the embedded broker updates the device's observed entity and notifies a subscription.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { connectDevice, waterSensor } from './support.ts';

/** A JSON answer, read loosely in assertions. */
interface Json {
  readonly [key: string]: Json;
}

describe('NGSI-LD on the running platform', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let writer: string;
  let reader: string;
  const received: Array<{ body: Json }> = [];
  let sink: http.Server;
  let sinkUrl = '';

  const call = async (method: string, path: string, key: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${platform.url}/ngsi-ld/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as Json };
  };

  beforeAll(async () => {
    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    const env = { ...process.env };
    delete env.MQTT_URL;
    platform = await startPlatform({ ...options, env, buildDemo: false });
    writer = await apiKeyWith(platform, ['iot.ngsi.read', 'iot.ngsi.write']);
    reader = await apiKeyWith(platform, ['iot.ngsi.read']);
    sink = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(data) as Json });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await platform.stop();
    await new Promise((resolve) => sink.close(resolve));
    await dispose();
  });

  it('serves the core @context to anyone and guards entities with iot.ngsi.* permissions', async () => {
    const ctx = await call('GET', '/contexts/core', undefined);
    expect(ctx.status).toBe(200);
    expect(ctx.headers.get('content-type')).toMatch(/application\/ld\+json/);
    expect((await call('GET', '/entities?type=Device', undefined)).status).toBe(401);
    const entity = { id: 'urn:ngsi-ld:Pump:p1', type: 'Pump', power: { type: 'Property', value: 3 } };
    expect((await call('POST', '/entities', reader, entity)).status).toBe(403);
    expect((await call('POST', '/entities', writer, entity)).status).toBe(201);
    expect((await call('GET', '/entities/urn:ngsi-ld:Pump:p1?options=keyValues', reader)).body).toEqual({ id: 'urn:ngsi-ld:Pump:p1', type: 'Pump', power: 3 });
  });

  it('shows a registered device as a Device entity and an MQTT reading as an update of its observed entity, notifying subscribers', async () => {
    const id = 'wl-ngsi-mqtt';
    const { token } = await platform.modules.iot.registry.register(waterSensor(id, { lon: 116.01, lat: 36.46 }));
    await platform.modules.iot.ngsiLd.devices.sync();
    const device = await call('GET', `/entities/urn:ngsi-ld:Device:${id}?options=keyValues&attrs=controlledProperty,deviceCategory`, reader);
    expect(device.body).toEqual({ id: `urn:ngsi-ld:Device:${id}`, type: 'Device', controlledProperty: ['height', 'temperature'], deviceCategory: 'WaterLevelSensor' });

    const sub = await call('POST', '/subscriptions', writer, {
      type: 'Subscription',
      entities: [{ type: 'WaterObserved' }],
      q: 'height>4',
      geoQ: { georel: 'near;maxDistance==5000', geometry: 'Point', coordinates: [116.0, 36.46] },
      notification: { format: 'keyValues', attributes: ['height'], endpoint: { uri: sinkUrl, accept: 'application/json' } },
    });
    expect(sub.status).toBe(201);

    const at = new Date(Date.now() - 60_000).toISOString();
    const client = await connectDevice(`mqtt://127.0.0.1:${platform.mqtt.port}`, id, token);
    await client.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ observedAt: at, values: { height: 4.75, temperature: 11 } }), { qos: 1 });
    await client.endAsync();
    // The PUBACK came after the commit; the entity follows within the flush interval (250 ms).
    await expect.poll(async () => (await call('GET', `/entities/urn:ngsi-ld:WaterObserved:${id}`, reader)).status, { timeout: 5_000 }).toBe(200);
    const observed = await call('GET', `/entities/urn:ngsi-ld:WaterObserved:${id}`, reader);
    expect(observed.body.height).toEqual({ type: 'Property', value: 4.75, observedAt: at, unitCode: 'MTR' });
    expect(observed.body.location?.value?.coordinates).toEqual([116.01, 36.46]);

    for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({ type: 'Notification', data: [{ id: `urn:ngsi-ld:WaterObserved:${id}`, type: 'WaterObserved', height: 4.75 }] });

    const q = await call('GET', `/entities?type=WaterObserved&q=${encodeURIComponent('height>=4.75;temperature==11')}&count=true`, reader);
    expect(q.headers.get('ngsild-results-count')).toBe('1');
    const temporal = await call('GET', `/temporal/entities/urn:ngsi-ld:WaterObserved:${id}?attrs=height&options=temporalValues`, reader);
    expect(temporal.body.height).toEqual({ type: 'Property', values: [[4.75, at]] });
  });
});
