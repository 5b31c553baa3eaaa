import { useResource, type Resource } from '../../../app/use-resource.ts';
import {
  fetchAlarms,
  fetchDevice,
  fetchDevices,
  fetchDeviceTypes,
  fetchDistrictOutlines,
  fetchHistory,
  type Alarm,
  type AlarmStatus,
  type Device,
  type DeviceDetail,
  type DeviceType,
  type DistrictOutlines,
  type History,
} from '../api/iot-api.ts';

const LIST_POLL_MS = 15_000;
const LIVE_POLL_MS = 5_000;

/** All devices; refreshed every 15 s so the online state stays current. */
export function useDevices(): Resource<{ total: number; devices: Device[] }> {
  return useResource(fetchDevices, { key: 'iot-devices', pollMs: () => LIST_POLL_MS });
}

export function useDeviceTypes(): Resource<DeviceType[]> {
  return useResource(fetchDeviceTypes, { key: 'iot-device-types' });
}

/** One device with its live latest values (every 5 s). */
export function useDevice(id: string): Resource<DeviceDetail> {
  return useResource((signal) => fetchDevice(id, signal), { key: `iot-device:${id}`, pollMs: () => LIVE_POLL_MS });
}

export function useHistory(id: string, attribute: string, hours: number): Resource<History> {
  return useResource((signal) => fetchHistory(id, attribute, hours, signal), { key: `iot-history:${id}:${attribute}:${hours}`, pollMs: () => LIVE_POLL_MS * 3 });
}

export function useAlarms(status: AlarmStatus | 'open' | 'all'): Resource<Alarm[]> {
  return useResource((signal) => fetchAlarms(status, signal), { key: `iot-alarms:${status}`, pollMs: () => LIVE_POLL_MS * 2 });
}

export function useDistrictOutlines(): Resource<DistrictOutlines> {
  return useResource(fetchDistrictOutlines, { key: 'iot-district-outlines' });
}
