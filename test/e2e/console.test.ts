// End-to-end: the web console served by a real platform (embedded engines, small demo city),
// driven in headless Chromium the way a user would use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPlatform } from '../../src/app.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';

/** "100,000 人" → 100000 */
function count(text: string | null): number {
  return Number((text ?? '').replace(/\D/g, ''));
}

describe.skipIf(!hasChromium())('web console end to end (skipped when no Chromium at CHROMIUM_PATH or /usr/bin/chromium)', () => {
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  let browser: Browser | undefined;
  let dataDir: string;

  beforeAll(async () => {
    // The server registers the console's files when it starts, so build first.
    await ensureWebBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'ocb-e2e-'));
    platform = await startPlatform({ port: 0, host: '127.0.0.1', dataDir, demoPeople: 3000, mqttPort: 0, logLevel: 'warn' });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function openPage(path: string): Promise<Page> {
    if (!browser || !platform) throw new Error('beforeAll did not finish');
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(platform.url + path);
    return page;
  }

  test('home shows the demo city: KPIs match the district table, and a map of the 8 districts', async () => {
    const page = await openPage('/');
    try {
      const population = count(await page.getByTestId('kpi-population').textContent());
      expect(population).toBeGreaterThan(0);

      const table = page.getByTestId('district-table');
      const cells = table.getByTestId('district-population');
      await expect.poll(() => cells.count()).toBe(8);
      const rows = (await cells.allTextContents()).map(count);
      expect(rows.reduce((a, b) => a + b, 0)).toBe(population);

      const map = page.getByTestId('district-map');
      await expect.poll(() => map.locator('canvas').count(), { timeout: 30_000 }).toBe(1);
      const labels = page.getByTestId('district-label');
      await expect.poll(() => labels.count(), { timeout: 30_000 }).toBe(8);
      expect(await labels.allTextContents()).toEqual(expect.arrayContaining(['东昌府区', '临清市', '茌平区']));

      // Clicking a district on the map (labels let clicks through) shows its figures, the same
      // population as its table row.
      const label = await labels.filter({ hasText: '东昌府区' }).boundingBox();
      if (!label) throw new Error('no label box');
      await page.mouse.click(label.x + label.width / 2, label.y + label.height / 2);
      const info = page.getByTestId('map-info');
      await expect.poll(() => info.textContent()).toContain('东昌府区');
      const row = table.getByRole('row').filter({ hasText: '东昌府区' });
      expect(count(await page.getByTestId('map-info-population').textContent())).toBe(
        count(await row.getByTestId('district-population').textContent()),
      );
    } finally {
      await page.context().close();
    }
  });

  test('the language switch turns the console to English and back, and is remembered', async () => {
    const page = await openPage('/');
    try {
      const navigation = page.getByTestId('navigation');
      await expect.poll(() => navigation.textContent()).toContain('首页');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

      await page.getByTestId('language-switch').getByText('English').click();
      await expect.poll(() => navigation.textContent()).toContain('Home');
      expect(await navigation.textContent()).toContain('Data platform');
      expect(await navigation.textContent()).not.toContain('首页');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      await page.reload();
      await expect.poll(() => page.getByTestId('navigation').textContent()).toContain('Home');

      await page.getByTestId('language-switch').getByText('中文').click();
      await expect.poll(() => page.getByTestId('navigation').textContent()).toContain('首页');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    } finally {
      await page.context().close();
    }
  });

  test('platform status shows the database engine and version the platform reports', async () => {
    if (!platform) throw new Error('beforeAll did not finish');
    const response = await fetch(`${platform.url}/api/platform/info`);
    const reported = (await response.json()) as { version: string; engines: { database: 'pglite' | 'postgres' } };
    const page = await openPage('/console/status');
    try {
      const engine = page.getByTestId('engine-database');
      await engine.waitFor();
      expect(await engine.textContent()).toContain(reported.engines.database === 'pglite' ? 'PGlite' : 'PostgreSQL');
      expect(await page.getByTestId('platform-version').textContent()).toBe(reported.version);
      expect(await page.getByRole('link', { name: /OpenAPI/ }).getAttribute('href')).toBe('/openapi.json');
    } finally {
      await page.context().close();
    }
  });

  test('a capability not built yet says so and names its requirements, with no made-up data', async () => {
    const page = await openPage('/console/sharing');
    try {
      const pending = page.getByTestId('capability-pending');
      await expect.poll(() => pending.textContent()).toContain('该能力尚在建设中');
      expect(await pending.textContent()).toContain('A6');
      expect(await page.locator('table').count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });
});
