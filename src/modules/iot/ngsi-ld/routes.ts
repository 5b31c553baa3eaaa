// HTTP routes of the NGSI-LD API under /ngsi-ld/v1 (ETSI GS CIM 009 API 1.x). Bodies are
// application/json (with the @context in a Link header) or application/ld+json (with @context in
// the body); answers follow the Accept header. Errors are NGSI-LD problem details.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { isAppError, statusOfKind, type Logger } from '../../../kernel/index.ts';
import type { HttpApp } from '../../../platform/http/index.ts';
import { CORE_CONTEXT_DOCUMENT, isCoreContextUrl, linkContext, resolveContext, SERVED_CONTEXT_PATH, type LdContext } from './context.ts';
import { isNgsiErrorType, NGSI_ERROR_BASE, ngsiError, type NgsiErrorType } from './errors.ts';
import type { BatchResult, EntityQuery, EntityService, UpdateResult } from './service.ts';
import type { Subscriptions } from './subscriptions.ts';
import type { Temporal, TemporalQuery } from './temporal.ts';

const tags = ['ngsi-ld'];
const READ = 'iot.ngsi.read';
const WRITE = 'iot.ngsi.write';
const LD = 'application/ld+json';
const CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

const Str = Type.Optional(Type.String({ maxLength: 4000 }));
const QueryString = Type.Object({
  type: Str,
  id: Str,
  idPattern: Str,
  attrs: Str,
  q: Str,
  georel: Str,
  geometry: Str,
  coordinates: Str,
  geoproperty: Str,
  options: Str,
  format: Str,
  limit: Type.Integer({ minimum: 0, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  count: Type.Optional(Type.Boolean()),
});
const TemporalQueryString = Type.Object({
  ...QueryString.properties,
  timerel: Str,
  timeAt: Str,
  endTimeAt: Str,
  lastN: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  aggrMethods: Str,
  aggrPeriodDuration: Str,
});
const EntityParams = Type.Object({ entityId: Type.String({ minLength: 1, maxLength: 2048 }) });
const AttrParams = Type.Object({ entityId: Type.String({ minLength: 1, maxLength: 2048 }), attrId: Type.String({ minLength: 1, maxLength: 256 }) });
const SubParams = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 2048 }) });
const OptionsQuery = Type.Object({ options: Str });
const PageQuery = Type.Object({ limit: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }), offset: Type.Integer({ minimum: 0, default: 0 }), count: Type.Optional(Type.Boolean()) });
const Body = Type.Unknown({ description: 'NGSI-LD JSON (application/json or application/ld+json)' });

const optionSet = (q: { options?: string | undefined }): Set<string> => new Set((q.options ?? '').split(',').map((o) => o.trim()));

/** The request's @context: in the body (JSON-LD), else the Link header, else the core one. */
function contextOf(request: FastifyRequest, body?: unknown): LdContext {
  const inBody = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['@context'] : undefined;
  if (inBody !== undefined) return resolveContext(inBody, '/body/@context');
  const link = linkContext(typeof request.headers.link === 'string' ? request.headers.link : undefined);
  return link === undefined ? resolveContext(undefined) : resolveContext(link, '/headers/link');
}

/** Batch entries each carry their own @context (JSON-LD) or share the Link header's. */
function batchContexts(request: FastifyRequest): (i: number) => LdContext {
  const shared = contextOf(request);
  const body = request.body;
  return (i) => (Array.isArray(body) ? contextOf(request, body[i]) : shared);
}

function servedContextUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${SERVED_CONTEXT_PATH}`;
}

/** Answer NGSI-LD JSON: JSON-LD with @context when asked for, else JSON with the Link header. */
function answer(request: FastifyRequest, reply: FastifyReply, ctx: LdContext, status: number, payload: Record<string, unknown> | Array<Record<string, unknown>>): FastifyReply {
  const contextValue = ctx.given === undefined || (typeof ctx.given === 'string' && isCoreContextUrl(ctx.given)) ? servedContextUrl(request) : ctx.given;
  if ((request.headers.accept ?? '').includes(LD)) {
    const withContext = (o: Record<string, unknown>) => ({ ...o, '@context': contextValue });
    return reply.code(status).type(LD).send(Array.isArray(payload) ? payload.map(withContext) : withContext(payload));
  }
  const link = typeof contextValue === 'string' ? contextValue : servedContextUrl(request);
  return reply.code(status).type('application/json').header('link', `<${link}>; rel="${CONTEXT_REL}"; type="${LD}"`).send(payload);
}

/** 204 when everything was changed, 207 with the attributes left alone. */
function updateAnswer(reply: FastifyReply, r: UpdateResult, ctx: LdContext): FastifyReply {
  if (r.notUpdated.length === 0) return reply.code(204).send();
  void ctx;
  return reply.code(207).type('application/json').send(r);
}

function batchAnswer(reply: FastifyReply, r: BatchResult, okStatus: 201 | 204, created = false): FastifyReply {
  if (r.errors.length > 0) return reply.code(207).type('application/json').send({ success: r.success, errors: r.errors.map((e) => ({ entityId: e.entityId, index: e.index, error: e.error })) });
  if (okStatus === 201 || (created && r.created.length > 0)) return reply.code(201).type('application/json').send(created ? r.created : r.success);
  return reply.code(204).send();
}

function entityQueryOf(q: Record<string, unknown>): EntityQuery {
  return {
    type: q.type as string | undefined,
    id: q.id as string | undefined,
    idPattern: q.idPattern as string | undefined,
    attrs: q.attrs as string | undefined,
    q: q.q as string | undefined,
    georel: q.georel as string | undefined,
    geometry: q.geometry as string | undefined,
    coordinates: q.coordinates,
    geoproperty: q.geoproperty as string | undefined,
    limit: q.limit as number,
    offset: q.offset as number,
    count: q.count as boolean | undefined,
  };
}

const formOf = (q: { options?: string | undefined; format?: string | undefined }) => (optionSet(q).has('keyValues') || q.format === 'keyValues' || q.format === 'simplified' ? 'keyValues' : 'normalized');

/** NGSI-LD problem details for every error of these routes. */
function ngsiErrorHandler(logger: Logger) {
  return (error: FastifyError & { validation?: Array<{ instancePath?: string; params?: Record<string, unknown>; message?: string }>; validationContext?: string }, request: FastifyRequest, reply: FastifyReply) => {
    let status: number;
    let type: NgsiErrorType | 'InternalError';
    let detail: string;
    let field: string | undefined;
    if (isAppError(error)) {
      status = statusOfKind[error.kind];
      type = isNgsiErrorType(error.code) ? error.code : error.kind === 'not_found' ? 'ResourceNotFound' : error.kind === 'conflict' ? 'AlreadyExists' : 'BadRequestData';
      detail = error.message;
      field = typeof error.details?.field === 'string' ? error.details.field : undefined;
    } else if (error.validation) {
      const first = error.validation[0];
      const missing = first?.params?.missingProperty;
      field = `/${error.validationContext ?? 'body'}${first?.instancePath ?? ''}${typeof missing === 'string' ? `/${missing}` : ''}`;
      status = 400;
      type = 'BadRequestData';
      detail = `${field}: ${first?.message ?? 'invalid'}`;
    } else if ((error.statusCode ?? 500) < 500) {
      status = error.statusCode ?? 400;
      type = 'InvalidRequest';
      detail = error.message;
      field = '/body';
    } else {
      logger.error({ err: error, requestId: request.id, url: request.url }, 'ngsi-ld request failed');
      status = 500;
      type = 'InternalError';
      detail = 'internal error; quote the requestId when reporting it';
    }
    return reply
      .code(status)
      .type('application/json')
      .send({ type: NGSI_ERROR_BASE + type, title: type, status, detail, ...(field ? { field } : {}), code: type, requestId: String(request.id) });
  };
}

export function ngsiRoutes(deps: { entities: EntityService; subscriptions: Subscriptions; temporal: Temporal; logger: Logger }) {
  const { entities, subscriptions, temporal } = deps;
  return (app: HttpApp): void => {
    app.setErrorHandler(ngsiErrorHandler(deps.logger));
    app.addContentTypeParser(LD, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(ngsiError('InvalidRequest', 'the body is not valid JSON', '/body'), undefined);
      }
    });

    app.get('/contexts/core', { config: { permission: 'public' }, schema: { tags, summary: 'The NGSI-LD core @context, served by the platform (no internet needed)' } }, (_request, reply) =>
      reply.type(LD).header('cache-control', 'public, max-age=86400').send(CORE_CONTEXT_DOCUMENT),
    );

    // Entities 实体
    app.post('/entities', { config: { permission: WRITE }, schema: { tags, summary: 'Create an entity', body: Body } }, async (request, reply) => {
      const id = await entities.create(request.body, contextOf(request, request.body));
      return reply.code(201).header('location', `/ngsi-ld/v1/entities/${encodeURIComponent(id)}`).send();
    });
    app.get('/entities', { config: { permission: READ }, schema: { tags, summary: 'Query entities: type, id, idPattern, attrs, q, geo-query; count=true', querystring: QueryString } }, async (request, reply) => {
      const ctx = contextOf(request);
      const r = await entities.query(entityQueryOf(request.query), ctx, { form: formOf(request.query), sysAttrs: optionSet(request.query).has('sysAttrs') });
      if (r.count !== undefined) void reply.header('ngsild-results-count', r.count);
      return answer(request, reply, ctx, 200, r.entities);
    });
    app.get(
      '/entities/:entityId',
      { config: { permission: READ }, schema: { tags, summary: 'An entity (normalized; options=keyValues; attrs=…)', params: EntityParams, querystring: Type.Object({ attrs: Str, options: Str, format: Str }) } },
      async (request, reply) => {
        const ctx = contextOf(request);
        const e = await entities.get(request.params.entityId, ctx, { form: formOf(request.query), attrs: request.query.attrs, sysAttrs: optionSet(request.query).has('sysAttrs') });
        return answer(request, reply, ctx, 200, e);
      },
    );
    app.delete('/entities/:entityId', { config: { permission: WRITE }, schema: { tags, summary: 'Delete an entity', params: EntityParams } }, async (request, reply) => {
      await entities.remove(request.params.entityId);
      return reply.code(204).send();
    });
    app.post(
      '/entities/:entityId/attrs',
      { config: { permission: WRITE }, schema: { tags, summary: 'Append attributes (options=noOverwrite keeps existing ones)', params: EntityParams, querystring: OptionsQuery, body: Body } },
      async (request, reply) => {
        const ctx = contextOf(request, request.body);
        return updateAnswer(reply, await entities.appendAttrs(request.params.entityId, request.body, ctx, optionSet(request.query).has('noOverwrite')), ctx);
      },
    );
    app.patch('/entities/:entityId/attrs', { config: { permission: WRITE }, schema: { tags, summary: 'Update existing attributes', params: EntityParams, body: Body } }, async (request, reply) => {
      const ctx = contextOf(request, request.body);
      return updateAnswer(reply, await entities.updateAttrs(request.params.entityId, request.body, ctx), ctx);
    });
    app.patch('/entities/:entityId/attrs/:attrId', { config: { permission: WRITE }, schema: { tags, summary: 'Partial update of one attribute', params: AttrParams, body: Body } }, async (request, reply) => {
      await entities.patchAttr(request.params.entityId, request.params.attrId, request.body, contextOf(request, request.body));
      return reply.code(204).send();
    });
    app.delete('/entities/:entityId/attrs/:attrId', { config: { permission: WRITE }, schema: { tags, summary: 'Delete one attribute', params: AttrParams } }, async (request, reply) => {
      await entities.deleteAttr(request.params.entityId, request.params.attrId, contextOf(request));
      return reply.code(204).send();
    });

    // Batch operations 批量操作: a bad entity is reported (207), never fails the others.
    app.post('/entityOperations/create', { config: { permission: WRITE }, schema: { tags, summary: 'Create entities in batch', body: Body } }, async (request, reply) =>
      batchAnswer(reply, await entities.batchCreate(request.body, batchContexts(request)), 201),
    );
    app.post(
      '/entityOperations/upsert',
      { config: { permission: WRITE }, schema: { tags, summary: 'Create or change entities (options=replace | update)', querystring: OptionsQuery, body: Body } },
      async (request, reply) => {
        const options = optionSet(request.query);
        if (options.has('replace') && options.has('update')) throw ngsiError('BadRequestData', 'options is replace or update, not both', '/query/options');
        return batchAnswer(reply, await entities.batchUpsert(request.body, batchContexts(request), !options.has('update')), 204, true);
      },
    );
    app.post('/entityOperations/update', { config: { permission: WRITE }, schema: { tags, summary: 'Change existing entities in batch', querystring: OptionsQuery, body: Body } }, async (request, reply) =>
      batchAnswer(reply, await entities.batchUpdate(request.body, batchContexts(request)), 204),
    );
    app.post('/entityOperations/delete', { config: { permission: WRITE }, schema: { tags, summary: 'Delete entities in batch (an array of ids)', body: Body } }, async (request, reply) =>
      batchAnswer(reply, await entities.batchDelete(request.body), 204),
    );
    app.post('/entityOperations/query', { config: { permission: READ }, schema: { tags, summary: 'Query entities with a Query body', querystring: PageQuery, body: Body } }, async (request, reply) => {
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ngsiError('BadRequestData', 'the body is a Query object', '/body');
      const b = body as Record<string, unknown>;
      if (b.type !== undefined && b.type !== 'Query') throw ngsiError('BadRequestData', 'type must be Query', '/body/type');
      const ctx = contextOf(request, body);
      const geoQ = b.geoQ as Record<string, unknown> | undefined;
      if (b.entities !== undefined && (!Array.isArray(b.entities) || !b.entities.every((e) => e !== null && typeof e === 'object'))) throw ngsiError('BadRequestData', 'entities is an array of {type, id?, idPattern?}', '/body/entities');
      if (b.attrs !== undefined && (!Array.isArray(b.attrs) || !b.attrs.every((a) => typeof a === 'string'))) throw ngsiError('BadRequestData', 'attrs is an array of attribute names', '/body/attrs');
      if (b.q !== undefined && typeof b.q !== 'string') throw ngsiError('BadRequestData', 'q is a query string', '/body/q');
      const str = (v: unknown, f: string): string | undefined => {
        if (v === undefined) return undefined;
        if (typeof v !== 'string') throw ngsiError('BadRequestData', 'must be text', f);
        return v;
      };
      const query: EntityQuery = {
        entities: (b.entities as Array<Record<string, unknown>> | undefined)?.map((e, i) => ({ type: str(e.type, `/body/entities/${i}/type`), id: str(e.id, `/body/entities/${i}/id`), idPattern: str(e.idPattern, `/body/entities/${i}/idPattern`) })),
        attrs: (b.attrs)?.join(','),
        q: b.q,
        georel: geoQ ? str(geoQ.georel, '/body/geoQ/georel') : undefined,
        geometry: geoQ ? str(geoQ.geometry, '/body/geoQ/geometry') : undefined,
        coordinates: geoQ?.coordinates,
        geoproperty: geoQ ? str(geoQ.geoproperty, '/body/geoQ/geoproperty') : undefined,
        limit: request.query.limit,
        offset: request.query.offset,
        count: request.query.count,
      };
      const r = await entities.query(query, ctx, { form: formOf({ options: str(b.options, '/body/options') }) }, '/body');
      if (r.count !== undefined) void reply.header('ngsild-results-count', r.count);
      return answer(request, reply, ctx, 200, r.entities);
    });

    // Subscriptions 订阅
    app.post('/subscriptions', { config: { permission: WRITE }, schema: { tags, summary: 'Create a subscription (HTTP notifications)', body: Body } }, async (request, reply) => {
      const id = await subscriptions.create(request.body, contextOf(request, request.body));
      return reply.code(201).header('location', `/ngsi-ld/v1/subscriptions/${encodeURIComponent(id)}`).send();
    });
    app.get('/subscriptions', { config: { permission: READ }, schema: { tags, summary: 'Subscriptions with their notification status', querystring: PageQuery } }, async (request, reply) => {
      const ctx = contextOf(request);
      const r = await subscriptions.list(ctx, request.query.limit, request.query.offset);
      if (request.query.count) void reply.header('ngsild-results-count', r.count);
      return answer(request, reply, ctx, 200, r.items);
    });
    app.get('/subscriptions/:subscriptionId', { config: { permission: READ }, schema: { tags, summary: 'A subscription with timesSent, lastSuccess, lastFailure', params: SubParams } }, async (request, reply) => {
      const ctx = contextOf(request);
      return answer(request, reply, ctx, 200, await subscriptions.get(request.params.subscriptionId, ctx));
    });
    app.patch('/subscriptions/:subscriptionId', { config: { permission: WRITE }, schema: { tags, summary: 'Change a subscription', params: SubParams, body: Body } }, async (request, reply) => {
      await subscriptions.update(request.params.subscriptionId, request.body, contextOf(request, request.body));
      return reply.code(204).send();
    });
    app.delete('/subscriptions/:subscriptionId', { config: { permission: WRITE }, schema: { tags, summary: 'Delete a subscription', params: SubParams } }, async (request, reply) => {
      await subscriptions.remove(request.params.subscriptionId);
      return reply.code(204).send();
    });

    // Temporal 时序
    const temporalQuery = (q: Record<string, unknown>): TemporalQuery => ({
      timerel: q.timerel as string | undefined,
      timeAt: q.timeAt as string | undefined,
      endTimeAt: q.endTimeAt as string | undefined,
      attrs: q.attrs as string | undefined,
      lastN: q.lastN as number | undefined,
      options: q.options as string | undefined,
      aggrMethods: q.aggrMethods as string | undefined,
      aggrPeriodDuration: q.aggrPeriodDuration as string | undefined,
    });
    app.get(
      '/temporal/entities/:entityId',
      { config: { permission: READ }, schema: { tags, summary: 'Attribute history: timerel, lastN, options=temporalValues, aggrMethods + aggrPeriodDuration', params: EntityParams, querystring: Type.Omit(TemporalQueryString, ['limit', 'offset']) } },
      async (request, reply) => {
        const ctx = contextOf(request);
        return answer(request, reply, ctx, 200, await temporal.entity(request.params.entityId, temporalQuery(request.query), ctx));
      },
    );
    app.get('/temporal/entities', { config: { permission: READ }, schema: { tags, summary: 'Attribute history of the entities a query selects', querystring: TemporalQueryString } }, async (request, reply) => {
      const ctx = contextOf(request);
      return answer(request, reply, ctx, 200, await temporal.query(entityQueryOf(request.query), temporalQuery(request.query), ctx));
    });
  };
}
