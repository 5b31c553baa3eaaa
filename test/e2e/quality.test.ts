// The data quality page in headless Chromium against the real catalog, aggregation and quality
// routes (a server with just these modules, so no sign-in is needed): a load with bad rows opens
// tickets; the page shows the scores, the ticket list, a ticket's timeline, and acknowledging it;
// the resource's rules run again from "run now".
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { webDistDir } from '../../src/app.ts';
import type { Database } from '../../src/platform/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { openTestDatabase } from '../support/databases.ts';
import { csvOf, firms, firmsWithFaults, people, pid, QUALITY_MIGRATIONS, startQualityStack, type QualityStack } from '../quality/fixtures.ts';

describe.skipIf(!hasChromium())('data quality console page (skipped without Chromium)', () => {
  let db: Database;
  let close: () => Promise<void>;
  let stack: QualityStack;
  let browser: Browser;
  let url: string;
  const shots = process.env.SCREENSHOT_DIR;

  beforeAll(async () => {
    await ensureWebBuilt();
    ({ db, close } = await openTestDatabase('pglite', QUALITY_MIGRATIONS));
    stack = await startQualityStack(db, { webDir: webDistDir });
    await stack.load(people.code, ['id_number,name', `${pid(0)},甲`, `${pid(1)},乙`, `${pid(2)},丙`].join('\n'));
    await stack.quality.service.createRule({ resourceCode: firms.code, name: '电话格式', kind: 'phone', field: 'phone' }, { id: 'test', departments: 'all' });
    await stack.quality.service.createRule({ resourceCode: firms.code, name: '名称非空', kind: 'not_null', field: 'name' }, { id: 'test', departments: 'all' });
    await stack.load(firms.code, csvOf(firmsWithFaults()));
    url = await stack.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    stack.app.server.closeAllConnections();
    await stack.close();
    await close();
  });

  test('shows scores and the open ticket of the source department; the department acknowledges it', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1200 } })).newPage();
    await page.goto(`${url}/console/quality`);
    const tickets = page.getByTestId('tickets-table');
    await tickets.waitFor({ timeout: 60_000 });
    await expect.poll(() => tickets.locator('tbody tr').count()).toBe(2);
    const row = tickets.locator('tbody tr', { hasText: '电话格式' });
    expect(await row.textContent()).toContain(firms.department);
    expect(await row.textContent()).toContain('待签收');
    expect(await page.getByTestId('resource-scores').textContent()).toContain(firms.name);
    await page.getByTestId('score-trend').waitFor();

    await row.click();
    const drawer = page.getByTestId('ticket-drawer');
    await expect.poll(() => drawer.textContent()).toContain('1 of 14 rows fail');
    await drawer.locator('textarea').fill('已通知企业更正联系电话');
    await drawer.getByRole('button', { name: '签 收' }).or(drawer.getByRole('button', { name: '签收' })).click();
    await expect.poll(() => drawer.locator('.ant-descriptions').textContent()).toContain('整改中');
    expect(await drawer.locator('.ant-timeline').textContent()).toContain('已通知企业更正联系电话');
    if (shots) await page.screenshot({ path: path.join(shots, 'quality-ticket.png') });
    const ticket = (await stack.quality.service.listTickets({ limit: 10, offset: 0, state: 'acknowledged' }, { id: 'test', departments: 'all' })).items;
    expect(ticket.map((t) => t.ruleName)).toEqual(['电话格式']);
  }, 120_000);

  test("lists a resource's rules with their last result and runs them again on demand", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1200 } })).newPage();
    // A notification's link opens its ticket: ?ticket=N
    const [ticket] = (await stack.quality.service.listTickets({ limit: 1, offset: 0 }, { id: 'test', departments: 'all' })).items;
    await page.goto(`${url}/console/quality?resource=${firms.code}&ticket=${ticket?.id ?? 0}`);
    await expect.poll(() => page.locator('.ant-drawer-title').first().textContent()).toContain(String(ticket?.id));
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('ticket-drawer').count()).toBe(0);
    expect(new URL(page.url()).searchParams.has('ticket')).toBe(false);
    const rules = page.getByTestId('rules-table');
    await expect.poll(() => rules.textContent(), { timeout: 60_000 }).toContain('电话格式');
    expect(await rules.textContent()).toContain('1 行未通过');
    const before = (await stack.quality.service.listRuns(firms.code, 10, { id: 'test', departments: 'all' })).items.length;
    await page.getByTestId('run-now').click();
    await expect.poll(async () => (await stack.quality.service.listRuns(firms.code, 10, { id: 'test', departments: 'all' })).items.filter((r) => r.status === 'done').length, { timeout: 30_000 }).toBe(before + 1);
    const detail = page.getByTestId('run-detail');
    await expect.poll(() => detail.textContent()).toContain('手动');
    await detail.locator('tbody tr', { hasText: '电话格式' }).locator('button').first().click();
    await expect.poll(() => detail.textContent()).toContain('R12');
    if (shots) await page.screenshot({ path: path.join(shots, 'quality-rules.png') });
  }, 120_000);
});
