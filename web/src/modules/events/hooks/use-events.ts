import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchCalendar, fetchCategories, fetchDetections, fetchScenarios, type Detection, type DetectionFilter, type VideoScenario, fetchDepartments, fetchEvent, fetchEvents, fetchPlaces, fetchRules, fetchStats, type RoutingRule, type CalendarView, type Category, type Department, type EventDetail, type EventListFilter, type EventSummary } from '../api/events-api.ts';

const REFRESH_MS = 15_000;

/** Events matching the filter, refreshed every 15 s. */
export function useEvents(filter: EventListFilter): Resource<{ total: number; items: EventSummary[] }> {
  return useResource((signal) => fetchEvents(filter, signal), { key: `events-${JSON.stringify(filter)}`, pollMs: () => REFRESH_MS });
}

export function useEvent(id: number): Resource<EventDetail> {
  return useResource((signal) => fetchEvent(id, signal), { key: `event-${id}` });
}

export function useDepartments(): Resource<Department[]> {
  return useResource((signal) => fetchDepartments(signal), { key: 'event-departments' });
}

export function useCategories(): Resource<Category[]> {
  return useResource((signal) => fetchCategories(signal), { key: 'event-categories' });
}

export function useCalendar(year: number): Resource<CalendarView> {
  return useResource((signal) => fetchCalendar(year, signal), { key: `event-calendar-${year}` });
}

export function useRules(): Resource<RoutingRule[]> {
  return useResource((signal) => fetchRules(signal), { key: 'event-routing-rules' });
}

/** Totals and the on-time rate per unit (the last 30 days by default), refreshed every 15 s. */
export function useStats(): Resource<Awaited<ReturnType<typeof fetchStats>>> {
  return useResource((signal) => fetchStats(signal), { key: 'event-stats', pollMs: () => REFRESH_MS });
}

export function usePlaces(): Resource<Awaited<ReturnType<typeof fetchPlaces>>> {
  return useResource((signal) => fetchPlaces(signal), { key: 'event-places' });
}

/** Video detections matching the filter (server-side paging), refreshed every 15 s. */
export function useDetections(filter: DetectionFilter): Resource<{ total: number; items: Detection[] }> {
  return useResource((signal) => fetchDetections(filter, signal), { key: `detections-${JSON.stringify(filter)}`, pollMs: () => REFRESH_MS });
}

export function useScenarios(): Resource<VideoScenario[]> {
  return useResource((signal) => fetchScenarios(signal), { key: 'event-scenarios' });
}
