import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform, type PlatformOptions } from '../../src/app.ts';
import { testPlatformOptions } from '../support/platform.ts';

interface Summary {
  population: number;
  households: number;
  enterprises: number;
  grids: number;
  builtAt: string | null;
  districts: Array<{ code: string; name: string; population: number }>;
}

describe('the platform, started as `npm start` starts it', () => {
  let platform: Platform;
  let options: PlatformOptions;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ options, dispose } = await testPlatformOptions());
    platform = await startPlatform(options);
  });

  afterAll(async () => {
    await platform.stop();
    await dispose();
  });

  it('is ready on every engine the environment chose', async () => {
    const ready = (await (await fetch(`${platform.url}/readyz`)).json()) as { status: string; checks: Record<string, string> };
    expect(ready).toEqual({ status: 'ready', checks: { database: 'ok', bus: 'ok', mqtt: 'ok', cache: 'ok' } });
    const info = (await (await fetch(`${platform.url}/api/platform/info`)).json()) as { engines: Record<string, string> };
    expect(info.engines).toEqual({
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      bus: process.env.NATS_URL ? 'nats' : 'memory',
      mqtt: process.env.MQTT_URL ? 'external' : 'embedded',
      cache: process.env.REDIS_URL ? 'redis' : 'memory',
    });
  });

  it('built the demo city of the size asked for, with figures per district that add up', async () => {
    const summary = (await (await fetch(`${platform.url}/api/city/summary`)).json()) as Summary;
    expect(summary.population).toBe(2000);
    expect(summary.districts).toHaveLength(8);
    expect(summary.districts.reduce((n, d) => n + d.population, 0)).toBe(2000);
    expect(summary.enterprises).toBeGreaterThan(0);
    expect(summary.grids).toBeGreaterThan(0);
    expect(summary.builtAt).not.toBeNull();
  });

  it('serves district boundaries as GeoJSON with the figures on each district', async () => {
    const res = await fetch(`${platform.url}/api/city/districts.geojson`);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const fc = (await res.json()) as { features: Array<{ properties: { code: string; population: number }; geometry: { type: string } }> };
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual(['371502', '371503', '371521', '371522', '371524', '371525', '371526', '371581']);
    expect(fc.features.every((f) => ['Polygon', 'MultiPolygon'].includes(f.geometry.type))).toBe(true);
    expect(fc.features.reduce((n, f) => n + f.properties.population, 0)).toBe(2000);
  });

  it('documents its routes in OpenAPI and answers bad input with the field that is wrong', async () => {
    const doc = (await (await fetch(`${platform.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/city/summary', '/api/city/residents/{idNumber}', '/healthz', '/readyz']));
    // Resident lookups need a permission: an anonymous caller is refused before anything else runs.
    expect((await fetch(`${platform.url}/api/city/residents/not-an-id`)).status).toBe(401);
    const bad = await fetch(`${platform.url}/api/city/divisions?parent=12`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('/querystring/parent');
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    expect(text).toMatch(/citybrain_http_request_duration_seconds_count\{[^}]*route="\/api\/city\/summary"/);
  });

  it('keeps its data across a restart and does not rebuild the city', async () => {
    const before = (await (await fetch(`${platform.url}/api/city/summary`)).json()) as Summary;
    await platform.stop();
    const started = Date.now();
    platform = await startPlatform(options);
    const after = (await (await fetch(`${platform.url}/api/city/summary`)).json()) as Summary;
    expect(after).toEqual(before);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
