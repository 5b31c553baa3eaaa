// `citybrain simulate`: drives the demo city's sensors against a running platform. Each device
// connects to the platform's broker (embedded, or the external one in MQTT_URL) with its own
// credentials and publishes QoS 1 readings; `--scenario flood` makes rain and the rivers rise over
// the run, cross their warning and danger levels (alarms, then city-brain events) and recede.
import mqtt, { type MqttClient } from 'mqtt';
import { demoSensors, type DemoSensor } from '../modules/iot/index.ts';

export type Scenario = 'normal' | 'flood';
export const scenarios: readonly Scenario[] = ['normal', 'flood'];

export interface SimulateOptions {
  /** The platform's HTTP address (management API: register, rotate credentials, read alarms). */
  url: string;
  /** The broker the devices connect to. */
  mqttUrl: string;
  apiKey?: string;
  /** Messages per second, all devices together. */
  rate: number;
  /** Seconds; the run stops by itself. */
  duration: number;
  /** How many demo sensors to drive (the scenario's own come first); default all. */
  devices?: number;
  scenario: Scenario;
  /** Register the demo sensors and default rules first (idempotent). */
  register: boolean;
  /** Seconds between progress lines (default 5). */
  progressEvery?: number;
}

export interface SimulateResult {
  devices: number;
  sent: number;
  acknowledged: number;
  failed: number;
  /** Alarms of the driven devices raised during the run, and how many of those are cleared at the end. */
  alarmsRaised: number;
  alarmsCleared: number;
}

interface AlarmView {
  id: number;
  deviceId: string;
  ruleName: string;
  status: string;
  raisedAt: string;
}

const smooth = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));
/** 0 → 1 → 0: rises over [a, b], holds to c, falls back by d (fractions of the run). */
const hump = (x: number, a: number, b: number, c: number, d: number): number => (x < b ? smooth((x - a) / (b - a)) : 1 - smooth((x - c) / (d - c)));

/** Rain leads, rivers follow: the flood's shape over the run (x = elapsed / duration). */
export function floodCurve(x: number): { rain: number; river: number } {
  return { rain: hump(x, 0.02, 0.25, 0.4, 0.55), river: hump(x, 0.1, 0.42, 0.55, 0.82) };
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** One reading of a device at run fraction `x`, hour of day `hour`; `noise` in [-1, 1]. */
export function reading(s: DemoSensor, scenario: Scenario, x: number, hour: number, noise: () => number): Record<string, number> {
  const flood = scenario === 'flood' ? floodCurve(x) : { rain: 0, river: 0 };
  const day = Math.sin(((hour - 8) / 24) * 2 * Math.PI); // peaks mid-afternoon
  switch (s.typeId) {
    case 'WaterLevelSensor': {
      const l = s.levels ?? { normal: 2, warning: 3.5, danger: 4.5 };
      // The peak passes the danger level by a margin, so every gauge crosses both levels.
      const peak = l.danger + 0.25 * (l.danger - l.warning) + 0.1;
      return { height: round(l.normal + flood.river * (peak - l.normal) + 0.01 * noise(), 3), temperature: round(14 + 2 * day + 0.2 * noise(), 1) };
    }
    case 'RainGauge':
      return { precipitation: round(clamp(flood.rain > 0 ? 70 * flood.rain + 3 * noise() : Math.max(0, 0.3 * noise()), 0, 500), 1) };
    case 'FlowMeter':
      return { flow: round(45 * (1 + 4 * flood.river) + 2 * noise(), 1), velocity: round(0.4 * (1 + 2.5 * flood.river) + 0.02 * noise(), 2) };
    case 'AirQualityStation': {
      const pm25 = clamp(38 + 12 * day + 6 * noise() - 25 * flood.rain, 3, 2000);
      return { pm25: round(pm25, 1), pm10: round(pm25 * 1.7, 1), no2: round(clamp(28 - 8 * day + 3 * noise(), 0, 2000), 1), o3: round(clamp(60 + 30 * day + 5 * noise(), 0, 2000), 1), aqi: Math.round(clamp(pm25 * 1.35, 0, 500)) };
    }
    case 'WaterQualityStation':
      return { pH: round(7.6 + 0.05 * noise(), 2), o2: round(clamp(8 - 1.5 * flood.river + 0.2 * noise(), 0, 30), 2), turbidity: round(12 + 180 * flood.river + noise(), 1), conductivity: Math.round(620 - 150 * flood.river + 10 * noise()) };
    case 'PollutionSourceMonitor':
      return { cod: round(42 + 4 * noise(), 1), nh3n: round(2.1 + 0.2 * noise(), 2), so2: round(18 + 2 * noise(), 1), dischargeFlow: Math.round(320 + 20 * noise()) };
    case 'ManholeSensor':
      // Urban waterlogging (内涝) follows the rain closely.
      return { waterLevel: round(clamp(0.35 + 1.9 * flood.rain + 0.02 * noise(), 0, 20), 2), tilt: round(1 + 0.2 * Math.abs(noise()), 1), gasConcentration: round(4 + Math.abs(noise()), 1) };
    case 'SewerPipeSensor': {
      // The drains fill with the rain, a little ahead of the manholes.
      const fill = clamp(32 + 64 * flood.rain + 2 * noise(), 0, 100);
      return { fillLevel: round(fill, 1), flow: round(160 * (1 + 3 * flood.rain) + 5 * noise(), 1), velocity: round(0.5 + 1.3 * flood.rain + 0.03 * noise(), 2) };
    }
    case 'WaterSupplyPipeSensor':
      // Demand peaks in the afternoon: more flow, less pressure.
      return { flow: round(420 + 120 * day + 10 * noise(), 1), velocity: round(0.9 + 0.25 * day + 0.02 * noise(), 2), pressure: round(320 - 40 * day + 5 * noise(), 1) };
    case 'SmartPole': {
      const night = hour < 6 || hour >= 18;
      return { powerState: night ? 1 : 0, illuminanceLevel: night ? 80 : 0, powerConsumption: night ? round(118 + 4 * noise(), 1) : 2 };
    }
    case 'ParkingSpotSensor':
      return { occupied: noise() > (hour >= 8 && hour < 20 ? -0.5 : 0.4) ? 1 : 0 };
    case 'SoilMoistureSensor':
      return { soilMoistureVwc: round(clamp(24 + 25 * flood.rain + noise(), 0, 100), 1), soilTemperature: round(13 + 3 * day, 1) };
    default:
      return { batteryLevel: 90, rssi: -70 };
  }
}

/** The scenario's devices first: for a flood the river gauges, rain gauges, manholes and sewer pipes. */
function ordered(all: DemoSensor[], scenario: Scenario): DemoSensor[] {
  if (scenario !== 'flood') return all;
  const first = new Set(['WaterLevelSensor', 'RainGauge', 'ManholeSensor', 'SewerPipeSensor']);
  return [...all.filter((s) => first.has(s.typeId)), ...all.filter((s) => !first.has(s.typeId))];
}

function connectDevice(url: string, id: string, token: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: id, password: token, clientId: `${id}-sim`, reconnectPeriod: 0, connectTimeout: 10_000, clean: true });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(new Error(`${id}: cannot connect to ${url}: ${err.message}`));
    });
  });
}

/** Run the simulation; prints progress through `out` and resolves when it stopped by itself. */
export async function simulate(opts: SimulateOptions, out: (line: string) => void): Promise<SimulateResult> {
  const base = opts.url.replace(/\/$/, '');
  const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers = body === undefined ? auth : { ...auth, 'content-type': 'application/json' };
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) {
      const problem = (text ? JSON.parse(text) : {}) as { detail?: string; code?: string };
      throw new Error(`${method} ${path} → ${res.status} ${problem.code ?? ''}: ${problem.detail ?? text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };

  if (opts.register) {
    const r = await api<{ created: number; existing: number; rulesCreated: number }>('POST', '/api/iot/demo-sensors', {});
    out(`demo sensors: ${r.created} registered, ${r.existing} already there; ${r.rulesCreated} default rules created`);
  }
  const chosen = ordered(demoSensors(), opts.scenario).slice(0, opts.devices ?? Number.MAX_SAFE_INTEGER);
  if (chosen.length === 0) throw new Error('no devices to drive (--devices must be at least 1)');

  // The platform keeps only a hash of each token: simulated devices take fresh credentials.
  const clients: Array<{ sensor: DemoSensor; client: MqttClient }> = [];
  const started = new Date();
  try {
    for (const s of chosen) {
      let token: string;
      try {
        token = (await api<{ token: string }>('POST', `/api/iot/devices/${encodeURIComponent(s.id)}/token`)).token;
      } catch (err) {
        if (/404/.test((err as Error).message)) throw new Error(`demo sensor ${s.id} is not registered: run with --register (or start the platform with the demo city)`, { cause: err });
        throw err;
      }
      clients.push({ sensor: s, client: await connectDevice(opts.mqttUrl, s.id, token) });
    }
    out(`${clients.length} devices connected to ${opts.mqttUrl}; scenario ${opts.scenario}, ${opts.rate} msg/s for ${opts.duration} s`);

    let seed = 371500;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed / 0x7fffffff) * 2 - 1;
    };
    let sent = 0;
    let acknowledged = 0;
    let failed = 0;
    let next = 0;
    let credit = 0;
    const inFlight = new Set<Promise<void>>();
    const t0 = Date.now();
    const durationMs = opts.duration * 1000;
    const watched = clients.find((c) => c.sensor.levels)?.sensor;
    let lastValue: number | undefined;
    let lastProgress = t0;
    const progressMs = (opts.progressEvery ?? 5) * 1000;

    const progress = async (now: number): Promise<void> => {
      let open = '';
      try {
        const alarms = await api<AlarmView[]>('GET', '/api/iot/alarms?status=open&limit=1000');
        const mine = alarms.filter((a) => clients.some((c) => c.sensor.id === a.deviceId));
        open = ` · open alarms ${mine.length}`;
      } catch {
        // the key may lack iot.alarm.read: progress without the alarm count
      }
      const level = watched && lastValue !== undefined && watched.levels ? ` · ${watched.name} ${lastValue.toFixed(2)} m (警戒 ${watched.levels.warning} / 保证 ${watched.levels.danger})` : '';
      out(`[${Math.round((now - t0) / 1000)}/${opts.duration} s] sent ${sent} · acked ${acknowledged} · failed ${failed}${level}${open}`);
    };

    // Paced by elapsed time, so a slow turn of the loop does not lower the rate.
    for (let now = Date.now(), last = now; now - t0 < durationMs; last = now, now = Date.now()) {
      credit += (opts.rate * (now - last)) / 1000;
      const x = (now - t0) / durationMs;
      const hour = new Date(now).getHours() + new Date(now).getMinutes() / 60;
      while (credit >= 1) {
        credit--;
        const c = clients[next++ % clients.length];
        if (!c) break;
        const values = reading(c.sensor, opts.scenario, x, hour, noise);
        if (c.sensor.id === watched?.id) lastValue = values.height;
        sent++;
        const p: Promise<void> = c.client
          .publishAsync(`devices/${c.sensor.id}/telemetry`, JSON.stringify({ observedAt: new Date(now).toISOString(), values }), { qos: 1 })
          .then(
            () => void acknowledged++,
            () => void failed++,
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (now - lastProgress >= progressMs) {
        lastProgress = now;
        await progress(now);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - now))));
    }
    // The last readings are at normal levels: they clear what the flood raised.
    for (const { sensor, client } of clients) {
      sent++;
      const p = client.publishAsync(`devices/${sensor.id}/telemetry`, JSON.stringify({ observedAt: new Date().toISOString(), values: reading(sensor, opts.scenario, 1, new Date().getHours(), noise) }), { qos: 1 }).then(
        () => void acknowledged++,
        () => void failed++,
      );
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    await progress(Date.now());

    let alarmsRaised = 0;
    let alarmsCleared = 0;
    try {
      const alarms = await api<AlarmView[]>('GET', '/api/iot/alarms?limit=1000');
      const ours = alarms.filter((a) => Date.parse(a.raisedAt) >= started.getTime() - 1000 && clients.some((c) => c.sensor.id === a.deviceId));
      alarmsRaised = ours.length;
      alarmsCleared = ours.filter((a) => a.status === 'cleared').length;
      for (const a of ours.slice(0, 10)) out(`  alarm ${a.id} ${a.status.padEnd(12)} ${a.deviceId} ${a.ruleName}`);
    } catch {
      // no iot.alarm.read
    }
    out(`done: ${sent} messages sent, ${acknowledged} acknowledged, ${failed} failed; ${alarmsRaised} alarms raised, ${alarmsCleared} of them cleared`);
    return { devices: clients.length, sent, acknowledged, failed, alarmsRaised, alarmsCleared };
  } finally {
    await Promise.all(clients.map(({ client }) => client.endAsync().catch(() => undefined)));
  }
}
