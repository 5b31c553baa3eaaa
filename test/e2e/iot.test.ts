// The IoT console pages in headless Chromium against the real iot and city routes (a server with
// just these modules, so no sign-in is needed): a device registered in the console shows its token
// once; a reading pushed with that token over HTTP appears as the live value on the device page,
// and the alarm it raises appears on the alarms page. A CSV file registers devices in bulk (a bad
// row reported); the list is paged and filtered by the server; a device is edited, disabled and
// deleted from the list; a rule is edited and deleted.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webDistDir } from '../../src/app.ts';
import { createLogger, systemClock } from '../../src/kernel/index.ts';
import { cityMigrations, createCityModule } from '../../src/modules/city/index.ts';
import { createIotModule, iotMigrations, type IotModule } from '../../src/modules/iot/index.ts';
import { createHttpServer, createMemoryRateLimiter, createMetrics, createMqttEngine, type Database, type HttpApp } from '../../src/platform/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { openTestDatabase } from '../support/databases.ts';

const logger = createLogger({ level: 'silent' });

describe.skipIf(!hasChromium())('IoT console pages (skipped without Chromium)', () => {
  let db: Database;
  let close: () => Promise<void>;
  let app: HttpApp;
  let iot: IotModule;
  let browser: Browser;
  let url: string;
  const shots = process.env.SCREENSHOT_DIR;
  const id = `e2e-wl-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    await ensureWebBuilt();
    ({ db, close } = await openTestDatabase('pglite', [cityMigrations, iotMigrations]));
    iot = createIotModule({ db, clock: systemClock, logger, mqtt: createMqttEngine({ port: 0, logger }) });
    const city = createCityModule({ db, logger, clock: systemClock });
    await iot.alarms.createRule({ name: '水位超警戒 4 m', typeId: 'WaterLevelSensor', kind: 'threshold', attribute: 'height', operator: '>', threshold: 4, severity: 'major', enabled: true });
    app = await createHttpServer({ logger, db, metrics: createMetrics(), rateLimiter: createMemoryRateLimiter(), rateLimitPerMinute: 100_000, version: 'test', webDir: webDistDir });
    await app.register(iot.routes as (a: HttpApp) => Promise<void>, { prefix: '/api/iot' });
    await app.register(city.routes, { prefix: '/api/city' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    app?.server.closeAllConnections();
    await app?.close();
    await iot?.drain();
    await close?.();
  });

  async function openPage(route: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    page.setDefaultTimeout(90_000);
    await page.goto(`${url}${route}`);
    return page;
  }

  test('register a device, push a reading with its token, see the live value and the alarm', async () => {
    const page = await openPage('/console/devices');
    await page.getByTestId('device-register').click();
    const form = page.getByTestId('register-form');
    await form.getByLabel('设备编号').fill(id);
    await form.getByLabel('设备类型').click();
    await page.keyboard.type('水位计');
    await page.keyboard.press('Enter');
    await form.getByLabel('名称').fill('徒骇河测试水位站');
    await form.getByLabel('权属部门').fill('聊城市水利局');
    await page.getByRole('dialog').getByRole('button', { name: /^注\s*册$/ }).click();
    const token = page.getByTestId('device-token');
    await token.waitFor({ timeout: 30_000 });
    const secret = (await token.textContent())?.trim() ?? '';
    expect(secret).toMatch(/^dvt_/);
    await page.getByRole('dialog').getByRole('button', { name: '关 闭' }).click();

    // The device itself pushes a reading over HTTP with the token it was given.
    const push = await fetch(`${url}/api/iot/devices/${id}/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ values: { height: 4.62, temperature: 13.5 } }),
    });
    expect(push.status).toBe(200);
    expect(await push.json()).toEqual({ stored: 2 });

    const row = page.locator('tr', { hasText: id });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const latest = page.getByTestId('latest-values');
    await expect.poll(() => latest.textContent(), { timeout: 30_000 }).toContain('4.62');
    expect(await latest.textContent()).toContain('13.5');
    if (shots) await page.screenshot({ path: path.join(shots, 'iot-device.png') });

    const alarms = await openPage('/console/alarms');
    const table = alarms.getByTestId('alarms-table');
    await expect.poll(() => table.textContent(), { timeout: 30_000 }).toContain(id);
    const alarmRow = table.locator('tbody tr', { hasText: id });
    expect(await alarmRow.textContent()).toContain('水位超警戒 4 m');
    expect(await alarmRow.textContent()).toContain('height = 4.62 > 4');
    if (shots) await alarms.screenshot({ path: path.join(shots, 'iot-alarms.png') });
  }, 300_000);

  test('bulk-register from a CSV, page and filter on the server, edit, disable and delete a device', async () => {
    const prefix = `bk${Math.random().toString(36).slice(2, 6)}`;
    const ids = Array.from({ length: 12 }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
    const csv = [
      'id,typeId,name,ownerDepartment,lon,lat,accessTier,parentId',
      ...ids.map((d) => `${d},RainGauge,东昌府雨量站 ${d},聊城市气象局,115.98,36.45,general,`),
      `${prefix}-bad,NoSuchType,坏行,聊城市气象局,115.98,36.45,general,`,
    ].join('\n');
    const page = await openPage('/console/devices');
    await page.getByTestId('device-bulk').click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const summary = page.getByTestId('bulk-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.textContent()).toMatch(/12\D+1/);
    expect(await page.getByTestId('bulk-errors').textContent()).toContain('NoSuchType');
    await page.getByRole('dialog').getByRole('button', { name: '关 闭' }).click();

    // The server filters and pages: 12 match, 10 on the first page, 2 on the second.
    await page.getByTestId('device-search').locator('input').fill(prefix);
    await page.getByTestId('device-search').locator('input').press('Enter');
    const count = page.getByTestId('device-count');
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toContain('设备 12 台');
    const table = page.getByTestId('devices-table');
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(10);
    await page.locator('.ant-pagination-item-2').click();
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(2);
    await page.locator('.ant-pagination-item-1').click();

    const target = ids[0] ?? '';
    await page.getByTestId(`device-edit-${target}`).click();
    const form = page.getByTestId('edit-device-form');
    await form.getByLabel('名称').fill('东昌府雨量站（已迁址）');
    await page.getByRole('dialog').getByRole('button', { name: /^保\s*存$/ }).click();
    await expect.poll(() => table.locator('tr', { hasText: target }).textContent(), { timeout: 30_000 }).toContain('东昌府雨量站（已迁址）');

    const confirm = () => page.locator('.ant-popconfirm:visible').getByRole('button', { name: /^确\s*定$/ }).click();
    await page.getByTestId(`device-toggle-${target}`).click();
    await confirm();
    await expect.poll(() => table.locator('tr', { hasText: target }).textContent(), { timeout: 30_000 }).toContain('已停用');
    expect((await iot.registry.get(target)).enabled).toBe(false);

    await page.getByTestId(`device-delete-${target}`).click();
    await confirm();
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toContain('设备 11 台');
    await expect(iot.registry.get(target)).rejects.toMatchObject({ code: 'device_not_found' });
    if (shots) await page.screenshot({ path: path.join(shots, 'iot-devices.png') });
  }, 300_000);

  test('edit a rule and delete it from the console', async () => {
    const rule = await iot.alarms.createRule({ name: `土壤过湿 ${id}`, typeId: 'SoilMoistureSensor', kind: 'threshold', attribute: 'soilMoistureVwc', operator: '>', threshold: 80, severity: 'minor', enabled: true });
    const page = await openPage('/console/alarms');
    await page.getByRole('tab', { name: '告警规则' }).click();
    const table = page.getByTestId('rules-table');
    const row = table.locator('tbody tr', { hasText: rule.name });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: /^编\s*辑$/ }).click();
    const form = page.getByTestId('rule-form');
    await form.getByLabel('阈值').fill('85.5');
    await page.getByRole('dialog').getByRole('button', { name: /^保\s*存$/ }).click();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('soilMoistureVwc > 85.5');
    expect((await iot.alarms.listRules()).find((r) => r.id === rule.id)?.threshold).toBe(85.5);

    await row.getByRole('button', { name: /^删\s*除$/ }).click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: /^确\s*定$/ }).click();
    await expect.poll(() => table.locator('tbody tr', { hasText: rule.name }).count(), { timeout: 30_000 }).toBe(0);
    expect((await iot.alarms.listRules()).some((r) => r.id === rule.id)).toBe(false);
  }, 300_000);
});
