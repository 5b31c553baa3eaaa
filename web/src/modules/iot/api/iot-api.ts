// 物联感知 IoT: devices, their readings and alarms, from the platform's iot module.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { fetchJson } from '../../../app/api.ts';

export type AccessTier = 'core' | 'important' | 'general';
export type Severity = 'critical' | 'major' | 'minor' | 'warning';
export type AlarmStatus = 'active' | 'acknowledged' | 'cleared';

export interface Device {
  id: string;
  typeId: string;
  name: string;
  ownerDepartment: string;
  lon: number;
  lat: number;
  accessTier: AccessTier;
  parentId: string | null;
  enabled: boolean;
  /** The external broker has the device's account without a password: its token must be rotated. */
  brokerPasswordMissing: boolean;
  tokenRotatedAt: string;
  createdAt: string;
  updatedAt: string;
  /** Time of the newest reading; null before the first. */
  lastSeenAt: string | null;
}

export interface LatestValue {
  attribute: string;
  value: number;
  observedAt: string;
}

export interface DeviceDetail extends Device {
  latest: LatestValue[];
}

export interface DeviceType {
  id: string;
  nameZh: string;
  nameEn: string;
  dataModel: string;
  attributes: Array<{ name: string; unit: string; min: number; max: number }>;
}

export interface History {
  deviceId: string;
  attribute: string;
  /** null: raw readings. */
  bucketSeconds: number | null;
  /** raw readings, or buckets read from the stored hourly / daily rollups. */
  source: 'raw' | 'rollup_hour' | 'rollup_day';
  points: Array<{ t: string; avg: number; min: number; max: number; count: number }>;
}

export interface Alarm {
  id: number;
  ruleId: number;
  ruleName: string;
  deviceId: string;
  deviceName: string;
  severity: Severity;
  status: AlarmStatus;
  value: number | null;
  message: string;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  clearedAt: string | null;
}

/** A device counts as offline after this long without a reading. */
export const OFFLINE_AFTER_MS = 15 * 60_000;

export const isOnline = (d: Device, now = Date.now()): boolean => d.lastSeenAt !== null && now - Date.parse(d.lastSeenAt) < OFFLINE_AFTER_MS;

export const fetchDeviceTypes = (signal?: AbortSignal) => fetchJson<DeviceType[]>('/api/iot/device-types', { signal });
export interface DeviceQuery {
  typeId?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}
/** A page of devices, filtered by the server; `total` and `online` count every device matching the filters. */
export interface DevicePage {
  total: number;
  online: number;
  devices: Device[];
}
export function fetchDevices(query: DeviceQuery, signal?: AbortSignal): Promise<DevicePage> {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  if (query.typeId) params.set('typeId', query.typeId);
  if (query.q) params.set('q', query.q);
  return fetchJson<DevicePage>(`/api/iot/devices?${params.toString()}`, { signal });
}
export const fetchDevice = (id: string, signal?: AbortSignal) => fetchJson<DeviceDetail>(`/api/iot/devices/${encodeURIComponent(id)}`, { signal });

export function fetchHistory(id: string, attribute: string, range: number | { from: Date; to: Date }, signal?: AbortSignal): Promise<History> {
  const to = typeof range === 'number' ? new Date() : range.to;
  const from = typeof range === 'number' ? new Date(to.getTime() - range * 3_600_000) : range.from;
  const query = new URLSearchParams({ attribute, from: from.toISOString(), to: to.toISOString() });
  return fetchJson<History>(`/api/iot/devices/${encodeURIComponent(id)}/history?${query.toString()}`, { signal });
}

export const fetchAlarms = (status: AlarmStatus | 'open' | 'all', signal?: AbortSignal) =>
  fetchJson<Alarm[]>(`/api/iot/alarms?limit=500${status === 'all' ? '' : `&status=${status}`}`, { signal });

export const acknowledgeAlarm = (id: number) =>
  fetchJson<null>(`/api/iot/alarms/${id}/acknowledge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

export const clearAlarm = (id: number) =>
  fetchJson<null>(`/api/iot/alarms/${id}/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

export type DistrictOutlines = FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;
/** District outlines under the device map (from the city module's public route). */
export const fetchDistrictOutlines = (signal?: AbortSignal) => fetchJson<DistrictOutlines>('/api/city/districts.geojson', { signal });

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export interface DeviceInput {
  id: string;
  typeId: string;
  name: string;
  ownerDepartment: string;
  lon: number;
  lat: number;
  accessTier: AccessTier;
  parentId?: string | null;
}

/** A device with its credential, answered once at registration and at rotation. */
export interface DeviceWithToken {
  device: Device;
  token: string;
}

export interface BulkResult {
  created: DeviceWithToken[];
  errors: Array<{ row: number; id: string | null; field: string; code: string; message: string }>;
}

export const registerDevice = (input: DeviceInput) => fetchJson<DeviceWithToken>('/api/iot/devices', json('POST', input));
export const bulkRegister = (format: 'csv' | 'xlsx' | 'json', content: string) => fetchJson<BulkResult>('/api/iot/devices/bulk', json('POST', { format, content }));
export type DevicePatch = Partial<Pick<Device, 'name' | 'ownerDepartment' | 'lon' | 'lat' | 'accessTier' | 'parentId' | 'enabled'>>;
export const updateDevice = (id: string, patch: DevicePatch) => fetchJson<DeviceDetail>(`/api/iot/devices/${encodeURIComponent(id)}`, json('PATCH', patch));
export const deleteDevice = (id: string) => fetchJson<null>(`/api/iot/devices/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const rotateToken = (id: string) => fetchJson<DeviceWithToken>(`/api/iot/devices/${encodeURIComponent(id)}/token`, { method: 'POST' });

export type RuleKind = 'threshold' | 'rate' | 'offline';
export type Operator = '>' | '>=' | '<' | '<=';

export interface Rule {
  id: number;
  name: string;
  deviceId: string | null;
  typeId: string | null;
  kind: RuleKind;
  attribute: string | null;
  operator: Operator | null;
  threshold: number | null;
  offlineSeconds: number | null;
  severity: Severity;
  enabled: boolean;
}

export type RuleInput = Omit<Rule, 'id' | 'deviceId' | 'typeId' | 'attribute' | 'operator' | 'threshold' | 'offlineSeconds'> & {
  deviceId?: string;
  typeId?: string;
  attribute?: string;
  operator?: Operator;
  threshold?: number;
  offlineSeconds?: number;
};
export type RulePatch = Partial<Pick<Rule, 'name' | 'severity' | 'enabled'> & { operator: Operator; threshold: number; offlineSeconds: number }>;

export const fetchRules = (signal?: AbortSignal) => fetchJson<Rule[]>('/api/iot/rules', { signal });
export const createRule = (input: RuleInput) => fetchJson<Rule>('/api/iot/rules', json('POST', input));
export const updateRule = (id: number, patch: RulePatch) => fetchJson<Rule>(`/api/iot/rules/${id}`, json('PATCH', patch));
export const deleteRule = (id: number) => fetchJson<null>(`/api/iot/rules/${id}`, { method: 'DELETE' });

export interface DeadLetter {
  id: number;
  receivedAt: string;
  source: 'mqtt' | 'http';
  topic: string | null;
  deviceId: string | null;
  reason: string;
  detail: string;
  payload: string;
  /** The sender's network address, when known. */
  sourceAddress: string | null;
}
export const fetchDeadLetters = (signal?: AbortSignal) => fetchJson<DeadLetter[]>('/api/iot/dead-letters?limit=500', { signal });

export type CommandStatus = 'pending' | 'sent' | 'acked' | 'failed' | 'expired';
export interface Command {
  id: number;
  deviceId: string;
  name: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  createdBy: string;
  createdAt: string;
  sentAt: string | null;
  answeredAt: string | null;
  expiresAt: string;
  result: unknown;
  error: string | null;
}
export const fetchCommands = (id: string, signal?: AbortSignal) => fetchJson<Command[]>(`/api/iot/devices/${encodeURIComponent(id)}/commands`, { signal });
export const sendCommand = (id: string, body: { name: string; params: Record<string, unknown>; timeoutSeconds: number }) =>
  fetchJson<Command>(`/api/iot/devices/${encodeURIComponent(id)}/commands`, json('POST', body));
