// The identity pages in headless Chromium: sign-in protects them; an administrator signs in
// with password and authenticator code; the audit administrator sees and verifies the log.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { STRONG, startIdentityPlatform, type IdentityHarness } from './support.ts';

describe.skipIf(!hasChromium())('identity console pages (skipped when no Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    await h.admin('sysadmin');
    await h.admin('auditadmin');
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  const secretOf = async (login: string) => (await h.platform.db.query<{ s: string }>('SELECT totp_secret AS s FROM identity_accounts WHERE login = $1', [login])).rows[0]?.s ?? '';

  it('asks for sign-in, then password and authenticator code, then shows people and units', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${h.platform.url}/console/people`);
    await page.getByTestId('sign-in').waitFor();
    await page.locator('#login').fill('sysadmin');
    await page.locator('#password').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('账号或密码错误');
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('#code').fill(h.totpFor(await secretOf('sysadmin')));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('系统管理员');
    await expect.poll(() => page.getByTestId('accounts').textContent()).toContain('auditadmin');
    await expect.poll(() => page.getByTestId('unit-tree').textContent()).toContain('聊城市');
    await page.close();
  });

  it('shows the audit administrator the log and an intact chain', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${h.platform.url}/console/audit`);
    await page.locator('#login').fill('auditadmin');
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('#code').fill(h.totpFor(await secretOf('auditadmin')));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await expect.poll(() => page.getByTestId('audit-entries').textContent()).toContain('identity.session.create');
    await page.getByTestId('verify').click();
    await expect.poll(() => page.getByTestId('verdict').textContent()).toMatch(/哈希链完整/);
    await page.close();
  });
});
