import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../kernel/index.ts';
import type { OrgUnit, Principal } from '../identity/index.ts';
import { addressBusEvent, type AddressingDeps } from './addressing.ts';
import { createUnits, NOTIFICATIONS_READ } from './units.ts';

const UNITS: OrgUnit[] = [
  { code: '371500', name: '聊城市', kind: 'city', parentCode: null },
  { code: 'D07', name: '城管局', kind: 'department', parentCode: '371500' },
  { code: 'D08', name: '水利局', kind: 'department', parentCode: '371500' },
  { code: '371502', name: '东昌府区', kind: 'district', parentCode: '371500' },
  { code: '371502001', name: '古楼街道', kind: 'town', parentCode: '371502' },
];
const units = createUnits({ units: () => Promise.resolve(UNITS), membershipsOf: (id) => Promise.resolve(id === 'center' ? ['371500'] : id === 'district' ? ['371502'] : ['D07']) }, fixedClock('2026-11-24T02:00:00Z'));
const deps: AddressingDeps = {
  event: () => Promise.resolve(undefined),
  device: (id) => Promise.resolve(id === 'wl-1' ? { name: '水位计', ownerDepartment: '聊城市水利局' } : undefined),
  commandCenter: '371500',
};
const bus = (subject: string, data: unknown) => ({ id: 'e1', subject, data, occurredAt: '2026-11-24T02:00:00Z' });
const principal = (accountId: string, scopeUnit = ''): Principal => ({
  accountId, kind: 'staff', login: accountId, displayName: accountId, via: 'session', restriction: null, grants: [{ role: 'r', scopeUnit, permissions: [NOTIFICATIONS_READ] }],
});

describe('notification addressing', () => {
  it('sends a dispatch to the lead and partner units, a return and an escalation to the command center', async () => {
    const tree = await units.tree();
    const event = { eventId: 12, title: '暴露垃圾', severity: 'urgent', departmentCode: 'D07', partnerCodes: ['D08'], categoryName: '市容环境', address: '古楼街道', note: '' };
    const dispatched = await addressBusEvent(bus('events.event.dispatched', event), tree, deps);
    expect(dispatched.map((d) => d.unitCode)).toEqual(['D07', 'D08']);
    expect(dispatched[0]).toMatchObject({ kind: 'event.dispatched', severity: 'critical', titleZh: '新派遣事件：暴露垃圾', link: '/console/events?id=12', body: '市容环境 · 古楼街道' });
    expect((await addressBusEvent(bus('events.event.returned', event), tree, deps)).map((d) => d.unitCode)).toEqual(['371500']);
    expect((await addressBusEvent(bus('events.event.escalated', { ...event, severity: 'normal' }), tree, deps)).map((d) => [d.unitCode, d.severity])).toEqual([['D07', 'critical'], ['371500', 'critical']]);
    expect(await addressBusEvent(bus('events.event.accepted', event), tree, deps)).toEqual([]);
  });

  it('finds the org unit of a department name for tickets and alarms; an unknown one reaches no one', async () => {
    const tree = await units.tree();
    const ticket = await addressBusEvent(bus('quality.ticket.opened', { ticketId: 3, resourceCode: 'R1', department: '市水利局', summary: 's' }), tree, deps);
    expect(ticket.map((d) => [d.unitCode, d.kind])).toEqual([['D08', 'quality.ticket']]);
    expect(await addressBusEvent(bus('quality.ticket.opened', { ticketId: 4, resourceCode: 'R1', department: '市气象局', summary: 's' }), tree, deps)).toEqual([]);
    const alarm = await addressBusEvent(bus('iot.alarm.raised', { alarmId: 5, deviceId: 'wl-1', severity: 'minor', message: '水位过高' }), tree, deps);
    expect(alarm).toMatchObject([{ unitCode: 'D08', kind: 'iot.alarm', severity: 'info', body: '水位过高' }]);
    expect(await addressBusEvent(bus('iot.alarm.raised', { alarmId: 6, deviceId: 'unknown', severity: 'minor', message: '' }), tree, deps)).toEqual([]);
    // The payload's owner department routes the alarm, even for a device the registry no longer knows.
    const routed = await addressBusEvent(bus('iot.alarm.raised', { alarmId: 7, deviceId: 'gone-1', ownerDepartment: '聊城市水利局', severity: 'minor', message: '' }), tree, deps);
    expect(routed).toMatchObject([{ unitCode: 'D08', titleEn: 'Device alarm: gone-1', link: '/console/alarms?id=7' }]);
  });

  it('reaches a grant’s scope unit, or the caller’s own units, with the units below — not below the city', async () => {
    expect((await units.recipientUnits(principal('handler'))).sort()).toEqual(['D07']);
    expect((await units.recipientUnits(principal('steward', 'D08'))).sort()).toEqual(['D08']);
    expect((await units.recipientUnits(principal('district'))).sort()).toEqual(['371502', '371502001']);
    expect(await units.recipientUnits(principal('center'))).toEqual(['371500']);
    expect(await units.recipientUnits({ ...principal('handler'), grants: [] })).toEqual([]);
  });
});
