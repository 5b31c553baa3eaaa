// End to end: the one map (/console/map) with a catalogue of 1 000 layers, in headless Chromium
// against a running platform. A dispatcher finds one layer by searching in the layer picker (the
// server searches and pages), switches it on, sees its tiles drawn on the map, reloads the page and
// still has it shown — the page keeps the shown layers in `?layers=` and resolves them by id.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/modules/identity/index.ts';
import type { LayerSource } from '../../src/modules/map/index.ts';
import { Client, STRONG, startIdentityPlatform, type IdentityHarness } from '../identity/support.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };

describe.skipIf(!hasChromium())('one map with 1 000 layers end to end (skipped without Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;
  let cookie = '';

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    const map = h.platform.modules.map.service;
    for (let i = 0; i < 1000; i++) {
      const id = `bulk-${String(i).padStart(4, '0')}`;
      const source: LayerSource = {
        layer: { id, nameZh: `批量图层${i}`, nameEn: `Bulk layer ${i}`, group: 'catalog', geometry: 'point', style: { kind: 'circle', color: '#722ed1', cluster: false, minZoom: 0 }, source: 'test', permission: 'map.layer.read' },
        subjects: [],
        ttlMs: 60 * 60_000,
        load: () => Promise.resolve({ skipped: 0, features: [{ type: 'Feature', properties: { name: `第${i}号点位` }, geometry: { type: 'Point', coordinates: [115.985 + (i % 10) * 0.01, 36.456] } }] }),
      };
      map.addLayer(source);
    }
    // A dispatcher of the city, signed in over the API (password changed, TOTP enrolled); the browser gets the session cookie.
    const { accounts, directory } = h.platform.modules.identity.service;
    const created = await accounts.createStaff({ login: 'map-dispatcher', name: '一张图调度员', units: ['371500'] }, 'system');
    await directory.grant(SYSTEM, { accountId: created.account.id, role: 'dispatcher' });
    const c = new Client(h.platform.url);
    await c.call('POST', '/api/identity/session', { login: 'map-dispatcher', password: created.oneTimePassword });
    await c.call('POST', '/api/identity/me/password', { currentPassword: created.oneTimePassword, newPassword: STRONG });
    const enrol = await c.call<{ secret: string }>('POST', '/api/identity/me/totp');
    const done = await c.call('POST', '/api/identity/me/totp/confirm', { code: h.totpFor(enrol.body.secret) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    cookie = c.cookie ?? '';
    expect(cookie).not.toBe('');
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('finds a layer by searching among 1 000, shows it on the map, and keeps it shown after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [name = '', value = ''] = cookie.split(/=(.*)/s);
    await context.addCookies([{ name, value, url: h.platform.url }]);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const tiles: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/map/tiles/bulk-0777/') && r.status() === 200) tiles.push(r.url());
    });
    await page.goto(`${h.platform.url}/console/map`);
    const catalogue = page.getByTestId('layer-catalogue');
    await expect.poll(() => catalogue.textContent(), { timeout: 60_000 }).toMatch(/共 1\d{3} 个图层/);
    // Not on the first page of the catalogue: found by the server's search.
    expect(await page.getByTestId('layer-toggle-bulk-0777').count()).toBe(0);
    await page.getByTestId('layer-search').locator('input').fill('批量图层777');
    await page.getByTestId('layer-search').locator('input').press('Enter');
    await expect.poll(() => catalogue.textContent()).toContain('共 1 个图层');
    await page.getByTestId('layer-toggle-bulk-0777').click();
    await page.getByTestId('layer-shown-bulk-0777').waitFor();
    await expect.poll(() => page.getByTestId('one-map').getAttribute('data-idle'), { timeout: 60_000 }).toContain('bulk-0777');
    expect(tiles.length).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('layers')?.split(',')).toContain('bulk-0777');

    tiles.length = 0;
    await page.reload();
    await page.getByTestId('layer-shown-bulk-0777').waitFor();
    await expect.poll(() => page.getByTestId('one-map').getAttribute('data-idle'), { timeout: 60_000 }).toContain('bulk-0777');
    expect(tiles.length).toBeGreaterThan(0);
    // Switched off from the shown list, it leaves the map and the address.
    await page.getByTestId('layer-shown-bulk-0777').locator('.anticon-close').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('layers') ?? '').not.toContain('bulk-0777');
    await context.close();
  }, 300_000);
});
