// End to end: the big screen (/screen) in headless Chromium against a running platform. A
// dispatcher signs in through the console's sign-in page (the screen sends them there and back),
// an event created through the API arrives live on the screen without a reload; the department
// returns it (退单), the dispatcher dispatches it again from the console's dispatcher desk, and
// the screen shows the new state — all pushed by the server's event stream.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiKeyWith, Client, startIdentityPlatform, STRONG, type IdentityHarness } from '../identity/support.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';

describe.skipIf(!hasChromium())('big screen end to end (skipped without Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;
  let key: string;
  let secret = '';
  const shots = process.env.SCREENSHOT_DIR;

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    const { accounts, directory } = h.platform.modules.identity.service;
    const system = { accountId: 'system', kind: 'staff' as const, login: 'system', displayName: 'system', via: 'session' as const, grants: [], restriction: null };
    const staff = await accounts.createStaff({ login: 'screen-dispatcher', name: '大屏调度员', units: ['D01'] }, 'system');
    await directory.grant(system, { accountId: staff.account.id, role: 'dispatcher' });
    // First sign-in chores over the API: a new password and TOTP enrolment (staff must use TOTP).
    const c = new Client(h.platform.url);
    await c.call('POST', '/api/identity/session', { login: 'screen-dispatcher', password: staff.oneTimePassword });
    await c.call('POST', '/api/identity/me/password', { currentPassword: staff.oneTimePassword, newPassword: STRONG });
    secret = (await c.call<{ secret: string }>('POST', '/api/identity/me/totp')).body.secret;
    const done = await c.call('POST', '/api/identity/me/totp/confirm', { code: h.totpFor(secret) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    key = await apiKeyWith(h.platform, ['events.*']);
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  const api = async <T,>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(h.platform.url + url, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const item = (page: Page, id: number) => page.locator(`[data-testid="screen-stream-item"][data-kind="event"][data-id="${id}"]`);

  test('signs in, sees a new event arrive live, and its dispatch from the console', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const screen = await context.newPage();
    await screen.goto(`${h.platform.url}/screen`);
    // Not signed in: the console's sign-in page, with the way back to the screen.
    await screen.waitForURL(/\/console\/login\?next=%2Fscreen/, { timeout: 60_000 });
    await screen.locator('#login').fill('screen-dispatcher');
    await screen.locator('#password').fill(STRONG);
    await screen.getByRole('button', { name: /登\s*录/ }).click();
    await screen.locator('#code').fill(h.totpFor(secret));
    await screen.getByRole('button', { name: /验\s*证/ }).click();
    await screen.waitForURL(/\/screen$/, { timeout: 30_000 });
    await screen.getByTestId('big-screen').waitFor({ timeout: 60_000 });
    await expect.poll(() => screen.getByTestId('screen-status').getAttribute('data-connected'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => screen.getByTestId('screen-map').locator('canvas').count(), { timeout: 30_000 }).toBe(1);
    // A city-wide dispatcher's screen says it shows the whole city (城市/区县 两级大屏).
    await expect.poll(() => screen.getByTestId('screen-scope').textContent(), { timeout: 30_000 }).toBe('全市');
    expect(await screen.getByTestId('screen-scope').getAttribute('data-all')).toBe('true');
    const today = Number(await screen.getByTestId('screen-kpi-eventsToday').textContent());
    // A marker that a reload would wipe out.
    await screen.evaluate(() => {
      (globalThis as Record<string, unknown>).screenMarker = 'still here';
    });

    const created = await api<{ id: number }>('POST', '/api/events', { title: '大屏端到端：古楼街道暴露垃圾', categoryCode: 'SR01', lon: 115.986, lat: 36.457 });
    await expect.poll(() => item(screen, created.id).count(), { timeout: 20_000 }).toBe(1);
    expect(await item(screen, created.id).textContent()).toContain('大屏端到端：古楼街道暴露垃圾');
    await expect.poll(() => item(screen, created.id).getAttribute('data-state'), { timeout: 20_000 }).toBe('dispatched');
    await expect.poll(async () => Number(await screen.getByTestId('screen-kpi-eventsToday').textContent()), { timeout: 20_000 }).toBe(today + 1);

    // The department sends it back (退单); the screen shows it returned.
    await api('POST', `/api/events/${created.id}/return`, { note: '不属于本单位职责' });
    await expect.poll(() => item(screen, created.id).getAttribute('data-state'), { timeout: 20_000 }).toBe('returned');

    // The dispatcher dispatches it again from the console's desk, in another tab.
    const desk = await context.newPage();
    await desk.goto(`${h.platform.url}/console/dispatch`);
    const row = desk.getByTestId('queue-returned').locator('tr', { hasText: '大屏端到端' });
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: /派\s*遣/ }).click();
    await expect.poll(() => item(screen, created.id).getAttribute('data-state'), { timeout: 20_000 }).toBe('dispatched');
    expect(await item(screen, created.id).locator('[data-testid="screen-stream-state"]').textContent()).toBe('已派遣');
    expect(await screen.evaluate(() => (globalThis as Record<string, unknown>).screenMarker)).toBe('still here');
    // 部门排行 with each unit's on-time rate.
    await expect.poll(() => screen.getByTestId('screen-department').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await screen.getByTestId('screen-department-rate').first().textContent()).toMatch(/^(\d+%|—)$/);
    if (shots) await screen.screenshot({ path: path.join(shots, 'big-screen.png') });
    await context.close();
  }, 240_000);

  test('the one map shows the catalogue and the properties of a clicked district, and reloads its live layers', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${h.platform.url}/console/login?next=%2Fconsole%2Fmap`);
    await page.locator('#login').fill('screen-dispatcher');
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('#code').fill(h.totpFor(secret));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    const catalogue = page.getByTestId('layer-catalogue');
    await expect.poll(() => catalogue.textContent(), { timeout: 60_000 }).toContain('区县边界');
    await page.getByTestId('layer-search').locator('input').fill('热力');
    await page.getByTestId('layer-search').locator('input').press('Enter');
    // The unfiltered list already holds 事件热力: wait for the search result to replace it (the shown
    // layers above the list keep 区县边界).
    const list = page.getByTestId('layer-list');
    await expect.poll(async () => { const text = (await list.textContent()) ?? ''; return text.includes('事件热力') && !text.includes('区县边界'); }).toBe(true);
    expect(await page.getByTestId('layer-shown').textContent()).toContain('区县边界');
    const map = page.getByTestId('one-map');
    await expect.poll(() => map.getAttribute('data-idle'), { timeout: 60_000 }).toBe('districts,events-open,alarms');
    const box = await map.boundingBox();
    if (!box) throw new Error('no map box');
    // The middle of the city view is inside a district.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('feature-properties').textContent(), { timeout: 10_000 }).toMatch(/population/);
    // Live layers reload on their own: the open-events tiles are fetched again without a page reload.
    const refetched: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/map/tiles/events-open/')) refetched.push(r.url());
    });
    await expect.poll(() => refetched.length, { timeout: 40_000 }).toBeGreaterThan(0);
    expect(refetched[0]).toMatch(/\?v=\d+/);
    if (shots) await page.screenshot({ path: path.join(shots, 'one-map.png') });
    await context.close();
  }, 180_000);
});
