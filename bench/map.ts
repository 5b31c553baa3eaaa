/**
 * One map (一张图): vector-tile requests/s for a layer of 10 000 points (the IoT devices layer, real
 * registered devices), cold (each tile encoded for the first time) and cached (LRU hits), next to
 * a bare HTTP answer (/healthz) of the same server, same client and same concurrency in the same
 * run; then the one-map page's first render in headless Chromium — time to MapLibre's `idle` with
 * the 10 000-point layer loaded — next to the same page with an empty map.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from '../src/app.ts';
import { apiKeyWith } from '../test/identity/support.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../test/support/browser.ts';
import { argValue, log, printTable } from './support.ts';

const CITY = { west: 115.3, south: 35.8, east: 116.55, north: 37.0 };

function tileRange(z: number): Array<[number, number, number]> {
  const n = 2 ** z;
  const tx = (lon: number) => Math.floor(((lon + 180) / 360) * n);
  const ty = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  const out: Array<[number, number, number]> = [];
  for (let x = tx(CITY.west); x <= tx(CITY.east); x++) for (let y = ty(CITY.north); y <= ty(CITY.south); y++) out.push([z, x, y]);
  return out;
}

async function hammer(urls: string[], concurrency: number, headers: Record<string, string>): Promise<{ perSecond: number; bytes: number }> {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++] as string;
        const res = await fetch(url, { headers });
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
        bytes += (await res.arrayBuffer()).byteLength;
      }
    }),
  );
  return { perSecond: Math.round(urls.length / ((performance.now() - t0) / 1000)), bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function benchMap(): Promise<void> {
  const points = argValue('points', 10_000);
  const concurrency = argValue('concurrency', 16);
  const runs = argValue('runs', 3);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-bench-map-'));
  if (hasChromium()) await ensureWebBuilt();
  const platform = await startPlatform({ port: 0, host: '127.0.0.1', mqttPort: 0, dataDir, demoPeople: 1000, logLevel: 'warn', rateLimitPerMinute: 100_000_000, nodeId: 'bench-map' });
  try {
    log(`registering ${points} devices…`);
    const devices = Array.from({ length: points }, (_, i) => ({
      id: `bench-${i}`, typeId: 'AirQualityStation', name: `基准站点${i}`, ownerDepartment: '市生态环境局', accessTier: 'general',
      lon: CITY.west + ((i * 7919) % 10_000) / 10_000 * (CITY.east - CITY.west), lat: CITY.south + ((i * 104_729) % 10_000) / 10_000 * (CITY.north - CITY.south),
    }));
    for (let i = 0; i < devices.length; i += 5000) {
      const r = await platform.modules.iot.registry.registerBulk({ format: 'json', content: JSON.stringify(devices.slice(i, i + 5000)) });
      if (r.created.length !== Math.min(5000, devices.length - i)) throw new Error(`registered ${r.created.length} devices`);
    }
    const key = await apiKeyWith(platform, ['map.*', 'iot.*', 'events.*', 'city.*', 'identity.self']);
    const headers = { authorization: `Bearer ${key}` };
    const map = platform.modules.map.service;
    const layer = map.registry.get('devices');
    if (!layer) throw new Error('no devices layer');

    map.engine.invalidate('devices');
    const t0 = performance.now();
    const loaded = await map.engine.data(layer);
    await map.engine.tile(layer, { z: 0, x: 0, y: 0 });
    const loadMs = Math.round(performance.now() - t0);
    const total = loaded.features.length;
    if (loaded.features.length < points) throw new Error(`devices layer has ${loaded.features.length} features`);

    const tiles = [10, 11, 12, 13].flatMap(tileRange);
    const urls = tiles.map(([z, x, y]) => `${platform.url}/api/map/tiles/devices/${z}/${x}/${y}.pbf`);
    const bare = Array.from({ length: urls.length }, () => `${platform.url}/healthz`);
    await hammer(bare.slice(0, 200), concurrency, headers);
    log(`${tiles.length} tiles at z10–13 over the city, ${concurrency} at a time…`);
    const cold = await hammer(urls, concurrency, headers);
    const cached = await hammer(urls, concurrency, headers);
    const baseline = await hammer(bare, concurrency, headers);
    printTable(`Vector tiles (MVT) of a ${points.toLocaleString('en-US')}-point layer, ${concurrency} concurrent requests, ${tiles.length} tiles (z10–13)`, ['request', 'req/s', 'avg bytes', 'vs bare'], [
      ['tile, cold (encode + cache)', cold.perSecond, Math.round(cold.bytes / urls.length), `${((cold.perSecond / baseline.perSecond) * 100).toFixed(0)}%`],
      ['tile, cached (LRU hit)', cached.perSecond, Math.round(cached.bytes / urls.length), `${((cached.perSecond / baseline.perSecond) * 100).toFixed(0)}%`],
      ['bare GET /healthz (ceiling)', baseline.perSecond, Math.round(baseline.bytes / bare.length), '100%'],
    ]);
    process.stdout.write(`layer load + cluster index of ${total.toLocaleString('en-US')} points (the registered ones and the demo sensors): ${loadMs} ms\n`);

    if (!hasChromium()) {
      log('no Chromium: skipping the first-render measurement');
      return;
    }
    const browser = await launchBrowser();
    try {
      const render = async (layers: string): Promise<number> => {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, extraHTTPHeaders: headers });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        await page.goto(`${platform.url}/console/map?layers=${layers}`);
        const element = page.getByTestId('one-map');
        await element.waitFor({ timeout: 120_000 }).catch(async (err: unknown) => {
          const text = ((await page.locator('body').textContent()) ?? '').slice(0, 300);
          throw new Error(`no map on the page (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); page says: ${text}; errors: ${problems.slice(0, 3).join(' | ')}`);
        });
        const started = Date.now();
        while ((await element.getAttribute('data-idle')) !== layers) {
          if (Date.now() - started > 120_000) throw new Error(`map never idle with ${layers || 'no layers'}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const at = Number(await element.getAttribute('data-idle-at'));
        await context.close();
        return at;
      };
      const empty: number[] = [];
      const full: number[] = [];
      try {
        // One untimed load first: the browser's first page pays for starting its GPU process
        // (SwiftShader) and compiling the console's scripts, which no user's second visit does.
        await render('devices');
        for (let i = 0; i < runs; i++) {
          empty.push(await render(''));
          full.push(await render('devices'));
        }
      } catch (err) {
        process.stdout.write(`first render not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
        return;
      }
      printTable(`One-map first render in headless Chromium (SwiftShader WebGL), median of ${runs}, ms from navigation start to MapLibre idle`, ['page', 'ms', 'vs empty'], [
        [`${points.toLocaleString('en-US')}-point layer (clustered tiles)`, median(full), `+${median(full) - median(empty)} ms`],
        ['empty map (ceiling)', median(empty), '—'],
      ]);
    } finally {
      await browser.close();
    }
  } finally {
    await platform.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
