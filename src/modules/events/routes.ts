// HTTP routes of the events module under /api/events. One line per handler; logic lives in the service.
// Every handler passes the caller's `Viewer` (principal, units, region): the service scopes and checks it.
import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/index.ts';
import type { Principal } from '../identity/index.ts';
import { eventsError } from './errors.ts';
import type { EventsService } from './events-service.ts';
import { ACTION_PERMISSION, EVENT_ACTIONS } from './lifecycle.ts';
import {
  ActionBodySchema, AttachmentInputSchema, AttachmentSchema, CalendarPutSchema, CalendarQuerySchema, CalendarSchema, CategoryInputSchema, CategoryListQuerySchema, CategoryPatchSchema,
  CategorySchema, DepartmentSchema, DETECTION_ANSWERS, DetectionInputSchema, DetectionListQuerySchema, DetectionListSchema, ScenarioParamsSchema, VideoScenarioInputSchema, VideoScenarioSchema, EventDetailSchema, EventInputSchema, EventListQuerySchema, EventListSchema, RoutingRuleInputSchema,
  PartBodySchema, PartParamsSchema, RoutingRuleSchema, StatsQuerySchema, StatsSchema,
} from './schemas.ts';

const tags = ['events'];
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z]{2}([0-9]{2})?$' }) });
const DateParams = Type.Object({ date: Type.String({ format: 'date' }) });
const AttachmentParams = Type.Object({ id: Type.Integer({ minimum: 1 }), attachmentId: Type.Integer({ minimum: 1 }) });

/** Who acts, as the timeline names them: the signed-in principal's login (an API key's owner), else `anonymous`. */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.login ?? 'anonymous';
}

/** The signed-in principal (the access hook guarantees one on every route that declares a permission). */
function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw eventsError('unauthenticated', 'sign in: events are scoped to the units of the signed-in account');
  return request.principal;
}

export function eventsRoutes(service: EventsService) {
  const who = (request: FastifyRequest) => service.viewer(request.principal, actorOf(request));
  return (app: HttpApp): void => {
    app.get('/categories', { config: { permission: 'events.event.read' }, schema: { tags, summary: '事件分类 the event catalogue: classes and sub-classes with time limits', querystring: CategoryListQuerySchema, response: { 200: Type.Array(CategorySchema) } } }, (request) => service.categories({ includeDisabled: request.query.includeDisabled }));
    app.post('/categories', { config: { permission: 'events.category.write' }, schema: { tags, summary: 'Add a class or sub-class to the catalogue', body: CategoryInputSchema, response: { 201: CategorySchema } } }, async (request, reply) => reply.status(201).send(await service.addCategory(request.body, actorOf(request))));
    app.patch('/categories/:code', { config: { permission: 'events.category.write' }, schema: { tags, summary: 'Edit a category: names, time limits, working hours; active: false disables it (停用)', params: CodeParams, body: CategoryPatchSchema, response: { 200: CategorySchema } } }, (request) => service.updateCategory(request.params.code, request.body, actorOf(request)));
    app.delete('/categories/:code', { config: { permission: 'events.category.write' }, schema: { tags, summary: 'Delete a category nothing refers to (409 category_in_use: disable it instead)', params: CodeParams, response: { 204: Type.Null() } } }, async (request, reply) => { await service.deleteCategory(request.params.code); return reply.status(204).send(null); });
    app.get('/calendar', { config: { permission: 'events.event.read' }, schema: { tags, summary: '工作日历 the working calendar: weekly pattern, holidays and make-up working days', querystring: CalendarQuerySchema, response: { 200: CalendarSchema } } }, (request) => service.calendar(request.query.year));
    app.put('/calendar/days', { config: { permission: 'events.calendar.write' }, schema: { tags, summary: 'Set holidays (法定节假日) and make-up working days (调休上班); deadlines use them', body: CalendarPutSchema, response: { 200: CalendarSchema } } }, (request) => service.putCalendarDays(request.body.days, actorOf(request)));
    app.delete('/calendar/days/:date', { config: { permission: 'events.calendar.write' }, schema: { tags, summary: 'Remove a holiday or make-up working day', params: DateParams, response: { 204: Type.Null() } } }, async (request, reply) => { await service.deleteCalendarDay(request.params.date); return reply.status(204).send(null); });
    app.get('/departments', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Units that take events: the org units (city, 委办局, districts, towns/streets)', response: { 200: Type.Array(DepartmentSchema) } } }, () => service.departments());
    app.get('/routing-rules', { config: { permission: 'events.rule.read' }, schema: { tags, summary: 'Routing rules: category × district/grid → unit', response: { 200: Type.Array(RoutingRuleSchema) } } }, () => service.rules());
    app.post('/routing-rules', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Add a routing rule', body: RoutingRuleInputSchema, response: { 201: RoutingRuleSchema } } }, async (request, reply) => reply.status(201).send(await service.addRule(request.body)));
    app.delete('/routing-rules/:id', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Remove a routing rule', params: IdParams, response: { 204: Type.Null() } } }, async (request, reply) => { await service.removeRule(request.params.id); return reply.status(204).send(null); });
    app.get('/stats', { config: { permission: 'events.stats.read' }, schema: { tags, summary: '按时办结率 totals and on-time rate per unit, over the events of the caller\'s scope (like the big screen: a district\'s, a department\'s or the whole city\'s)', querystring: StatsQuerySchema, response: { 200: StatsSchema } } }, async (request) => service.stats(request.query, await service.unitScope(principalOf(request), 'events.stats.read')));
    app.get('/', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Events of the caller\'s units and region: filter by unit (lead or partner), state, overdue, escalated, source; mine=true is the unit inbox', querystring: EventListQuerySchema, response: { 200: EventListSchema } } }, async (request) => service.list(request.query, await who(request)));
    app.post(
      '/',
      { config: { permission: 'events.event.create', idempotent: true }, schema: { tags, summary: '人工录入 / 网格员上报: create an event; it is routed and dispatched at once', body: EventInputSchema, response: { 201: EventDetailSchema } } },
      async (request, reply) => reply.status(201).send(await service.create(request.body, await who(request))),
    );
    app.post(
      '/detections',
      { config: { permission: 'events.detection.create', idempotent: true }, schema: { tags, summary: '视频智能识别 intake: a detection becomes an event (201), joins one of the same scenario nearby (200), or is recorded below the minimum confidence (202); see docs/video-intake.md', body: DetectionInputSchema, response: DETECTION_ANSWERS } },
      async (request, reply) => {
        const r = await service.detect(request.body, actorOf(request));
        return reply.status(r.outcome === 'created' ? 201 : r.outcome === 'merged' ? 200 : 202).send(r);
      },
    );
    app.get('/detections', { config: { permission: 'events.event.read' }, schema: { tags, summary: '视频智能识别 detections, newest first: camera, scenario, confidence, snapshots and the event each became or joined (none below the scenario\'s minimum confidence)', querystring: DetectionListQuerySchema, response: { 200: DetectionListSchema } } }, async (request) => service.detections(request.query, await who(request)));
    app.get('/scenarios', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Video scenarios: scenario → event category and the minimum confidence that raises an event', response: { 200: Type.Array(VideoScenarioSchema) } } }, () => service.scenarios());
    app.put('/scenarios/:code', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Add or change a video scenario', params: ScenarioParamsSchema, body: VideoScenarioInputSchema, response: { 200: VideoScenarioSchema } } }, (request) => service.putScenario(request.params.code, request.body, actorOf(request)));
    app.delete('/scenarios/:code', { config: { permission: 'events.rule.write' }, schema: { tags, summary: 'Remove a video scenario (its detections stay; new ones are refused)', params: ScenarioParamsSchema, response: { 204: Type.Null() } } }, async (request, reply) => { await service.deleteScenario(request.params.code); return reply.status(204).send(null); });
    app.get('/:id', { config: { permission: 'events.event.read' }, schema: { tags, summary: 'An event with its timeline, attachments and the actions allowed now (and to the caller)', params: IdParams, response: { 200: EventDetailSchema } } }, async (request) => service.get(request.params.id, await who(request)));
    for (const action of EVENT_ACTIONS) {
      app.post(
        `/:id/${action}`,
        { config: { permission: ACTION_PERMISSION[action] }, schema: { tags, summary: `Lifecycle action: ${action} (409 transition_not_allowed when the state does not allow it; 403 when the caller's unit or region does not)`, params: IdParams, body: Type.Optional(ActionBodySchema), response: { 200: EventDetailSchema } } },
        async (request) => service.act(request.params.id, action, request.body ?? {}, await who(request)),
      );
    }
    app.post(
      '/:id/part/:step',
      { config: { permission: 'events.event.handle' }, schema: { tags, summary: '联合处置: a partner unit accepts (签收) or reports (反馈) its part; the lead reports the event once every partner has reported', params: PartParamsSchema, body: Type.Optional(PartBodySchema), response: { 200: EventDetailSchema } } },
      async (request) => service.actOnPart(request.params.id, request.params.step, request.body ?? {}, await who(request)),
    );
    app.post(
      '/:id/attachments',
      { config: { permission: 'events.event.handle' }, schema: { tags, summary: 'Attach a file (base64, up to 10 MB) or a URL', params: IdParams, body: AttachmentInputSchema, response: { 201: AttachmentSchema } } },
      async (request, reply) => reply.status(201).send(await service.attach(request.params.id, request.body, await who(request))),
    );
    app.get(
      '/:id/attachments/:attachmentId',
      { config: { permission: 'events.event.read' }, schema: { tags, summary: 'Download an attachment (a URL attachment redirects)', params: AttachmentParams, produces: ['application/octet-stream'] } },
      async (request, reply) => {
        const a = await service.attachment(request.params.id, request.params.attachmentId, await who(request));
        return a.file ? reply.type(a.mediaType).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.name)}`).send(createReadStream(a.file)) : reply.redirect(a.url ?? '/', 302);
      },
    );
  };
}
