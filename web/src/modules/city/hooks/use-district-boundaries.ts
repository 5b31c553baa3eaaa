import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchDistrictBoundaries, type DistrictCollection } from '../api/city-api.ts';

/** District boundaries with their figures; reloads when `version` (the build time) changes. */
export function useDistrictBoundaries(version: string): Resource<DistrictCollection> {
  return useResource(fetchDistrictBoundaries, { key: `districts:${version}` });
}
