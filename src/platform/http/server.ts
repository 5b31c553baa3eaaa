import { randomUUID, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DepartmentScope, Logger, RegionScope } from '../../kernel/index.ts';
import type { Database } from '../db/index.ts';
import type { RateLimiter } from '../cache/index.ts';
import { errorHandler, problem, sendProblem } from './problem.ts';
import type { Metrics } from './metrics.ts';

/** The Fastify instance every module registers its routes on (TypeBox schemas, typed handlers). */
export type HttpApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What a module hands to the server: a function that declares its routes. */
export type RoutePlugin = (app: HttpApp) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * 数据权限 the caller's region scope for the route's permission (set by the identity module's
     * access hook; absent on a platform without it). Services filter place-bound data by it.
     */
    regionScope?: () => Promise<RegionScope>;
    /** 数源部门 the departments whose data the caller may change under the route's permission (same source). */
    departmentScope?: () => Promise<DepartmentScope>;
  }
  interface FastifyContextConfig {
    /** POST that creates something: honour the `Idempotency-Key` header (DESIGN.md reliability rules). */
    idempotent?: boolean;
    /** Exempt from the per-client rate limit (health probes, metrics). */
    rateLimit?: false;
    /**
     * The permission a caller needs, e.g. `iot.device.write` (`<module>.<resource>.<action>`), or
     * `public` for routes anyone may call. Enforced by the identity module's access hook.
     */
    permission?: string;
    /**
     * 审计 what the access hook appends to the audit log for a signed-in caller: by default every
     * state-changing request (admin action, data change) and no read; `'read'` also audits reads
     * (personal data, exports); `'self'` when the module audits the action itself, in its own
     * transaction; `false` never (device telemetry and other machine traffic at sensor rate).
     */
    audit?: 'read' | 'self' | false;
  }
}

export interface HttpServerOptions {
  logger: Logger;
  db: Database;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  rateLimitPerMinute: number;
  version: string;
  /** Built web console (Vite output); served at `/` with the app's paths falling back to index.html. */
  webDir?: string;
  bodyLimitBytes?: number;
}

const webPaths = /^\/(console(\/.*)?|screen(\/.*)?|open(\/.*)?|m(\/.*)?|oidc\/interaction\/[A-Za-z0-9_-]+)?$/;

export async function createHttpServer(opts: HttpServerOptions): Promise<HttpApp> {
  const app = Fastify<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger>({
    loggerInstance: opts.logger,
    // Per-request lines are left out: the metrics and the error handler say what matters.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimitBytes ?? 10 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler(opts.logger));

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', String(request.id));
    if (request.routeOptions.config.rateLimit === false) return;
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/ngsi-ld/') && !request.url.startsWith('/open311/')) return;
    const decision = await opts.rateLimiter.hit(`ip:${request.ip}`, opts.rateLimitPerMinute, 60_000);
    void reply.header('ratelimit-limit', opts.rateLimitPerMinute).header('ratelimit-remaining', decision.remaining);
    if (!decision.allowed) {
      opts.metrics.rateLimited.inc();
      void reply.header('retry-after', Math.ceil(decision.resetMs / 1000));
      return sendProblem(
        reply,
        problem(429, 'rate_limited', `more than ${opts.rateLimitPerMinute} requests a minute from ${request.ip}`, String(request.id)),
      );
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    opts.metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) opts.logger.warn({ requestId: request.id, url: request.url, status: reply.statusCode }, 'request failed');
  });

  registerIdempotency(app, opts.db);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenCityBrain API 开放城市大脑',
        version: opts.version,
        description: 'Platform APIs. Errors are RFC 9457 problem+json with `code`, `field` and `requestId`.',
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, () => app.swagger());

  const webDir = opts.webDir;
  const hasWeb = webDir !== undefined && fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false, maxAge: '1h' });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (hasWeb && request.method === 'GET' && webPaths.test(pathname)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(reply, problem(404, 'route_not_found', `no route ${request.method} ${pathname}`, String(request.id)));
  });

  return app;
}

interface StoredResponse {
  request_hash: string;
  status: number;
  response: unknown;
}

/**
 * `Idempotency-Key` for routes with `config.idempotent`: the first 2xx answer is stored; a retry
 * with the same key and body gets the same answer, the same key with another body is a 409.
 */
function registerIdempotency(app: HttpApp, db: Database): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.idempotent) return;
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return;
    if (key.length > 200) {
      return sendProblem(reply, problem(400, 'idempotency_key_invalid', 'Idempotency-Key is longer than 200 characters', String(request.id), { field: '/headers/idempotency-key' }));
    }
    const scope = `${request.method} ${request.routeOptions.url ?? ''}`;
    const hash = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('hex');
    const { rows } = await db.query<StoredResponse>('SELECT request_hash, status, response FROM platform_idempotency WHERE scope = $1 AND key = $2', [scope, key]);
    const prior = rows[0];
    if (prior) {
      if (prior.request_hash !== hash) {
        return sendProblem(reply, problem(409, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body', String(request.id), { field: '/headers/idempotency-key' }));
      }
      void reply.header('idempotent-replayed', 'true');
      return reply.status(prior.status).send(typeof prior.response === 'string' ? (JSON.parse(prior.response) as unknown) : prior.response);
    }
    (request as { idempotency?: { scope: string; key: string; hash: string } }).idempotency = { scope, key, hash };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const pending = (request as { idempotency?: { scope: string; key: string; hash: string } }).idempotency;
    if (!pending || reply.statusCode < 200 || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    await db.query(
      'INSERT INTO platform_idempotency (scope, key, request_hash, status, response) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [pending.scope, pending.key, pending.hash, reply.statusCode, payload],
    );
    return payload;
  });
}
