// HTTP routes of device commands (下行指令), under /api/iot. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/index.ts';
import { CommandInputSchema, CommandListQuerySchema, CommandSchema } from './command-schemas.ts';
import type { CommandService } from './commands.ts';
import { DeviceId } from './schemas.ts';

const tags = ['iot'];
const DeviceParams = Type.Object({ id: DeviceId });
const CommandParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Who sends the command: the signed-in account or the API key. */
function senderOf(request: FastifyRequest): string {
  const p = (request as unknown as { principal?: { accountId?: unknown; login?: unknown; apiKeyId?: unknown } }).principal;
  if (typeof p?.apiKeyId === 'string') return `apikey:${p.apiKeyId}`;
  if (typeof p?.login === 'string' && p.login !== '') return p.login;
  return typeof p?.accountId === 'string' && p.accountId !== '' ? p.accountId : 'anonymous';
}

export function commandRoutes(commands: CommandService) {
  return (app: HttpApp): void => {
    app.post(
      '/devices/:id/commands',
      {
        config: { permission: 'iot.command.write', idempotent: true },
        schema: { tags, summary: 'Send a command to a device: published QoS 1 on devices/{id}/commands; the device answers on devices/{id}/commands/ack', params: DeviceParams, body: CommandInputSchema, response: { 201: CommandSchema } },
      },
      async (request, reply) => reply.code(201).send(await commands.send(request.params.id, request.body, senderOf(request))),
    );
    app.get(
      '/devices/:id/commands',
      { config: { permission: 'iot.command.read' }, schema: { tags, summary: "A device's commands, newest first", params: DeviceParams, querystring: CommandListQuerySchema, response: { 200: Type.Array(CommandSchema) } } },
      (request) => commands.list(request.params.id, request.query.limit),
    );
    app.get('/commands/:id', { config: { permission: 'iot.command.read' }, schema: { tags, summary: 'A command and its state', params: CommandParams, response: { 200: CommandSchema } } }, (request) =>
      commands.get(request.params.id),
    );
  };
}
