// Crash test (断电测试): the platform runs as a real child process (`citybrain start`), several
// devices publish QoS 1 readings, the process is SIGKILLed mid-stream and started again; every
// reading whose PUBACK a device received must be stored, with its value. Once with the embedded
// broker and, when MQTT_URL is set, once through the real Mosquitto (PUBACK from the broker, the
// platform's persistent session acknowledges after commit and resumes after the restart).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/app.ts';
import type { History } from '../../src/modules/iot/index.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { connectDevice } from './support.ts';

const bin = fileURLToPath(new URL('../../bin/citybrain.mjs', import.meta.url));
const modes = process.env.MQTT_URL ? (['embedded', 'external'] as const) : (['embedded'] as const);
const DEVICES = 4;
const WINDOW = 16;

interface Child {
  process: ChildProcess;
  url: string;
  mqttPort: number | undefined;
  exited: Promise<number | null>;
}

/** Start `citybrain start` and wait for its ready lines (HTTP URL and the broker's port). */
function startChild(env: NodeJS.ProcessEnv): Promise<Child> {
  const child = spawn(process.execPath, [bin, 'start', '--no-demo', '--no-web-build'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let errText = '';
    const timer = setTimeout(() => reject(new Error(`citybrain start not ready after 120 s:\n${out}\n${errText}`)), 120_000);
    child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /console: (http:\/\/[^/\s]+)\//.exec(out)?.[1];
      const engines = /engines: .*mqtt=(\w+)(?: \(port (\d+)\))?/.exec(out);
      if (url && engines) {
        clearTimeout(timer);
        resolve({ process: child, url, mqttPort: engines[2] ? Number(engines[2]) : undefined, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`citybrain start exited with ${code}:\n${out}\n${errText}`));
    });
  });
}

describe('crash during QoS 1 ingestion', () => {
  let base: NodeJS.ProcessEnv;
  let dispose: () => Promise<void>;
  let apiKey: string;
  const tokens = new Map<string, string>();
  const run = Math.random().toString(36).slice(2, 8);
  let epochBase = Date.now() - 3_600_000;
  let child: Child | undefined;

  beforeAll(async () => {
    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    // Devices and an API key are set up in process on the same database, then it is closed.
    const platform = await startPlatform({ ...options, env: { ...process.env, MQTT_URL: '' }, buildDemo: false });
    for (let i = 0; i < DEVICES; i++) {
      const id = `crash-${run}-${i}`;
      const { token } = await platform.modules.iot.registry.register({ id, typeId: 'FlowMeter', name: `流量计 ${i}`, ownerDepartment: '聊城市水利局', lon: 115.98, lat: 36.45, accessTier: 'core' });
      tokens.set(id, token);
    }
    apiKey = await apiKeyWith(platform, ['iot.telemetry.read']);
    await platform.stop();
    base = {
      ...process.env,
      CITYBRAIN_DATA_DIR: options.dataDir,
      PORT: '0',
      MQTT_PORT: '0',
      LOG_LEVEL: 'warn',
      CITYBRAIN_NAMESPACE: options.namespace,
      CITYBRAIN_NODE_ID: options.nodeId,
    };
    if (options.databaseUrl) base.DATABASE_URL = options.databaseUrl;
    else delete base.DATABASE_URL;
  }, 180_000);

  afterAll(async () => {
    if (child && child.process.exitCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    await dispose();
  });

  it.each(modes)('keeps every acknowledged reading, with its value, across a SIGKILL and restart [%s broker]', async (mode) => {
    const env = { ...base };
    if (mode === 'embedded') delete env.MQTT_URL;
    child = await startChild(env);
    const brokerUrl = mode === 'embedded' ? `mqtt://127.0.0.1:${child.mqttPort}` : (process.env.MQTT_URL ?? '');
    // Each run writes its own hour of readings.
    const epoch = epochBase;
    epochBase -= 3_600_000;
    const acked = new Map<string, number[]>([...tokens.keys()].map((id) => [id, []]));
    let total = 0;
    let killed = false;
    const clients: MqttClient[] = [];
    const lanes: Array<Promise<void>> = [];
    let next = 0;
    for (const [id, token] of tokens) {
      const client = await connectDevice(brokerUrl, id, token, `${id}-c`);
      client.on('error', () => undefined);
      clients.push(client);
      for (let w = 0; w < WINDOW; w++) {
        lanes.push(
          (async () => {
            while (!killed) {
              const n = ++next;
              try {
                await client.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ observedAt: epoch + n * 1000, values: { flow: n } }), { qos: 1 });
              } catch {
                return; // connection lost with the process: not acknowledged, not counted
              }
              if (killed) return; // a PUBACK after the kill cannot come from the dead process: still counted below
              acked.get(id)?.push(n);
              total++;
            }
          })(),
        );
      }
    }
    // Kill in the middle of the stream, once a good number of readings is acknowledged.
    const deadline = Date.now() + 15_000;
    while (total < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.process.kill('SIGKILL');
    await child.exited;
    killed = true;
    for (const c of clients) c.end(true);
    await Promise.all(lanes);
    expect(total).toBeGreaterThanOrEqual(400);

    child = await startChild(env);
    const from = new Date(epoch).toISOString();
    const to = new Date(epoch + 3_000_000).toISOString();
    const stored = async (id: string): Promise<Map<number, number>> => {
      const res = await fetch(`${child?.url}/api/iot/devices/${id}/history?attribute=flow&from=${from}&to=${to}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      const h = (await res.json()) as History;
      return new Map(h.points.map((p) => [Math.round((Date.parse(p.t) - epoch) / 1000), p.avg]));
    };
    // Through Mosquitto the platform catches up with its resumed session: give it time.
    let missing: string[] = [];
    for (let attempt = 0; attempt < (mode === 'external' ? 100 : 1); attempt++) {
      missing = [];
      for (const [id, ns] of acked) {
        const rows = await stored(id);
        for (const n of ns) if (rows.get(n) !== n) missing.push(`${id}#${n}=${rows.get(n)}`);
      }
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(missing.slice(0, 20)).toEqual([]);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  }, 300_000);
});
