// End-to-end single sign-on in headless Chromium: the console's "一号通行单点登录" goes through the
// OpenID Connect provider (/oidc/auth, code + PKCE), the provider's own login page signs in with
// password and authenticator code, and the console comes back signed in; the administrator then
// registers a department's application on the Clients page and sees its secret once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { STRONG, startIdentityPlatform, type IdentityHarness } from '../identity/support.ts';

describe.skipIf(!hasChromium())('single sign-on in the browser (skipped when no Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    await h.admin('sysadmin');
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('signs the console in through the provider’s login page and registers an application', async () => {
    const secret = (await h.platform.db.query<{ s: string }>("SELECT totp_secret AS s FROM identity_accounts WHERE login = 'sysadmin'")).rows[0]?.s ?? '';
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${h.platform.url}/console/clients`);
    await page.getByTestId('sso-sign-in').click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await expect.poll(() => page.getByTestId('oidc-client').textContent()).toContain('开放城市大脑');
    await page.locator('#login').fill('sysadmin');
    await page.locator('#password').fill('not-the-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('账号或密码错误');
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('#code').fill(h.totpFor(secret));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await page.waitForURL(/\/console\/clients$/);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('系统管理员');
    await expect.poll(() => page.getByTestId('clients').textContent()).toContain('citybrain-console');

    await page.locator('#client-name').fill('不动产登记系统');
    await page.locator('#client-owner').fill('D01');
    await page.locator('#client-redirects').fill('https://bdc.example.gov.cn/callback');
    await page.getByRole('checkbox', { name: 'id_number' }).check();
    await page.getByTestId('register-client').click();
    await expect.poll(() => page.getByTestId('client-secret').textContent()).toMatch(/^cb-\S+ \/ \S{43}$/);
    await expect.poll(() => page.getByTestId('clients').textContent()).toContain('不动产登记系统');

    const audit = (await h.platform.db.query<{ action: string; details: { via?: string } }>("SELECT action, details FROM platform_audit_log WHERE action IN ('identity.oidc.login', 'identity.session.create', 'identity.client.create') AND outcome = 'success' ORDER BY seq")).rows;
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['identity.oidc.login', 'identity.client.create']));
    expect(audit.some((a) => a.action === 'identity.session.create' && a.details.via === 'oidc')).toBe(true);
    await page.close();
  });
});
