import { Type } from '@sinclair/typebox';
import type { Metrics } from './metrics.ts';
import type { HttpApp } from './server.ts';
import { problem, sendProblem } from './problem.ts';

export type ReadinessCheck = () => Promise<void>;

export interface PlatformInfo {
  name: 'OpenCityBrain';
  version: string;
  engines: { database: 'pglite' | 'postgres'; bus: 'memory' | 'nats'; mqtt: 'embedded' | 'external'; cache: 'memory' | 'redis' };
  startedAt: Date;
}

const EngineInfo = Type.Object({
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  bus: Type.Union([Type.Literal('memory'), Type.Literal('nats')]),
  mqtt: Type.Union([Type.Literal('embedded'), Type.Literal('external')]),
  cache: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
});

/** Operations endpoints: liveness, readiness (every engine answers), Prometheus metrics, platform info. */
export function opsRoutes(opts: { metrics: Metrics; checks: Record<string, ReadinessCheck>; info: PlatformInfo }) {
  return (app: HttpApp) => {
    app.get(
      '/healthz',
      { config: { rateLimit: false, permission: 'public' }, schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
      () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        config: { rateLimit: false, permission: 'public' },
        schema: {
          tags: ['ops'],
          summary: 'Readiness: every engine answers within 2 s',
          response: { 200: Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) }) },
        },
      },
      async (request, reply) => {
        const results: Record<string, string> = {};
        let ok = true;
        await Promise.all(
          Object.entries(opts.checks).map(async ([name, check]) => {
            try {
              await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
              results[name] = 'ok';
            } catch (err) {
              ok = false;
              results[name] = err instanceof Error ? err.message : String(err);
            }
          }),
        );
        if (!ok) return sendProblem(reply, problem(503, 'not_ready', `not ready: ${JSON.stringify(results)}`, String(request.id), { checks: results }));
        return { status: 'ready' as const, checks: results };
      },
    );
    app.get('/metrics', { config: { rateLimit: false, permission: 'public' }, schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)' } }, async (_req, reply) => {
      const body = await opts.metrics.registry.metrics();
      return reply.type(opts.metrics.registry.contentType).send(body);
    });
    app.get(
      '/api/platform/info',
      {
        config: { permission: 'public' },
        schema: {
          tags: ['ops'],
          summary: 'Platform name, version and the engines in use',
          response: {
            200: Type.Object({ name: Type.Literal('OpenCityBrain'), version: Type.String(), engines: EngineInfo, uptimeSeconds: Type.Number() }),
          },
        },
      },
      () => ({
        name: opts.info.name,
        version: opts.info.version,
        engines: opts.info.engines,
        uptimeSeconds: Math.round((Date.now() - opts.info.startedAt.getTime()) / 1000),
      }),
    );
  };
}
