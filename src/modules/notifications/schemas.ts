// TypeBox schemas of the notifications module (消息中心); they also become /openapi.json.
import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';

/** What a notification is about; `event.<verb>` follow the events module's bus verbs. */
export const NOTIFICATION_KINDS = [
  'event.dispatched', 'event.reassigned', 'event.reopened', 'event.joined', 'event.rejected', 'event.returned', 'event.reported', 'event.warned', 'event.escalated',
  'quality.ticket', 'iot.alarm',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/** One of `values` (anyOf of literals in the schema, the union of them as the static type). */
const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;

export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  unitCode: Type.String({ description: '收件单位 the org unit it is addressed to' }),
  unitName: Type.Union([Type.String(), Type.Null()]),
  accountId: Type.Union([Type.String(), Type.Null()], { description: 'one account of the unit; null = every member' }),
  kind: literals(NOTIFICATION_KINDS, 'what it is about'),
  severity: literals(NOTIFICATION_SEVERITIES, 'info, warning or critical'),
  titleZh: Type.String(),
  titleEn: Type.String(),
  body: Type.String(),
  link: Type.String({ description: 'console path that opens what it is about' }),
  subjectRef: Type.String({ description: 'event:12, quality-ticket:3, iot-alarm:5' }),
  sourceEventId: Type.String({ description: 'the bus event it came from' }),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the caller read it; null = unread' }),
});
export type Notification = Static<typeof NotificationSchema>;

export const NotificationListSchema = Type.Object({
  total: Type.Integer({ description: 'matching the filter' }),
  unread: Type.Integer({ description: "the caller's unread notifications (whatever the filter)" }),
  items: Type.Array(NotificationSchema),
});
export type NotificationList = Static<typeof NotificationListSchema>;

export const NotificationQuerySchema = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'only unread ones' })),
    kind: Type.Optional(literals(NOTIFICATION_KINDS, 'only this kind')),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type NotificationQuery = Static<typeof NotificationQuerySchema>;

export const UnreadCountSchema = Type.Object({ unread: Type.Integer() });
export const MarkedSchema = Type.Object({ marked: Type.Integer({ description: 'notifications marked read now' }) });
export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/** Data of the `notifications.message.created` bus event: what one delivery stored (the live stream's fan-out). */
export interface NotificationsCreated {
  notifications: Notification[];
}
