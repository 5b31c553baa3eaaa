// The IoT console pages in headless Chromium against the real iot and city routes (a server with
// just these modules, so no sign-in is needed): a device registered in the console shows its token
// once; a reading pushed with that token over HTTP appears as the live value on the device page,
// and the alarm it raises appears on the alarms page.
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
});
