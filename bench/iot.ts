/**
 * IoT ingestion (`npm run bench -- iot [--seconds N] [--devices N] [--consumers N]`): sustained MQTT messages/s
 * (3 readings each, QoS 1) from real `mqtt` clients over TCP through authentication, storage
 * (group commit) and rule evaluation, with end-to-end latency publish → PUBACK (the PUBACK is sent
 * only after the reading is committed). Next to it, in the same run: raw Mosquitto QoS 1
 * publish → subscribe throughput when a broker is reachable, the platform consuming from that
 * broker (latency publish → committed by the platform: the broker acknowledges the device before
 * the platform has the message), and an overload run showing that nothing acknowledged is lost and
 * memory stays bounded.
 * The devices run in a worker thread of their own (bench/iot-devices.ts), so the platform's thread
 * is not shared with the load generator.
 * `--consumers N` (default 4): the platform's consumer sessions on Mosquitto, measured next to 1.
 * The Mosquitto runs use a broker of their own (/usr/sbin/mosquitto on a free port, queue limits
 * raised, persistence off), stopped at the end; only without the binary they use MQTT_URL, whose
 * `max_queued_messages` (1000 by default) can drop acknowledged messages under overload.
 * Reference: ThingsBoard publishes 5 000 msg/s at 95% CPU on 2 vCPU (recommends 3 000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import mqtt, { type MqttClient } from 'mqtt';
import { createLogger, systemClock } from '../src/kernel/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../src/modules/iot/index.ts';
import { createMemoryBus, createMqttEngine, defaultMqttLimits, migrate, platformMigrations, startOutboxRelay, type MqttEngine } from '../src/platform/index.ts';
import { DEVICE_WORKER, messageKey, type DeviceAnswers, type DeviceMessage, type DeviceReply, type DeviceRequest, type DeviceSpec, type DriveResult, type PacedResult } from './iot-devices.ts';
import { argValue, log, postgresReachable, printTable, scratchPglite, scratchPostgres, type BenchDatabase } from './support.ts';

const logger = createLogger({ level: 'silent' });
const MOSQUITTO = '/usr/sbin/mosquitto';
/** The broker of the Mosquitto runs: our own when the binary is there (set by `benchIot`), else MQTT_URL. */
let mosquittoUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
let runs = 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

async function waitForPort(port: number, broker: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (broker.exitCode !== null) throw new Error(`mosquitto exited with status ${broker.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

/**
 * A Mosquitto of the bench's own on a free port. Its per-session queue holds what the platform's
 * sessions have not taken yet: the default `max_queued_messages` (1000) would make the broker drop
 * messages it already acknowledged to the devices, so the limit is raised far past what a run
 * queues (the backlog of a 3 × overload run), with the bytes still bounded.
 */
async function startMosquitto(): Promise<{ url: string; config: string; stop(): Promise<void> } | null> {
  if (!existsSync(MOSQUITTO)) return null;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-bench-mosquitto-'));
  const port = await freePort();
  const settings = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    // Per session: messages queued beyond those in flight, and their bytes (the real bound).
    'max_queued_messages 10000000',
    'max_queued_bytes 1073741824',
    // Outgoing QoS 1 in flight per MQTT 3.1.1 session (MQTT 5 sessions, like the platform's, announce their own Receive Maximum).
    'max_inflight_messages 1000',
    'set_tcp_nodelay true',
  ];
  const config = path.join(dir, 'mosquitto.conf');
  // Run as this user: started as root, Mosquitto would switch to the `mosquitto` account.
  await fs.writeFile(config, [...settings, `user ${os.userInfo().username}`, 'log_dest stderr', 'log_type error', ''].join('\n'));
  const broker = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  broker.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  try {
    await waitForPort(port, broker);
  } catch (err) {
    broker.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`cannot start ${MOSQUITTO}: ${(err as Error).message} ${stderr}`, { cause: err });
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    config: settings.slice(3, 6).join(', '),
    async stop() {
      const exited = new Promise<void>((resolve) => (broker.exitCode !== null ? resolve() : broker.once('exit', () => resolve())));
      broker.kill('SIGTERM');
      const timer = setTimeout(() => broker.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

interface RunResult {
  messages: number;
  seconds: number;
  latencies: number[];
}

const pct = (sorted: number[], p: number): string => (sorted.length === 0 ? '—' : (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0).toFixed(1));
const rate = (r: RunResult): number => Math.round(r.messages / r.seconds);

function connect(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

/** Devices connected together in the worker (see bench/iot-devices.ts for what each request does). */
interface DeviceGroup {
  /** Each client keeps `window` QoS 1 messages outstanding for `seconds`; latency = publish → PUBACK. */
  drive(window: number, seconds: number, recordSends?: boolean): Promise<DriveResult>;
  /** Publishes at `ratePerSecond` for `seconds`; `onAcked` gets the count acknowledged every 100 ms. */
  paced(ratePerSecond: number, seconds: number, onAcked: (acked: number) => void): Promise<PacedResult>;
  /** Disconnects the devices (`force`: at once, without waiting for anything in flight). */
  end(force?: boolean): Promise<void>;
}

/**
 * The simulated devices, in one worker thread for the whole bench (bench/iot-devices.ts): the
 * platform measured keeps this thread to itself, as it would with real devices.
 */
function startDeviceFleet() {
  // Under Node 20, `execArgv: ['--import', 'tsx']` does not reach a worker's entry module (".ts"
  // is unknown to it): a small bootstrap registers tsx in the worker, then loads the devices.
  const entry = new URL('./iot-devices.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, execArgv: [], workerData: DEVICE_WORKER });
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void; progress?: ((acked: number) => void) | undefined }>();
  let gone: Error | null = null;
  const fail = (err: Error) => {
    gone ??= err;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code: number) => {
      fail(new Error(`the devices' worker exited (status ${code})`));
      resolve();
    }),
  );
  worker.on('message', (reply: DeviceReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'progress') return p.progress?.(reply.acked);
    pending.delete(reply.id);
    if (reply.type === 'answer') p.resolve(reply.value);
    else p.reject(new Error(reply.error));
  });
  let next = 0;
  function request<R extends DeviceRequest>(request: R, progress?: (acked: number) => void): Promise<DeviceAnswers[R['type']]> {
    if (gone) return Promise.reject(gone);
    const id = ++next;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: (value) => resolve(value as DeviceAnswers[R['type']]), reject, progress });
      worker.postMessage({ id, request } satisfies DeviceMessage);
    });
  }
  let groups = 0;
  return {
    async connect(url: string, clients: DeviceSpec[]): Promise<DeviceGroup> {
      const group = `g${++groups}`;
      await request({ type: 'connect', group, url, clients });
      return {
        drive: (window, seconds, recordSends = false) => request({ type: 'drive', group, window, seconds, recordSends }),
        paced: (ratePerSecond, seconds, onAcked) => request({ type: 'paced', group, ratePerSecond, seconds }, onAcked),
        end: async (force = false) => void (await request({ type: 'end', group, force })),
      };
    },
    /** Ends every device and the worker (terminated when it does not exit within 5 s). */
    async close(): Promise<void> {
      await request({ type: 'close' }).catch(() => undefined);
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
type DeviceFleet = ReturnType<typeof startDeviceFleet>;

/**
 * The platform on `target` with `devices` air-quality stations. With `onCommitted`, every message the
 * platform has committed (its handler resolved) is reported to `onCommitted` with the time (epoch ms,
 * comparable with the send times of the devices' worker).
 */
async function setupPlatform(target: BenchDatabase, devices: number, engineOpts: { url?: string; consumers?: number }, limits = {}, onCommitted?: (key: string, at: number) => void) {
  await migrate(target.db, [platformMigrations, iotMigrations]);
  const bus = createMemoryBus(logger);
  const relay = startOutboxRelay(target.db, bus, logger);
  const clientId = `bench-${process.pid}-${++runs}`;
  const engine: MqttEngine = createMqttEngine({ port: 0, logger, limits, ...engineOpts, clientId, shareGroup: `bench${process.pid}r${runs}`, sessionExpirySeconds: 60 });
  if (onCommitted) {
    const consume = engine.consume.bind(engine);
    engine.consume = (filter, handler) =>
      consume(filter, async (msg) => {
        await handler(msg);
        onCommitted(messageKey(msg.topic, msg.payload.toString('utf8')), performance.timeOrigin + performance.now());
      });
  }
  const iot: IotModule = createIotModule({ db: target.db, logger, clock: systemClock, mqtt: engine, relay });
  await iot.start?.();
  await engine.start();
  await iot.alarms.createRule({ name: 'PM2.5 > 75', kind: 'threshold', typeId: 'AirQualityStation', attribute: 'pm25', operator: '>', threshold: 75, severity: 'major', enabled: true });
  const tokens: Array<{ id: string; token: string }> = [];
  for (let i = 0; i < devices; i++) {
    const id = `bench-aq-${String(i).padStart(4, '0')}-${process.pid}-${runs}`;
    const { token } = await iot.registry.register({ id, typeId: 'AirQualityStation', name: `空气站 ${i}`, ownerDepartment: '聊城市生态环境局', lon: 115.9 + i / 1000, lat: 36.4, accessTier: 'general' });
    tokens.push({ id, token });
  }
  const stored = async () => (await target.db.query<{ n: number }>('SELECT count(*)::int AS n FROM iot_telemetry')).rows[0]?.n ?? 0;
  return {
    engine,
    iot,
    tokens,
    stored,
    async close() {
      await engine.close();
      await iot.stop?.();
      await relay.stop();
      if (engineOpts.url) {
        // Discard this run's persistent sessions: left subscribed, the broker would queue a copy of
        // every later run's messages for them until they expire.
        for (let i = 0; i < (engineOpts.consumers ?? 1); i++) {
          const c = await connect(engineOpts.url, { clientId: i === 0 ? clientId : `${clientId}-${i}`, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 } });
          await c.endAsync();
        }
      }
    },
  };
}

async function embeddedRun(fleet: DeviceFleet, target: BenchDatabase, devices: number, seconds: number, withOverload: boolean) {
  const p = await setupPlatform(target, devices, {});
  const url = `mqtt://127.0.0.1:${p.engine.port}`;
  const clients = await fleet.connect(url, p.tokens.map(({ id, token }) => ({ topic: `devices/${id}/telemetry`, clientId: id, username: id, password: token })));
  await clients.drive(4, 1); // warm-up
  const before = await p.stored();
  const sustained = await clients.drive(8, seconds);
  const storedRows = (await p.stored()) - before;
  await clients.end();
  if (!withOverload) {
    await p.close();
    return { sustained, storedRows, overload: null };
  }

  // Overload: many more outstanding messages than the engine's bounds allow.
  log(`  overload: ${devices} devices × 200 outstanding for ${seconds} s…`);
  let peakPending = 0;
  const memory = memorySampler();
  const sampler = setInterval(() => {
    peakPending = Math.max(peakPending, p.iot.ingestion.stats().pendingReadings + p.engine.stats().queued * 3);
  }, 100);
  const over = await fleet.connect(url, p.tokens.map(({ id, token }) => ({ topic: `devices/${id}/telemetry`, clientId: `${id}-o`, username: id, password: token })));
  const before2 = await p.stored();
  const overloaded0 = p.iot.ingestion.stats().overloaded;
  const overload = await over.drive(200, seconds);
  await over.end(true);
  await p.iot.drain();
  clearInterval(sampler);
  memory.stop();
  const overloadStored = (await p.stored()) - before2;
  const stats = p.engine.stats();
  const overloaded = p.iot.ingestion.stats().overloaded - overloaded0;
  await p.close();
  return { sustained, storedRows, overload: { run: overload, overloadStored, memory: memory.text(), peakPending, stats, overloaded } };
}

async function mosquittoRaw(fleet: DeviceFleet, seconds: number, publishers: number): Promise<RunResult | null> {
  let sub: MqttClient;
  try {
    sub = await connect(mosquittoUrl, { clientId: `bench-sub-${process.pid}` });
  } catch {
    return null;
  }
  const root = `citybrain-bench/${process.pid}`;
  await sub.subscribeAsync(`${root}/+`, { qos: 1 });
  let received = 0;
  sub.on('message', () => received++);
  const pubs = await fleet.connect(mosquittoUrl, Array.from({ length: publishers }, (_, i) => ({ topic: `${root}/${i}`, clientId: `bench-pub-${process.pid}-${i}` })));
  const t0 = performance.now();
  const sent = await pubs.drive(8, seconds);
  const deadline = performance.now() + 10_000;
  while (received < sent.messages && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const result = { messages: received, seconds: (performance.now() - t0) / 1000, latencies: sent.latencies };
  await pubs.end();
  await sub.endAsync();
  return result;
}

/** Devices publish to Mosquitto (which acks them); the platform consumes with `consumers` sessions. */
async function externalRun(fleet: DeviceFleet, target: BenchDatabase, devices: number, seconds: number, consumers: number): Promise<RunResult & { stored: number }> {
  // Latency publish → committed by the platform (the broker's PUBACK comes before the platform has
  // it): the devices' send times joined with the commit times, by message, after the run.
  const committed = new Map<string, number>();
  const p = await setupPlatform(target, devices, { url: mosquittoUrl, consumers }, {}, (key, at) => {
    if (!committed.has(key)) committed.set(key, at); // a redelivery of a message already committed does not count
  });
  const clients = await fleet.connect(mosquittoUrl, p.tokens.map(({ id }) => ({ topic: `devices/${id}/telemetry`, clientId: `${id}-x` })));
  const before = await p.stored();
  const t0 = performance.now();
  const sent = await clients.drive(8, seconds, true);
  const deadline = performance.now() + 60_000;
  while ((await p.stored()) - before < sent.messages * 3 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const elapsed = (performance.now() - t0) / 1000;
  const stored = (await p.stored()) - before;
  await clients.end();
  await p.close();
  const latencies: number[] = [];
  for (const [key, at] of sent.sends ?? []) {
    const done = committed.get(key);
    if (done !== undefined) latencies.push(done - at);
  }
  return { messages: stored / 3, seconds: elapsed, latencies: latencies.sort((a, b) => a - b), stored };
}

/** Peak RSS and heap of this process (the platform runs in it), sampled every 100 ms. */
function memorySampler() {
  const first = process.memoryUsage();
  const peak = { rssBefore: first.rss, heapBefore: first.heapUsed, rss: first.rss, heap: first.heapUsed };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  }, 100);
  return {
    peak,
    stop: () => clearInterval(timer),
    text: () => `RSS ${Math.round(peak.rssBefore / 1e6)} → ${Math.round(peak.rss / 1e6)} MB, heap ${Math.round(peak.heapBefore / 1e6)} → ${Math.round(peak.heap / 1e6)} MB`,
  };
}

/**
 * Overload through Mosquitto: devices publish at `factor` × the sustainable rate for `seconds`
 * (paced, QoS 1, acknowledged by the broker); afterwards every acknowledged message must be stored
 * while the platform's pending work and memory stay bounded (the broker holds the backlog).
 */
async function externalOverload(fleet: DeviceFleet, target: BenchDatabase, devices: number, seconds: number, consumers: number, ratePerSecond: number) {
  const p = await setupPlatform(target, devices, { url: mosquittoUrl, consumers });
  const clients = await fleet.connect(mosquittoUrl, p.tokens.map(({ id }) => ({ topic: `devices/${id}/telemetry`, clientId: `${id}-ov` })));
  const before = await p.stored();
  const storedBefore = p.iot.ingestion.stats().stored;
  const memory = memorySampler();
  /** Acknowledged by the broker so far, as the devices' worker reports it every 100 ms. */
  let acked = 0;
  let peakPending = 0;
  let peakBacklog = 0;
  // The broker's backlog for the platform: acknowledged to the devices, not yet stored.
  const peaks = { inFlight: 0, queued: 0, writer: 0 };
  const sampler = setInterval(() => {
    const engine = p.engine.stats();
    const writer = p.iot.ingestion.stats().pendingReadings;
    peakPending = Math.max(peakPending, writer + engine.queued * 3);
    peaks.inFlight = Math.max(peaks.inFlight, engine.inFlight);
    peaks.queued = Math.max(peaks.queued, engine.queued);
    peaks.writer = Math.max(peaks.writer, writer);
    peakBacklog = Math.max(peakBacklog, acked - (p.iot.ingestion.stats().stored - storedBefore));
  }, 100);
  const t0 = performance.now();
  // Paced in the worker (by elapsed time, round-robin over the devices); it waits for all in flight.
  const paced = await clients.paced(ratePerSecond, seconds, (n) => {
    acked = n;
  });
  acked = paced.acked;
  const { published: n, refusedByBroker, publishSeconds } = paced;
  const deadline = performance.now() + 120_000;
  while ((await p.stored()) - before < acked * 3 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const drainSeconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  memory.stop();
  const stored = ((await p.stored()) - before) / 3;
  const engine = p.engine.stats();
  const ingest = p.iot.ingestion.stats();
  await clients.end();
  await p.close();
  return {
    published: n,
    offered: Math.round(n / publishSeconds),
    accepted: Math.round(acked / publishSeconds),
    storedRate: Math.round(stored / drainSeconds),
    acked,
    refusedByBroker,
    stored,
    drainSeconds,
    memory: memory.text(),
    peakPending,
    peaks,
    peakBacklog,
    receiveMaximum: Math.ceil(defaultMqttLimits.maxInFlight / consumers),
    handlerFailed: engine.failed,
    overloaded: ingest.overloaded,
  };
}

const USAGE = `npm run bench -- iot [--seconds N] [--devices N] [--consumers N] [--only PATHS] [--engines ENGINES]
  --seconds N    length of each run (default 10)
  --only PATHS   comma-separated runs to make: embedded, mosquitto, overload, raw (default all)
  --engines E    comma-separated databases: pglite, postgres (default both, postgres when reachable)
  --devices N    devices publishing at once, 8 QoS 1 messages outstanding each (default 50)
  --consumers N  the platform's consumer sessions on Mosquitto, measured next to 1 (default 4)
Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL / DATABASE_URL answers. The Mosquitto runs
start their own ${MOSQUITTO} on a free port (queue limits raised, persistence off) and stop it at
the end; without that binary they use MQTT_URL (default mqtt://127.0.0.1:1883), whose
max_queued_messages must exceed the overload run's backlog. The devices run in a worker thread of their
own, so the platform's thread is not shared with the load generator.
A tiny check: --seconds 1 --devices 2 --consumers 2
`;

export async function benchIot(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const seconds = argValue('seconds', 10);
  const devices = argValue('devices', 50);
  const consumers = argValue('consumers', 4);
  const own = await startMosquitto();
  if (own) {
    mosquittoUrl = own.url;
    log(`Mosquitto of this run: ${MOSQUITTO} at ${own.url} (${own.config}, persistence off)`);
  } else {
    log(`${MOSQUITTO} not found: the Mosquitto runs use ${mosquittoUrl}; its max_queued_messages (default 1000) must exceed the overload backlog or acknowledged messages are dropped by the broker`);
  }
  try {
    const fleet = startDeviceFleet();
    try {
      await measure(fleet, seconds, devices, consumers, own ? `own Mosquitto ${own.url}` : `Mosquitto at ${mosquittoUrl}`);
    } finally {
      await fleet.close();
    }
  } finally {
    await own?.stop();
  }
}

/** A comma-separated choice among `allowed` (all of them when the option is absent). */
function choice<T extends string>(name: string, allowed: readonly T[]): Set<T> {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return new Set(allowed);
  const picked = (process.argv[i + 1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const wrong = picked.filter((x) => !(allowed as readonly string[]).includes(x));
  if (picked.length === 0 || wrong.length > 0) throw new Error(`--${name} takes ${allowed.join(', ')} (comma-separated), got ${process.argv[i + 1] ?? 'nothing'}`);
  return new Set(picked as T[]);
}

async function measure(fleet: DeviceFleet, seconds: number, devices: number, consumers: number, brokerLabel: string): Promise<void> {
  const only = choice('only', ['embedded', 'mosquitto', 'overload', 'raw'] as const);
  const engines = choice('engines', ['pglite', 'postgres'] as const);
  const targets: Array<() => Promise<BenchDatabase>> = [];
  if (engines.has('pglite')) targets.push(scratchPglite);
  if (engines.has('postgres') && (await postgresReachable())) targets.push(scratchPostgres);
  const rows: Array<Array<string | number>> = [];
  const overloadRows: Array<Array<string | number>> = [];
  for (const open of targets) {
    let sustained: number | undefined;
    if (only.has('embedded')) {
      const target = await open();
      try {
        log(`${target.label}: ${devices} devices, embedded broker, ${seconds} s…`);
        const r = await embeddedRun(fleet, target, devices, seconds, only.has('overload'));
        rows.push([`embedded broker → ${target.label}`, rate(r.sustained), rate(r.sustained) * 3, pct(r.sustained.latencies, 50), pct(r.sustained.latencies, 95), pct(r.sustained.latencies, 99), r.storedRows === r.sustained.messages * 3 ? 'yes' : `NO (${r.storedRows})`]);
        const o = r.overload;
        if (o) {
          const slowed = `refused: ${o.stats.droppedClients} connections closed, ${o.overloaded} ingest_overloaded (not acked, resent), ${o.stats.refused} QoS 0 shed`;
          overloadRows.push([
            `embedded → ${target.label}`,
            `${devices} × 200 outstanding`,
            rate(o.run),
            o.run.messages,
            o.overloadStored / 3,
            o.overloadStored >= o.run.messages * 3 ? 'none' : `${o.run.messages - o.overloadStored / 3} LOST`,
            slowed,
            o.memory,
            o.peakPending,
          ]);
        }
      } finally {
        await target.dispose();
      }
    }
    if (only.has('mosquitto')) {
      const fresh = await open();
      try {
        for (const n of [...new Set([1, consumers])]) {
          log(`${fresh.label}: devices publishing to ${brokerLabel}, platform consuming it with ${n} session(s)…`);
          const x = await externalRun(fleet, fresh, devices, seconds, n).catch((err: unknown) => {
            log(`  skipped: ${String(err)}`);
            return null;
          });
          if (x) rows.push([`Mosquitto → platform (${n} session${n > 1 ? 's' : ''}) → ${fresh.label} *`, rate(x), Math.round(x.stored / x.seconds), pct(x.latencies, 50), pct(x.latencies, 95), pct(x.latencies, 99), x.stored >= x.messages * 3 ? 'yes (broker acks)' : 'NO']);
          if (x && n === consumers) sustained = rate(x);
        }
      } finally {
        await fresh.dispose();
      }
    }
    if (sustained && only.has('overload')) {
      const over = await open();
      try {
        log(`${over.label}: overload through ${brokerLabel} at 3 × ${sustained} msg/s for ${seconds} s…`);
        const o = await externalOverload(fleet, over, devices, seconds, consumers, sustained * 3);
        const slowed = `slowed: Receive Maximum ${o.receiveMaximum} × ${consumers} sessions, broker backlog ≤ ${o.peakBacklog.toLocaleString('en-US')}, drained in ${o.drainSeconds.toFixed(0)} s; refused: ${o.refusedByBroker} by the broker, ${o.overloaded} ingest_overloaded, ${o.handlerFailed} handler failures`;
        overloadRows.push([
          `Mosquitto → ${over.label}`,
          `${o.offered.toLocaleString('en-US')} msg/s (3 × ${sustained.toLocaleString('en-US')})`,
          o.accepted,
          o.acked,
          o.stored,
          o.stored >= o.acked ? 'none' : `${o.acked - o.stored} LOST`,
          slowed,
          o.memory,
          `${o.peakPending.toLocaleString('en-US')} (engine ≤ ${o.peaks.inFlight} running + ${o.peaks.queued} queued msgs, writer ≤ ${o.peaks.writer})`,
        ]);
      } finally {
        await over.dispose();
      }
    }
  }
  const raw = only.has('raw') ? await (log(`raw ${brokerLabel}: QoS 1 publish → subscribe…`), mosquittoRaw(fleet, seconds, devices)) : null;
  if (only.has('raw')) rows.push(['raw Mosquitto pub → sub (ceiling)', raw ? rate(raw) : 'unreachable', '—', raw ? pct(raw.latencies, 50) : '—', raw ? pct(raw.latencies, 95) : '—', raw ? pct(raw.latencies, 99) : '—', '—']);
  rows.push(['ThingsBoard reference (2 vCPU, 95% CPU)', 5_000, 15_000, '—', '—', '—', '—']);
  printTable(`IoT ingestion, QoS 1, 3 readings per message, ${devices} devices × 8 outstanding, ${seconds} s, ${brokerLabel} (latency publish → PUBACK after commit, ms; * publish → committed by the platform)`, ['path', 'msg/s', 'readings/s', 'p50', 'p95', 'p99', 'acked == stored'], rows);
  printTable(
    `Overload, ${seconds} s: embedded, ${devices} devices × 200 outstanding (far past the engine's bounds); via Mosquitto, paced at 3 × the sustainable rate (accepted = acknowledged by the broker per second of publishing)`,
    ['path', 'offered', 'accepted msg/s', 'acknowledged', 'stored', 'acknowledged lost', 'refused / slowed (reason)', 'peak memory', 'peak readings waiting'],
    overloadRows,
  );
  process.stdout.write(
    'Embedded: the engine refuses what exceeds its bounds (the device gets no PUBACK and resends). Mosquitto: the broker acknowledges the devices and queues for the platform, whose sessions take only Receive Maximum unacknowledged messages each, so the platform slows the flow instead of refusing; backlog = acknowledged − stored at its peak.\n',
  );
}
