import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchDepartments, fetchEvent, fetchEvents, type Department, type EventDetail, type EventListFilter, type EventSummary } from '../api/events-api.ts';

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
