// TypeBox schemas of the aggregation routes.
import { Type, type Static } from '@sinclair/typebox';

export const MAPPED_BY = ['map', 'name', 'title', 'ignored', 'unmapped'] as const;
export type MappedBy = (typeof MAPPED_BY)[number];

export const LoadColumnSchema = Type.Object({
  header: Type.String({ description: 'column header in the file' }),
  inferredType: Type.String({ description: 'type inferred over every value of the column' }),
  item: Type.Union([Type.String(), Type.Null()], { description: 'the data item it maps to; null when ignored' }),
  mappedBy: Type.Optional(
    Type.Union([Type.Literal('map'), Type.Literal('name'), Type.Literal('title'), Type.Literal('ignored'), Type.Literal('unmapped')], {
      description: 'map: the uploader mapped it; name / title: the header is the item name or title; ignored: mapped to nothing on purpose; unmapped: no data item matches (reported, not loaded)',
    }),
  ),
});

/** 列映射 an explicit mapping: file column header → data item name, or null to leave it out. */
export type ColumnMapping = Record<string, string | null>;
export type LoadColumn = Static<typeof LoadColumnSchema>;

export const LoadSchema = Type.Object({
  id: Type.Integer(),
  resourceCode: Type.String(),
  format: Type.String(),
  fileName: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('receiving'), Type.Literal('loading'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('rolled_back')]),
  bytesTotal: Type.Number(),
  bytesRead: Type.Number(),
  rowsRead: Type.Number(),
  rowsInserted: Type.Number(),
  rowsUpdated: Type.Number(),
  rowsRejected: Type.Number(),
  columns: Type.Array(LoadColumnSchema),
  mapping: Type.Union([Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])), Type.Null()], { description: 'the explicit column mapping of the upload (header → item, null = left out)' }),
  unmapped: Type.Array(Type.String(), { description: 'file columns no data item matches: not loaded; map them or leave them out on purpose' }),
  error: Type.Union([Type.String(), Type.Null()]),
  submittedBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  rolledBackAt: Type.Union([Type.String(), Type.Null()]),
  rolledBackBy: Type.Union([Type.String(), Type.Null()]),
  sourceId: Type.Union([Type.Integer(), Type.Null()], { description: 'the data source whose run made this load' }),
});
export type Load = Static<typeof LoadSchema>;

export const LoadListSchema = Type.Object({ items: Type.Array(LoadSchema) });

export const RejectSchema = Type.Object({ line: Type.Integer(), reason: Type.String(), field: Type.Union([Type.String(), Type.Null()]), raw: Type.String() });
export type Reject = Static<typeof RejectSchema>;
export const RejectListSchema = Type.Object({ total: Type.Integer(), items: Type.Array(RejectSchema) });

export const PageQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) }, { additionalProperties: false });

export const UploadQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')], { description: 'file format; from the file name or content type when omitted' })),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    map: Type.Optional(
      Type.Array(Type.String({ pattern: '^[^=]+=[^=]*$', maxLength: 300 }), {
        maxItems: 500,
        description: '列映射 column mapping, repeated: 列名=data_item maps the file column to a data item (by name or title); 列名= leaves the column out on purpose',
      }),
    ),
  },
  { additionalProperties: false },
);

export const PreviewQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')], { description: 'file format; from the file name or content type when omitted' })),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

export const PreviewSchema = Type.Object({
  format: Type.String(),
  encoding: Type.String(),
  rowsSampled: Type.Integer({ description: 'records read to infer the types (the start of the file)' }),
  columns: Type.Array(
    Type.Object({
      header: Type.String(),
      inferredType: Type.String({ description: 'type inferred over the sampled values' }),
      samples: Type.Array(Type.String(), { description: 'the first few values' }),
      suggested: Type.Union([Type.String(), Type.Null()], { description: 'the data item suggested for the column; null when none fits' }),
      mappedBy: Type.Union([Type.Literal('name'), Type.Literal('title'), Type.Literal('similar'), Type.Literal('unmapped')]),
    }),
  ),
  items: Type.Array(Type.Object({ name: Type.String(), title: Type.String(), type: Type.String(), key: Type.Boolean(), required: Type.Boolean() })),
  missing: Type.Array(Type.String(), { description: 'key or required data items no column is suggested for' }),
});
export type Preview = Static<typeof PreviewSchema>;

export const RowsSchema = Type.Object({ total: Type.Integer(), columns: Type.Array(Type.String()), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

// ---- 定时抽取 data sources and 实时推送 push ---------------------------------------------------

const HttpSourceSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'the API address (http or https)' }),
    recordsPath: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$', maxLength: 200, description: 'dotted path to the array of records in the answer, e.g. data.items' })),
    paging: Type.Optional(
      Type.Object(
        {
          param: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'query parameter of the page number' }),
          start: Type.Integer({ minimum: 0, maximum: 1, default: 1, description: 'number of the first page' }),
          sizeParam: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'query parameter of the page size' })),
          size: Type.Integer({ minimum: 1, maximum: 10_000, description: 'records per page; a shorter page is the last' }),
          maxPages: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
        },
        { additionalProperties: false },
      ),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 4000 }), { description: 'request headers, e.g. an API key; stored sealed with SM4, never shown again' })),
  },
  { additionalProperties: false },
);

const PostgresSourceSchema = Type.Object(
  {
    connectionUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', maxLength: 2000, description: 'postgres://user:password@host:5432/db; stored sealed with SM4; omit on edit to keep' })),
    query: Type.String({ minLength: 1, maxLength: 20_000, description: 'a SELECT; runs in a read-only transaction' }),
    watermarkColumn: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$', description: 'incremental: only rows whose value here is greater than the last run loaded' })),
  },
  { additionalProperties: false },
);

export const SourceInputSchema = Type.Object(
  {
    resourceCode: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$', description: 'the resource the source feeds' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('http'), Type.Literal('postgres')]),
    http: Type.Optional(HttpSourceSchema),
    postgres: Type.Optional(PostgresSourceSchema),
    schedule: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100, description: 'cron (5 or 6 fields, Asia/Shanghai), e.g. 0 2 * * *' }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type SourceInput = Static<typeof SourceInputSchema>;

export const SourceSchema = Type.Object({
  id: Type.Integer(),
  resourceCode: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  http: Type.Union([
    Type.Object({
      url: Type.String(),
      recordsPath: Type.Union([Type.String(), Type.Null()]),
      paging: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
      headerNames: Type.Array(Type.String(), { description: 'names of the stored headers; their values are never answered' }),
    }),
    Type.Null(),
  ]),
  postgres: Type.Union([
    Type.Object({ connection: Type.String({ description: 'the connection without its password' }), query: Type.String(), watermarkColumn: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  schedule: Type.Union([Type.String(), Type.Null()]),
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  watermark: Type.Union([Type.String(), Type.Null()]),
  running: Type.Boolean(),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  lastStatus: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastLoadId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
});
export type SourceView = Static<typeof SourceSchema>;
export const SourceListSchema = Type.Object({ items: Type.Array(SourceSchema) });
export const SourceRunSchema = Type.Object({ source: SourceSchema, load: Type.Union([LoadSchema, Type.Null()]) });

export const PushBodySchema = Type.Object(
  { records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 10_000, description: 'records as JSON objects keyed by data-item name or title' }) },
  { additionalProperties: false },
);
export const PushQuery = Type.Object(
  { strict: Type.Boolean({ default: false, description: 'refuse the whole push (400 naming /body/records/<i>/<field>) when a record carries a field that is no data item; by default such fields are answered in unknownFields and not loaded' }) },
  { additionalProperties: false },
);
export const PushResultSchema = Type.Object({
  load: LoadSchema,
  accepted: Type.Integer({ description: 'records inserted or updated' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer({ description: 'position in `records`, from 0' }), field: Type.Union([Type.String(), Type.Null()]), reason: Type.String() })),
  unknownFields: Type.Array(
    Type.Object({
      field: Type.String({ description: 'a field of the records that is no data item (by name or title) of the resource' }),
      records: Type.Integer({ description: 'how many records carry it' }),
      suggestion: Type.Union([Type.String(), Type.Null()], { description: 'the data item it was probably meant for (a typo, another spelling), if any' }),
    }),
    { description: 'fields not loaded; the load lists them as unmapped too' },
  ),
});
