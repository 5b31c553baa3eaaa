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
export const fetchDevices = (signal?: AbortSignal) => fetchJson<{ total: number; devices: Device[] }>('/api/iot/devices?limit=5000', { signal });
export const fetchDevice = (id: string, signal?: AbortSignal) => fetchJson<DeviceDetail>(`/api/iot/devices/${encodeURIComponent(id)}`, { signal });

export function fetchHistory(id: string, attribute: string, hours: number, signal?: AbortSignal): Promise<History> {
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3_600_000);
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
