// Device accounts in an external Mosquitto (dynamic security plugin): the platform mirrors each
// device's token and topic ACL into the broker, so with MQTT_URL a device still cannot publish as
// another device, and a rotated, disabled or deleted device's old credential stops working; devices
// registered before dynamic security get an account without a password, are counted until their
// token is rotated (`citybrain devices rotate --missing-broker-account`). The test starts its own
// Mosquitto on a free port with a generated config and dynsec file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import { rotateDeviceTokens } from '../../src/cli/devices.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { connectDevice, waterSensor } from './support.ts';

const PLUGIN = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so', '/usr/local/lib/mosquitto_dynamic_security.so'].find((p) => existsSync(p));
const hasBroker = PLUGIN !== undefined && spawnSync('mosquitto_ctrl', ['--help']).error === undefined && spawnSync('mosquitto', ['-h']).error === undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

describe.skipIf(!hasBroker)('device accounts in Mosquitto dynamic security (skipped when mosquitto or its dynamic security plugin is not installed)', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let broker: ChildProcess;
  let dir: string;
  let brokerUrl: string;
  const open: MqttClient[] = [];
  const tokens = new Map<string, string>();

  const readings = async (deviceId: string): Promise<number> =>
    (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_telemetry WHERE device_id = $1', [deviceId])).rows[0]?.n ?? -1;
  const as = async (id: string, password: string): Promise<MqttClient> => {
    const c = await connectDevice(brokerUrl, id, password);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-dynsec-'));
    const port = await freePort();
    const dynsec = path.join(dir, 'dynsec.json');
    const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', dynsec, 'admin', 'admin-secret'], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}`);
    // The platform's own sessions use the administrator here; it also sends commands to devices.
    const file = JSON.parse(await fs.readFile(dynsec, 'utf8')) as { roles: Array<{ rolename: string; acls: unknown[] }> };
    file.roles.find((r) => r.rolename === 'admin')?.acls.push({ acltype: 'publishClientSend', topic: 'devices/#', allow: true });
    await fs.writeFile(dynsec, JSON.stringify(file));
    await fs.writeFile(
      path.join(dir, 'mosquitto.conf'),
      // Run as the test's user: started as root, Mosquitto would switch to `mosquitto`, which cannot write the dynsec file here.
      [`listener ${port} 127.0.0.1`, `user ${os.userInfo().username}`, 'allow_anonymous false', 'persistence false', `plugin ${PLUGIN}`, `plugin_opt_config_file ${dynsec}`, 'log_dest stderr', 'log_type error', ''].join('\n'),
    );
    broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await waitForPort(port);
    brokerUrl = `mqtt://127.0.0.1:${port}`;

    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    const env = { ...process.env, MQTT_URL: `mqtt://admin:admin-secret@127.0.0.1:${port}`, MQTT_DYNSEC_USER: 'admin', MQTT_DYNSEC_PASSWORD: 'admin-secret', IOT_MQTT_CONSUMERS: '1' };
    platform = await startPlatform({ ...options, env, buildDemo: false });
    for (const id of ['dyn-a', 'dyn-b']) tokens.set(id, (await platform.modules.iot.registry.register(waterSensor(id))).token);
  }, 60_000);

  afterAll(async () => {
    for (const c of open) c.end(true);
    await platform?.stop();
    await dispose?.();
    broker?.kill();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lets a device in with its own token only, and never as another device', async () => {
    await expect(as('dyn-a', 'dvt_wrong')).rejects.toThrow(/Not authorized|Bad username or password/i);
    await expect(as('dyn-b', tokens.get('dyn-a') ?? '')).rejects.toThrow(/Not authorized|Bad username or password/i);
    const a = await as('dyn-a', tokens.get('dyn-a') ?? '');
    // Mosquitto drops a publish outside the ACL (MQTT 3.1.1 has no negative ack): B gets nothing.
    await a.publishAsync('devices/dyn-b/telemetry', JSON.stringify({ values: { height: 9 } }), { qos: 1 });
    await a.publishAsync('devices/dyn-a/telemetry', JSON.stringify({ values: { height: 1.25 } }), { qos: 1 });
    await expect.poll(() => readings('dyn-a'), { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readings('dyn-b')).toBe(0);
    // Nor can it read another device's commands.
    await expect(a.subscribeAsync('devices/dyn-b/commands', { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });

  it('stops the old token at once when the token is rotated', async () => {
    const old = tokens.get('dyn-a') ?? '';
    const a = await as('dyn-a', old);
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    const { token } = await platform.modules.iot.registry.rotateToken('dyn-a');
    await closed; // Mosquitto disconnects a client whose password changed
    await expect(as('dyn-a', old)).rejects.toThrow(/Not authorized|Bad username or password/i);
    const again = await as('dyn-a', token);
    await again.publishAsync('devices/dyn-a/telemetry', JSON.stringify({ values: { height: 2.5 } }), { qos: 1 });
    await expect.poll(() => readings('dyn-a'), { timeout: 5_000 }).toBe(2);
    tokens.set('dyn-a', token);
  });

  it('shuts a disabled or deleted device out of the broker', async () => {
    const b = tokens.get('dyn-b') ?? '';
    await platform.modules.iot.registry.update('dyn-b', { enabled: false });
    await expect(as('dyn-b', b)).rejects.toThrow(/Not authorized|Bad username or password/i);
    await platform.modules.iot.registry.update('dyn-b', { enabled: true });
    (await as('dyn-b', b)).end(true);
    await platform.modules.iot.registry.remove('dyn-b');
    await expect(as('dyn-b', b)).rejects.toThrow(/Not authorized|Bad username or password/i);
  });

  it('reconciles the broker with the registry: missing accounts created, stale ones deleted', async () => {
    const access = platform.mqtt.deviceAccess;
    expect(access).toBeDefined();
    // A device account left behind (deleted while the platform was down) and a device the broker never saw.
    await access?.put({ id: 'dyn-stale', password: 'stale-secret', enabled: true });
    await platform.db.query(
      "INSERT INTO iot_devices (id, type_id, name, owner_department, lon, lat, access_tier, token_hash, token_rotated_at, created_at, updated_at) VALUES ('dyn-early', 'WaterLevelSensor', 'early', '水利局', 116, 36, 'general', '\\x00', now(), now(), now())",
    );
    (await as('dyn-stale', 'stale-secret')).end(true);
    const status = await platform.modules.iot.reconcileBrokerAccounts();
    expect(status).toMatchObject({ configured: true, lastReconciliation: { removed: 1, created: 1, withoutCredential: 1 }, devicesWithoutBrokerPassword: 1 });
    await expect(as('dyn-stale', 'stale-secret')).rejects.toThrow(/Not authorized|Bad username or password/i);
    // Its token is kept only hashed, so its account has no password; later reconciliations still count it.
    await expect(as('dyn-early', 'dvt_anything')).rejects.toThrow(/Not authorized|Bad username or password/i);
    expect(await platform.modules.iot.reconcileBrokerAccounts()).toMatchObject({ lastReconciliation: { created: 0, withoutCredential: 0 }, devicesWithoutBrokerPassword: 1 });
    const apiKey = await apiKeyWith(platform, ['iot.device.read', 'iot.device.write']);
    const listed = await fetch(`${platform.url}/api/iot/broker-access`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(await listed.json()).toMatchObject({ configured: true, devicesWithoutBrokerPassword: 1 });
    expect((await platform.modules.iot.registry.list({ brokerPasswordMissing: true, limit: 100, offset: 0 })).devices.map((d) => d.id)).toEqual(['dyn-early']);

    // `citybrain devices rotate --missing-broker-account` gives it a password and prints it as CSV.
    const lines: string[] = [];
    const problems: string[] = [];
    expect(await rotateDeviceTokens({ url: platform.url, apiKey, ids: [], missingBrokerAccount: true }, (l) => lines.push(l), (l) => problems.push(l))).toBe(0);
    expect(lines[0]).toBe('deviceId,token');
    expect(lines).toHaveLength(2);
    const [id, token] = (lines[1] ?? '').split(',');
    expect(id).toBe('dyn-early');
    (await as('dyn-early', token ?? '')).end(true);
    expect(await platform.modules.iot.reconcileBrokerAccounts()).toMatchObject({ lastReconciliation: { devices: 2, created: 0, removed: 0, enabledChanged: 0 }, devicesWithoutBrokerPassword: 0 });
    // Nothing left to rotate.
    expect(await rotateDeviceTokens({ url: platform.url, apiKey, ids: [], missingBrokerAccount: true }, (l) => lines.push(l), (l) => problems.push(l))).toBe(0);
    expect(lines).toHaveLength(2);
  });
});
