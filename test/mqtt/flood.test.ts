import { describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import type { MqttLimits, MqttStats } from '../../src/platform/mqtt/index.ts';
import { publishPacket, RawDevice } from './raw-client.ts';
import { sleep, startEmbedded, waitFor } from './helpers.ts';

const QOS0_MESSAGES = 200_000;
const QOS1_MESSAGES = 50_000;
const DEVICES_PER_QOS = 4;
const HANDLER_MS = 10;

/** ~100-byte telemetry; the first 12 characters are the sequence number. */
const telemetry = (seq: number): Buffer => Buffer.from(`${String(seq).padStart(12, '0')}{"temp":21.5,"hum":40.2,"ts":1732400000000,"bat":3.71}`);

type FloodResult = { stats: MqttStats; qos0Stored: number; acked: number; qos1Stored: number; cutOff: number; peakHeap: number; seconds: number };

/**
 * Raw TCP devices write 200 000 QoS 0 and 50 000 QoS 1 messages as fast as the sockets take
 * them, at a handler that needs 10 ms per message, with a dashboard subscribed to part of the
 * topics (with Aedes's default routing that mix overflows the stack: moscajs/aedes#193).
 * Asserts what must hold whatever the limits; returns the measurements.
 */
async function flood(limits: Partial<MqttLimits>): Promise<FloodResult> {
  let qos0Stored = 0;
  const qos1Stored = new Set<string>();
  const engine = await startEmbedded({ limits }, (e) =>
    e.consume('devices/+/telemetry', async (m) => {
      await sleep(HANDLER_MS);
      if (m.qos === 0) qos0Stored++;
      else qos1Stored.add(`${m.clientId}/${m.payload.subarray(0, 12).toString()}`);
    }),
  );
  const port = engine.port ?? 0;
  const dashboard = await connectAsync(engine.url, { clientId: 'dashboard', reconnectPeriod: 0 });
  await dashboard.subscribeAsync('devices/q0-0/#', { qos: 0 });

  const perDevice0 = QOS0_MESSAGES / DEVICES_PER_QOS;
  const perDevice1 = QOS1_MESSAGES / DEVICES_PER_QOS;
  const packets0 = Array.from({ length: DEVICES_PER_QOS }, (_, d) =>
    Array.from({ length: perDevice0 }, (_, i) => publishPacket(`devices/q0-${d}/telemetry`, telemetry(i), 0)),
  );
  const packets1 = Array.from({ length: DEVICES_PER_QOS }, (_, d) =>
    Array.from({ length: perDevice1 }, (_, i) => publishPacket(`devices/q1-${d}/telemetry`, telemetry(i + 1), 1, i + 1)),
  );

  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - baseline)), 25);
  const started = Date.now();

  const qos0Devices = packets0.map((_, d) => new RawDevice(port, `q0-${d}`));
  const qos1Devices = packets1.map((_, d) => new RawDevice(port, `q1-${d}`));
  await Promise.all([...qos0Devices.map((dev, d) => dev.send(packets0[d] ?? [])), ...qos1Devices.map((dev, d) => dev.send(packets1[d] ?? []))]);

  // Wait until the broker has read and settled everything the devices wrote: nothing running or
  // queued and nothing new read for 2 s (on a loaded machine the broker can pause reading for a
  // few hundred milliseconds while bytes are still waiting in the sockets).
  let lastReceived = -1;
  let unchangedSince = Date.now();
  await waitFor(
    () => {
      const s = engine.stats();
      if (s.received !== lastReceived || s.inFlight > 0 || s.queued > 0) unchangedSince = Date.now();
      lastReceived = s.received;
      return Date.now() - unchangedSince >= 2_000;
    },
    60_000,
    200,
  );
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const stats = engine.stats();

  // QoS 0 is never a reason to disconnect: each message was either stored or counted as refused.
  expect(qos0Devices.every((dev) => !dev.closed)).toBe(true);
  expect(qos0Stored + stats.refused).toBe(QOS0_MESSAGES);

  // QoS 1: every PUBACK a device saw is a stored message. A device is cut off only when a bound
  // is reached (counted in droppedClients); the others got every message acknowledged.
  const acked = qos1Devices.flatMap((dev, d) => [...dev.acked].map((id) => `q1-${d}/${String(id).padStart(12, '0')}`));
  expect(acked.filter((key) => !qos1Stored.has(key))).toEqual([]);
  const cutOff = qos1Devices.filter((dev) => dev.closed).length;
  expect(stats.droppedClients).toBe(cutOff);
  for (const dev of qos1Devices) if (!dev.closed) expect(dev.acked.size).toBe(perDevice1);
  expect(stats.failed).toBe(0);

  expect(peakHeap).toBeLessThan(300 * 1024 * 1024);

  // Still serving: a new device connects and its message is stored.
  const late = await connectAsync(engine.url, { clientId: 'late', reconnectPeriod: 0 });
  await late.publishAsync('devices/late/telemetry', telemetry(7), { qos: 1 });
  expect(qos1Stored.has('late/000000000007')).toBe(true);

  for (const dev of [...qos0Devices, ...qos1Devices]) dev.end();
  await Promise.all([late.endAsync(), dashboard.endAsync()]);
  await engine.close();
  const result = { stats, qos0Stored, acked: acked.length, qos1Stored: qos1Stored.size - 1, cutOff, peakHeap, seconds };
  console.info(
    `flood ${JSON.stringify(limits)}: ${stats.received} messages read in ${seconds.toFixed(1)} s (${Math.round(stats.received / seconds)} msg/s); ` +
      `QoS 0 stored ${qos0Stored}, refused ${stats.refused}; QoS 1 acked ${acked.length}, stored ${result.qos1Stored}; ` +
      `devices cut off ${cutOff}; peak heap +${Math.round(peakHeap / 1024 / 1024)} MB`,
  );
  return result;
}

describe('embedded broker under a flood', () => {
  it('with the default limits, absorbs it by TCP back-pressure: nothing refused, every message stored', async () => {
    const r = await flood({});
    expect(r.stats.refused).toBe(0);
    expect(r.cutOff).toBe(0);
    expect(r.acked).toBe(QOS1_MESSAGES);
  });

  it('with tight limits, sheds QoS 0 and cuts off QoS 1 devices, all counted, never losing an acknowledged message', async () => {
    const r = await flood({ maxInFlight: 200, maxQueued: 2_000, maxPendingPerClient: 1_500 });
    expect(r.stats.refused).toBeGreaterThan(0);
    expect(r.cutOff).toBeGreaterThan(0);
    // Every message read was stored or refused, except the one QoS 1 message per device whose
    // arrival over the bound cut that device off (unacknowledged: the device resends it).
    expect(r.stats.received).toBe(r.qos0Stored + r.stats.refused + r.qos1Stored + r.cutOff);
  });
});
