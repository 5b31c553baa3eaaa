// HTTP routes of the IoT module, under /api/iot. One line per handler: the logic lives in the
// registry, ingestion and telemetry services.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inDepartments, isAppError } from '../../kernel/index.ts';
import type { HttpApp } from '../../platform/http/index.ts';
import type { DemoRegistration } from './demo-sensors.ts';
import type { Ingestion } from './ingest.ts';
import type { DeviceRegistry } from './registry.ts';
import { iotError } from './errors.ts';
import {
  BrokerAccessStatusSchema,
  BulkRegisterBodySchema,
  BulkRegisterResultSchema,
  DeadLetterSchema,
  DeviceDetailSchema,
  DeviceId,
  DeviceInputSchema,
  DeviceListQuerySchema,
  DeviceListSchema,
  DevicePatchSchema,
  DeviceTypeSchema,
  DeviceWithTokenSchema,
  HistoryQuerySchema,
  HistorySchema,
  IngestStatsSchema,
  TelemetryBodySchema,
  type BrokerAccessStatus,
} from './schemas.ts';
import type { TelemetryService } from './service.ts';

const tags = ['iot'];
const IdParams = Type.Object({ id: DeviceId });
const DeadLetterQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  reason: Type.Optional(Type.String({ maxLength: 64 })),
});
const TelemetryHeaders = Type.Object({ authorization: Type.Optional(Type.String({ description: 'Bearer <device token>' })) });

/** An overload refusal tells the device when to come back (RFC 9110 §10.2.3). */
const retryLater = (reply: FastifyReply) => (err: unknown): never => {
  if (isAppError(err) && err.code === 'ingest_overloaded') void reply.header('retry-after', '1');
  throw err;
};

const bearer = (header: string | undefined): string | undefined => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

const DemoRegistrationSchema = Type.Object({
  created: Type.Integer({ description: 'demo sensors registered now' }),
  existing: Type.Integer({ description: 'demo sensors already registered (left as they are)' }),
  rulesCreated: Type.Integer({ description: 'default rules created now' }),
});

export function iotRoutes(deps: {
  registry: DeviceRegistry;
  ingestion: Ingestion;
  telemetry: TelemetryService;
  registerDemo: () => Promise<DemoRegistration>;
  brokerAccess: () => Promise<BrokerAccessStatus>;
}) {
  const { registry, ingestion, telemetry } = deps;
  /** 权属部门: a caller scoped to departments manages their departments' devices only. */
  const ownDepartment = async (request: FastifyRequest, department: string, field: string): Promise<void> => {
    const scope = await request.departmentScope?.();
    if (scope && !inDepartments(scope, department)) throw iotError('department_out_of_scope', `${department} is not a department whose devices you may manage`, { field });
  };
  const ownDevice = async (request: FastifyRequest, id: string): Promise<void> => {
    const scope = await request.departmentScope?.();
    if (scope && !scope.all) await ownDepartment(request, (await registry.get(id)).ownerDepartment, '/params/id');
  };
  return (app: HttpApp): void => {
    app.post(
      '/demo-sensors',
      { config: { permission: 'iot.device.write' }, schema: { tags, summary: "Register the demo city's sensors and their default rules (idempotent)", response: { 200: DemoRegistrationSchema } } },
      () => deps.registerDemo(),
    );
    app.get('/device-types', { config: { permission: 'iot.device.read' }, schema: { tags, summary: 'Device types (FIWARE Smart Data Models) and their attributes', response: { 200: Type.Array(DeviceTypeSchema) } } }, () =>
      registry.deviceTypes(),
    );
    app.get('/devices', { config: { permission: 'iot.device.read' }, schema: { tags, summary: 'Devices, filtered and paged', querystring: DeviceListQuerySchema, response: { 200: DeviceListSchema } } }, (request) =>
      registry.list(request.query),
    );
    app.post(
      '/devices',
      { config: { permission: 'iot.device.write', idempotent: true }, schema: { tags, summary: 'Register a device; answers its token once', body: DeviceInputSchema, response: { 201: DeviceWithTokenSchema } } },
      async (request, reply) => {
        await ownDepartment(request, request.body.ownerDepartment, '/body/ownerDepartment');
        return reply.code(201).send(await registry.register(request.body));
      },
    );
    app.post(
      '/devices/bulk',
      {
        config: { permission: 'iot.device.write', idempotent: true },
        schema: { tags, summary: 'Register devices from a CSV or JSON file; bad rows are reported, good rows registered', body: BulkRegisterBodySchema, response: { 200: BulkRegisterResultSchema } },
      },
      async (request) => registry.registerBulk(request.body, await request.departmentScope?.()),
    );
    app.get('/devices/:id', { config: { permission: 'iot.device.read' }, schema: { tags, summary: 'A device with its latest values', params: IdParams, response: { 200: DeviceDetailSchema } } }, (request) =>
      registry.get(request.params.id),
    );
    app.patch(
      '/devices/:id',
      { config: { permission: 'iot.device.write' }, schema: { tags, summary: 'Change a device (name, department, location, tier, parent, enabled)', params: IdParams, body: DevicePatchSchema, response: { 200: DeviceDetailSchema } } },
      async (request) => {
        await ownDevice(request, request.params.id);
        if (request.body.ownerDepartment !== undefined) await ownDepartment(request, request.body.ownerDepartment, '/body/ownerDepartment');
        return registry.update(request.params.id, request.body);
      },
    );
    app.delete(
      '/devices/:id',
      { config: { permission: 'iot.device.write' }, schema: { tags, summary: 'Delete a device and its history', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await ownDevice(request, request.params.id);
        return reply.code(204).send(await registry.remove(request.params.id).then(() => null));
      },
    );
    app.post(
      '/devices/:id/token',
      { config: { permission: 'iot.device.write' }, schema: { tags, summary: 'Rotate the device token; the old one stops working; answers the new one once', params: IdParams, response: { 200: DeviceWithTokenSchema } } },
      async (request) => {
        await ownDevice(request, request.params.id);
        return registry.rotateToken(request.params.id);
      },
    );
    app.post(
      '/devices/:id/telemetry',
      {
        config: { permission: 'public' },
        schema: {
          tags,
          summary: 'HTTP push of readings by the device itself (Authorization: Bearer <device token>); answers after they are stored',
          params: IdParams,
          headers: TelemetryHeaders,
          // Checked by ingestion, so that a malformed push is kept as a dead letter too.
          body: Type.Unknown({ description: JSON.stringify(TelemetryBodySchema) }),
          response: { 200: Type.Object({ stored: Type.Integer() }) },
        },
      },
      async (request, reply) => ({ stored: await ingestion.handleHttp(request.params.id, bearer(request.headers.authorization), request.body, request.ip).catch(retryLater(reply)) }),
    );
    app.get(
      '/devices/:id/history',
      { config: { permission: 'iot.telemetry.read' }, schema: { tags, summary: 'History of one attribute; downsampled (avg/min/max per bucket) for long ranges', params: IdParams, querystring: HistoryQuerySchema, response: { 200: HistorySchema } } },
      (request) => telemetry.history(request.params.id, request.query),
    );
    app.get('/dead-letters', { config: { permission: 'iot.telemetry.read' }, schema: { tags, summary: 'Refused messages, newest first', querystring: DeadLetterQuery, response: { 200: Type.Array(DeadLetterSchema) } } }, (request) =>
      telemetry.deadLetters(request.query),
    );
    app.get(
      '/broker-access',
      { config: { permission: 'iot.device.read' }, schema: { tags, summary: 'Device accounts in the external broker: last reconciliation, devices whose account has no password yet', response: { 200: BrokerAccessStatusSchema } } },
      () => deps.brokerAccess(),
    );
    app.get('/ingest/stats', { config: { permission: 'iot.telemetry.read' }, schema: { tags, summary: 'Ingestion counters of this node since start', response: { 200: IngestStatsSchema } } }, () =>
      ingestion.stats(),
    );
  };
}
