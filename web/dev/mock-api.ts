// Dev-only stand-ins for the platform endpoints the console reads, so the console can be worked on
// before (or without) the server. Used by `vite` and `vite preview` only; nothing here reaches
// the built app. Env knobs: OCB_MOCK_BUILD_MS (the city "builds" for that long after start),
// OCB_MOCK_FAIL=1 (every endpoint answers a problem+json 503).
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

interface DistrictFigures {
  code: string;
  name: string;
  population: number;
  households: number;
  enterprises: number;
  grids: number;
  towns: number;
  villages: number;
}

interface BoundaryCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { code: string; name: string }; geometry: unknown }[];
}

const boundariesFile = new URL('../../src/modules/city/data/liaocheng-districts.geojson', import.meta.url);

// Relative weights only (no claim about real figures).
const WEIGHTS: Record<string, number> = {
  '371502': 1.3, '371503': 0.55, '371521': 0.8, '371522': 1.0,
  '371524': 0.42, '371525': 0.82, '371526': 0.5, '371581': 0.78,
};

function buildFigures(boundaries: BoundaryCollection, people: number): DistrictFigures[] {
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  return boundaries.features.map(({ properties: { code, name } }, i) => {
    const population = Math.round((people * (WEIGHTS[code] ?? 1)) / total);
    return {
      code,
      name,
      population,
      households: Math.round(population / 2.7),
      enterprises: Math.round(population / 23),
      grids: Math.max(1, Math.round(population / 1200)),
      towns: 8 + ((i * 5) % 11),
      villages: 300 + ((i * 137) % 500),
    };
  });
}

function send(res: ServerResponse, status: number, type: string, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.end(JSON.stringify(body));
}

/** Vite plugin answering GET /api/city/summary, /api/city/districts.geojson, /api/platform/info. */
export function mockApi(): Plugin {
  const startedAt = Date.now();
  const buildMs = Number(process.env.OCB_MOCK_BUILD_MS ?? 0);
  const fail = process.env.OCB_MOCK_FAIL === '1';
  const boundaries = JSON.parse(readFileSync(boundariesFile, 'utf8')) as BoundaryCollection;
  const figures = buildFigures(boundaries, 100_000);
  const builtAt = new Date(startedAt + buildMs).toISOString();

  const handle = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? '').split('?')[0];
    if (!path?.startsWith('/api/')) return next();
    if (fail) {
      return send(res, 503, 'application/problem+json', {
        type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'platform.unavailable',
        detail: 'Mock failure (OCB_MOCK_FAIL=1).', requestId: 'mock-0001',
      });
    }
    const built = Date.now() - startedAt >= buildMs;
    const shown = built ? figures : figures.map((d) => ({ ...d, population: 0, households: 0, enterprises: 0, grids: 0 }));
    const sum = (key: 'population' | 'households' | 'enterprises' | 'grids'): number => shown.reduce((a, d) => a + d[key], 0);
    switch (path) {
      case '/api/city/summary':
        return send(res, 200, 'application/json', {
          city: { code: '371500', name: '聊城市' },
          population: sum('population'), households: sum('households'),
          enterprises: sum('enterprises'), grids: sum('grids'),
          builtAt: built ? builtAt : null, districts: shown,
        });
      case '/api/city/districts.geojson':
        return send(res, 200, 'application/geo+json', {
          type: 'FeatureCollection',
          features: boundaries.features.map((f, i) => {
            const d = shown[i];
            return { ...f, properties: { ...f.properties, population: d?.population ?? 0, enterprises: d?.enterprises ?? 0, grids: d?.grids ?? 0 } };
          }),
        });
      case '/api/platform/info':
        return send(res, 200, 'application/json', {
          name: 'OpenCityBrain', version: '0.1.0-dev',
          engines: { database: 'pglite', bus: 'memory', mqtt: 'embedded', cache: 'memory' },
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) + 93_784,
        });
      default:
        return send(res, 404, 'application/problem+json', {
          type: 'about:blank', title: 'Not Found', status: 404, code: 'http.not_found',
          detail: `No mock for ${path}.`, requestId: 'mock-0002',
        });
    }
  };

  return {
    name: 'ocb-mock-api',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use(handle);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handle);
    },
  };
}
