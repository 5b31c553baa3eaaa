// TypeBox schemas of device commands (下行指令).
import { type Static, Type } from '@sinclair/typebox';

export const CommandStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('acked'), Type.Literal('failed'), Type.Literal('expired')], {
  description: 'pending: stored, not yet handed to the broker; sent: published on devices/{id}/commands; acked / failed: the device answered; expired: no answer in time',
});
export type CommandStatus = Static<typeof CommandStatusSchema>;

export const CommandInputSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$', description: 'what the device should do, e.g. reboot, setInterval, openValve' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'arguments of the command (JSON object)' })),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 60, description: 'the command expires when the device has not answered by then' }),
  },
  { additionalProperties: false },
);
export type CommandInput = Static<typeof CommandInputSchema>;

export const CommandSchema = Type.Object({
  id: Type.Integer(),
  deviceId: Type.String(),
  name: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  status: CommandStatusSchema,
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  answeredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time' }),
  result: Type.Union([Type.Unknown(), Type.Null()], { description: 'what the device answered' }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type Command = Static<typeof CommandSchema>;

export const CommandListQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

/** The device's answer on devices/{id}/commands/ack. */
export const CommandAckSchema = Type.Object({
  id: Type.Integer({ description: 'the command id received' }),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.String({ maxLength: 1000 })),
});
