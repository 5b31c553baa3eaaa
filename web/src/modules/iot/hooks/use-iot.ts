import { useResource, type Resource } from '../../../app/use-resource.ts';
import {
  fetchAlarms,
  fetchCommands,
  fetchDeadLetters,
  fetchRules,
  fetchDevice,
  fetchDevices,
  fetchDeviceTypes,
  fetchDistrictOutlines,
  fetchHistory,
  type Alarm,
  type AlarmStatus,
  type Command,
  type DeadLetter,
  type Rule,
  type DevicePage,
  type DeviceQuery,
  type DeviceDetail,
  type DeviceType,
  type DistrictOutlines,
  type History,
} from '../api/iot-api.ts';

const LIST_POLL_MS = 15_000;
const LIVE_POLL_MS = 5_000;

/** A page of devices filtered on the server; refreshed every 15 s so the online state stays current. */
export function useDevices(query: DeviceQuery): Resource<DevicePage> {
  const key = `iot-devices:${query.typeId ?? ''}:${query.q ?? ''}:${query.limit}:${query.offset}`;
  return useResource((signal) => fetchDevices(query, signal), { key, pollMs: () => LIST_POLL_MS });
}

export function useDeviceTypes(): Resource<DeviceType[]> {
  return useResource(fetchDeviceTypes, { key: 'iot-device-types' });
}

/** One device with its live latest values (every 5 s). */
export function useDevice(id: string): Resource<DeviceDetail> {
  return useResource((signal) => fetchDevice(id, signal), { key: `iot-device:${id}`, pollMs: () => LIVE_POLL_MS });
}

/** History over the last `range` hours (refreshed), or over a fixed period. */
export function useHistory(id: string, attribute: string, range: number | { from: Date; to: Date }): Resource<History> {
  const key = typeof range === 'number' ? String(range) : `${range.from.toISOString()}/${range.to.toISOString()}`;
  return useResource((signal) => fetchHistory(id, attribute, range, signal), { key: `iot-history:${id}:${attribute}:${key}`, pollMs: () => (typeof range === 'number' ? LIVE_POLL_MS * 3 : undefined) });
}

export function useAlarms(status: AlarmStatus | 'open' | 'all'): Resource<Alarm[]> {
  return useResource((signal) => fetchAlarms(status, signal), { key: `iot-alarms:${status}`, pollMs: () => LIVE_POLL_MS * 2 });
}

export function useDistrictOutlines(): Resource<DistrictOutlines> {
  return useResource(fetchDistrictOutlines, { key: 'iot-district-outlines' });
}

export function useRules(): Resource<Rule[]> {
  return useResource(fetchRules, { key: 'iot-rules' });
}

export function useDeadLetters(): Resource<DeadLetter[]> {
  return useResource(fetchDeadLetters, { key: 'iot-dead-letters', pollMs: () => LIVE_POLL_MS * 3 });
}

/** A device's commands, refreshed so sent ones turn acked / failed / expired on screen. */
export function useCommands(id: string): Resource<Command[]> {
  return useResource((signal) => fetchCommands(id, signal), { key: `iot-commands:${id}`, pollMs: () => LIVE_POLL_MS / 2 });
}
