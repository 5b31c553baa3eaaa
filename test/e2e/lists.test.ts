// 三张清单 page in headless Chromium against the real catalog routes (a server with just the
// catalog, so no sign-in is needed): publish the open list, change the catalog, see the pending
// change, publish again with a note, compare the versions and download the XLSX.
import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webDistDir } from '../../src/app.ts';
import { createLogger, systemClock } from '../../src/kernel/index.ts';
import { catalogMigrations, createCatalogModule, type CatalogModule } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type Database, type HttpApp } from '../../src/platform/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { openTestDatabase } from '../support/databases.ts';
import { waterLevel } from '../catalog/fixtures.ts';

describe.skipIf(!hasChromium())('three lists console page (skipped without Chromium)', () => {
  let app: HttpApp;
  let db: Database;
  let close: () => Promise<void>;
  let browser: Browser;
  let url: string;
  let catalog: CatalogModule;
  const shots = process.env.SCREENSHOT_DIR;

  beforeAll(async () => {
    await ensureWebBuilt();
    ({ db, close } = await openTestDatabase('pglite', [catalogMigrations]));
    const logger = createLogger({ level: 'silent' });
    catalog = createCatalogModule({ db, logger, clock: systemClock });
    await catalog.start?.();
    await catalog.service.create(waterLevel, { id: '水利局数据员' });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test', webDir: webDistDir });
    await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    app.server.closeAllConnections();
    await app.close();
    await close();
  });

  test('publish, change, see the pending change, publish again, compare and download', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${url}/console/lists?kind=open`);
    await page.getByTestId('publish-list').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('list-entries').textContent()).toContain('河道水位监测数据');
    await page.getByTestId('publish-note').fill('首次发布');
    await page.getByTestId('publish-list').click();
    await expect.poll(() => page.getByTestId('list-versions').textContent(), { timeout: 30_000 }).toContain('首次发布');
    await expect.poll(() => page.getByTestId('publish-list').isDisabled()).toBe(true);

    const { code: _c, ...fields } = waterLevel;
    await catalog.service.update(waterLevel.code, { ...fields, open: { type: 'none' } }, { id: '水利局数据员' });
    await page.reload();
    await expect.poll(() => page.getByTestId('list-pending').textContent(), { timeout: 30_000 }).toContain('1');
    await page.getByTestId('publish-note').fill('水位数据停止开放');
    await page.getByTestId('publish-list').click();
    await expect.poll(() => page.getByTestId('list-versions').locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: '与上一版比较' }).click();
    const diff = page.getByTestId('list-diff');
    await expect.poll(() => diff.textContent()).toContain('v1 → v2：新增 0，删除 1，修改 0');
    expect(await diff.textContent()).toContain(waterLevel.code);
    if (shots) await page.screenshot({ path: `${shots}/lists.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('list-versions').locator('tbody tr').first().getByText('XLSX').click()]);
    expect(download.suggestedFilename()).toBe('公共数据开放清单-v2.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await fs.readFile(await download.path())) as unknown as ArrayBuffer);
    const codes = wb.worksheets[0]?.getColumn(2).values.slice(2) ?? [];
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).not.toContain(waterLevel.code);
    await context.close();
  });
});
