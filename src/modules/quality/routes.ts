// HTTP routes of the quality module, registered under /api/quality. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/index.ts';
import { actorOf } from '../catalog/index.ts';
import {
  AckInputSchema, NoteInputSchema, RuleInputSchema, RuleListSchema, RuleQuerySchema, RuleResourceListSchema, RuleSchema, RuleUpdateSchema, RunListSchema, RunQuerySchema, RunRequestSchema, RunSchema,
  ScoreBoardSchema, TicketListSchema, TicketQuerySchema, TicketSchema, TrendQuerySchema, TrendSchema,
} from './schemas.ts';
import type { QualityService, Viewer } from './service.ts';

const tags = ['quality'];
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/**
 * The caller and the source departments whose rules, runs and tickets they read or handle under the
 * route's permission, from the access hook's department scope (数源部门, 一数一源): every department when
 * the permission is held without a unit scope (大数据局, data administrators, API keys), else the
 * org units it is scoped to and the departments below them (codes and names).
 */
export async function viewerOf(request: FastifyRequest): Promise<Viewer> {
  const { id } = actorOf(request);
  const scope = await request.departmentScope?.();
  return { id, departments: !scope || scope.all ? 'all' : scope.departments };
}

export function qualityRoutes(service: QualityService) {
  return (app: HttpApp): void => {
    app.get(
      '/rules',
      { config: { permission: 'quality.rule.read' }, schema: { tags, summary: "A resource's quality rules with their last result", querystring: RuleQuerySchema, response: { 200: RuleListSchema } } },
      async (request) => service.listRules(request.query.resource, await viewerOf(request)),
    );
    app.get(
      '/resources',
      { config: { permission: 'quality.rule.read' }, schema: { tags, summary: "Resources with enabled rules, of the caller's departments", response: { 200: RuleResourceListSchema } } },
      async (request) => service.resourcesWithRules(await viewerOf(request)),
    );
    app.post(
      '/rules',
      { config: { permission: 'quality.rule.write', idempotent: true }, schema: { tags, summary: "Attach a rule to a resource's data item", body: RuleInputSchema, response: { 201: RuleSchema } } },
      async (request, reply) => reply.status(201).send(await service.createRule(request.body, await viewerOf(request))),
    );
    app.get(
      '/rules/:id',
      { config: { permission: 'quality.rule.read' }, schema: { tags, summary: 'A quality rule', params: IdParams, response: { 200: RuleSchema } } },
      async (request) => service.getRule(request.params.id, await viewerOf(request)),
    );
    app.put(
      '/rules/:id',
      { config: { permission: 'quality.rule.write' }, schema: { tags, summary: 'Edit, disable (enabled: false) or enable a rule', params: IdParams, body: RuleUpdateSchema, response: { 200: RuleSchema } } },
      async (request) => service.updateRule(request.params.id, request.body, await viewerOf(request)),
    );
    app.post(
      '/runs',
      { config: { permission: 'quality.run.execute' }, schema: { tags, summary: "Run a resource's rules now; answers 202 with the queued run (poll it)", body: RunRequestSchema, response: { 202: RunSchema } } },
      async (request, reply) => reply.status(202).send(await service.requestRun(request.body.resourceCode, { ruleIds: request.body.ruleIds }, await viewerOf(request))),
    );
    app.get(
      '/runs',
      { config: { permission: 'quality.rule.read' }, schema: { tags, summary: "Runs of the caller's departments, newest first", querystring: RunQuerySchema, response: { 200: RunListSchema } } },
      async (request) => service.listRuns(request.query.resource, request.query.limit, await viewerOf(request)),
    );
    app.get(
      '/runs/:id',
      { config: { permission: 'quality.rule.read' }, schema: { tags, summary: 'A run with each rule result: rows checked, failures, failing samples with key and reason', params: IdParams, response: { 200: RunSchema } } },
      async (request) => service.getRun(request.params.id, await viewerOf(request)),
    );
    app.get(
      '/scores',
      { config: { permission: 'quality.score.read' }, schema: { tags, summary: 'Latest quality score per source department and per resource', response: { 200: ScoreBoardSchema } } },
      () => service.scores(),
    );
    app.get(
      '/scores/trend',
      { config: { permission: 'quality.score.read' }, schema: { tags, summary: 'Score history of a resource or a department', querystring: TrendQuerySchema, response: { 200: TrendSchema } } },
      (request) => service.trend(request.query.scope, request.query.subject, request.query.days),
    );
    app.get(
      '/tickets',
      { config: { permission: 'quality.ticket.read' }, schema: { tags, summary: "Problem tickets (问题工单); department staff see their department's", querystring: TicketQuerySchema, response: { 200: TicketListSchema } } },
      async (request) => service.listTickets(request.query, await viewerOf(request)),
    );
    app.get(
      '/tickets/:id',
      { config: { permission: 'quality.ticket.read' }, schema: { tags, summary: 'A ticket with its timeline', params: IdParams, response: { 200: TicketSchema } } },
      async (request) => service.getTicket(request.params.id, await viewerOf(request)),
    );
    app.post(
      '/tickets/:id/acknowledge',
      { config: { permission: 'quality.ticket.handle' }, schema: { tags, summary: 'The source department acknowledges the ticket (签收)', params: IdParams, body: AckInputSchema, response: { 200: TicketSchema } } },
      async (request) => service.acknowledge(request.params.id, request.body.body, await viewerOf(request)),
    );
    app.post(
      '/tickets/:id/comments',
      { config: { permission: 'quality.ticket.handle' }, schema: { tags, summary: 'Comment on a ticket', params: IdParams, body: NoteInputSchema, response: { 200: TicketSchema } } },
      async (request) => service.comment(request.params.id, request.body.body, await viewerOf(request)),
    );
  };
}
