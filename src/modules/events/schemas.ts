// TypeBox schemas of the events module: request bodies, queries and answers (they become /openapi.json).
import { type Static, Type } from '@sinclair/typebox';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'longitude (WGS 84)' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude (WGS 84)' });
const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' });

export const SeveritySchema = Type.Union([Type.Literal('normal'), Type.Literal('major'), Type.Literal('urgent')], { description: '一般 normal, 较大 major, 紧急 urgent' });
export type Severity = Static<typeof SeveritySchema>;
export const SourceSchema = Type.Union(
  [Type.Literal('iot_alarm'), Type.Literal('video_ai'), Type.Literal('hotline'), Type.Literal('grid_worker'), Type.Literal('manual')],
  { description: '物联感知告警, 视频智能识别, 12345热线, 网格员上报, 人工录入' },
);
export type EventSource = Static<typeof SourceSchema>;
export const StateSchema = Type.Union([
  Type.Literal('created'), Type.Literal('dispatched'), Type.Literal('accepted'), Type.Literal('handling'),
  Type.Literal('reported'), Type.Literal('verified'), Type.Literal('closed'), Type.Literal('returned'),
]);
export const ActionSchema = Type.Union([
  Type.Literal('dispatch'), Type.Literal('accept'), Type.Literal('return'), Type.Literal('start'), Type.Literal('report'), Type.Literal('verify'),
  Type.Literal('reject'), Type.Literal('close'), Type.Literal('reopen'), Type.Literal('reassign'), Type.Literal('escalate'), Type.Literal('joint'),
]);

export const CategorySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  parentCode: Nullable(Type.String()),
  limits: Type.Object({ normal: Type.Integer(), major: Type.Integer(), urgent: Type.Integer() }, { description: 'time limits in minutes' }),
  workingHours: Type.Boolean({ description: 'limits count working hours (weekdays 08:30–12:00, 13:30–17:30, with the working calendar)' }),
  active: Type.Boolean({ description: 'false: disabled — kept for the events that have it, not offered for new ones' }),
  updatedAt: Nullable(DateTime),
  updatedBy: Nullable(Type.String()),
});
export type Category = Static<typeof CategorySchema>;

const Minutes = Type.Integer({ minimum: 1, maximum: 525_600, description: 'minutes (at most a year)' });
const CategoryLimitsSchema = Type.Object({ normal: Minutes, major: Minutes, urgent: Minutes }, { description: 'time limits per severity; urgent ≤ major ≤ normal' });
export const CategoryInputSchema = Type.Object({
  code: Type.String({ pattern: '^[A-Z]{2}([0-9]{2})?$', description: 'a class is two capital letters (SZ); a sub-class its class and two digits (SZ07)' }),
  name: Type.String({ minLength: 1, maxLength: 60 }),
  nameEn: Type.String({ minLength: 1, maxLength: 120 }),
  parentCode: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  limits: CategoryLimitsSchema,
  workingHours: Type.Boolean(),
});
export type CategoryInput = Static<typeof CategoryInputSchema>;
export const CategoryPatchSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  limits: Type.Optional(CategoryLimitsSchema),
  workingHours: Type.Optional(Type.Boolean()),
  active: Type.Optional(Type.Boolean({ description: 'false disables the category (停用), true enables it again' })),
}, { minProperties: 1 });
export type CategoryPatch = Static<typeof CategoryPatchSchema>;
export const CategoryListQuerySchema = Type.Object({ includeDisabled: Type.Boolean({ default: false }) });

export const CalendarDaySchema = Type.Object({
  date: Type.String({ format: 'date' }),
  kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')], { description: 'holiday 法定节假日 (not worked), workday 调休上班 (worked although a weekend)' }),
  name: Type.String(),
  updatedAt: DateTime,
  updatedBy: Type.String(),
});
export type CalendarDay = Static<typeof CalendarDaySchema>;
export const CalendarDayInputSchema = Type.Object({
  date: Type.String({ format: 'date', description: 'local date (China Standard Time), YYYY-MM-DD' }),
  kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]),
  name: Type.String({ maxLength: 60, default: '' }),
});
export type CalendarDayInput = Static<typeof CalendarDayInputSchema>;
export const CalendarPutSchema = Type.Object({ days: Type.Array(CalendarDayInputSchema, { minItems: 1, maxItems: 400 }) });
export const CalendarQuerySchema = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) });
export const CalendarSchema = Type.Object({
  workdays: Type.Array(Type.Integer(), { description: 'weekdays worked, 0 = Sunday' }),
  periods: Type.Array(Type.Object({ start: Type.String(), end: Type.String() }), { description: 'working periods of a day, local time' }),
  days: Type.Array(CalendarDaySchema),
});
export type CalendarView = Static<typeof CalendarSchema>;

export const DepartmentSchema = Type.Object({
  code: Type.String({ description: 'the org unit code (identity): 委办局 D07, district 371502, town 371502001 …' }),
  name: Type.String(),
  districtCode: Nullable(Type.String()),
  general: Type.Boolean({ description: 'takes what no rule routes: a district (回落) or the city' }),
  kind: Type.String({ description: 'city, department (委办局), district, town' }),
  parentCode: Nullable(Type.String()),
});
export type Department = Static<typeof DepartmentSchema>;

export const RoutingRuleSchema = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  districtCode: Nullable(Type.String()),
  gridCode: Nullable(Type.String()),
  departmentCode: Type.String(),
});
export type RoutingRule = Static<typeof RoutingRuleSchema>;
export const RoutingRuleInputSchema = Type.Object({
  categoryCode: Code,
  districtCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  gridCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  departmentCode: Code,
});
export type RoutingRuleInput = Static<typeof RoutingRuleInputSchema>;

export const PlaceSchema = Type.Object({
  lon: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  address: Type.String(),
  districtCode: Nullable(Type.String()),
  townCode: Nullable(Type.String()),
  villageCode: Nullable(Type.String()),
  gridCode: Nullable(Type.String()),
});

export const EventSummarySchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  severity: SeveritySchema,
  state: StateSchema,
  source: SourceSchema,
  sourceRef: Nullable(Type.String()),
  place: PlaceSchema,
  departmentCode: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  partnerCodes: Type.Array(Type.String()),
  createdAt: DateTime,
  dispatchedAt: Nullable(DateTime),
  reportedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  warnAt: Nullable(DateTime),
  deadlineAt: Nullable(DateTime),
  overdue: Type.Boolean(),
  escalationLevel: Type.Integer(),
  detectionCount: Type.Integer(),
});
export type EventSummary = Static<typeof EventSummarySchema>;

export const TimelineEntrySchema = Type.Object({
  at: DateTime,
  actor: Type.String(),
  action: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Nullable(Type.String()),
  departmentCode: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  note: Type.String(),
});
export type TimelineEntry = Static<typeof TimelineEntrySchema>;

export const AttachmentSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  mediaType: Type.String(),
  sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
  sha256: Nullable(Type.String()),
  url: Nullable(Type.String({ description: 'external URL (vendor snapshot); stored files are downloaded from /attachments/{id}' })),
  actor: Type.String(),
  createdAt: DateTime,
});
export type Attachment = Static<typeof AttachmentSchema>;

export const EventDetailSchema = Type.Composite([
  EventSummarySchema,
  Type.Object({
    description: Type.String(),
    routedBy: Nullable(Type.String({ description: 'rule:<id>, fallback:<district>, or the actor who chose the department' })),
    allowedActions: Type.Array(ActionSchema),
    myActions: Type.Array(ActionSchema, { description: 'of allowedActions, those the caller may take (their role and unit)' }),
    partnerNames: Type.Array(Type.String()),
    timeline: Type.Array(TimelineEntrySchema),
    attachments: Type.Array(AttachmentSchema),
  }),
]);
export type EventDetail = Static<typeof EventDetailSchema>;

export const EventInputSchema = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  categoryCode: Code,
  severity: Type.Optional(SeveritySchema),
  source: Type.Optional(Type.Union([Type.Literal('manual'), Type.Literal('grid_worker'), Type.Literal('hotline')], { default: 'manual' })),
  sourceRef: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'ticket number, report id …' })),
  lon: Lon,
  lat: Lat,
  address: Type.Optional(Type.String({ maxLength: 300 })),
});
export type EventInput = Static<typeof EventInputSchema>;

export const SCENARIOS = {
  muck_truck_uncovered: 'SG02',
  exposed_garbage: 'SR01',
  non_motor_disorder: 'JM01',
  piled_materials: 'JM03',
  crowd_gathering: 'TF03',
  street_vending: 'JM02',
  overflowing_bin: 'SR02',
  waterlogging: 'SZ05',
} as const;
export type Scenario = keyof typeof SCENARIOS;

export const DetectionInputSchema = Type.Object({
  cameraId: Type.String({ minLength: 1, maxLength: 100 }),
  scenario: Type.Union([
    Type.Literal('muck_truck_uncovered'), Type.Literal('exposed_garbage'), Type.Literal('non_motor_disorder'), Type.Literal('piled_materials'),
    Type.Literal('crowd_gathering'), Type.Literal('street_vending'), Type.Literal('overflowing_bin'), Type.Literal('waterlogging'),
  ], {
    description: '渣土车未覆盖, 暴露垃圾, 非机动车乱停放, 乱堆物料, 人群聚集, 占道经营, 垃圾满溢, 积水',
  }),
  detectedAt: DateTime,
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  lon: Lon,
  lat: Lat,
  snapshotUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
  severity: Type.Optional(SeveritySchema),
});
export type DetectionInput = Static<typeof DetectionInputSchema>;
export const DetectionResultSchema = Type.Object({
  eventId: Type.Integer(),
  created: Type.Boolean({ description: 'false: appended to an open event of the same scenario nearby' }),
  detectionCount: Type.Integer(),
});
export type DetectionResult = Static<typeof DetectionResultSchema>;

export const ActionBodySchema = Type.Object({
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'reason (return, reject, reopen, escalate) or remark' })),
  departmentCode: Type.Optional(Code),
  partnerCodes: Type.Optional(Type.Array(Code, { maxItems: 20 })),
});
export type ActionBody = Static<typeof ActionBodySchema>;

export const EventListQuerySchema = Type.Object({
  department: Type.Optional(Code),
  state: Type.Optional(Type.Union([StateSchema, Type.Literal('open')])),
  overdue: Type.Optional(Type.Boolean()),
  source: Type.Optional(SourceSchema),
  escalated: Type.Optional(Type.Boolean({ description: 'escalated at least once (升级)' })),
  mine: Type.Optional(Type.Boolean({ description: 'only events whose lead or partner unit is one of mine (or below): the unit inbox' })),
  sort: Type.Optional(Type.Union([Type.Literal('newest'), Type.Literal('urgency')], { description: 'urgency: overdue first, then the nearest deadline' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type EventListQuery = Static<typeof EventListQuerySchema>;
export const EventListSchema = Type.Object({ total: Type.Integer(), items: Type.Array(EventSummarySchema) });
export type EventList = Static<typeof EventListSchema>;

export const AttachmentInputSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  mediaType: Type.String({ minLength: 3, maxLength: 100, pattern: '^[a-z]+/[A-Za-z0-9.+-]+$' }),
  contentBase64: Type.Optional(Type.String({ maxLength: 14_000_000, description: 'the file, base64 (up to 10 MB)' })),
  url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
});
export type AttachmentInput = Static<typeof AttachmentInputSchema>;

export const StatsQuerySchema = Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) });
export type StatsQuery = Static<typeof StatsQuerySchema>;
export const DepartmentStatsSchema = Type.Object({
  departmentCode: Type.String(),
  departmentName: Type.String(),
  total: Type.Integer(),
  open: Type.Integer(),
  handled: Type.Integer({ description: 'reported (反馈) at least once' }),
  onTime: Type.Integer({ description: 'reported before the deadline' }),
  overdue: Type.Integer({ description: 'reported late, or open past the deadline' }),
  onTimeRate: Type.Union([Type.Number(), Type.Null()], { description: 'onTime / (onTime + overdue); null with nothing due' }),
});
export const StatsSchema = Type.Object({
  total: Type.Integer(),
  open: Type.Integer(),
  overdue: Type.Integer(),
  onTimeRate: Type.Union([Type.Number(), Type.Null()]),
  departments: Type.Array(DepartmentStatsSchema),
});
export type Stats = Static<typeof StatsSchema>;
