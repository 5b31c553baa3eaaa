// The demo city's sensors and `citybrain simulate`: the sensors stand inside the demo districts,
// registering them twice changes nothing, and a short flood run over real MQTT raises the river
// gauges' warning and danger alarms and clears them when the water recedes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import { simulate } from '../../src/cli/simulate.ts';
import { demoSensors, type Alarm } from '../../src/modules/iot/index.ts';
import { apiKeyWith } from '../identity/support.ts';
import { testPlatformOptions } from '../support/platform.ts';

function inRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

describe('demo city sensors and citybrain simulate', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  let apiKey: string;

  beforeAll(async () => {
    const { options, dispose: d } = await testPlatformOptions();
    dispose = d;
    platform = await startPlatform({ ...options, buildDemo: false });
    apiKey = await apiKeyWith(platform, ['iot.device.read', 'iot.device.write', 'iot.alarm.read']);
  });

  afterAll(async () => {
    await platform.stop();
    await dispose();
  });

  it('places every demo sensor inside the demo district it names', async () => {
    const districts = await platform.modules.city.service.districtsGeoJson();
    const sensors = demoSensors();
    expect(sensors.length).toBeGreaterThan(50);
    for (const s of sensors) {
      const feature = districts.features.find((f) => f.properties.code === s.districtCode);
      const polygons = (feature?.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : (feature?.geometry.coordinates ?? [])) as number[][][][];
      expect(polygons.some((p) => p[0] !== undefined && inRing(s.lon, s.lat, p[0])), `${s.id} in ${s.districtCode}`).toBe(true);
    }
  });

  it('registers the demo sensors and default rules once over the API; a second time changes nothing', async () => {
    const call = async () => {
      const res = await fetch(`${platform.url}/api/iot/demo-sensors`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as { created: number; existing: number; rulesCreated: number };
    };
    const first = await call();
    expect(first.created).toBe(demoSensors().length);
    expect(first.rulesCreated).toBeGreaterThan(30);
    expect(await call()).toEqual({ created: 0, existing: demoSensors().length, rulesCreated: 0 });
    const pole = await platform.modules.iot.registry.get('LC-POLE-01-AQ');
    expect(pole.parentId).toBe('LC-POLE-01');
    const anonymous = await fetch(`${platform.url}/api/iot/demo-sensors`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });

  it('a short flood run raises the river gauges’ warning and danger alarms and clears them as the water recedes', async () => {
    const lines: string[] = [];
    const mqttUrl = platform.mqtt.mode === 'embedded' ? `mqtt://127.0.0.1:${platform.mqtt.port}` : (process.env.MQTT_URL ?? '');
    const result = await simulate({ url: platform.url, mqttUrl, apiKey, rate: 40, duration: 8, devices: 4, scenario: 'flood', register: true, progressEvery: 2 }, (l) => lines.push(l));
    expect(result.devices).toBe(4);
    expect(result.failed).toBe(0);
    expect(result.acknowledged).toBe(result.sent);
    expect(lines.some((l) => /\[\d+\/8 s\] sent \d+/.test(l))).toBe(true);

    const gauge = 'LC-WL-THH-01';
    const alarmsOf = async (): Promise<Alarm[]> => platform.modules.iot.alarms.listAlarms({ deviceId: gauge, limit: 100 });
    // With an external broker the device's PUBACK comes from the broker: wait for the platform.
    let alarms = await alarmsOf();
    for (let i = 0; i < 100 && !(alarms.length >= 2 && alarms.every((a) => a.status === 'cleared')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      alarms = await alarmsOf();
    }
    expect(alarms.map((a) => a.severity).sort()).toEqual(['critical', 'major']);
    expect(alarms.every((a) => a.status === 'cleared' && a.clearedAt !== null)).toBe(true);
    expect(alarms.find((a) => a.severity === 'critical')?.value).toBeGreaterThan(4.5);

    const from = new Date(Date.now() - 60_000).toISOString();
    const history = await platform.modules.iot.telemetry.history(gauge, { attribute: 'height', from, to: new Date(Date.now() + 60_000).toISOString() });
    const heights = history.points.map((p) => p.avg);
    expect(Math.max(...heights)).toBeGreaterThan(4.5);
    expect(heights.at(-1)).toBeLessThan(3.6);
  });
});
