// 事件中心 / 协同调度: the events module's HTTP API (/api/events).
import { fetchJson } from '../../../app/api.ts';

export type EventState = 'created' | 'dispatched' | 'accepted' | 'handling' | 'reported' | 'verified' | 'closed' | 'returned';
export type EventAction = 'dispatch' | 'accept' | 'return' | 'start' | 'report' | 'verify' | 'reject' | 'close' | 'reopen' | 'reassign' | 'escalate' | 'joint';
export type Severity = 'normal' | 'major' | 'urgent';
export type EventSource = 'iot_alarm' | 'video_ai' | 'hotline' | 'grid_worker' | 'manual';

export interface EventSummary {
  id: number;
  title: string;
  categoryCode: string;
  categoryName: string;
  severity: Severity;
  state: EventState;
  source: EventSource;
  sourceRef: string | null;
  place: { lon: number | null; lat: number | null; address: string; districtCode: string | null; townCode: string | null; villageCode: string | null; gridCode: string | null };
  departmentCode: string | null;
  departmentName: string | null;
  partnerCodes: string[];
  createdAt: string;
  dispatchedAt: string | null;
  reportedAt: string | null;
  closedAt: string | null;
  warnAt: string | null;
  deadlineAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  detectionCount: number;
}

export interface TimelineEntry {
  at: string;
  actor: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  departmentCode: string | null;
  note: string;
}

export interface EventDetail extends EventSummary {
  description: string;
  routedBy: string | null;
  allowedActions: EventAction[];
  timeline: TimelineEntry[];
  attachments: Array<{ id: number; name: string; mediaType: string; url: string | null }>;
}

export interface Department {
  code: string;
  name: string;
  districtCode: string | null;
  general: boolean;
}

export interface EventListFilter {
  department?: string;
  state?: EventState | 'open';
  overdue?: boolean;
  limit?: number;
}

export function fetchEvents(filter: EventListFilter, signal?: AbortSignal): Promise<{ total: number; items: EventSummary[] }> {
  const q = new URLSearchParams();
  if (filter.department) q.set('department', filter.department);
  if (filter.state) q.set('state', filter.state);
  if (filter.overdue !== undefined) q.set('overdue', String(filter.overdue));
  q.set('limit', String(filter.limit ?? 100));
  return fetchJson(`/api/events?${q.toString()}`, { signal });
}

export const fetchEvent = (id: number, signal?: AbortSignal): Promise<EventDetail> => fetchJson(`/api/events/${id}`, { signal });
export const fetchDepartments = (signal?: AbortSignal): Promise<Department[]> => fetchJson('/api/events/departments', { signal });

export function actOnEvent(id: number, action: EventAction, body: { note?: string; departmentCode?: string; partnerCodes?: string[] } = {}): Promise<EventDetail> {
  return fetchJson(`/api/events/${id}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
