// The citizen entrance of One Number (/m 我的聊城) in headless Chromium: a resident registers with
// the real-name check (a wrong name is refused with the reason), signs in through the platform's
// OpenID Connect provider, sees the account with its assurance level, and signs out.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { cityPeople, STRONG, startIdentityPlatform, type IdentityHarness } from '../identity/support.ts';

describe.skipIf(!hasChromium())('citizen portal /m in the browser (skipped when no Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('registers a resident with the real-name check, signs in through single sign-on and signs out', async () => {
    const { residents } = await cityPeople(h.platform);
    const person = residents[3] ?? { idNumber: '', name: '' };
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${h.platform.url}/m`);
    await expect.poll(() => page.getByTestId('citizen-portal').textContent()).toContain('我的聊城');

    await page.getByRole('tab', { name: '个人注册' }).click();
    const form = page.getByTestId('register-person');
    await form.locator('#idNumber').fill(person.idNumber);
    await form.locator('#name').fill(`${person.name}甲`);
    await form.locator('#password').fill(STRONG);
    await form.getByRole('button', { name: /注册/ }).click();
    await expect.poll(() => page.getByTestId('register-error').textContent()).toMatch(/实名|name/);
    await form.locator('#name').fill(person.name);
    await form.getByRole('button', { name: /注册/ }).click();
    await expect.poll(() => page.getByTestId('registered').textContent()).toContain('注册成功');

    await page.getByTestId('sso-sign-in').click();
    await page.waitForURL(/\/oidc\/interaction\//);
    await page.locator('#login').fill(person.idNumber);
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(/\/m$/);
    await expect.poll(() => page.getByTestId('portal-profile').textContent()).toContain(person.name);
    expect(await page.getByTestId('portal-assurance').textContent()).toContain('L2');
    expect(await page.getByTestId('portal-profile').textContent()).not.toContain(person.idNumber);

    await page.getByTestId('portal-sign-out').click();
    await expect.poll(() => page.getByTestId('sso-sign-in').isVisible()).toBe(true);
    const me = await page.evaluate(async () => (await fetch('/api/identity/me')).status);
    expect(me).toBe(401);
    await page.close();
  });
});
