import { ApiError } from '../../../app/api.ts';
import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchCitySummary, isCityBuilding, type CitySummary } from '../api/city-api.ts';

const BUILDING_POLL_MS = 3000;

/**
 * The demo city's summary. Polls every 3 s while the city is being generated, and while the
 * platform answers 503 (still starting), until figures arrive.
 */
export function useCitySummary(): Resource<CitySummary> {
  return useResource(fetchCitySummary, {
    key: 'city-summary',
    pollMs: (data, error) => {
      if (error instanceof ApiError && error.status === 503) return BUILDING_POLL_MS;
      if (!error && data && isCityBuilding(data)) return BUILDING_POLL_MS;
      return undefined;
    },
  });
}
