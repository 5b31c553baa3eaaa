// HTTP routes of rules and alarms, under /api/iot. One line per handler.
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/http/index.ts';
import { AlarmListQuerySchema, AlarmSchema, RuleInputSchema, RulePatchSchema, RuleSchema } from './alarm-schemas.ts';
import type { AlarmService } from './alarms.ts';

const tags = ['iot'];
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AckBody = Type.Object({ by: Type.String({ minLength: 1, maxLength: 100, default: 'console', description: 'who acknowledges' }) }, { additionalProperties: false });

export function alarmRoutes(alarms: AlarmService) {
  return (app: HttpApp): void => {
    app.get('/rules', { config: { permission: 'iot.rule.read' }, schema: { tags, summary: 'Alarm rules', response: { 200: Type.Array(RuleSchema) } } }, () => alarms.listRules());
    app.post(
      '/rules',
      { config: { permission: 'iot.rule.write', idempotent: true }, schema: { tags, summary: 'Create a threshold, rate-of-change or offline rule for a device or a device type', body: RuleInputSchema, response: { 201: RuleSchema } } },
      async (request, reply) => reply.code(201).send(await alarms.createRule(request.body)),
    );
    app.patch(
      '/rules/:id',
      { config: { permission: 'iot.rule.write' }, schema: { tags, summary: 'Change a rule', params: IdParams, body: RulePatchSchema, response: { 200: RuleSchema } } },
      (request) => alarms.updateRule(request.params.id, request.body),
    );
    app.delete(
      '/rules/:id',
      { config: { permission: 'iot.rule.write' }, schema: { tags, summary: 'Delete a rule and its alarms', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => reply.code(204).send(await alarms.deleteRule(request.params.id).then(() => null)),
    );
    app.get('/alarms', { config: { permission: 'iot.alarm.read' }, schema: { tags, summary: 'Alarms, newest first', querystring: AlarmListQuerySchema, response: { 200: Type.Array(AlarmSchema) } } }, (request) =>
      alarms.listAlarms(request.query),
    );
    app.post(
      '/alarms/:id/acknowledge',
      { config: { permission: 'iot.alarm.write' }, schema: { tags, summary: 'Acknowledge an active alarm', params: IdParams, body: AckBody, response: { 204: Type.Null() } } },
      async (request, reply) => reply.code(204).send(await alarms.acknowledge(request.params.id, request.body.by).then(() => null)),
    );
    app.post(
      '/alarms/:id/clear',
      { config: { permission: 'iot.alarm.write' }, schema: { tags, summary: 'Clear an alarm by hand (publishes iot.alarm.cleared)', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => reply.code(204).send(await alarms.clear(request.params.id).then(() => null)),
    );
  };
}
