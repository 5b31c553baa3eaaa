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
  departmentName: string | null;
  note: string;
}

export interface EventDetail extends EventSummary {
  description: string;
  routedBy: string | null;
  allowedActions: EventAction[];
  /** The allowed actions this user may take (their role and unit). */
  myActions: EventAction[];
  partnerNames: string[];
  /** 联合处置: each partner unit's part. */
  partners: PartnerPart[];
  /** Partner units that have not reported their part yet. */
  partnersPending: string[];
  /** What this user may do on their partner unit's part now. */
  myPartActions: PartStep[];
  timeline: TimelineEntry[];
  attachments: Attachment[];
}

export type PartStep = 'accept' | 'report';

export interface PartnerPart {
  unitCode: string;
  unitName: string | null;
  state: 'assigned' | 'accepted' | 'reported';
  acceptedAt: string | null;
  acceptedBy: string | null;
  reportedAt: string | null;
  reportedBy: string | null;
  note: string;
}

/** A partner unit accepts or reports its part of a joint event. */
export function actOnPart(id: number, step: PartStep, body: { note?: string; unitCode?: string } = {}): Promise<EventDetail> {
  return fetchJson(`/api/events/${id}/part/${step}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export interface Attachment {
  id: number;
  name: string;
  mediaType: string;
  sizeBytes: number | null;
  url: string | null;
  actor: string;
  createdAt: string;
}

export interface Category {
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
  limits: { normal: number; major: number; urgent: number };
  workingHours: boolean;
  active: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
  updatedAt: string;
  updatedBy: string;
}

export interface CalendarView {
  workdays: number[];
  periods: Array<{ start: string; end: string }>;
  days: CalendarDay[];
}

export interface Department {
  code: string;
  name: string;
  districtCode: string | null;
  general: boolean;
  kind: string;
  parentCode: string | null;
}

export interface EventListFilter {
  department?: string;
  state?: EventState | 'open';
  overdue?: boolean;
  escalated?: boolean;
  /** Only my units' events (the inbox). */
  mine?: boolean;
  sort?: 'newest' | 'urgency';
  limit?: number;
}

export function fetchEvents(filter: EventListFilter, signal?: AbortSignal): Promise<{ total: number; items: EventSummary[] }> {
  const q = new URLSearchParams();
  if (filter.department) q.set('department', filter.department);
  if (filter.state) q.set('state', filter.state);
  if (filter.overdue !== undefined) q.set('overdue', String(filter.overdue));
  if (filter.escalated !== undefined) q.set('escalated', String(filter.escalated));
  if (filter.mine) q.set('mine', 'true');
  if (filter.sort) q.set('sort', filter.sort);
  q.set('limit', String(filter.limit ?? 100));
  return fetchJson(`/api/events?${q.toString()}`, { signal });
}

export const fetchEvent = (id: number, signal?: AbortSignal): Promise<EventDetail> => fetchJson(`/api/events/${id}`, { signal });
export const fetchDepartments = (signal?: AbortSignal): Promise<Department[]> => fetchJson('/api/events/departments', { signal });

export function actOnEvent(id: number, action: EventAction, body: { note?: string; departmentCode?: string; partnerCodes?: string[]; override?: boolean } = {}): Promise<EventDetail> {
  return fetchJson(`/api/events/${id}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Where a stored attachment is read (a URL attachment is its URL). */
export const attachmentHref = (eventId: number, a: Attachment): string => a.url ?? `/api/events/${eventId}/attachments/${a.id}`;

export function addAttachment(eventId: number, file: { name: string; mediaType: string; contentBase64: string }): Promise<Attachment> {
  return fetchJson(`/api/events/${eventId}/attachments`, json('POST', file));
}

export const fetchCategories = (signal?: AbortSignal): Promise<Category[]> => fetchJson('/api/events/categories?includeDisabled=true', { signal });
export const createCategory = (c: Omit<Category, 'active' | 'updatedAt' | 'updatedBy'>): Promise<Category> => fetchJson('/api/events/categories', json('POST', c));
export const updateCategory = (code: string, patch: Partial<Pick<Category, 'name' | 'nameEn' | 'limits' | 'workingHours' | 'active'>>): Promise<Category> =>
  fetchJson(`/api/events/categories/${code}`, json('PATCH', patch));
export const deleteCategory = (code: string): Promise<void> => fetchJson(`/api/events/categories/${code}`, { method: 'DELETE' });

export const fetchCalendar = (year: number, signal?: AbortSignal): Promise<CalendarView> => fetchJson(`/api/events/calendar?year=${year}`, { signal });
export const putCalendarDays = (days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>): Promise<CalendarView> => fetchJson('/api/events/calendar/days', json('PUT', { days }));
export const deleteCalendarDay = (date: string): Promise<void> => fetchJson(`/api/events/calendar/days/${date}`, { method: 'DELETE' });

/** 派遣规则 a routing rule: category × district/grid → unit. */
export interface RoutingRule {
  id: number;
  categoryCode: string;
  districtCode: string | null;
  gridCode: string | null;
  departmentCode: string;
}

export const fetchRules = (signal?: AbortSignal): Promise<RoutingRule[]> => fetchJson('/api/events/routing-rules', { signal });
export const createRule = (r: { categoryCode: string; districtCode?: string; gridCode?: string; departmentCode: string }): Promise<RoutingRule> => fetchJson('/api/events/routing-rules', json('POST', r));
export const deleteRule = (id: number): Promise<void> => fetchJson(`/api/events/routing-rules/${id}`, { method: 'DELETE' });

export interface NewEvent {
  title: string;
  description?: string;
  categoryCode: string;
  severity: Severity;
  source: 'manual' | 'hotline' | 'grid_worker';
  sourceRef?: string;
  lon: number;
  lat: number;
  address?: string;
}

export const createEvent = (e: NewEvent): Promise<EventDetail> => fetchJson('/api/events', json('POST', e));

export type DetectionOutcome = 'created' | 'merged' | 'below_confidence';

/** 视频智能识别 a detection as it arrived, and what became of it. */
export interface Detection {
  id: number;
  cameraId: string;
  scenario: string;
  scenarioName: string | null;
  detectedAt: string;
  receivedAt: string;
  confidence: number;
  minConfidence: number | null;
  snapshotCount: number;
  snapshotUrls: string[];
  lon: number;
  lat: number;
  districtCode: string | null;
  outcome: DetectionOutcome;
  eventId: number | null;
  eventTitle: string | null;
  eventState: string | null;
  actor: string;
}

export interface DetectionFilter {
  eventId?: number;
  cameraId?: string;
  scenario?: string;
  outcome?: DetectionOutcome;
  limit: number;
  offset: number;
}

export function fetchDetections(f: DetectionFilter, signal?: AbortSignal): Promise<{ total: number; items: Detection[] }> {
  const params = new URLSearchParams({ limit: String(f.limit), offset: String(f.offset) });
  if (f.eventId !== undefined) params.set('eventId', String(f.eventId));
  if (f.cameraId) params.set('cameraId', f.cameraId);
  if (f.scenario) params.set('scenario', f.scenario);
  if (f.outcome) params.set('outcome', f.outcome);
  return fetchJson(`/api/events/detections?${params}`, { signal });
}

/** A video scenario: the category its detections raise and the minimum confidence that raises one. */
export interface VideoScenario {
  code: string;
  nameZh: string;
  nameEn: string;
  categoryCode: string;
  categoryName: string | null;
  minConfidence: number;
  updatedAt: string;
  updatedBy: string;
}

export const fetchScenarios = (signal?: AbortSignal): Promise<VideoScenario[]> => fetchJson('/api/events/scenarios', { signal });
export const putScenario = (code: string, s: { nameZh: string; nameEn: string; categoryCode: string; minConfidence: number }): Promise<VideoScenario> =>
  fetchJson(`/api/events/scenarios/${encodeURIComponent(code)}`, json('PUT', s));
export const deleteScenario = (code: string): Promise<void> => fetchJson(`/api/events/scenarios/${encodeURIComponent(code)}`, { method: 'DELETE' });

export interface DepartmentStats {
  departmentCode: string;
  departmentName: string;
  total: number;
  open: number;
  handled: number;
  onTime: number;
  overdue: number;
  onTimeRate: number | null;
}

export const fetchStats = (signal?: AbortSignal): Promise<{ total: number; open: number; overdue: number; onTimeRate: number | null; departments: DepartmentStats[] }> =>
  fetchJson('/api/events/stats', { signal });

/** A district or grid to place an event by (from the one map's boundary and grid layers). */
export interface PlaceOption {
  code: string;
  name: string;
  districtCode: string;
  lon: number;
  lat: number;
}

interface PointCollection {
  features: Array<{ properties: Record<string, string | number>; geometry: { type: string; coordinates: unknown } }>;
}

/** Districts (with their code only; a rule or a grid narrows the place) and grids with their centre points. */
export async function fetchPlaces(signal?: AbortSignal): Promise<{ districts: Array<{ code: string; name: string }>; grids: PlaceOption[] }> {
  const [districts, grids] = await Promise.all([
    fetchJson<PointCollection>('/api/map/layers/districts/geojson', { signal }),
    fetchJson<PointCollection>('/api/map/layers/grids/geojson?limit=100000', { signal }),
  ]);
  return {
    districts: districts.features.map((f) => ({ code: String(f.properties.code), name: String(f.properties.name) })).sort((a, b) => a.code.localeCompare(b.code)),
    grids: grids.features
      .filter((f) => f.geometry.type === 'Point')
      .map((f) => {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        return { code: String(f.properties.code), name: String(f.properties.name), districtCode: String(f.properties.districtCode), lon, lat };
      }),
  };
}
