// End-to-end: the event center in headless Chromium against a real platform. A handler of 城管局
// signs in, finds the event in their unit's inbox, accepts it and reports it done; a dispatcher
// verifies and closes it; the timeline shows each step with who did it. At the dispatcher desk the
// dispatcher adds a routing rule, enters a hotline event placed by district and grid that the rule
// routes, one placed on the map, sees the on-time rate per unit, and deletes the rule.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/modules/identity/index.ts';
import { ensureWebBuilt, hasChromium, launchBrowser } from '../support/browser.ts';
import { Client, STRONG, startIdentityPlatform, type IdentityHarness } from '../identity/support.ts';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };

describe.skipIf(!hasChromium())('event center end to end (skipped when no Chromium)', () => {
  let h: IdentityHarness;
  let browser: Browser;
  let eventId: number;
  const title = `东昌府区柳园街道暴露垃圾 e2e-${Date.now().toString(36)}`;

  /** A staff member of `unit` with `role`, with their password set and an authenticator enrolled (as they would at first sign-in). */
  async function staff(login: string, name: string, unit: string, role: string): Promise<void> {
    const { accounts, directory } = h.platform.modules.identity.service;
    const created = await accounts.createStaff({ login, name, units: [unit] }, 'system');
    await directory.grant(SYSTEM, { accountId: created.account.id, role });
    const c = new Client(h.platform.url);
    await c.call('POST', '/api/identity/session', { login, password: created.oneTimePassword });
    await c.call('POST', '/api/identity/me/password', { currentPassword: created.oneTimePassword, newPassword: STRONG });
    const enrol = await c.call<{ secret: string }>('POST', '/api/identity/me/totp');
    const done = await c.call('POST', '/api/identity/me/totp/confirm', { code: h.totpFor(enrol.body.secret) });
    if (done.status !== 200) throw new Error(`TOTP enrolment of ${login}: ${JSON.stringify(done.body)}`);
  }

  const secretOf = async (login: string) => (await h.platform.db.query<{ s: string }>('SELECT totp_secret AS s FROM identity_accounts WHERE login = $1', [login])).rows[0]?.s ?? '';

  async function signIn(path: string, login: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    // CI runs on two shared cores: give the console time to render.
    page.setDefaultTimeout(60_000);
    await page.goto(`${h.platform.url}${path}`);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(STRONG);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('#code').fill(h.totpFor(await secretOf(login)));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    return page;
  }

  async function press(page: Page, label: RegExp, state: string): Promise<void> {
    await page.getByTestId('event-actions').getByRole('button', { name: label }).click();
    await expect.poll(() => page.getByTestId('event-state').textContent(), { timeout: 60_000 }).toContain(state);
  }

  beforeAll(async () => {
    await ensureWebBuilt();
    h = await startIdentityPlatform();
    await staff('cg-zhang', '张城管', 'D07', 'handler');
    await staff('zh-li', '李调度', '371500', 'dispatcher');
    // A grid worker's report in 东昌府区: 暴露垃圾 is routed by the seeded rule to 城管局 (D07).
    const e = await h.platform.modules.events.service.create({ title, categoryCode: 'SR01', lon: 115.99, lat: 36.45, source: 'grid_worker' }, 'grid-worker-e2e');
    expect(e.departmentCode).toBe('D07');
    eventId = e.id;
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await h?.dispose();
  });

  it('the handler accepts and reports from the inbox; the dispatcher verifies and closes; the timeline shows each step', async () => {
    const handler = await signIn('/console/events', 'cg-zhang');
    // 消息中心: the header's bell counts what was dispatched to 城管局.
    await expect.poll(async () => Number(await handler.getByTestId('notification-count').getAttribute('data-count')), { timeout: 60_000 }).toBeGreaterThan(0);
    await handler.getByRole('link', { name: title }).click({ noWaitAfter: true });
    await expect.poll(() => handler.getByTestId('event-title').textContent(), { timeout: 60_000 }).toContain(title);
    // A handler is offered only the handling actions of their unit, never verify or close.
    const offered = await handler.getByTestId('event-actions').textContent();
    expect(offered).toMatch(/签\s*收/);
    expect(offered).not.toContain('结案');
    await press(handler, /签\s*收/, '已签收');
    await press(handler, /开始处置/, '处置中');
    await handler.getByLabel('说明或理由').fill('已清运，现场已清洁');
    await press(handler, /反\s*馈/, '已反馈');
    expect(await handler.getByTestId('event-actions').count()).toBe(0);
    await handler.close();

    const dispatcher = await signIn(`/console/events?id=${eventId}`, 'zh-li');
    await expect.poll(() => dispatcher.getByTestId('event-title').textContent(), { timeout: 60_000 }).toContain(title);
    await press(dispatcher, /核查通过/, '已核查');
    await press(dispatcher, /结\s*案/, '已结案');
    const timeline = dispatcher.getByTestId('event-timeline');
    await expect.poll(() => timeline.locator('[data-action]').count()).toBe(7);
    const steps = await timeline.locator('[data-action]').allTextContents();
    const byAction = (a: string) => steps.find((s) => s.includes(a)) ?? '';
    expect(byAction('签收')).toContain('cg-zhang');
    expect(byAction('开始处置')).toContain('cg-zhang');
    expect(byAction('反馈')).toContain('已清运，现场已清洁');
    expect(byAction('核查通过')).toContain('zh-li');
    expect(byAction('结案')).toContain('zh-li');
    expect(byAction('结案')).toContain('城管局');
    await dispatcher.close();
  }, 400_000);

  /** Pick an option of an antd Select by typing part of its label. */
  async function choose(page: Page, testId: string, text: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page.keyboard.type(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  }

  it('the dispatcher desk: a routing rule routes a hotline event entered by district and grid; a map-picked event; on-time rates; the rule deleted', async () => {
    const desk = await signIn('/console/dispatch', 'zh-li');
    await desk.getByRole('tab', { name: '派遣规则' }).click();
    const rules = desk.getByTestId('routing-rules');
    await expect.poll(() => rules.getByTestId('rule-row').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    const before = await rules.getByTestId('rule-row').count();
    // 施工扰民 in 东昌府区 has no rule (it falls back to the district): send it to 住建局 D06.
    await choose(desk, 'rule-category', '施工扰民');
    await choose(desk, 'rule-district', '东昌府区');
    await choose(desk, 'rule-department', 'D06');
    await rules.getByRole('button', { name: /添加规则/ }).click();
    await expect.poll(() => rules.getByTestId('rule-row').count(), { timeout: 30_000 }).toBe(before + 1);
    const added = rules.getByTestId('rule-row').filter({ hasText: '施工扰民' }).filter({ hasText: '东昌府区' });
    expect(await added.textContent()).toContain('D06');

    await desk.getByRole('tab', { name: '事件录入' }).click();
    const entry = desk.getByTestId('event-entry');
    await entry.getByText('按区县和网格', { exact: true }).click();
    await choose(desk, 'entry-district', '东昌府区');
    await desk.getByTestId('entry-grid').click();
    // Grid options read "name（code）"; the district list may still be closing.
    await desk.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '（' }).first().click();
    await expect.poll(() => desk.getByTestId('entry-place').textContent()).toContain('已选位置');
    await desk.getByTestId('entry-title').fill('12345热线：夜间施工噪音扰民');
    await choose(desk, 'entry-category', '施工扰民');
    await desk.getByTestId('entry-submit').click();
    const created = desk.getByTestId('event-entry-created');
    await created.waitFor({ timeout: 30_000 });
    const hotlineId = Number(await created.getAttribute('data-id'));
    const hotline = await h.platform.modules.events.service.get(hotlineId);
    expect(hotline).toMatchObject({ source: 'hotline', departmentCode: 'D06', state: 'dispatched', title: '12345热线：夜间施工噪音扰民' });
    expect(hotline.place.districtCode).toBe('371502');

    // A grid worker's report placed with a click on the map (the middle of the city view).
    await entry.getByText('地图选点', { exact: true }).click();
    const picker = desk.getByTestId('place-picker');
    await expect.poll(() => picker.getAttribute('data-ready'), { timeout: 60_000 }).toBe('true');
    const box = await picker.boundingBox();
    if (!box) throw new Error('no picker box');
    await desk.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => desk.getByTestId('entry-place').textContent()).toContain('已选位置');
    await entry.getByText('网格员', { exact: true }).click();
    await desk.getByTestId('entry-title').fill('网格员上报：道路不洁');
    await choose(desk, 'entry-category', '道路不洁');
    await desk.getByTestId('entry-submit').click();
    await expect.poll(async () => Number(await desk.getByTestId('event-entry-created').getAttribute('data-id')), { timeout: 30_000 }).toBeGreaterThan(hotlineId);
    const gridId = Number(await desk.getByTestId('event-entry-created').getAttribute('data-id'));
    const report = await h.platform.modules.events.service.get(gridId);
    expect(report).toMatchObject({ source: 'grid_worker', categoryCode: 'SR03' });
    expect(report.place.lon).toBeGreaterThan(115.25);
    expect(report.place.districtCode).not.toBeNull();

    // 按时办结率: 城管局 reported the first test's event on time.
    await desk.getByRole('tab', { name: '按时办结率' }).click();
    const d07 = desk.getByTestId('on-time-row').and(desk.locator('[data-code="D07"]'));
    await expect.poll(() => d07.textContent(), { timeout: 60_000 }).toContain('100.0%');

    await desk.getByRole('tab', { name: '派遣规则' }).click();
    await added.getByRole('button', { name: /删\s*除/ }).click();
    await desk.locator('.ant-popover:visible').getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect.poll(() => rules.getByTestId('rule-row').count(), { timeout: 30_000 }).toBe(before);
    expect((await h.platform.modules.events.service.rules()).some((r) => r.categoryCode === 'SG01' && r.districtCode === '371502')).toBe(false);
    await desk.close();
  }, 400_000);
  it('video intake on the desk: the dispatcher raises a scenario\'s minimum confidence; a weaker detection is listed without an event; the event page lists its detections', async () => {
    const desk = await signIn('/console/dispatch', 'zh-li');
    await desk.getByRole('tab', { name: '识别场景' }).click();
    const editor = desk.getByTestId('scenario-editor');
    const row = editor.getByTestId('scenario-row').and(desk.locator('[data-code="street_vending"]'));
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    await desk.getByTestId('scenario-min').locator('input').fill('0.95');
    await desk.getByTestId('scenario-save').click();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('0.95');
    expect((await h.platform.modules.events.service.scenarios()).find((x) => x.code === 'street_vending')?.minConfidence).toBe(0.95);

    const svc = h.platform.modules.events.service;
    const weak = await svc.detect({ cameraId: 'CAM-E2E-9', scenario: 'street_vending', detectedAt: new Date().toISOString(), confidence: 0.9, lon: 115.99, lat: 36.45 }, 'vendor-e2e');
    expect(weak).toMatchObject({ outcome: 'below_confidence', eventId: null });
    const strong = await svc.detect({ cameraId: 'CAM-E2E-9', scenario: 'exposed_garbage', detectedAt: new Date().toISOString(), confidence: 0.9, lon: 115.97, lat: 36.44, snapshotUrl: 'https://vendor.example/e2e.jpg' }, 'vendor-e2e');
    expect(strong.outcome).toBe('created');

    await desk.getByRole('tab', { name: '视频识别' }).click();
    await desk.getByTestId('detection-camera').locator('input').fill('CAM-E2E-9');
    await desk.getByTestId('detection-camera').locator('input').press('Enter');
    const rows = desk.getByTestId('detections').getByTestId('detection-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const below = rows.and(desk.locator('[data-outcome="below_confidence"]'));
    expect(await below.textContent()).toContain('低于置信度，未立案');
    expect(await below.textContent()).toContain('≥ 0.95');
    await rows.and(desk.locator('[data-outcome="created"]')).getByRole('link').click();
    await expect.poll(() => desk.getByTestId('event-title').textContent(), { timeout: 60_000 }).toContain('暴露垃圾');
    const onEvent = desk.getByTestId('detections').getByTestId('detection-row');
    await expect.poll(() => onEvent.count(), { timeout: 30_000 }).toBe(1);
    expect(await onEvent.textContent()).toContain('CAM-E2E-9');
    await desk.close();
  }, 300_000);
  it('联合处置: a partner unit accepts and reports its part on the event page; the lead sees who is still pending', async () => {
    await staff('zj-wang', '王住建', 'D06', 'handler');
    const svc = h.platform.modules.events.service;
    const e = await svc.create({ title: `联合处置 e2e-${Date.now().toString(36)}`, categoryCode: 'SR01', lon: 115.99, lat: 36.45, source: 'grid_worker' }, 'grid-worker-e2e');
    await svc.act(e.id, 'joint', { partnerCodes: ['D06', 'D12'] }, 'zh-li');
    await svc.act(e.id, 'accept', {}, 'cg-zhang');
    await svc.act(e.id, 'start', {}, 'cg-zhang');

    const partner = await signIn(`/console/events?id=${e.id}`, 'zj-wang');
    const row = (unit: string) => partner.getByTestId('event-partners').getByTestId('partner-row').and(partner.locator(`[data-unit="${unit}"]`));
    await expect.poll(() => row('D06').getAttribute('data-state'), { timeout: 60_000 }).toBe('assigned');
    await partner.getByTestId('part-actions').getByRole('button', { name: /签收本单位任务/ }).click();
    await expect.poll(() => row('D06').getAttribute('data-state'), { timeout: 30_000 }).toBe('accepted');
    await partner.getByLabel('说明或理由').fill('检查井已修复');
    await partner.getByTestId('part-actions').getByRole('button', { name: /反馈本单位任务/ }).click();
    await expect.poll(() => row('D06').getAttribute('data-state'), { timeout: 30_000 }).toBe('reported');
    expect(await row('D06').textContent()).toContain('检查井已修复');
    expect(await partner.getByTestId('part-actions').count()).toBe(0);
    await partner.close();

    const lead = await signIn(`/console/events?id=${e.id}`, 'cg-zhang');
    await lead.getByTestId('partners-pending').waitFor({ timeout: 60_000 });
    const pending = await lead.getByTestId('partners-pending').textContent();
    expect(pending).toContain('应急局');
    expect(pending).not.toContain('住建局');
    await lead.getByTestId('event-actions').getByRole('button', { name: /反\s*馈/ }).click();
    await expect.poll(() => svc.get(e.id).then((x) => x.state), { timeout: 10_000 }).toBe('handling');
    await lead.close();
  }, 300_000);
});
