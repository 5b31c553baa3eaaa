// TypeBox schemas of the quality module (数据治理): they validate requests and produce /openapi.json.
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

export const RESOURCE_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$';

/** 规则类型 rule kinds: completeness, uniqueness, validity, consistency, timeliness, volume. */
export const RULE_KINDS = ['not_null', 'unique', 'regex', 'range', 'in_set', 'resident_id', 'uscc', 'division_code', 'phone', 'consistency', 'freshness', 'row_count'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const TICKET_STATES = ['open', 'acknowledged', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];
export const RUN_TRIGGERS = ['load', 'schedule', 'manual'] as const;

const union = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RuleParamsSchema = Type.Object(
  {
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'regex: a PostgreSQL regular expression the whole value must match' })),
    min: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 40 })], { description: 'range: lowest allowed (a number, or a date for date items); row_count: fewest rows' })),
    max: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 40 })], { description: 'range: highest allowed; row_count: most rows' })),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000, description: 'in_set: the allowed values' })),
    resource: Type.Optional(Type.String({ pattern: RESOURCE_CODE_PATTERN, description: 'consistency: the resource the value must exist in' })),
    target: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'consistency: the data item of that resource' })),
    maxAgeHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'freshness: allowed age; by default from the update cycle' })),
  },
  { additionalProperties: false },
);
export type RuleParams = Static<typeof RuleParamsSchema>;

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: '规则名称' }),
  kind: union(RULE_KINDS, '规则类型 rule kind'),
  field: Type.Optional(Nullable(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'the data item checked (not for row_count)' }))),
  params: Type.Optional(RuleParamsSchema),
  schedule: Type.Optional(Type.String({ minLength: 9, maxLength: 100, description: 'cron (Asia/Shanghai) of the scheduled run; daily at 02:00 by default' })),
  enabled: Type.Optional(Type.Boolean()),
};

export const RuleInputSchema = Type.Object({ resourceCode: Type.String({ pattern: RESOURCE_CODE_PATTERN }), ...ruleFields }, { additionalProperties: false });
export type RuleInput = Static<typeof RuleInputSchema>;
export const RuleUpdateSchema = Type.Object(ruleFields, { additionalProperties: false });
export type RuleUpdate = Static<typeof RuleUpdateSchema>;

export const RuleSchema = Type.Object({
  id: Type.Integer(),
  resourceCode: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  field: Nullable(Type.String()),
  params: RuleParamsSchema,
  schedule: Type.String(),
  enabled: Type.Boolean(),
  builtin: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
  lastResult: Nullable(Type.Object({ runId: Type.Integer(), passed: Type.Boolean(), rowsChecked: Type.Integer(), failures: Type.Integer(), at: Type.String() })),
});
export type Rule = Static<typeof RuleSchema>;
export const RuleListSchema = Type.Object({ items: Type.Array(RuleSchema) });
export const RuleResourceListSchema = Type.Object({ items: Type.Array(Type.Object({ resourceCode: Type.String(), rules: Type.Integer() })) });
export const RuleQuerySchema = Type.Object({ resource: Type.String({ pattern: RESOURCE_CODE_PATTERN }) }, { additionalProperties: false });

export const SampleSchema = Type.Object({ key: Type.Record(Type.String(), Nullable(Type.String())), value: Nullable(Type.String()), reason: Type.String() });
export type Sample = Static<typeof SampleSchema>;

export const ResultSchema = Type.Object({
  ruleId: Type.Integer(),
  ruleName: Type.String(),
  kind: Type.String(),
  field: Nullable(Type.String()),
  passed: Type.Boolean(),
  rowsChecked: Type.Integer(),
  failures: Type.Integer(),
  samples: Type.Array(SampleSchema),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});
export type RuleResult = Static<typeof ResultSchema>;

export const RunSchema = Type.Object({
  id: Type.Integer(),
  resourceCode: Type.String(),
  department: Type.String(),
  trigger: Type.String(),
  status: union(['queued', 'running', 'done', 'failed'] as const, 'run status'),
  rulesTotal: Type.Integer(),
  rulesDone: Type.Integer(),
  rulesFailed: Type.Integer(),
  rowsTotal: Nullable(Type.Integer()),
  score: Nullable(Type.Number()),
  error: Nullable(Type.String()),
  requestedBy: Type.String(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  results: Type.Optional(Type.Array(ResultSchema)),
});
export type Run = Static<typeof RunSchema>;
export const RunListSchema = Type.Object({ items: Type.Array(RunSchema) });
export const RunRequestSchema = Type.Object(
  { resourceCode: Type.String({ pattern: RESOURCE_CODE_PATTERN }), ruleIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 200 })) },
  { additionalProperties: false },
);
export const RunQuerySchema = Type.Object(
  { resource: Type.Optional(Type.String({ pattern: RESOURCE_CODE_PATTERN })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) },
  { additionalProperties: false },
);

export const ScoreRowSchema = Type.Object({
  scope: Type.String(),
  subject: Type.String(),
  name: Type.String(),
  department: Type.String(),
  score: Type.Number(),
  at: Type.String(),
  openTickets: Type.Integer(),
});
export type ScoreRow = Static<typeof ScoreRowSchema>;
export const ScoreBoardSchema = Type.Object({ departments: Type.Array(ScoreRowSchema), resources: Type.Array(ScoreRowSchema) });
export type ScoreBoard = Static<typeof ScoreBoardSchema>;
export const TrendQuerySchema = Type.Object(
  {
    scope: union(['resource', 'department'] as const, 'resource or department'),
    subject: Type.String({ minLength: 1, maxLength: 100, description: 'resource code or department name' }),
    days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
  },
  { additionalProperties: false },
);
export const TrendSchema = Type.Object({ scope: Type.String(), subject: Type.String(), points: Type.Array(Type.Object({ at: Type.String(), score: Type.Number() })) });
export type Trend = Static<typeof TrendSchema>;

export const NoteSchema = Type.Object({ kind: Type.String(), body: Type.String(), actor: Type.String(), at: Type.String() });
export const TicketSchema = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  ruleName: Type.String(),
  resourceCode: Type.String(),
  department: Type.String(),
  state: union(TICKET_STATES, 'ticket state'),
  summary: Type.String(),
  failures: Type.Integer(),
  failingRuns: Type.Integer(),
  openedRunId: Type.Integer(),
  lastRunId: Type.Integer(),
  openedAt: Type.String(),
  updatedAt: Type.String(),
  acknowledgedAt: Nullable(Type.String()),
  acknowledgedBy: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  closedReason: Nullable(Type.String()),
  notes: Type.Optional(Type.Array(NoteSchema)),
});
export type Ticket = Static<typeof TicketSchema>;
export const TicketListSchema = Type.Object({ total: Type.Integer(), items: Type.Array(TicketSchema) });
export const TicketQuerySchema = Type.Object(
  {
    state: Type.Optional(union([...TICKET_STATES, 'active'] as const, 'a state, or active = open and acknowledged')),
    resource: Type.Optional(Type.String({ pattern: RESOURCE_CODE_PATTERN })),
    department: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type TicketQuery = Static<typeof TicketQuerySchema>;
export const NoteInputSchema = Type.Object({ body: Type.String({ minLength: 1, maxLength: 2000, description: '说明 comment' }) }, { additionalProperties: false });
export const AckInputSchema = Type.Object({ body: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: '处理说明' })) }, { additionalProperties: false });
