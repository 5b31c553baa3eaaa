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

export const PartStepSchema = Type.Union([Type.Literal('accept'), Type.Literal('report')]);
export type PartStep = Static<typeof PartStepSchema>;
export const PartnerPartSchema = Type.Object({
  unitCode: Type.String(),
  unitName: Nullable(Type.String()),
  state: Type.Union([Type.Literal('assigned'), Type.Literal('accepted'), Type.Literal('reported')]),
  acceptedAt: Nullable(DateTime),
  acceptedBy: Nullable(Type.String()),
  reportedAt: Nullable(DateTime),
  reportedBy: Nullable(Type.String()),
  note: Type.String(),
});
export type PartnerPart = Static<typeof PartnerPartSchema>;
export const PartBodySchema = Type.Object(
  {
    unitCode: Type.Optional(Code),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, description: 'unitCode: which of your partner units (when you belong to several)' },
);
export type PartBody = Static<typeof PartBodySchema>;
export const PartParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }), step: PartStepSchema });

export const EventDetailSchema = Type.Composite([
  EventSummarySchema,
  Type.Object({
    description: Type.String(),
    routedBy: Nullable(Type.String({ description: 'rule:<id>, fallback:<district>, or the actor who chose the department' })),
    allowedActions: Type.Array(ActionSchema),
    myActions: Type.Array(ActionSchema, { description: 'of allowedActions, those the caller may take (their role and unit)' }),
    partnerNames: Type.Array(Type.String()),
    partners: Type.Array(PartnerPartSchema, { description: '联合处置: each partner unit\'s part (assigned → accepted → reported)' }),
    partnersPending: Type.Array(Type.String(), { description: 'partner units that have not reported their part: the lead reports the event only when none are left (or a dispatcher overrides)' }),
    myPartActions: Type.Array(PartStepSchema, { description: 'what the caller may do on their partner unit\'s part now' }),
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

/**
 * The scenarios seeded at first start (migration 004): scenario → event category. Scenarios are data
 * (`/api/events/scenarios`), each with its minimum confidence; this is what the seed holds.
 */
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

const ScenarioCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'scenario code, e.g. exposed_garbage (lower case, digits, _)' });

export const DetectionInputSchema = Type.Object({
  cameraId: Type.String({ minLength: 1, maxLength: 100 }),
  scenario: Type.String({
    pattern: '^[a-z][a-z0-9_]{1,39}$',
    description: 'a scenario of /api/events/scenarios: muck_truck_uncovered 渣土车未覆盖, exposed_garbage 暴露垃圾, non_motor_disorder 非机动车乱停放, piled_materials 乱堆物料, crowd_gathering 人群聚集, street_vending 占道经营, overflowing_bin 垃圾满溢, waterlogging 积水 …',
  }),
  detectedAt: DateTime,
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  lon: Lon,
  lat: Lat,
  snapshotUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
  snapshotUrls: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), { maxItems: 10, description: 'more snapshots of the same detection' })),
  severity: Type.Optional(SeveritySchema),
});
export type DetectionInput = Static<typeof DetectionInputSchema>;

export const DETECTION_OUTCOMES = ['created', 'merged', 'below_confidence'] as const;
export type DetectionOutcome = (typeof DETECTION_OUTCOMES)[number];
const DetectionOutcomeSchema = Type.Union([Type.Literal('created'), Type.Literal('merged'), Type.Literal('below_confidence')], {
  description: 'created: it became an event; merged: it joined an open event of the same scenario nearby; below_confidence: recorded, no event',
});

export const DetectionResultSchema = Type.Object({
  detectionId: Type.Integer(),
  outcome: DetectionOutcomeSchema,
  eventId: Type.Union([Type.Integer(), Type.Null()], { description: 'null when below the scenario\'s minimum confidence' }),
  created: Type.Boolean({ description: 'false: appended to an open event of the same scenario nearby, or no event' }),
  detectionCount: Type.Integer({ description: 'detections of the event (0 without an event)' }),
});
export type DetectionResult = Static<typeof DetectionResultSchema>;

/**
 * RFC 9457 problem details as the platform's error handler answers them, for routes that document
 * their error answers (members beyond these, e.g. `scenario`, pass through).
 */
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String({ description: 'what went wrong, for programs: validation_failed, scenario_unknown, unauthenticated, permission_denied …' }),
  detail: Type.String(),
  requestId: Type.String({ description: 'quote it when reporting a problem' }),
  field: Type.Optional(Type.String({ description: 'JSON pointer of the input at fault: /body/confidence, /headers/idempotency-key' })),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), { description: 'every schema violation (validation_failed)' })),
}, { additionalProperties: true });

const problemExample = (status: number, title: string, code: string, detail: string, extra: Record<string, unknown> = {}) => ({
  type: `https://opencitybrain.org/problems/${code}`, title, status, code, detail, requestId: 'req-7f3a', ...extra,
});

/** A documented error answer: problem+json with examples (the serializer keeps every member). */
const problemAnswer = (description: string, examples: Array<Record<string, unknown>>) => ({
  description,
  content: { 'application/problem+json': { schema: Type.Object(ProblemSchema.properties, { additionalProperties: true, examples }) } },
});

/** 视频智能识别 intake answers (POST /api/events/detections), each with an example; docs/video-intake.md explains them. */
export const DETECTION_ANSWERS = {
  201: Type.Object(DetectionResultSchema.properties, {
    description: 'created: the detection raised a new event (routed and dispatched at once)',
    examples: [{ detectionId: 9001, outcome: 'created', eventId: 4711, created: true, detectionCount: 1 }],
  }),
  200: Type.Object(DetectionResultSchema.properties, {
    description: 'merged: the detection joined an open event of the same scenario within the de-duplication window (10 min) and radius (50 m)',
    examples: [{ detectionId: 9002, outcome: 'merged', eventId: 4711, created: false, detectionCount: 2 }],
  }),
  202: Type.Object(DetectionResultSchema.properties, {
    description: "below_confidence: recorded, but below the scenario's minimum confidence, so no event",
    examples: [{ detectionId: 9003, outcome: 'below_confidence', eventId: null, created: false, detectionCount: 0 }],
  }),
  400: problemAnswer('the body does not match the schema (validation_failed, with every field at fault), the scenario is unknown (scenario_unknown), or the Idempotency-Key is too long (idempotency_key_invalid)', [
    problemExample(400, 'Bad Request', 'validation_failed', '/body/confidence: must be <= 1', { field: '/body/confidence', errors: [{ field: '/body/confidence', message: 'must be <= 1' }] }),
    problemExample(400, 'Bad Request', 'scenario_unknown', 'no video scenario ufo_landing; see /api/events/scenarios', { field: '/body/scenario', scenario: 'ufo_landing' }),
  ]),
  401: problemAnswer('no API key (Authorization: Bearer), or one that is unknown, revoked or expired (unauthenticated)', [
    problemExample(401, 'Unauthorized', 'unauthenticated', '请先登录 (sign in, or send an API key as Authorization: Bearer)'),
  ]),
  403: problemAnswer("the key's owner does not hold events.detection.create (permission_denied)", [
    problemExample(403, 'Forbidden', 'permission_denied', 'this needs the permission events.detection.create'),
  ]),
  409: problemAnswer('the Idempotency-Key was used before with a different body (idempotency_key_reused); the same body gets the first answer again, with Idempotent-Replayed: true', [
    problemExample(409, 'Conflict', 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body', { field: '/headers/idempotency-key' }),
  ]),
  429: problemAnswer('more requests a minute from this address than the platform allows (rate_limited): retry after the minute', [
    problemExample(429, 'Too Many Requests', 'rate_limited', 'more than 1200 requests a minute from 10.0.0.7'),
  ]),
  500: problemAnswer('a fault of the platform (internal): retry later with the same Idempotency-Key, and quote the requestId', [
    problemExample(500, 'Internal Server Error', 'internal', 'internal error; quote the requestId when reporting it'),
  ]),
} as const;

export const DetectionSchema = Type.Object({
  id: Type.Integer(),
  cameraId: Type.String(),
  scenario: Type.String(),
  scenarioName: Type.Union([Type.String(), Type.Null()]),
  detectedAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.String({ format: 'date-time' }),
  confidence: Type.Number(),
  minConfidence: Type.Union([Type.Number(), Type.Null()], { description: 'the scenario\'s minimum when it arrived' }),
  snapshotCount: Type.Integer(),
  snapshotUrls: Type.Array(Type.String()),
  lon: Type.Number(),
  lat: Type.Number(),
  districtCode: Type.Union([Type.String(), Type.Null()]),
  outcome: DetectionOutcomeSchema,
  eventId: Type.Union([Type.Integer(), Type.Null()]),
  eventTitle: Type.Union([Type.String(), Type.Null()]),
  eventState: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String({ description: 'who sent it (the vendor\'s key owner)' }),
});
export type Detection = Static<typeof DetectionSchema>;

export const DetectionListQuerySchema = Type.Object(
  {
    cameraId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    scenario: Type.Optional(ScenarioCode),
    eventId: Type.Optional(Type.Integer({ minimum: 1 })),
    outcome: Type.Optional(DetectionOutcomeSchema),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);
export type DetectionListQuery = Static<typeof DetectionListQuerySchema>;
export const DetectionListSchema = Type.Object({ total: Type.Integer(), items: Type.Array(DetectionSchema) });
export type DetectionList = Static<typeof DetectionListSchema>;

export const VideoScenarioSchema = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  categoryCode: Type.String({ description: 'the event category a detection of this scenario raises' }),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  minConfidence: Type.Number({ minimum: 0, maximum: 1, description: 'below it a detection is recorded but raises no event' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
});
export type VideoScenario = Static<typeof VideoScenarioSchema>;
export const VideoScenarioInputSchema = Type.Object(
  {
    nameZh: Type.String({ minLength: 1, maxLength: 60 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    categoryCode: Type.String({ pattern: '^[A-Z]{2}([0-9]{2})?$' }),
    minConfidence: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type VideoScenarioInput = Static<typeof VideoScenarioInputSchema>;
export const ScenarioParamsSchema = Type.Object({ code: ScenarioCode });

export const ActionBodySchema = Type.Object({
  note: Type.Optional(Type.String({ maxLength: 2000, description: 'reason (return, reject, reopen, escalate) or remark' })),
  departmentCode: Type.Optional(Code),
  partnerCodes: Type.Optional(Type.Array(Code, { maxItems: 20 })),
  override: Type.Optional(Type.Boolean({ description: 'report: a dispatcher reports the event although partner units have not reported their parts (needs a reason in note)' })),
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
