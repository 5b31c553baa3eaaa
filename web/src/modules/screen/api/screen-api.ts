// Calls to /api/screen: KPIs and the newest events; live updates come over /api/screen/stream (SSE).
import { fetchJson } from '../../../app/api.ts';

export interface TrendPoint {
  at: string;
  created: number;
  closed: number;
}

/** What the screen shows (城市/区县 两级大屏): the whole city, or the units the viewer's grant is scoped to. */
export interface ScreenScope {
  all: boolean;
  level: 'city' | 'district' | 'town' | 'department' | 'units';
  units: Array<{ code: string; name: string; kind: string }>;
}

export interface Kpis {
  at: string;
  scope: ScreenScope;
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
  /** What `districts` ranks: districts, or a district screen's towns and streets. */
  areaLevel: 'district' | 'town';
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
