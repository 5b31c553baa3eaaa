import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchPlatformInfo, type PlatformInfo } from '../api/platform-api.ts';

const REFRESH_MS = 15_000;

/** The platform's name, version, engines and uptime, refreshed every 15 s. */
export function usePlatformInfo(): Resource<PlatformInfo> {
  return useResource(fetchPlatformInfo, { key: 'platform-info', pollMs: () => REFRESH_MS });
}
