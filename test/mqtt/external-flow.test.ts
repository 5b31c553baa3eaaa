import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createMqttEngine, type MqttEngine } from '../../src/platform/mqtt/index.ts';
import { silentLogger, sleep, waitFor } from './helpers.ts';
import { remainingLength } from './raw-client.ts';

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);
}

/** MQTT 5 PUBLISH, QoS 1, no properties. */
function publish(topic: string, payload: string, messageId: number): Buffer {
  const t = Buffer.from(topic);
  return packet(0x32, Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, Buffer.from([messageId >> 8, messageId & 0xff, 0]), Buffer.from(payload)]));
}

/**
 * A broker that ignores the session's Receive Maximum, as Mosquitto before 2.0.13 does under a
 * backlog (eclipse/mosquitto#2306): after the SUBACK it sends `count` QoS 1 messages at once and
 * records the PUBACKs and how many connections the client opened.
 */
function floodingBroker(count: number): { server: Server; acks: number[]; connections: number; port(): number } {
  const state = { server: undefined as unknown as Server, acks: [] as number[], connections: 0, port: () => 0 };
  state.server = createServer((socket: Socket) => {
    state.connections++;
    let rest = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      rest = Buffer.concat([rest, chunk]);
      for (;;) {
        let length = 0;
        let i = 1;
        for (let shift = 0; i < rest.length; i++, shift += 7) {
          const byte = rest[i] ?? 0;
          length += (byte & 0x7f) << shift;
          if ((byte & 0x80) === 0) break;
        }
        if (i >= rest.length || rest.length < i + 1 + length) return;
        const type = (rest[0] ?? 0) >> 4;
        const body = rest.subarray(i + 1, i + 1 + length);
        rest = rest.subarray(i + 1 + length);
        if (type === 1) socket.write(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00])); // CONNACK, new session
        else if (type === 8) {
          socket.write(packet(0x90, Buffer.from([body[0] ?? 0, body[1] ?? 0, 0, 0x01]))); // SUBACK, granted QoS 1
          socket.write(Buffer.concat(Array.from({ length: count }, (_, n) => publish(`flow/dev-${n % 4}/telemetry`, String(n), n + 1))));
        } else if (type === 4) state.acks.push(((body[0] ?? 0) << 8) | (body[1] ?? 0));
        else if (type === 12) socket.write(Buffer.from([0xd0, 0x00])); // PINGRESP
      }
    });
  });
  state.port = () => {
    const address = state.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };
  return state;
}

let engine: MqttEngine | undefined;
let broker: ReturnType<typeof floodingBroker> | undefined;

afterEach(async () => {
  await engine?.close();
  await new Promise<void>((resolve) => (broker ? broker.server.close(() => resolve()) : resolve()));
  engine = undefined;
  broker = undefined;
});

it('stops reading instead of reconnecting when the broker sends past Receive Maximum: each message handled once, acked in order', async () => {
  const total = 60;
  broker = floodingBroker(total);
  const b = broker;
  await new Promise<void>((resolve) => b.server.listen(0, '127.0.0.1', resolve));
  // Receive Maximum 8; a handler queue of 4 that the flood would overrun (before: reconnect, redelivery, duplicates).
  engine = createMqttEngine({ url: `mqtt://127.0.0.1:${b.port()}`, clientId: 'flow-test', logger: silentLogger, limits: { maxInFlight: 8, maxQueued: 4 } });
  const handled: number[] = [];
  let running = 0;
  let peak = 0;
  await engine.consume('flow/+/telemetry', async (m) => {
    running++;
    peak = Math.max(peak, running);
    await sleep(2);
    running--;
    handled.push(Number(m.payload.toString()));
  });
  await engine.start();

  expect(await waitFor(() => b.acks.length === total)).toBe(true);
  expect(b.connections).toBe(1);
  expect(b.acks).toEqual(Array.from({ length: total }, (_, n) => n + 1));
  expect([...handled].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, n) => n));
  expect(peak).toBeLessThanOrEqual(8);
  expect(engine.stats()).toMatchObject({ handled: total, refused: 0, failed: 0 });
  expect(engine.stats().receiveMaximumExceeded).toBeGreaterThan(0);
});
