// TypeBox schemas of the aggregation routes.
import { Type, type Static } from '@sinclair/typebox';

export const LoadColumnSchema = Type.Object({
  header: Type.String({ description: 'column header in the file' }),
  inferredType: Type.String({ description: 'type inferred over every value of the column' }),
  item: Type.Union([Type.String(), Type.Null()], { description: 'the data item it maps to; null when ignored' }),
});
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
  error: Type.Union([Type.String(), Type.Null()]),
  submittedBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  rolledBackAt: Type.Union([Type.String(), Type.Null()]),
  rolledBackBy: Type.Union([Type.String(), Type.Null()]),
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
  },
  { additionalProperties: false },
);

export const RowsSchema = Type.Object({ total: Type.Integer(), columns: Type.Array(Type.String()), rows: Type.Array(Type.Record(Type.String(), Type.Unknown())) });
