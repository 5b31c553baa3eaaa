// Device commands (下行指令) over a real broker: a command posted to the API reaches the device on
// devices/{id}/commands, the device's answer on devices/{id}/commands/ack settles it, an unanswered
// command expires, and a device can neither read another device's commands nor settle them.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import type { Command } from '../../src/modules/iot/index.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { connectDevice, waterSensor, type ProblemBody } from './support.ts';

describe('device commands', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let apiKey: string;
  let brokerUrl: string;
  const tokens = new Map<string, string>();
  const run = Math.random().toString(36).slice(2, 8);
  const a = `cmd-a-${run}`;
  const b = `cmd-b-${run}`;
  const clients: MqttClient[] = [];

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${platform.url}/api/iot${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const settledCommand = async (id: number, done: (c: Command) => boolean): Promise<Command> => {
    let c = (await api<Command>('GET', `/commands/${id}`)).body;
    for (let i = 0; i < 100 && !done(c); i++) {
      await new Promise((r) => setTimeout(r, 50));
      c = (await api<Command>('GET', `/commands/${id}`)).body;
    }
    return c;
  };

  beforeAll(async () => {
    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    platform = await startPlatform({ ...options, buildDemo: false });
    brokerUrl = platform.mqtt.mode === 'embedded' ? `mqtt://127.0.0.1:${platform.mqtt.port}` : (process.env.MQTT_URL ?? '');
    for (const id of [a, b]) tokens.set(id, (await platform.modules.iot.registry.register(waterSensor(id))).token);
    apiKey = await apiKeyWith(platform, ['iot.command.read', 'iot.command.write', 'iot.device.read']);
  });

  afterAll(async () => {
    for (const c of clients) await c.endAsync();
    await platform.stop();
    await dispose();
  });

  it('delivers a command to the device and records its answer', async () => {
    const device = await connectDevice(brokerUrl, a, tokens.get(a) ?? '');
    clients.push(device);
    const received: Array<{ id: number; name: string; params: unknown }> = [];
    device.on('message', (topic, payload) => {
      const cmd = JSON.parse(payload.toString()) as { id: number; name: string; params: unknown };
      received.push(cmd);
      // The valve of this test device is stuck: it answers openValve with an error.
      const answer = cmd.name === 'openValve' ? { id: cmd.id, status: 'error', error: 'valve stuck' } : { id: cmd.id, status: 'ok', result: { rebootedIn: 5 } };
      device.publish(`devices/${a}/commands/ack`, JSON.stringify(answer), { qos: 1 });
    });
    await device.subscribeAsync(`devices/${a}/commands`, { qos: 1 });

    const sent = await api<Command>('POST', `/devices/${a}/commands`, { name: 'reboot', params: { delay: 5 } });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ deviceId: a, name: 'reboot', params: { delay: 5 } });
    // Through an external broker the device may already have answered when the POST returns.
    expect(['sent', 'acked']).toContain(sent.body.status);
    expect(sent.body.sentAt).not.toBeNull();
    expect(sent.body.createdBy).toMatch(/^apikey:/);
    const acked = await settledCommand(sent.body.id, (c) => c.status === 'acked');
    expect(acked).toMatchObject({ status: 'acked', result: { rebootedIn: 5 }, error: null });
    expect(received).toEqual([{ id: sent.body.id, name: 'reboot', params: { delay: 5 }, expiresAt: sent.body.expiresAt }]);

    const listed = await api<Command[]>('GET', `/devices/${a}/commands`);
    expect(listed.body.map((c) => [c.id, c.status])).toEqual([[sent.body.id, 'acked']]);
  });

  it('records a device-reported failure, and expires a command nobody answers', async () => {
    const device = await connectDevice(brokerUrl, b, tokens.get(b) ?? '');
    clients.push(device);
    const fail = await api<Command>('POST', `/devices/${a}/commands`, { name: 'openValve', timeoutSeconds: 30 });
    expect(fail.status).toBe(201);
    // Device b cannot settle a's command: the answer is kept as a dead letter and changes nothing.
    await device.publishAsync(`devices/${b}/commands/ack`, JSON.stringify({ id: fail.body.id, status: 'ok' }), { qos: 1 });
    const lost = await api<Command>('POST', `/devices/${b}/commands`, { name: 'setInterval', params: { seconds: 60 }, timeoutSeconds: 1 });
    expect(lost.body.status).toBe('sent');
    const expired = await settledCommand(lost.body.id, (c) => c.status === 'expired');
    expect(expired.status).toBe('expired');
    expect(expired.error).toMatch(/no answer/);
    const failed = await settledCommand(fail.body.id, (c) => c.status === 'failed');
    expect(failed).toMatchObject({ status: 'failed', error: 'valve stuck' });
    const dead = await platform.modules.iot.telemetry.deadLetters({ limit: 50, reason: 'command_ack_invalid' });
    expect(dead.some((d) => d.deviceId === b && d.detail.includes(`not for device ${b}`))).toBe(true);
  });

  it('refuses bad commands naming the field, and unknown devices', async () => {
    const bad = await api<ProblemBody>('POST', `/devices/${a}/commands`, { name: '1 bad name' });
    expect(bad.status).toBe(400);
    expect(bad.body.field ?? bad.body.detail).toMatch(/name/);
    const extra = await api<ProblemBody>('POST', `/devices/${a}/commands`, { name: 'reboot', timeoutSeconds: 0 });
    expect(extra.status).toBe(400);
    expect(extra.body.field ?? extra.body.detail).toMatch(/timeoutSeconds/);
    const missing = await api<ProblemBody>('POST', `/devices/nope-${run}/commands`, { name: 'reboot' });
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${platform.url}/api/iot/devices/${a}/commands`);
    expect(anonymous.status).toBe(401);
  });

  it.runIf(!process.env.MQTT_URL)('lets a device subscribe only to its own commands topic (embedded broker; Mosquitto enforces its ACL file)', async () => {
    const device = await connectDevice(brokerUrl, b, tokens.get(b) ?? '');
    clients.push(device);
    await expect(device.subscribeAsync(`devices/${a}/commands`, { qos: 1 })).rejects.toThrow(/subscribe error/i);
    const other = await connectDevice(brokerUrl, b, tokens.get(b) ?? '');
    clients.push(other);
    await expect(other.subscribeAsync('devices/+/commands', { qos: 1 })).rejects.toThrow(/subscribe error/i);
    const own = await connectDevice(brokerUrl, b, tokens.get(b) ?? '');
    clients.push(own);
    const granted = await own.subscribeAsync(`devices/${b}/commands`, { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
  });
});
