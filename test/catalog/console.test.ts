// The catalog and aggregation pages in headless Chromium against the real catalog and aggregation
// routes (a server with just these modules, so no sign-in is needed): search 水位, open a
// resource, compare two versions; upload a GBK CSV and see its progress and quarantined rows.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webDistDir } from '../../src/app.ts';
import { createLogger, systemClock } from '../../src/kernel/index.ts';
import { generateResidentId } from '../../src/kernel/ids/index.ts';
import { aggregationMigrations, createAggregationModule } from '../../src/modules/aggregation/index.ts';
import { catalogMigrations, createCatalogModule } from '../../src/modules/catalog/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, type Database, type HttpApp } from '../../src/platform/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { openTestDatabase } from '../support/databases.ts';
import { waterLevel } from './fixtures.ts';

describe.skipIf(!hasChromium())('catalog and aggregation console pages (skipped without Chromium)', () => {
  let app: HttpApp;
  let db: Database;
  let close: () => Promise<void>;
  let browser: Browser;
  let dir: string;
  let url: string;
  let api: http.Server;
  let apiUrl: string;
  const shots = process.env.SCREENSHOT_DIR;

  beforeAll(async () => {
    await ensureWebBuilt();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-e2e-'));
    ({ db, close } = await openTestDatabase('pglite', [catalogMigrations, aggregationMigrations]));
    const logger = createLogger({ level: 'silent' });
    const catalog = createCatalogModule({ db, logger, clock: systemClock });
    await catalog.start?.();
    await catalog.service.create(waterLevel, { id: '水利局数据员' });
    const { code: _c, ...fields } = waterLevel;
    await catalog.service.update(waterLevel.code, { ...fields, name: '河道水位实时监测数据', sharing: { type: 'conditional', conditions: '防汛部门依申请', method: '接口' }, open: { type: 'none' } }, { id: '数据资源局' });
    const aggregation = createAggregationModule({ db, logger, clock: systemClock, catalog: catalog.service, config: { dataDir: dir } });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test', webDir: webDistDir });
    await app.register(catalog.routes as (a: HttpApp) => void, { prefix: '/api/catalog' });
    await app.register(aggregation.routes as (a: HttpApp) => void, { prefix: '/api/aggregation' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    api = http.createServer((req, res) => {
      if (req.headers['x-api-key'] !== 'k-water') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ station_id: 'ST900', observed_at: '2026-03-01 09:00', water_level: 30.5 }, { station_id: 'ST901', observed_at: '2026-03-01 09:00', water_level: 'x' }] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/levels`;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    api?.closeAllConnections();
    api?.close();
    app.server.closeAllConnections();
    await app.close();
    await close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('search finds 水位, the resource shows its data items and the diff between versions', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await page.goto(`${url}/console/catalog`);
    await page.getByTestId('catalog-search').waitFor({ timeout: 60_000 });
    await page.getByTestId('catalog-search').locator('input').fill('水位');
    await page.getByTestId('catalog-search').locator('input').press('Enter');
    await expect.poll(() => page.locator('tbody tr').first().textContent()).toContain('河道水位实时监测数据');
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.locator('tbody tr').first().click();
    await page.getByRole('tab', { name: /信息项/ }).click();
    await expect.poll(() => page.getByText('water_level').count()).toBeGreaterThan(0);
    await page.getByRole('tab', { name: '版本' }).click();
    await page.getByRole('button', { name: '与上一版比较' }).click();
    const diff = page.getByTestId('version-diff');
    await expect.poll(() => diff.textContent()).toContain('sharing.type');
    expect(await diff.textContent()).toContain('河道水位监测数据');
    if (shots) await page.screenshot({ path: path.join(shots, 'catalog.png') });
  });

  test('an uploaded GBK CSV shows progress, counts and each quarantined row with its line', async () => {
    const id = (n: number) => generateResidentId({ divisionCode: '371502', birthDate: '1985-02-03', sequence: n, sex: 'male' });
    const csv = ['水位站编号,监测时间,水位（米）', 'ST001,2026-03-01 08:00,31.25', 'ST002,2026-03-01 08:00,高', 'ST003,2026-03-01', `ST004,2026-03-01 08:00,29.8`].join('\r\n');
    const file = path.join(dir, '水位.csv');
    await fs.writeFile(file, iconv.encode(csv, 'gbk'));
    expect(id(1)).toHaveLength(18);
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await page.goto(`${url}/console/aggregation?resource=${waterLevel.code}`);
    await page.locator('input[type=file]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.locator('input[type=file]').setInputFiles(file);
    // The column step: every header matches an item title, so the load can start as suggested.
    await page.getByTestId('mapping-step').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('mapping-step').textContent()).toContain('按中文名匹配');
    await page.getByTestId('start-load').click();
    await expect.poll(() => page.getByTestId('rows-rejected').textContent(), { timeout: 30_000 }).toBe('2');
    const rejects = page.getByTestId('rejects');
    await expect.poll(() => rejects.locator('tbody tr').count()).toBe(2);
    const text = await rejects.textContent();
    expect(text).toContain('ragged row');
    expect(text).toContain('水位（米） (water_level): not a number');
    expect(await page.getByText('完成').count()).toBeGreaterThan(0);
    if (shots) await page.screenshot({ path: path.join(shots, 'aggregation.png'), fullPage: true });
  });

  test('creates a resource in the form (validation messages on the fields), then edits it into version 2', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await page.goto(`${url}/console/catalog`);
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByTestId('resource-create').click();
    const form = page.getByTestId('resource-form');
    await form.waitFor();
    await page.getByLabel('资源代码').fill('371500-ZT-SW-0009');
    await page.getByLabel('资源名称').fill('水库库容监测数据');
    await page.getByLabel('类', { exact: true }).fill('主题信息资源类');
    await page.getByLabel('数源部门').fill('市水利局');
    await page.getByLabel('摘要').fill('大中型水库的实时库容。');
    await form.getByPlaceholder('信息项名称').fill('水库编号');
    await form.getByPlaceholder('字段名').fill('Reservoir');
    await page.getByTestId('resource-save').click();
    // client rules: the column name pattern and the conditions conditional sharing needs
    await expect.poll(() => form.textContent()).toContain('小写字母开头，仅小写字母、数字与下划线');
    expect(await form.textContent()).toContain('有条件或不予共享须写明条件或依据');
    await form.getByPlaceholder('字段名').fill('reservoir_id');
    await page.getByLabel('共享类型 · 条件').fill('防汛部门依申请');
    // the server's rule: a related resource that is not in the catalog, named on its field
    await page.getByLabel('关联资源').fill('NO-SUCH-9');
    await page.getByLabel('关联资源').press('Enter');
    await page.getByTestId('resource-save').click();
    await expect.poll(() => form.textContent()).toContain('related resource NO-SUCH-9 is not in the catalog');
    await page.locator('.ant-select-selection-item-remove').first().click();
    await page.getByTestId('resource-save').click();
    await expect.poll(() => page.locator('.ant-drawer-title').first().textContent()).toContain('水库库容监测数据（371500-ZT-SW-0009）');
    await page.getByTestId('resource-edit').click();
    await page.getByLabel('资源名称').fill('水库库容实时监测数据');
    await page.getByTestId('resource-save').click();
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/api/catalog/resources/371500-ZT-SW-0009' })).json<{ version: number }>().version, { timeout: 30_000 }).toBe(2);
    const saved = await app.inject({ method: 'GET', url: '/api/catalog/resources/371500-ZT-SW-0009' });
    expect(saved.json()).toMatchObject({ version: 2, name: '水库库容实时监测数据', sharing: { type: 'conditional', conditions: '防汛部门依申请' }, dataItems: [{ name: 'reservoir_id', title: '水库编号', key: true }] });
  }, 180_000);

  test('adds an HTTP data source with a sealed API key and pulls it now', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await page.goto(`${url}/console/aggregation?resource=${waterLevel.code}`);
    await page.getByTestId('add-source').click();
    const form = page.getByTestId('source-form');
    await form.waitFor();
    await form.getByLabel('名称', { exact: true }).fill('水位站接口');
    await form.getByLabel('接口地址').fill(apiUrl);
    await form.getByLabel('记录路径（如 data.items）').fill('data');
    await form.getByLabel('认证请求头名称（如 X-API-Key）').fill('x-api-key');
    await form.getByLabel('认证请求头的值（SM4 加密保存，不再显示）').fill('k-water');
    await form.getByLabel('调度（cron，如 0 2 * * * 表示每天 2 点；留空则仅手动）').fill('every hour');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => form.textContent()).toContain('not a cron schedule');
    await form.getByLabel('调度（cron，如 0 2 * * * 表示每天 2 点；留空则仅手动）').fill('0 * * * *');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    const sources = page.getByTestId('sources');
    await expect.poll(() => sources.textContent()).toContain('水位站接口');
    await sources.getByRole('button', { name: '立即抽取' }).click();
    await expect.poll(() => sources.textContent(), { timeout: 30_000 }).toContain('成功');
    await expect.poll(() => page.getByTestId('rows-rejected').textContent(), { timeout: 30_000 }).toBe('1');
    if (shots) await page.screenshot({ path: path.join(shots, 'sources.png'), fullPage: true });
  }, 180_000);
});
