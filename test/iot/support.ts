import mqtt, { type MqttClient } from 'mqtt';
import { createLogger, fixedClock, type Clock } from '../../src/kernel/index.ts';
import { createIotModule, type DeviceInput, type IotModule, type IotOptions } from '../../src/modules/iot/index.ts';
import { createHttpServer, createMemoryBus, createMemoryRateLimiter, createMetrics, createMqttEngine, startOutboxRelay, type BusEvent, type Database, type HttpApp } from '../../src/platform/index.ts';

export const silent = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The IoT module's routes on an HTTP server over `db` (no broker started). */
export async function iotHttp(db: Database, opts: { clock?: Clock; options?: IotOptions } = {}): Promise<{ app: HttpApp; iot: IotModule; events: BusEvent[]; flush: () => Promise<number> }> {
  const clock = opts.clock ?? fixedClock(new Date());
  const bus = createMemoryBus(silent);
  const events: BusEvent[] = [];
  await bus.subscribe('iot.alarm.>', 'test', async (e) => {
    events.push(e);
  });
  const relay = startOutboxRelay(db, bus, silent, { intervalMs: 60_000 });
  const iot = createIotModule({ db, clock, logger: silent, mqtt: createMqttEngine({ port: 0, logger: silent }), relay }, opts.options);
  const app = await createHttpServer({ logger: silent, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test' });
  await app.register(iot.routes ?? (() => undefined), { prefix: '/api/iot' });
  app.addHook('onClose', () => relay.stop());
  await app.ready();
  return { app, iot, events, flush: () => relay.flush() };
}

export const waterSensor = (id: string, extra: Record<string, unknown> = {}): DeviceInput => ({
  id,
  typeId: 'WaterLevelSensor',
  name: `徒骇河水位 ${id}`,
  ownerDepartment: '聊城市水利局',
  lon: 115.98,
  lat: 36.45,
  accessTier: 'important',
  ...extra,
});

/** Connect an MQTT client; rejects on a refused CONNECT. */
export function connectDevice(url: string, username: string, password: string, clientId = `${username}-${Math.random().toString(36).slice(2, 8)}`): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

export interface ProblemBody {
  status: number;
  code: string;
  field?: string;
  detail?: string;
}
