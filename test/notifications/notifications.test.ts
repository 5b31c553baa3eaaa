// 消息中心 on a running platform (the configured database and bus): bus events through the real
// outbox become notifications for the unit that must act — an event dispatched to 城管局, a quality
// ticket to the department named 市水利局, an alarm of its device — not for other departments; a
// re-delivered bus event gives one; read state is per account; the stream pushes new ones live;
// the deadline timer's warning and escalation reach the unit and the command center.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import { fixedClock } from '../../src/kernel/index.ts';
import { BUILTIN_ROLES, type Principal } from '../../src/modules/identity/index.ts';
import type { Notification, NotificationList } from '../../src/modules/notifications/index.ts';
import { enqueueEvent, type BusEvent } from '../../src/platform/index.ts';
import { openSse, type SseConnection } from '../screen/sse.ts';
import { testPlatformOptions } from '../support/platform.ts';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };
// 东昌府区: 暴露垃圾 (SR01) here is routed to 城管局 (D07) by the seeded rule.
const SEAT = { lon: 115.99, lat: 36.45 };

describe('notifications (消息中心) on the platform', () => {
  let platform: Platform;
  let dispose: () => Promise<void>;
  const clock = fixedClock('2026-11-24T02:00:00.000Z');
  const keys: Record<'cg1' | 'cg2' | 'zj' | 'steward' | 'center' | 'iot' | 'machine', string> = { cg1: '', cg2: '', zj: '', steward: '', center: '', iot: '', machine: '' };
  const streams: SseConnection[] = [];

  /** An API key of a new staff member of `units` holding a built-in role (scoped to `scopeUnit` when given). */
  async function staff(role: string, units: string[], scopeUnit?: string): Promise<string> {
    const { directory, accounts, apiKeys } = platform.modules.identity.service;
    const permissions = BUILTIN_ROLES.find((r) => r.name === role)?.permissions ?? [];
    const login = `${role}-${randomUUID().slice(0, 8)}`;
    const created = await accounts.createStaff({ login, name: login, units }, 'system');
    await directory.grant(SYSTEM, { accountId: created.account.id, role, ...(scopeUnit ? { scopeUnit } : {}) });
    const owner: Principal = { ...SYSTEM, accountId: created.account.id, login, grants: [{ role, scopeUnit: scopeUnit ?? '', permissions }] };
    return (await apiKeys.create(owner, { name: 'test', permissions, expiresInDays: 365 })).key;
  }

  const call = async <T = Record<string, unknown>>(key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const list = async (key: string, query = '') => (await call<NotificationList>(key, 'GET', `/api/notifications?limit=200${query}`)).body;
  const unread = async (key: string) => (await call<{ unread: number }>(key, 'GET', '/api/notifications/unread-count')).body.unread;
  /** The caller's notification about `subjectRef` of `kind`, once it has arrived. */
  const arrived = async (key: string, subjectRef: string, kind: Notification['kind']): Promise<Notification> => {
    let found: Notification | undefined;
    await expect.poll(async () => (found = (await list(key)).items.find((n) => n.subjectRef === subjectRef && n.kind === kind)), { timeout: 15_000 }).toBeDefined();
    return found as Notification;
  };
  const newEvent = async (title: string) => {
    const e = await platform.modules.events.service.create({ title, categoryCode: 'SR01', ...SEAT, source: 'grid_worker' }, 'grid-worker-test');
    expect(e.departmentCode).toBe('D07');
    return e;
  };

  beforeAll(async () => {
    const t = await testPlatformOptions({ demoPeople: 1000 });
    dispose = t.dispose;
    platform = await startPlatform({ ...t.options, clock });
    keys.cg1 = await staff('handler', ['D07']);
    keys.cg2 = await staff('handler', ['D07']);
    keys.zj = await staff('handler', ['D06']);
    // 数据专员 of 水利局: a grant scoped to D08 (their own unit is the data bureau's).
    keys.steward = await staff('data_steward', ['D01'], 'D08');
    keys.center = await staff('dispatcher', ['371500']);
    keys.iot = await staff('iot_operator', ['D01']);
    keys.machine = await staff('ngsi_client', ['D07']);
  }, 300_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await platform?.stop();
    await dispose?.();
  });

  it('an event dispatched to 城管局 reaches its staff and not another department’s', async () => {
    const title = `东昌府区暴露垃圾 ${randomUUID().slice(0, 6)}`;
    const e = await newEvent(title);
    const n = await arrived(keys.cg1, `event:${e.id}`, 'event.dispatched');
    expect(n).toMatchObject({ unitCode: 'D07', unitName: '城管局', accountId: null, severity: 'info', link: `/console/events?id=${e.id}`, readAt: null });
    expect(n.titleZh).toContain(title);
    expect(n.titleEn).toContain(title);
    expect((await list(keys.cg2)).items.map((x) => x.id)).toContain(n.id);
    // 住建局 does not get it, and cannot touch it.
    expect((await list(keys.zj)).items.some((x) => x.subjectRef === `event:${e.id}`)).toBe(false);
    expect((await call(keys.zj, 'POST', `/api/notifications/${n.id}/read`)).status).toBe(403);
    expect((await call(keys.cg1, 'POST', '/api/notifications/999999999/read')).status).toBe(404);
  });

  it('a quality ticket reaches the department its name stands for, once however often the bus event arrives', async () => {
    const ticketId = 900_000 + Math.floor(Math.random() * 99_999);
    const event: BusEvent = {
      id: randomUUID(), subject: 'quality.ticket.opened', occurredAt: clock.now().toISOString(),
      data: { ticketId, ruleId: 1, resourceCode: '371500-ZT-SW-0099', department: '市水利局', summary: '警戒水位不为空: 1 of 2 rows fail' },
    };
    await platform.db.transaction((tx) => enqueueEvent(tx, event.subject, event.data, { id: event.id }));
    platform.relay.kick();
    const n = await arrived(keys.steward, `quality-ticket:${ticketId}`, 'quality.ticket');
    expect(n).toMatchObject({ unitCode: 'D08', severity: 'warning', body: '警戒水位不为空: 1 of 2 rows fail', link: `/console/quality?resource=371500-ZT-SW-0099&ticket=${ticketId}` });
    // At least once: the same event again, over the bus and straight to the consumer.
    await platform.bus.publish(event);
    expect(await platform.modules.notifications.service.deliver(event)).toEqual([]);
    expect((await list(keys.steward)).items.filter((x) => x.subjectRef === `quality-ticket:${ticketId}`)).toHaveLength(1);
    expect((await list(keys.cg1)).items.some((x) => x.subjectRef === `quality-ticket:${ticketId}`)).toBe(false);
  });

  it('keeps the read state per account; 全部已读 marks only the caller’s', async () => {
    const e = await newEvent(`已读状态 ${randomUUID().slice(0, 6)}`);
    const n = await arrived(keys.cg1, `event:${e.id}`, 'event.dispatched');
    const [u1, u2] = [await unread(keys.cg1), await unread(keys.cg2)];
    expect(u1).toBeGreaterThan(0);
    const read = await call<Notification>(keys.cg1, 'POST', `/api/notifications/${n.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await call<Notification>(keys.cg1, 'POST', `/api/notifications/${n.id}/read`)).body.readAt).toBe(read.body.readAt);
    expect(await unread(keys.cg1)).toBe(u1 - 1);
    expect(await unread(keys.cg2)).toBe(u2);
    expect((await list(keys.cg1, '&unread=true')).items.some((x) => x.id === n.id)).toBe(false);
    expect((await list(keys.cg2, '&unread=true')).items.some((x) => x.id === n.id)).toBe(true);
    const all = await call<{ marked: number }>(keys.cg2, 'POST', '/api/notifications/read-all');
    expect(all.body.marked).toBe(u2);
    expect(await unread(keys.cg2)).toBe(0);
    expect(await unread(keys.cg1)).toBe(u1 - 1);
    const page = await list(keys.cg2, '&kind=event.dispatched');
    expect(page.unread).toBe(0);
    expect(page.items.every((x) => x.kind === 'event.dispatched' && x.readAt !== null)).toBe(true);
  });

  it('streams a new notification live to its unit’s staff only', async () => {
    const mine = await openSse(`${platform.url}/api/notifications/stream`, { authorization: `Bearer ${keys.cg1}` });
    const theirs = await openSse(`${platform.url}/api/notifications/stream`, { authorization: `Bearer ${keys.zj}` });
    streams.push(mine, theirs);
    expect(mine.status).toBe(200);
    expect(mine.contentType).toContain('text/event-stream');
    const hello = await mine.next((m) => m.event === 'hello');
    expect(hello.data).toEqual({ unread: await unread(keys.cg1) });
    await theirs.next((m) => m.event === 'hello');
    const e = await newEvent(`实时推送 ${randomUUID().slice(0, 6)}`);
    const pushed = await mine.next((m) => m.event === 'notification' && (m.data as Notification).subjectRef === `event:${e.id}`, 15_000);
    expect(pushed.data).toMatchObject({ kind: 'event.dispatched', unitCode: 'D07', readAt: null });
    expect(theirs.messages.some((m) => m.event === 'notification' && (m.data as Notification).subjectRef === `event:${e.id}`)).toBe(false);
  });

  it('an alarm of a device reaches its owner department', async () => {
    const id = `notify-wl-${randomUUID().slice(0, 6)}`;
    const device = await call<{ token: string }>(keys.iot, 'POST', '/api/iot/devices', { id, typeId: 'WaterLevelSensor', name: '消息中心测试水位计', ownerDepartment: '市水利局', lon: 115.99, lat: 36.45, accessTier: 'general' });
    expect(device.status, JSON.stringify(device.body)).toBe(201);
    const rule = await call(keys.iot, 'POST', '/api/iot/rules', { name: '水位过高', deviceId: id, attribute: 'height', kind: 'threshold', operator: '>', threshold: 2, severity: 'critical' });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    await platform.modules.iot.ingestion.handleHttp(id, device.body.token, { values: { height: 3.2 } });
    let alarm: Notification | undefined;
    await expect.poll(async () => (alarm = (await list(keys.steward, '&kind=iot.alarm')).items.find((n) => n.titleZh.includes('消息中心测试水位计'))), { timeout: 15_000 }).toBeDefined();
    expect(alarm).toMatchObject({ unitCode: 'D08', severity: 'critical' });
    expect((await list(keys.cg1, '&kind=iot.alarm')).items.some((n) => n.subjectRef === alarm?.subjectRef)).toBe(false);
  });

  it('refuses callers without the permission, and bad input with the field', async () => {
    expect((await call(keys.machine, 'GET', '/api/notifications')).status).toBe(403);
    expect((await call('', 'GET', '/api/notifications/unread-count')).status).toBe(401);
    const limit = await call<{ field: string }>(keys.cg1, 'GET', '/api/notifications?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.field).toBe('/querystring/limit');
    const kind = await call<{ field: string }>(keys.cg1, 'GET', '/api/notifications?kind=everything');
    expect(kind.status).toBe(400);
    expect(kind.body.field).toContain('kind');
    const id = await call<{ field: string }>(keys.cg1, 'POST', '/api/notifications/abc/read');
    expect(id.status).toBe(400);
    expect(id.body.field).toBe('/params/id');
  });

  // Last: it moves the platform's clock past the event's time limits.
  it('临期预警 reaches the unit, 超时升级 the command center', async () => {
    const svc = platform.modules.events.service;
    const e = await newEvent(`时限测试 ${randomUUID().slice(0, 6)}`);
    const detail = await svc.get(e.id);
    if (!detail.warnAt || !detail.deadlineAt) throw new Error('the dispatched event has no time limit');
    clock.set(new Date(new Date(detail.warnAt).getTime() + 1000));
    await svc.sweepDeadlines();
    const warned = await arrived(keys.cg1, `event:${e.id}`, 'event.warned');
    expect(warned.severity).toBe('warning');
    clock.set(new Date(new Date(detail.deadlineAt).getTime() + 1000));
    await svc.sweepDeadlines();
    const escalated = await arrived(keys.center, `event:${e.id}`, 'event.escalated');
    expect(escalated).toMatchObject({ unitCode: '371500', severity: 'critical' });
    expect((await list(keys.zj)).items.some((n) => n.subjectRef === `event:${e.id}`)).toBe(false);
  });
});
