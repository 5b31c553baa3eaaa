// HTTP routes of the events module under /api/events. One line per handler; logic lives in the service.
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/index.ts';
import type { EventsService } from './events-service.ts';
import { EVENT_ACTIONS } from './lifecycle.ts';
import {
  ActionBodySchema, AttachmentInputSchema, AttachmentSchema, CategorySchema, DepartmentSchema, DetectionInputSchema, DetectionResultSchema, EventDetailSchema,
  EventInputSchema, EventListQuerySchema, EventListSchema, RoutingRuleInputSchema, RoutingRuleSchema, StatsQuerySchema, StatsSchema,
} from './schemas.ts';

const tags = ['events'];
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AttachmentParams = Type.Object({ id: Type.Integer({ minimum: 1 }), attachmentId: Type.Integer({ minimum: 1 }) });

const ACTION_PERMISSION: Record<(typeof EVENT_ACTIONS)[number], string> = {
  dispatch: 'events.event.dispatch', reassign: 'events.event.dispatch', escalate: 'events.event.dispatch', joint: 'events.event.dispatch', reopen: 'events.event.dispatch',
  accept: 'events.event.handle', return: 'events.event.handle', start: 'events.event.handle', report: 'events.event.handle',
  verify: 'events.event.verify', reject: 'events.event.verify', close: 'events.event.verify',
};

/**
 * Who acts: the signed-in principal when the identity hook set one, else the `x-actor` header
 * (until every deployment signs requests in), else `anonymous`.
 */
export function actorOf(request: FastifyRequest): string {
  const principal = (request as { principal?: { login?: unknown; accountId?: unknown } }).principal;
  if (principal && typeof principal.login === 'string') return principal.login;
  if (principal && typeof principal.accountId === 'string') return principal.accountId;
  const header = request.headers['x-actor'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim().slice(0, 100) : 'anonymous';
}

export function eventsRoutes(service: EventsService) {
  return (app: HttpApp): void => {
    app.get('/categories', { config: { permission: 'events.event.read' }, schema: { tags, summary: '事件分类 the event catalogue: classes and sub-classes with time limits', response: { 200: Type.Array(CategorySchema) } } }, () => service.categories());
    app.get('/departments', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Responsible departments', response: { 200: Type.Array(DepartmentSchema) } } }, () => service.departments());
    app.get('/routing-rules', { config: { permission: 'events.rule.read' }, schema: { tags, summary: 'Routing rules: category × district/grid → department', response: { 200: Type.Array(RoutingRuleSchema) } } }, () => service.rules());
    app.post('/routing-rules', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Add a routing rule', body: RoutingRuleInputSchema, response: { 201: RoutingRuleSchema } } }, async (request, reply) => reply.status(201).send(await service.addRule(request.body)));
    app.delete('/routing-rules/:id', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Remove a routing rule', params: IdParams, response: { 204: Type.Null() } } }, async (request, reply) => { await service.removeRule(request.params.id); return reply.status(204).send(null); });
    app.get('/stats', { config: { permission: 'events.stats.read' }, schema: { tags, summary: '按时办结率 totals and on-time rate per department', querystring: StatsQuerySchema, response: { 200: StatsSchema } } }, (request) => service.stats(request.query));
    app.get('/', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Events, newest first: filter by department (lead or partner), state, overdue, source', querystring: EventListQuerySchema, response: { 200: EventListSchema } } }, (request) => service.list(request.query));
    app.post(
      '/',
      { config: { permission: 'events.event.create', idempotent: true }, schema: { tags, summary: '人工录入 / 网格员上报: create an event; it is routed and dispatched at once', body: EventInputSchema, response: { 201: EventDetailSchema } } },
      async (request, reply) => reply.status(201).send(await service.create(request.body, actorOf(request))),
    );
    app.post(
      '/detections',
      { config: { permission: 'events.detection.create', idempotent: true }, schema: { tags, summary: '视频智能识别 intake: a detection becomes an event, or joins one of the same scenario nearby', body: DetectionInputSchema, response: { 201: DetectionResultSchema, 200: DetectionResultSchema } } },
      async (request, reply) => {
        const r = await service.detect(request.body, actorOf(request));
        return reply.status(r.created ? 201 : 200).send(r);
      },
    );
    app.get('/:id', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'An event with its timeline, attachments and the actions allowed now', params: IdParams, response: { 200: EventDetailSchema } } }, (request) => service.get(request.params.id));
    for (const action of EVENT_ACTIONS) {
      app.post(
        `/:id/${action}`,
        { config: { permission: ACTION_PERMISSION[action] }, schema: { tags, summary: `Lifecycle action: ${action} (409 transition_not_allowed when the state does not allow it)`, params: IdParams, body: Type.Optional(ActionBodySchema), response: { 200: EventDetailSchema } } },
        (request) => service.act(request.params.id, action, request.body ?? {}, actorOf(request)),
      );
    }
    app.post(
      '/:id/attachments',
      { config: { permission: 'events.event.handle' }, schema: { tags, summary: 'Attach a file (base64, up to 10 MB) or a URL', params: IdParams, body: AttachmentInputSchema, response: { 201: AttachmentSchema } } },
      async (request, reply) => reply.status(201).send(await service.attach(request.params.id, request.body, actorOf(request))),
    );
    app.get(
      '/:id/attachments/:attachmentId',
      { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Download an attachment (a URL attachment redirects)', params: AttachmentParams, produces: ['application/octet-stream'] } },
      async (request, reply) => {
        const a = await service.attachment(request.params.id, request.params.attachmentId);
        return a.file ? reply.type(a.mediaType).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.name)}`).send(createReadStream(a.file)) : reply.redirect(a.url ?? '/', 302);
      },
    );
  };
}
