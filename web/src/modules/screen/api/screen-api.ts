// Calls to /api/screen: KPIs and the newest events; live updates come over /api/screen/stream (SSE).
import { fetchJson } from '../../../app/api.ts';

export interface TrendPoint {
  at: string;
  created: number;
  closed: number;
}

export interface Kpis {
  at: string;
  eventsToday: number;
  open: number;
  overdue: number;
  onTimeRate: number | null;
  devicesTotal: number;
  devicesOnline: number;
  activeAlarms: number;
  trendHours: TrendPoint[];
  trendDays: TrendPoint[];
  departments: Array<{ code: string; name: string; total: number; open: number; overdue: number; onTimeRate: number | null }>;
  districts: Array<{ code: string; name: string; open: number; total7d: number }>;
}

export interface LiveEvent {
  eventId: number;
  verb: string;
  state: string;
  title: string;
  categoryName: string;
  severity: string;
  source: string;
  departmentName: string | null;
  districtCode: string | null;
  lon: number | null;
  lat: number | null;
  at: string;
}

export interface LiveAlarm {
  alarmId: number;
  status: string;
  severity: string;
  deviceId: string;
  deviceName: string;
  message: string;
  lon: number | null;
  lat: number | null;
  at: string;
}

export const STREAM_URL = '/api/screen/stream';
export const fetchKpis = (signal?: AbortSignal) => fetchJson<Kpis>('/api/screen/kpis', { signal });
export const fetchRecent = (limit: number, signal?: AbortSignal) => fetchJson<LiveEvent[]>(`/api/screen/recent?limit=${limit}`, { signal });
