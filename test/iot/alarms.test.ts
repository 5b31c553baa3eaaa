// Rules and alarms on every database: threshold, rate of change and offline rules; the lifecycle
// active → acknowledged → cleared; one open alarm per (device, rule) under a thousand concurrent
// triggers; raised and cleared alarms published on the bus through the outbox.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/kernel/index.ts';
import { iotMigrations, type Alarm, type AlarmEvent, type DeviceWithToken, type IotModule, type Rule } from '../../src/modules/iot/index.ts';
import type { BusEvent, HttpApp } from '../../src/platform/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { iotHttp, waterSensor, type ProblemBody } from './support.ts';

forEachDatabase('iot rules and alarms', { migrations: [iotMigrations] }, (ctx) => {
  const clock = fixedClock('2026-07-01T08:00:00Z');
  let app: HttpApp;
  let iot: IotModule;
  let events: BusEvent[];
  let flush: () => Promise<number>;
  const tokens = new Map<string, string>();

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
  const push = (id: string, values: Record<string, number>, observedAt = clock.now().toISOString()) =>
    app.inject({ method: 'POST', url: `/api/iot/devices/${id}/telemetry`, headers: { authorization: `Bearer ${tokens.get(id) ?? ''}` }, payload: { observedAt, values } });
  const alarms = async (query = ''): Promise<Alarm[]> => (await app.inject({ method: 'GET', url: `/api/iot/alarms${query}` })).json<Alarm[]>();
  const published = async (): Promise<Array<[string, number, string]>> => {
    await flush();
    return events.map((e) => [e.subject, (e.data as AlarmEvent).alarmId, (e.data as AlarmEvent).deviceId]);
  };

  beforeAll(async () => {
    ({ app, iot, events, flush } = await iotHttp(ctx.db, { clock }));
    for (const id of ['wl-r1', 'wl-r2', 'wl-r3']) tokens.set(id, (await post('/api/iot/devices', waterSensor(id))).json<DeviceWithToken>().token);
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses rules that do not fit their device type, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', kind: 'threshold', typeId: 'WaterLevelSensor', attribute: 'pm25', operator: '>', threshold: 1, severity: 'major' }, '/body/attribute'],
      [{ name: 'x', kind: 'threshold', typeId: 'WaterLevelSensor', attribute: 'height', threshold: 1, severity: 'major' }, '/body/operator'],
      [{ name: 'x', kind: 'offline', deviceId: 'wl-r1', severity: 'major' }, '/body/offlineSeconds'],
      [{ name: 'x', kind: 'offline', deviceId: 'wl-r1', typeId: 'WaterLevelSensor', offlineSeconds: 60, severity: 'major' }, '/body/deviceId'],
      [{ name: 'x', kind: 'offline', deviceId: 'wl-none', offlineSeconds: 60, severity: 'major' }, '/body/deviceId'],
    ];
    for (const [payload, field] of cases) {
      const res = await post('/api/iot/rules', payload);
      expect({ ...res.json<ProblemBody>(), status: res.statusCode }).toMatchObject({ status: 400, code: 'rule_invalid', field });
    }
  });

  it('raises one alarm while a threshold is crossed, clears it when the value falls back, and publishes both', async () => {
    const rule = (await post('/api/iot/rules', { name: '水位超警戒', kind: 'threshold', typeId: 'WaterLevelSensor', attribute: 'height', operator: '>=', threshold: 5, severity: 'critical' })).json<Rule>();
    expect(rule).toMatchObject({ kind: 'threshold', typeId: 'WaterLevelSensor', deviceId: null, enabled: true });
    expect((await push('wl-r1', { height: 4.9 })).statusCode).toBe(200);
    expect(await alarms()).toEqual([]);
    await push('wl-r1', { height: 5.2 }, '2026-07-01T08:01:00Z');
    await push('wl-r1', { height: 5.6 }, '2026-07-01T08:02:00Z');
    const open = await alarms('?status=open');
    expect(open).toMatchObject([{ deviceId: 'wl-r1', ruleName: '水位超警戒', severity: 'critical', status: 'active', value: 5.2, message: 'height = 5.2 >= 5' }]);
    await push('wl-r1', { height: 3 }, '2026-07-01T08:03:00Z');
    expect(await alarms('?status=open')).toEqual([]);
    const id = open[0]?.id ?? 0;
    expect(await published()).toEqual([['iot.alarm.raised', id, 'wl-r1'], ['iot.alarm.cleared', id, 'wl-r1']]);
    // The device's owner department rides in both payloads (notifications route by it).
    expect(events.map((e) => (e.data as AlarmEvent).ownerDepartment)).toEqual([waterSensor('wl-r1').ownerDepartment, waterSensor('wl-r1').ownerDepartment]);
    await iot.alarms.deleteRule(rule.id);
  });

  it('keeps one open alarm per (device, rule) under a thousand concurrent triggers', async () => {
    const rule = await iot.alarms.createRule({ name: '高水位', kind: 'threshold', deviceId: 'wl-r2', attribute: 'height', operator: '>', threshold: 10, severity: 'major', enabled: true });
    await flush();
    events.length = 0;
    const triggers = Array.from({ length: 1000 }, async (_, i) => {
      const step = await iot.alarms.evaluate([{ deviceId: 'wl-r2', attribute: 'height', value: 11 + i / 1000, observedAt: new Date(Date.parse('2026-07-01T09:00:00Z') + i) }]);
      return ctx.db.transaction(step);
    });
    const enqueued = await Promise.all(triggers);
    expect(enqueued.reduce((a, b) => a + b, 0)).toBe(1);
    const open = await alarms('?status=open&deviceId=wl-r2');
    expect(open).toHaveLength(1);
    expect(await published()).toEqual([['iot.alarm.raised', open[0]?.id, 'wl-r2']]);
    await iot.alarms.deleteRule(rule.id);
  });

  it('goes active → acknowledged → cleared, and refuses steps out of order', async () => {
    const rule = await iot.alarms.createRule({ name: '低水位', kind: 'threshold', deviceId: 'wl-r3', attribute: 'height', operator: '<', threshold: 0.5, severity: 'minor', enabled: true });
    await push('wl-r3', { height: 0.2 }, '2026-07-01T07:30:00Z');
    const [alarm] = await alarms('?deviceId=wl-r3');
    const id = alarm?.id ?? 0;
    expect((await post(`/api/iot/alarms/${id}/acknowledge`, { by: '值班员张三' })).statusCode).toBe(204);
    expect(await alarms('?deviceId=wl-r3')).toMatchObject([{ status: 'acknowledged', acknowledgedBy: '值班员张三', acknowledgedAt: '2026-07-01T08:00:00.000Z' }]);
    // Still open: a new trigger does not raise a second alarm.
    await push('wl-r3', { height: 0.1 }, '2026-07-01T07:31:00Z');
    expect(await alarms('?status=open&deviceId=wl-r3')).toHaveLength(1);
    const again = await post(`/api/iot/alarms/${id}/acknowledge`, {});
    expect({ ...again.json<ProblemBody>(), status: again.statusCode }).toMatchObject({ status: 409, code: 'alarm_state_conflict' });
    expect((await post(`/api/iot/alarms/${id}/clear`, {})).statusCode).toBe(204);
    expect(await alarms('?deviceId=wl-r3')).toMatchObject([{ status: 'cleared', clearedAt: '2026-07-01T08:00:00.000Z' }]);
    const twice = await post(`/api/iot/alarms/${id}/clear`, {});
    expect({ ...twice.json<ProblemBody>(), status: twice.statusCode }).toMatchObject({ status: 409, code: 'alarm_state_conflict' });
    const missing = await post('/api/iot/alarms/999999/acknowledge', {});
    expect(missing.statusCode).toBe(404);
    await iot.alarms.deleteRule(rule.id);
  });

  it('raises on a fast rise (rate of change per minute); a late, older reading decides nothing', async () => {
    const rule = await iot.alarms.createRule({ name: '水位陡涨', kind: 'rate', deviceId: 'wl-r3', attribute: 'height', operator: '>', threshold: 0.5, severity: 'major', enabled: true });
    await push('wl-r3', { height: 1 }, '2026-07-01T07:40:00Z');
    await push('wl-r3', { height: 1.2 }, '2026-07-01T07:41:00Z');
    expect(await alarms('?status=open&deviceId=wl-r3')).toEqual([]);
    await push('wl-r3', { height: 2.4 }, '2026-07-01T07:42:00Z');
    const raised = [{ ruleId: rule.id, value: 2.4, message: 'height changes 1.2/min > 0.5/min' }];
    expect(await alarms('?status=open&deviceId=wl-r3')).toMatchObject(raised);
    // Delivered out of order (another consumer session): stored, but the 07:42 verdict stands.
    expect((await push('wl-r3', { height: 1.25 }, '2026-07-01T07:41:30Z')).statusCode).toBe(200);
    expect(await alarms('?status=open&deviceId=wl-r3')).toMatchObject(raised);
    await iot.alarms.deleteRule(rule.id);
  });

  it('raises an offline alarm for a silent device and clears it when the device reports again', async () => {
    const rule = await iot.alarms.createRule({ name: '设备离线', kind: 'offline', typeId: 'WaterLevelSensor', offlineSeconds: 600, severity: 'warning', enabled: true });
    // The earlier tests' alarm events are published first (the relay runs a few ms after a commit).
    await flush();
    events.length = 0;
    expect(await iot.alarms.sweepOffline()).toBe(0);
    clock.advance(11 * 60_000);
    expect(await iot.alarms.sweepOffline()).toBe(3);
    expect(await iot.alarms.sweepOffline()).toBe(0);
    await push('wl-r2', { height: 1 }, clock.now().toISOString());
    const open = await alarms(`?status=open`);
    expect(open.filter((a) => a.ruleId === rule.id).map((a) => a.deviceId).sort()).toEqual(['wl-r1', 'wl-r3']);
    expect((await published()).map(([s, , d]) => `${s} ${d}`).sort()).toEqual(['iot.alarm.cleared wl-r2', 'iot.alarm.raised wl-r1', 'iot.alarm.raised wl-r2', 'iot.alarm.raised wl-r3']);
  });
});
