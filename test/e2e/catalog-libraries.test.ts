// The catalog and aggregation console pages in headless Chromium against the real catalog and
// aggregation routes (a server with just those modules, so no sign-in is needed): a library card
// and the library filter show that library's resources only; a theme resource is created from a
// template; an upload shows its columns with the suggested mapping, takes a changed mapping, shows
// the upload progress and reports the columns it left out.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webDistDir } from '../../src/app.ts';
import { createLogger, systemClock } from '../../src/kernel/index.ts';
import { generateResidentId } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule, type AggregationModule } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule, type CatalogModule } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type Database, type HttpApp } from '../../src/platform/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { openTestDatabase } from '../support/databases.ts';

describe.skipIf(!hasChromium())('catalog libraries, templates and upload mapping in the console (skipped without Chromium)', () => {
  let app: HttpApp;
  let db: Database;
  let close: () => Promise<void>;
  let browser: Browser;
  let url: string;
  let catalog: CatalogModule;
  let aggregation: AggregationModule;
  let dataDir: string;
  const shots = process.env.SCREENSHOT_DIR;

  beforeAll(async () => {
    await ensureWebBuilt();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'e2e-catalog-'));
    ({ db, close } = await openTestDatabase('pglite', [catalogMigrations, aggregationMigrations]));
    const logger = createLogger({ level: 'silent' });
    catalog = createCatalogModule({ db, logger, clock: systemClock });
    await catalog.start?.();
    aggregation = createAggregationModule({ db, logger, clock: systemClock, catalog: catalog.service, config: { dataDir } });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test', webDir: webDistDir });
    // A slow link for uploads: the server takes the body in at about 3 MB/s, so an 8 MB upload
    // lasts a few seconds and the browser reports its progress in steps.
    app.addHook('preParsing', async (request, _reply, payload) => {
      if (!/\/loads\?/.test(request.url)) return payload;
      let chunks = 0;
      return payload.pipe(new Transform({ transform: (chunk: Buffer, _encoding, done) => void setTimeout(() => done(null, chunk), chunks++ % 4 === 0 ? 40 : 0) }));
    });
    await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
    await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    app.server.closeAllConnections();
    await app.close();
    await aggregation.service.idle();
    await close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const codesShown = async (page: Page): Promise<string[]> => page.locator('.ant-table-tbody tr.ant-table-row td:nth-child(2)').allTextContents();

  test('a library card and the library filter show that library only; a resource is created from a template', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 } });
    const page = await context.newPage();
    await page.goto(`${url}/console/catalog`);
    await page.getByTestId('library-population').waitFor({ timeout: 60_000 });
    await page.getByTestId('library-population').click();
    await expect.poll(() => codesShown(page)).toEqual(['371500-JC-RK-0001']);
    await page.getByTestId('library-e_licence').click();
    await expect.poll(async () => (await codesShown(page)).sort()).toEqual(['371500-JC-ZZ-0001', '371500-JC-ZZ-0002', '371500-JC-ZZ-0003', '371500-JC-ZZ-0004', '371500-JC-ZZ-0005', '371500-JC-ZZ-0006']);
    // The dropdown names the same filter, and switches it.
    expect(await page.getByTestId('library-filter').textContent()).toContain('电子证照库');
    await page.getByTestId('library-filter').click();
    const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: /^空间地理库$/ });
    await option.waitFor({ state: 'visible' });
    await option.click();
    await expect.poll(async () => await page.getByTestId('library-filter').textContent()).toContain('空间地理库');
    await expect.poll(async () => (await codesShown(page)).sort()).toEqual(['371500-JC-KJ-0001', '371500-JC-KJ-0002', '371500-JC-KJ-0003']);

    await page.getByTestId('resource-from-template').click();
    const form = page.getByTestId('template-form');
    await form.waitFor();
    await page.getByTestId('template-select').click();
    await page.locator('.ant-select-dropdown').last().getByText('空气质量监测数据', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-modal').textContent()).toContain('PM2.5浓度');
    await page.getByTestId('template-code').fill('371500-ZT-ST-0001');
    await page.getByTestId('template-department').fill('市生态环境局');
    await page.getByTestId('template-submit').click();
    await expect.poll(() => page.locator('.ant-drawer').textContent(), { timeout: 30_000 }).toContain('371500-ZT-ST-0001');
    const created = await catalog.service.get('371500-ZT-ST-0001');
    expect(created).toMatchObject({ name: '空气质量监测数据', department: '市生态环境局', libraryClass: 'theme', library: 'ecology' });
    if (shots) await page.screenshot({ path: `${shots}/catalog-template.png`, fullPage: true });
    await context.close();
  });

  test('an upload shows the suggested mapping, loads with the changed one and reports what it left out', async () => {
    await catalog.service.createFromTemplate({ template: 'social-security-pension', code: '371500-ZT-SB-0007', department: '市人社局' }, { id: 'test' });
    const ROWS = 8_000;
    const day = (n: number) => new Date(Date.UTC(1960, 0, 1) + Math.floor(n / 400) * 86_400_000).toISOString().slice(0, 10);
    const pid = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: day(n), sequence: (n % 400) + 1, sex: n % 2 ? 'male' : 'female' });
    const lines = ['身份证,参保状态,参保日期,单位名称,备注'];
    for (let i = 0; i < ROWS; i++) lines.push(`${pid(i)},在保,2015-01-01,聊城市某某有限公司,${'x'.repeat(1000)}`);
    const file = path.join(dataDir, '参保名单.csv');
    await fs.writeFile(file, lines.join('\n'));

    const context = await browser.newContext({ viewport: { width: 1440, height: 1400 } });
    const page = await context.newPage();
    await page.goto(`${url}/console/aggregation?resource=371500-ZT-SB-0007`);
    const input = page.locator('input[type=file]');
    await input.waitFor({ state: 'attached', timeout: 60_000 });
    await input.setInputFiles(file);
    const step = page.getByTestId('mapping-step');
    await step.waitFor({ timeout: 30_000 });
    // 参保状态 and 参保日期 match item titles; 身份证 matches nothing, so the key item is missing.
    expect(await step.textContent()).toContain('resident_id');
    expect(await step.textContent()).toContain('按中文名匹配');
    await expect.poll(() => page.getByTestId('mapping-missing').count()).toBe(1);
    const choose = async (column: string, option: string): Promise<void> => {
      await page.getByTestId(`map-${column}`).click();
      const item = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').locator(`.ant-select-item-option[title="${option}"]`);
      await item.waitFor({ state: 'visible' });
      await item.click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'detached' }).catch(() => undefined);
    };
    await choose('身份证', '参保人身份号码 (id_number)');
    await choose('备注', '不导入该列');
    await expect.poll(() => page.getByTestId('mapping-missing').count()).toBe(0);
    expect(await page.getByTestId('mapping-left-out').textContent()).toContain('备注');
    // Record every percentage the upload bar shows while the file is being sent.
    await page.evaluate(`(() => {
      const seen = [];
      window.uploadSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="upload-progress"]')?.textContent;
        const percent = text ? Number.parseInt(text, 10) : NaN;
        if (!Number.isNaN(percent)) seen.push(percent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    // Over loopback the whole file can leave between two progress events; a 4 MB/s link (the
    // district's line, not the machine's loopback) gives the bar time to move.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 });
    await page.getByTestId('start-load').click();
    await expect.poll(() => page.getByTestId('load-unmapped').textContent(), { timeout: 60_000 }).toContain('单位名称');
    await expect.poll(() => page.locator('.ant-card').filter({ has: page.getByTestId('load-progress') }).locator('.ant-card-extra').textContent(), { timeout: 60_000 }).toContain('完成');
    expect(await page.getByTestId('rows-rejected').textContent()).toBe('0');
    const seen = await page.evaluate<number[]>('window.uploadSeen');
    // The bar moved while the file was on its way: values between the start and the end.
    expect(seen.some((p) => p > 0 && p < 100), JSON.stringify(seen)).toBe(true);
    expect(await page.getByTestId('load-unmapped').textContent()).not.toContain('备注');
    if (shots) await page.screenshot({ path: `${shots}/aggregation-mapping.png`, fullPage: true });
    const loads = (await aggregation.service.listLoads('371500-ZT-SB-0007', 5)).items;
    expect(loads[0]).toMatchObject({ status: 'done', rowsInserted: ROWS, rowsRejected: 0, unmapped: ['单位名称'], mapping: { 身份证: 'id_number', 参保状态: 'status', 参保日期: 'insured_since', 备注: null } });
    await context.close();
  }, 180_000);
});
