// Ingestion through the whole platform and a real broker: devices authenticate with their own
// token, cannot publish as another device, malformed or unknown messages become dead letters,
// and every QoS 1 message acknowledged to a device is a stored row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import type { DeadLetter, DeviceDetail, History, IngestStats } from '../../src/modules/iot/index.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { connectDevice, waterSensor, type ProblemBody } from './support.ts';

const externalUrl = process.env.MQTT_URL;
const modes = externalUrl ? (['embedded', 'external'] as const) : (['embedded'] as const);

for (const mode of modes) {
  describe(`iot ingestion over MQTT [${mode} broker]`, () => {
    let platform: Platform;
    let dispose: () => Promise<void>;
    let brokerUrl: string;
    const tokens = new Map<string, string>();
    const run = Math.random().toString(36).slice(2, 8);
    const dev = (name: string) => `${name}-${run}`;

    // Management goes through the module's services (its routes, with their permissions, are
    // tested in registry.test.ts); devices speak MQTT and the public push route.
    const iot = () => platform.modules.iot;
    const readings = async (deviceId: string): Promise<number> =>
      (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_telemetry WHERE device_id = $1', [deviceId])).rows[0]?.n ?? -1;
    const deadLetters = async (deviceId: string): Promise<DeadLetter[]> => (await iot().telemetry.deadLetters({ limit: 1000 })).filter((d) => d.deviceId === deviceId);
    /**
     * The embedded broker acknowledges a device only after the platform stored its message, so the
     * row is there at once. With an external broker the device's PUBACK comes from the broker, and
     * the platform's own session acknowledges after store: wait until the platform caught up.
     */
    async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
      let value = await read();
      for (let i = 0; mode === 'external' && !done(value) && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        value = await read();
      }
      return value;
    }
    /** Device credentials: the embedded broker checks them; Mosquitto here accepts anyone. */
    const connectAs = (id: string, password = tokens.get(id) ?? '') => connectDevice(brokerUrl, id, password);

    beforeAll(async () => {
      const { options, dispose: d } = await testPlatformOptions();
      dispose = d;
      const env = { ...process.env };
      if (mode === 'embedded') delete env.MQTT_URL;
      platform = await startPlatform({ ...options, env, buildDemo: false });
      brokerUrl = mode === 'embedded' ? `mqtt://127.0.0.1:${platform.mqtt.port}` : (externalUrl ?? '');
      for (const id of [dev('wl-a'), dev('wl-b')]) tokens.set(id, (await iot().registry.register(waterSensor(id))).token);
      tokens.set(dev('aq-a'), (await iot().registry.register({ ...waterSensor(dev('aq-a')), typeId: 'AirQualityStation' })).token);
    });

    afterAll(async () => {
      await platform.stop();
      await dispose();
    });

    it('stores a reading published by a device and shows it as the latest value', async () => {
      const started = Date.now();
      const c = await connectAs(dev('wl-a'));
      await c.publishAsync(`devices/${dev('wl-a')}/telemetry`, JSON.stringify({ observedAt: Date.now() - 30 * 86_400_000, values: { height: 1.5 } }), { qos: 1 });
      const at = new Date().toISOString();
      await c.publishAsync(`devices/${dev('wl-a')}/telemetry`, JSON.stringify({ observedAt: at, values: { height: 3.25, temperature: 12 } }), { qos: 1 });
      await c.endAsync();
      const detail: DeviceDetail = await settled(() => iot().registry.get(dev('wl-a')), (d) => d.latest.length === 2 && d.latest[0]?.observedAt === at);
      expect(detail.latest).toEqual([
        { attribute: 'height', value: 3.25, observedAt: at },
        { attribute: 'temperature', value: 12, observedAt: at },
      ]);
      expect(Date.parse(detail.lastSeenAt ?? '')).toBeGreaterThanOrEqual(started - 1000);
    });

    it.runIf(mode === 'embedded')('refuses a wrong password and a device publishing as another device (embedded only: an external broker authenticates devices itself)', async () => {
      await expect(connectAs(dev('wl-a'), 'dvt_wrong')).rejects.toThrow(/Bad username or password|Not authorized/i);
      const before = await readings(dev('wl-b'));
      const c = await connectAs(dev('wl-a'));
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish(`devices/${dev('wl-b')}/telemetry`, JSON.stringify({ values: { height: 9 } }), { qos: 1 });
      await closed;
      c.end(true);
      expect(await readings(dev('wl-b'))).toBe(before);
      expect(platform.mqtt.stats().unauthorized).toBeGreaterThan(0);
      // Kept for inspection: who claimed to be whom, from where, with what.
      await expect.poll(async () => (await deadLetters(dev('wl-b'))).filter((d) => d.reason === 'topic_not_allowed').length).toBe(1);
      const letter = (await deadLetters(dev('wl-b'))).find((d) => d.reason === 'topic_not_allowed');
      expect(letter).toMatchObject({ source: 'mqtt', topic: `devices/${dev('wl-b')}/telemetry`, payload: '{"values":{"height":9}}', sourceAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown });
      expect(letter?.detail).toContain(dev('wl-a'));
    });

    it('keeps malformed payloads and unknown devices as dead letters, counted', async () => {
      const c = await connectAs(dev('wl-b'));
      const topic = `devices/${dev('wl-b')}/telemetry`;
      await c.publishAsync(topic, '{"values": {"height": ', { qos: 1 });
      await c.publishAsync(topic, JSON.stringify({ values: { height: 'high' } }), { qos: 1 });
      await c.publishAsync(topic, JSON.stringify({ values: { pm25: 3 } }), { qos: 1 });
      await c.publishAsync(topic, JSON.stringify({ values: { height: 1e9 } }), { qos: 1 });
      await c.endAsync();
      const letters = await settled(() => deadLetters(dev('wl-b')), (l) => l.filter((d) => d.reason === 'payload_invalid').length === 4);
      expect(letters.filter((d) => d.reason !== 'topic_not_allowed').map((d) => d.reason).sort()).toEqual(['payload_invalid', 'payload_invalid', 'payload_invalid', 'payload_invalid']);
      expect(letters.map((d) => d.payload)).toContain('{"values": {"height": ');
      expect(letters.find((d) => d.payload.includes('pm25'))?.detail).toMatch(/pm25 is not one of the device type's/);
      expect(await readings(dev('wl-b'))).toBe(0);
      if (mode === 'external') {
        // Through an external broker anyone the broker lets in may publish: unknown devices are kept too.
        const stranger = await connectDevice(brokerUrl, 'x', 'x');
        await stranger.publishAsync(`devices/${dev('ghost')}/telemetry`, JSON.stringify({ values: { height: 1 } }), { qos: 1 });
        await stranger.endAsync();
        expect((await settled(() => deadLetters(dev('ghost')), (l) => l.length > 0)).map((d) => d.reason)).toEqual(['device_unknown']);
      }
      const stats: IngestStats = iot().ingestion.stats();
      expect(stats.rejected.payload_invalid).toBeGreaterThanOrEqual(4);
    });

    it('acknowledges a QoS 1 message only once it is stored: acknowledged messages == stored rows', async () => {
      const id = dev('aq-a');
      const clients = await Promise.all([0, 1, 2, 3].map(() => connectAs(id)));
      const base = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
      let acked = 0;
      await Promise.all(
        clients.map(async (c, ci) => {
          const sends = [];
          for (let i = 0; i < 150; i++) {
            const payload = JSON.stringify({ observedAt: base + (ci * 150 + i) * 1000, values: { pm25: i % 300, pm10: 20, no2: 5 } });
            sends.push(c.publishAsync(`devices/${id}/telemetry`, payload, { qos: 1 }).then(() => acked++));
          }
          await Promise.all(sends);
          await c.endAsync();
        }),
      );
      expect(acked).toBe(600);
      expect(await settled(() => readings(id), (n) => n === 1800)).toBe(600 * 3);
    });

    it('answers history, downsampled into buckets for long ranges', async () => {
      const id = dev('aq-a');
      const from = new Date(Date.now() - 2 * 3_600_000).toISOString();
      const to = new Date().toISOString();
      const raw: History = await iot().telemetry.history(id, { attribute: 'pm25', from, to, bucketSeconds: 60 });
      expect(raw.bucketSeconds).toBe(60);
      expect(raw.points.reduce((n, p) => n + p.count, 0)).toBe(600);
      expect(raw.points[0]).toMatchObject({ min: 0, max: 59, avg: 29.5, count: 60 });
      const week = new Date(Date.now() - 7 * 86_400_000).toISOString();
      const auto = await iot().telemetry.history(id, { attribute: 'pm25', from: week, to });
      expect(auto.bucketSeconds).toBe(1800);
      expect(auto.points.reduce((n, p) => n + p.count, 0)).toBe(600);
      await expect(iot().telemetry.history(id, { attribute: 'pm25', from: to, to: from })).rejects.toMatchObject({ code: 'query_invalid', details: { field: '/query/to' } });
    });
  });
}

describe('iot ingestion over HTTP push', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    platform = await startPlatform({ ...options, buildDemo: false });
    token = (await platform.modules.iot.registry.register(waterSensor('wl-http'))).token;
  });
  afterAll(async () => {
    await platform.stop();
    await dispose();
  });

  const push = (body: unknown, auth?: string) =>
    fetch(`${platform.url}/api/iot/devices/wl-http/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });

  it('stores readings pushed with the device token and refuses anyone else', async () => {
    const ok = await push({ values: { height: 2.5, temperature: 8 } }, `Bearer ${token}`);
    expect({ status: ok.status, body: await ok.json() }).toEqual({ status: 200, body: { stored: 2 } });
    for (const auth of [undefined, 'Bearer dvt_nottherighttoken']) {
      const res = await push({ values: { height: 1 } }, auth);
      expect({ ...((await res.json()) as ProblemBody), status: res.status }).toMatchObject({ status: 401, code: 'device_token_invalid' });
    }
    const n = await platform.db.query<{ n: number }>("SELECT count(*)::int AS n FROM iot_telemetry WHERE device_id = 'wl-http'");
    expect(n.rows[0]?.n).toBe(2);
  });

  it('keeps refused pushes (no or wrong token, unknown device) as dead letters and counts them in /metrics', async () => {
    const ghost = await fetch(`${platform.url}/api/iot/devices/wl-ghost/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ values: { height: 7 } }),
    });
    expect(ghost.status).toBe(401);
    const letters = (await platform.modules.iot.telemetry.deadLetters({ limit: 100 })).filter((d) => d.source === 'http');
    const refused = letters.filter((d) => d.reason === 'device_token_invalid' || d.reason === 'device_unknown');
    expect(refused.map((d) => [d.deviceId, d.reason]).sort()).toEqual([
      ['wl-ghost', 'device_unknown'],
      ['wl-http', 'device_token_invalid'],
      ['wl-http', 'device_token_invalid'],
    ]);
    expect(refused.find((d) => d.deviceId === 'wl-ghost')).toMatchObject({ payload: '{"values":{"height":7}}', sourceAddress: expect.stringMatching(/127\.0\.0\.1/) as unknown });
    // The token itself is never kept.
    expect(JSON.stringify(letters)).not.toContain(token);
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    expect(metrics).toMatch(/citybrain_iot_dead_letters_total\{source="http",reason="device_token_invalid"\} 2\b/);
    expect(metrics).toMatch(/citybrain_iot_dead_letters_total\{source="http",reason="device_unknown"\} 1\b/);
  });

  it('answers 400 naming the field for a malformed push and keeps it as a dead letter', async () => {
    const res = await push({ values: { height: 'x' } }, `Bearer ${token}`);
    expect({ ...((await res.json()) as ProblemBody), status: res.status }).toMatchObject({ status: 400, code: 'payload_invalid', field: '/body/values/height' });
    const future = await push({ observedAt: '2099-01-01T00:00:00Z', values: { height: 1 } }, `Bearer ${token}`);
    expect({ ...((await future.json()) as ProblemBody), status: future.status }).toMatchObject({ status: 400, code: 'observed_at_out_of_range', field: '/body/observedAt' });
    const letters = await platform.modules.iot.telemetry.deadLetters({ limit: 100 });
    expect(letters.filter((d) => d.source === 'http' && d.deviceId === 'wl-http' && d.reason !== 'device_token_invalid').map((d) => d.reason).sort()).toEqual(['observed_at_out_of_range', 'payload_invalid']);
  });
});

