import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The Prometheus registry of this process, with the default Node.js metrics and HTTP timings. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'citybrain_' });
  const httpDuration = new Histogram({
    name: 'citybrain_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'citybrain_http_rate_limited_total',
    help: 'Requests refused by the rate limit',
    registers: [registry],
  });
  return { registry, httpDuration, rateLimited };
}

export type Metrics = ReturnType<typeof createMetrics>;
