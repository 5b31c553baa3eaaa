// 平台 platform: what the running platform reports about itself.
import { fetchJson } from '../../../app/api.ts';

export interface PlatformEngines {
  database: 'pglite' | 'postgres';
  bus: 'memory' | 'nats';
  mqtt: 'embedded' | 'external';
  cache: 'memory' | 'redis';
}

export interface PlatformInfo {
  name: 'OpenCityBrain';
  version: string;
  engines: PlatformEngines;
  uptimeSeconds: number;
}

export function fetchPlatformInfo(signal: AbortSignal): Promise<PlatformInfo> {
  return fetchJson<PlatformInfo>('/api/platform/info', { signal });
}

/** Operations endpoints every platform serves (DESIGN.md "Interfaces"). */
export const OPERATION_LINKS = [
  { key: 'docs', href: '/docs' },
  { key: 'openapi', href: '/openapi.json' },
  { key: 'metrics', href: '/metrics' },
  { key: 'healthz', href: '/healthz' },
  { key: 'readyz', href: '/readyz' },
] as const;
