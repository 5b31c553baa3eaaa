/**
 * The simulated devices of the IoT bench (bench/iot.ts), run in a worker thread of their own so the
 * platform measured keeps the main thread to itself (real devices are not inside the platform's
 * process). The worker owns the `mqtt` device clients, in named groups, and the payload sequence;
 * the main thread sends requests `{ id, request }` over `parentPort` and gets one answer per id
 * (plus progress messages during a paced run).
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt, { type MqttClient } from 'mqtt';

/** One device client: its MQTT identity and the topic it publishes to. */
export interface DeviceSpec {
  topic: string;
  clientId: string;
  username?: string;
  password?: string;
}

export type DeviceRequest =
  | { type: 'connect'; group: string; url: string; clients: DeviceSpec[] }
  | { type: 'drive'; group: string; window: number; seconds: number; recordSends: boolean }
  | { type: 'paced'; group: string; ratePerSecond: number; seconds: number }
  | { type: 'end'; group: string; force: boolean }
  | { type: 'close' };

/** `drive`: publish → PUBACK latencies (sorted, ms); with `recordSends`, each message's send time. */
export interface DriveResult {
  messages: number;
  seconds: number;
  latencies: number[];
  /** [messageKey, send time as epoch ms (`performance.timeOrigin + performance.now()`)]. */
  sends?: Array<[string, number]>;
}

export interface PacedResult {
  published: number;
  acked: number;
  refusedByBroker: number;
  publishSeconds: number;
}

/** What each request answers. */
export interface DeviceAnswers {
  connect: null;
  drive: DriveResult;
  paced: PacedResult;
  end: null;
  close: null;
}

export interface DeviceMessage {
  id: number;
  request: DeviceRequest;
}

export type DeviceReply =
  | { type: 'answer'; id: number; value: DeviceAnswers[keyof DeviceAnswers] }
  | { type: 'failed'; id: number; error: string }
  /** During a paced run (every 100 ms and at its end): messages acknowledged so far. */
  | { type: 'progress'; id: number; acked: number };

/** The `workerData` of the devices' worker: the module acts as the worker only when started with it. */
export const DEVICE_WORKER = 'citybrain-bench-iot-devices';

/** A message's identity, by topic and payload (each payload is unique). */
export const messageKey = (topic: string, body: string): string => `${topic}\n${body}`;

interface Device {
  client: MqttClient;
  topic: string;
}

function connect(url: string, opts: mqtt.IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

// A device's readings carry distinct times (1 ms apart, starting an hour ago): the same device,
// attribute and time is the same reading, which the store keeps once.
const epoch = Date.now() - 3_600_000;
const sequence = new Map<string, number>();
function payload(topic: string, i: number): string {
  const n = (sequence.get(topic) ?? 0) + 1;
  sequence.set(topic, n);
  return JSON.stringify({ observedAt: epoch + n, values: { pm25: 20 + (i % 60), pm10: 40, no2: 12 } });
}

/**
 * Each client keeps `window` QoS 1 messages outstanding for `seconds`; latency = publish → PUBACK.
 * With `recordSends`, each message's send time is also recorded, for a latency measured elsewhere.
 */
async function drive(clients: readonly Device[], window: number, seconds: number, recordSends: boolean): Promise<DriveResult> {
  const latencies: number[] = [];
  const sends: Array<[string, number]> = [];
  const end = performance.now() + seconds * 1000;
  let messages = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async ({ client, topic }) => {
      const lane = async () => {
        for (let i = 0; performance.now() < end; i++) {
          const sent = performance.now();
          const body = payload(topic, i);
          if (recordSends) sends.push([messageKey(topic, body), performance.timeOrigin + sent]);
          try {
            await client.publishAsync(topic, body, { qos: 1 });
          } catch {
            return; // disconnected by a limit (overload run): nothing acknowledged, nothing counted
          }
          latencies.push(performance.now() - sent);
          messages++;
        }
      };
      await Promise.all(Array.from({ length: window }, lane));
    }),
  );
  const result: DriveResult = { messages, seconds: (performance.now() - t0) / 1000, latencies: latencies.sort((a, b) => a - b) };
  if (recordSends) result.sends = sends;
  return result;
}

/**
 * Publishes at `ratePerSecond` (QoS 1, round-robin over the clients) for `seconds`, then waits for
 * every message in flight; `progress` gets the count acknowledged every 100 ms.
 */
async function paced(clients: readonly Device[], ratePerSecond: number, seconds: number, progress: (acked: number) => void): Promise<PacedResult> {
  let acked = 0;
  let refusedByBroker = 0;
  const reporter = setInterval(() => progress(acked), 100);
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  let credit = 0;
  let n = 0;
  try {
    // Paced by elapsed time, so a slow loop turn does not lower the offered rate.
    for (let now = performance.now(), last = now; now - t0 < seconds * 1000; last = now, now = performance.now()) {
      credit += (ratePerSecond * (now - last)) / 1000;
      while (credit >= 1) {
        credit--;
        const c = clients[n++ % clients.length];
        if (!c) break;
        const sent = c.client.publishAsync(c.topic, payload(c.topic, n), { qos: 1 }).then(
          () => void acked++,
          () => void refusedByBroker++,
        );
        const tracked: Promise<void> = sent.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 10 - (performance.now() - now))));
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(reporter);
  }
  progress(acked);
  return { published: n, acked, refusedByBroker, publishSeconds: (performance.now() - t0) / 1000 };
}

const groups = new Map<string, Device[]>();

function group(name: string): Device[] {
  const devices = groups.get(name);
  if (!devices) throw new Error(`no device group ${name}`);
  return devices;
}

async function endGroup(name: string, force: boolean): Promise<void> {
  const devices = groups.get(name) ?? [];
  groups.delete(name);
  for (const { client } of devices) {
    if (force) client.end(true);
    else await client.endAsync();
  }
}

async function handle(request: DeviceRequest, progress: (acked: number) => void): Promise<DeviceAnswers[keyof DeviceAnswers]> {
  switch (request.type) {
    case 'connect': {
      if (groups.has(request.group)) throw new Error(`device group ${request.group} exists`);
      const settled = await Promise.allSettled(
        request.clients.map(async ({ topic, clientId, username, password }) => ({
          client: await connect(request.url, username === undefined ? { clientId } : { clientId, username, password }),
          topic,
        })),
      );
      const devices = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) {
        for (const { client } of devices) client.end(true);
        throw failed.reason;
      }
      groups.set(request.group, devices);
      return null;
    }
    case 'drive':
      return drive(group(request.group), request.window, request.seconds, request.recordSends);
    case 'paced':
      return paced(group(request.group), request.ratePerSecond, request.seconds, progress);
    case 'end':
      await endGroup(request.group, request.force);
      return null;
    case 'close':
      await Promise.all([...groups.keys()].map((name) => endGroup(name, true)));
      return null;
  }
}

const port = workerData === DEVICE_WORKER ? parentPort : null;
if (port) {
  port.on('message', (message: DeviceMessage) => {
    const { id, request } = message;
    const post = (reply: DeviceReply) => port.postMessage(reply);
    handle(request, (acked) => post({ type: 'progress', id, acked }))
      .then(
        (value) => post({ type: 'answer', id, value }),
        (err: unknown) => post({ type: 'failed', id, error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        // Nothing left to do: closing the port lets the worker exit.
        if (request.type === 'close') port.close();
      });
  });
}
