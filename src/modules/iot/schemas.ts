// TypeBox schemas of the IoT module: what the routes accept and answer. The service's types are
// derived from them so the HTTP contract and the TypeScript types cannot drift apart.
import { type Static, Type } from '@sinclair/typebox';

export const DEVICE_ID_PATTERN = '^[A-Za-z0-9_-]{3,64}$';
export const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN, description: 'device id; also its MQTT user name' });

export const AccessTierSchema = Type.Union([Type.Literal('core'), Type.Literal('important'), Type.Literal('general')], {
  description: '分级分类接入 access tier: core 核心 / important 重要 / general 一般',
});
export type AccessTier = Static<typeof AccessTierSchema>;

export const AttributeSpecSchema = Type.Object({
  name: Type.String(),
  unit: Type.String(),
  min: Type.Number(),
  max: Type.Number(),
});
export type AttributeSpec = Static<typeof AttributeSpecSchema>;

export const DeviceTypeSchema = Type.Object({
  id: Type.String({ description: 'e.g. WaterLevelSensor' }),
  nameZh: Type.String(),
  nameEn: Type.String(),
  dataModel: Type.String({ description: 'FIWARE Smart Data Model it follows' }),
  attributes: Type.Array(AttributeSpecSchema),
});
export type DeviceType = Static<typeof DeviceTypeSchema>;

export const DeviceInputSchema = Type.Object(
  {
    id: DeviceId,
    typeId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ownerDepartment: Type.String({ minLength: 1, maxLength: 200, description: '权属部门 owner department' }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    accessTier: AccessTierSchema,
    parentId: Type.Optional(Type.Union([DeviceId, Type.Null()], { description: 'the device carrying this one (a smart pole)' })),
  },
  { additionalProperties: false },
);
export type DeviceInput = Static<typeof DeviceInputSchema>;

export const DevicePatchSchema = Type.Partial(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      ownerDepartment: Type.String({ minLength: 1, maxLength: 200 }),
      lon: Type.Number({ minimum: -180, maximum: 180 }),
      lat: Type.Number({ minimum: -90, maximum: 90 }),
      accessTier: AccessTierSchema,
      parentId: Type.Union([DeviceId, Type.Null()]),
      enabled: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
);
export type DevicePatch = Static<typeof DevicePatchSchema>;

export const LatestValueSchema = Type.Object({
  attribute: Type.String(),
  value: Type.Number(),
  observedAt: Type.String({ format: 'date-time' }),
});
export type LatestValue = Static<typeof LatestValueSchema>;

export const DeviceSchema = Type.Object({
  id: Type.String(),
  typeId: Type.String(),
  name: Type.String(),
  ownerDepartment: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  accessTier: AccessTierSchema,
  parentId: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  brokerPasswordMissing: Type.Boolean({
    description: 'the external broker (Mosquitto dynamic security) has this device\'s account without a password: it was created by reconciliation, the token being kept only hashed; rotate the token',
  }),
  tokenRotatedAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the platform last received a reading from it; null if never' }),
});
export type Device = Static<typeof DeviceSchema>;

export const DeviceDetailSchema = Type.Composite([DeviceSchema, Type.Object({ latest: Type.Array(LatestValueSchema) })]);
export type DeviceDetail = Static<typeof DeviceDetailSchema>;

export const DeviceWithTokenSchema = Type.Object({
  device: DeviceSchema,
  token: Type.String({ description: 'the device credential (MQTT password / HTTP bearer token); shown only this once' }),
});
export type DeviceWithToken = Static<typeof DeviceWithTokenSchema>;

export const DeviceListQuerySchema = Type.Object({
  typeId: Type.Optional(Type.String({ maxLength: 64 })),
  ownerDepartment: Type.Optional(Type.String({ maxLength: 200 })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the id or name' })),
  brokerPasswordMissing: Type.Optional(Type.Boolean({ description: 'true: only devices whose broker account has no password yet (rotate their tokens)' })),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type DeviceListQuery = Static<typeof DeviceListQuerySchema>;

/** A device is online while its last reading is younger than this. */
export const ONLINE_WINDOW_MS = 15 * 60_000;

export const DeviceListSchema = Type.Object({
  total: Type.Integer({ minimum: 0, description: 'devices matching the filters' }),
  online: Type.Integer({ minimum: 0, description: 'of those, devices with a reading in the last 15 minutes' }),
  devices: Type.Array(DeviceSchema, { description: 'the requested page, ordered by id' }),
});
export type DeviceList = Static<typeof DeviceListSchema>;

export const BulkRegisterBodySchema = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('json'), Type.Literal('xlsx')]),
    content: Type.String({ minLength: 1, maxLength: 5_000_000, description: 'the file: CSV with a header row, a JSON array of devices, or an XLSX workbook in base64 (first sheet, header row first)' }),
  },
  { additionalProperties: false },
);
export type BulkRegisterBody = Static<typeof BulkRegisterBodySchema>;

export const BulkRegisterResultSchema = Type.Object({
  created: Type.Array(DeviceWithTokenSchema),
  errors: Type.Array(
    Type.Object({
      row: Type.Integer({ description: '1-based data row (CSV: not counting the header)' }),
      id: Type.Union([Type.String(), Type.Null()]),
      field: Type.String(),
      code: Type.String(),
      message: Type.String(),
    }),
  ),
});
export type BulkRegisterResult = Static<typeof BulkRegisterResultSchema>;

export const TelemetryBodySchema = Type.Object({
  observedAt: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'ISO 8601 or epoch milliseconds; default: time received' })),
  values: Type.Record(Type.String(), Type.Number(), { description: 'attribute → numeric value' }),
});

export const HistoryQuerySchema = Type.Object({
  attribute: Type.String({ minLength: 1, maxLength: 64 }),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  bucketSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 * 86_400, description: 'aggregate into buckets; chosen automatically for ranges over 6 h' })),
});
export type HistoryQuery = Static<typeof HistoryQuerySchema>;

export const HistorySchema = Type.Object({
  deviceId: Type.String(),
  attribute: Type.String(),
  bucketSeconds: Type.Union([Type.Integer(), Type.Null()], { description: 'null: raw readings' }),
  source: Type.Union([Type.Literal('raw'), Type.Literal('rollup_hour'), Type.Literal('rollup_day')], {
    description: 'raw readings, or buckets read from the stored hourly / daily rollups (whole hours or days of bucketSeconds)',
  }),
  points: Type.Array(
    Type.Object({
      t: Type.String({ format: 'date-time' }),
      avg: Type.Number(),
      min: Type.Number(),
      max: Type.Number(),
      count: Type.Integer(),
    }),
  ),
});
export type History = Static<typeof HistorySchema>;

export const BrokerAccessStatusSchema = Type.Object({
  configured: Type.Boolean({ description: 'whether the platform keeps device accounts in the external broker (MQTT_URL with MQTT_DYNSEC_USER: Mosquitto dynamic security)' }),
  lastReconciledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'last reconciliation on this node; null before the first' }),
  lastReconciliation: Type.Union([
    Type.Object({
      devices: Type.Integer({ description: 'devices in the registry' }),
      created: Type.Integer({ description: 'broker accounts created for devices the broker did not know' }),
      withoutCredential: Type.Integer({ description: 'of those, created without a password (the token is kept only hashed)' }),
      enabledChanged: Type.Integer(),
      removed: Type.Integer({ description: 'accounts of devices no longer registered, deleted' }),
    }),
    Type.Null(),
  ]),
  devicesWithoutBrokerPassword: Type.Integer({ description: 'devices whose broker account has no password yet: they cannot connect until their token is rotated (citybrain devices rotate --missing-broker-account)' }),
});
export type BrokerAccessStatus = Static<typeof BrokerAccessStatusSchema>;

export const DeadLetterSchema = Type.Object({
  id: Type.Integer(),
  receivedAt: Type.String({ format: 'date-time' }),
  source: Type.Union([Type.Literal('mqtt'), Type.Literal('http')]),
  topic: Type.Union([Type.String(), Type.Null()]),
  deviceId: Type.Union([Type.String(), Type.Null()], { description: 'the device the message claimed to come from' }),
  reason: Type.String(),
  detail: Type.String(),
  payload: Type.String({ description: 'the payload, cut at 4 KiB' }),
  sourceAddress: Type.Union([Type.String(), Type.Null()], { description: 'network address of the sender, when known' }),
});
export type DeadLetter = Static<typeof DeadLetterSchema>;

export const IngestStatsSchema = Type.Object({
  stored: Type.Integer({ description: 'messages stored since start' }),
  readings: Type.Integer({ description: 'readings stored since start' }),
  rejected: Type.Record(Type.String(), Type.Integer(), { description: 'messages rejected since start, by reason' }),
  overloaded: Type.Integer({ description: 'messages refused because too many were waiting' }),
  deadLettersDropped: Type.Integer({ description: 'refused messages not kept because the dead-letter buffer was full (counted only)' }),
  pendingReadings: Type.Integer(),
  batches: Type.Integer(),
});
export type IngestStats = Static<typeof IngestStatsSchema>;
