// TypeBox schemas of rules and alarms (规则与告警).
import { type Static, Type } from '@sinclair/typebox';
import { DeviceId } from './schemas.ts';

export const SeveritySchema = Type.Union([Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor'), Type.Literal('warning')], {
  description: 'critical 紧急 / major 重要 / minor 次要 / warning 提示',
});
export type Severity = Static<typeof SeveritySchema>;
export const OperatorSchema = Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<'), Type.Literal('<=')]);
export type Operator = Static<typeof OperatorSchema>;
export const RuleKindSchema = Type.Union([Type.Literal('threshold'), Type.Literal('rate'), Type.Literal('offline')], {
  description: 'threshold: value vs limit; rate: change per minute vs limit; offline: no reading for offlineSeconds',
});
export type RuleKind = Static<typeof RuleKindSchema>;
export const AlarmStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cleared')]);
export type AlarmStatus = Static<typeof AlarmStatusSchema>;

export const RuleInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    deviceId: Type.Optional(DeviceId),
    typeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'every device of this type; give deviceId or typeId' })),
    kind: RuleKindSchema,
    attribute: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    operator: Type.Optional(OperatorSchema),
    threshold: Type.Optional(Type.Number()),
    offlineSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 30 * 86_400 })),
    severity: SeveritySchema,
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInputSchema>;

export const RulePatchSchema = Type.Partial(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      operator: OperatorSchema,
      threshold: Type.Number(),
      offlineSeconds: Type.Integer({ minimum: 10, maximum: 30 * 86_400 }),
      severity: SeveritySchema,
      enabled: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);
export type RulePatch = Static<typeof RulePatchSchema>;

export const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  typeId: Type.Union([Type.String(), Type.Null()]),
  kind: RuleKindSchema,
  attribute: Type.Union([Type.String(), Type.Null()]),
  operator: Type.Union([OperatorSchema, Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  offlineSeconds: Type.Union([Type.Integer(), Type.Null()]),
  severity: SeveritySchema,
  enabled: Type.Boolean(),
});
export type Rule = Static<typeof RuleSchema>;

export const AlarmSchema = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  ruleName: Type.String(),
  deviceId: Type.String(),
  deviceName: Type.String(),
  severity: SeveritySchema,
  status: AlarmStatusSchema,
  value: Type.Union([Type.Number(), Type.Null()]),
  message: Type.String(),
  raisedAt: Type.String({ format: 'date-time' }),
  acknowledgedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  clearedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Alarm = Static<typeof AlarmSchema>;

export const AlarmListQuerySchema = Type.Object({
  status: Type.Optional(Type.Union([AlarmStatusSchema, Type.Literal('open')], { description: 'open = active or acknowledged' })),
  deviceId: Type.Optional(DeviceId),
  severity: Type.Optional(SeveritySchema),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
export type AlarmListQuery = Static<typeof AlarmListQuerySchema>;

/** Data of the `iot.alarm.raised` and `iot.alarm.cleared` events. */
export interface AlarmEvent {
  alarmId: number;
  ruleId: number;
  deviceId: string;
  severity: Severity;
  status: AlarmStatus;
  value: number | null;
  message: string;
  raisedAt: string;
  clearedAt: string | null;
  /** The device's owner department (权属部门) when the alarm changed; absent in events written before it was added. */
  ownerDepartment?: string;
}
