// TypeBox schemas of the catalog (政务信息资源目录): they validate requests and produce /openapi.json.
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

export const RESOURCE_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$';
const Code = Type.String({ pattern: RESOURCE_CODE_PATTERN, description: '资源代码 resource code' });
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

export const DATA_ITEM_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'resident_id', 'uscc', 'division_code'] as const;
export const SENSITIVITIES = ['public', 'internal', 'sensitive', 'confidential'] as const;
export const SHARING_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const LIBRARY_CLASSES = ['base', 'theme', 'topic', 'business'] as const;
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export const FORMATS = ['database', 'spreadsheet', 'document', 'image', 'stream', 'api'] as const;

const union = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;

export const DataItemSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'column name (lower-case identifier)' }),
    title: Text(100, '数据项名称 data item name, e.g. 公民身份号码'),
    type: union(DATA_ITEM_TYPES, '数据类型 data type'),
    sensitivity: union(SENSITIVITIES, '敏感级别 sensitivity'),
    key: Type.Optional(Type.Boolean({ description: 'part of the key rows are upserted by' })),
    required: Type.Optional(Type.Boolean()),
    element: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '数据元 data element identifier; one datum one source' })),
    source: Type.Optional(Type.String({ pattern: RESOURCE_CODE_PATTERN, description: 'the resource that is the source of this element (一数一源); omit when this resource is' })),
  },
  { additionalProperties: false },
);
export type DataItem = Static<typeof DataItemSchema>;

const Classification = Type.Object(
  {
    category: Text(100, '类'),
    item: Type.Optional(Text(100, '项')),
    heading: Type.Optional(Text(100, '目')),
    subheading: Type.Optional(Text(100, '细目')),
  },
  { additionalProperties: false },
);

const Sharing = Type.Object(
  {
    type: union(SHARING_TYPES, '共享类型: 无条件共享 / 有条件共享 / 不予共享'),
    conditions: Type.Optional(Text(1000, '共享条件 (conditional) or the basis for not sharing (none)')),
    method: Type.Optional(Text(200, '共享方式, e.g. 接口 / 库表 / 文件')),
  },
  { additionalProperties: false },
);
const Open = Type.Object(
  {
    type: union(OPEN_TYPES, '开放类型: 无条件开放 / 有条件开放 / 不予开放'),
    conditions: Type.Optional(Text(1000, '开放条件')),
  },
  { additionalProperties: false },
);

const resourceFields = {
  name: Text(200, '资源名称'),
  classification: Classification,
  department: Text(100, '数源部门 source department'),
  abstract: Text(4000, '摘要'),
  format: union(FORMATS, '资源格式'),
  dataItems: Type.Array(DataItemSchema, { minItems: 1, maxItems: 500, description: '信息项' }),
  sharing: Sharing,
  open: Open,
  updateCycle: union(UPDATE_CYCLES, '更新周期'),
  publishDate: Type.Optional(Type.String({ format: 'date', description: '发布日期' })),
  related: Type.Optional(Type.Array(Code, { maxItems: 50, description: '关联资源' })),
  libraryClass: union(LIBRARY_CLASSES, '库类别: 基础库 / 主题库 / 专题库 / 业务库'),
  library: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,40}$', description: 'library within the class, e.g. population, ecology' })),
};

export const ResourceInputSchema = Type.Object({ code: Code, ...resourceFields }, { additionalProperties: false });
export type ResourceInput = Static<typeof ResourceInputSchema>;

export const ResourceUpdateSchema = Type.Object(
  { ...resourceFields, version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version being edited; 409 if it is no longer current' })) },
  { additionalProperties: false },
);
export type ResourceUpdate = Static<typeof ResourceUpdateSchema>;

export const ResourceSchema = Type.Object({
  code: Type.String(),
  ...resourceFields,
  publishDate: Type.Union([Type.String(), Type.Null()]),
  related: Type.Array(Type.String()),
  library: Type.Union([Type.String(), Type.Null()]),
  backingTable: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export type Resource = Static<typeof ResourceSchema>;

export const ResourceSummarySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  department: Type.String(),
  abstract: Type.String(),
  libraryClass: Type.String(),
  library: Type.Union([Type.String(), Type.Null()]),
  sharingType: Type.String(),
  openType: Type.String(),
  updateCycle: Type.String(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});
export type ResourceSummary = Static<typeof ResourceSummarySchema>;

export const ResourceQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'words to find in name, abstract, data items (Chinese or ASCII, partial words)' })),
    department: Type.Optional(Type.String({ maxLength: 100 })),
    libraryClass: Type.Optional(union(LIBRARY_CLASSES, 'library class')),
    library: Type.Optional(Type.String({ maxLength: 40 })),
    sharingType: Type.Optional(union(SHARING_TYPES, 'sharing type')),
    openType: Type.Optional(union(OPEN_TYPES, 'open type')),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type ResourceQuery = Static<typeof ResourceQuerySchema>;

export const ResourceListSchema = Type.Object({
  total: Type.Integer({ description: 'matches, counted up to 10 000' }),
  totalCapped: Type.Boolean({ description: 'true when there are more than `total` matches' }),
  items: Type.Array(ResourceSummarySchema),
});
export type ResourceList = Static<typeof ResourceListSchema>;

export const VersionSchema = Type.Object({ version: Type.Integer(), changedAt: Type.String(), changedBy: Type.String(), changes: Type.Integer() });
export type VersionInfo = Static<typeof VersionSchema>;
export const VersionListSchema = Type.Object({ code: Type.String(), items: Type.Array(VersionSchema) });

export const FieldChangeSchema = Type.Object({
  field: Type.String({ description: 'e.g. name, sharing.type, dataItems[water_level].type' }),
  change: union(['added', 'removed', 'changed'] as const, 'kind of change'),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export type FieldChange = Static<typeof FieldChangeSchema>;
export const VersionDiffSchema = Type.Object({ code: Type.String(), from: Type.Integer(), to: Type.Integer(), changes: Type.Array(FieldChangeSchema) });
export type VersionDiff = Static<typeof VersionDiffSchema>;

export const LibrarySchema = Type.Object({
  libraryClass: Type.String(),
  library: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  resources: Type.Integer(),
});
export const LibraryListSchema = Type.Object({ items: Type.Array(LibrarySchema) });
export type LibraryInfo = Static<typeof LibrarySchema>;

export const TemplateSchema = Type.Object({ id: Type.String(), library: Type.String(), title: Type.String(), titleEn: Type.String(), dataItems: Type.Array(DataItemSchema) });
export const TemplateListSchema = Type.Object({ items: Type.Array(TemplateSchema) });
export type ThemeTemplate = Static<typeof TemplateSchema>;

export const FromTemplateSchema = Type.Object(
  {
    template: Type.String({ minLength: 1, maxLength: 40, description: 'theme template id (GET /templates)' }),
    code: Code,
    name: Type.Optional(Text(200, '资源名称; the template title by default')),
    department: Text(100, '数源部门'),
  },
  { additionalProperties: false },
);
export type FromTemplate = Static<typeof FromTemplateSchema>;

// ---- 三张清单 the three lists ------------------------------------------------------------------

export const ListKindSchema = union(['sharing', 'open', 'licence'] as const, '清单: sharing 共享清单 / open 开放清单 / licence 电子证照清单');
export const ListEntrySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  department: Type.String(),
  classification: Type.String(),
  libraryClass: Type.String(),
  library: Type.Union([Type.String(), Type.Null()]),
  sharingType: Type.String(),
  sharingConditions: Type.Union([Type.String(), Type.Null()]),
  sharingMethod: Type.Union([Type.String(), Type.Null()]),
  openType: Type.String(),
  openConditions: Type.Union([Type.String(), Type.Null()]),
  updateCycle: Type.String(),
  format: Type.String(),
  items: Type.Array(Type.String(), { description: 'the data items the list covers, `title (name)`' }),
  resourceVersion: Type.Integer(),
});
export const ListVersionMetaSchema = Type.Object({
  kind: Type.String(),
  version: Type.Integer(),
  publishedAt: Type.String(),
  publishedBy: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  entries: Type.Integer({ description: 'number of entries' }),
});
export const ListDiffSchema = Type.Object({
  kind: Type.String(),
  from: Type.Integer({ description: 'version compared from (0: nothing published)' }),
  to: Type.Integer({ description: 'version compared to (0: the current generation)' }),
  added: Type.Array(ListEntrySchema),
  removed: Type.Array(ListEntrySchema),
  changed: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), changes: Type.Array(FieldChangeSchema) })),
});
export const ListSummarySchema = Type.Object({
  items: Type.Array(
    Type.Object({
      kind: Type.String(),
      title: Type.String(),
      titleEn: Type.String(),
      current: Type.Integer(),
      latest: Type.Union([ListVersionMetaSchema, Type.Null()]),
      pending: Type.Integer(),
    }),
  ),
});
export const ListCurrentSchema = Type.Object({ kind: Type.String(), entries: Type.Array(ListEntrySchema), changes: ListDiffSchema });
export const ListVersionsSchema = Type.Object({ kind: Type.String(), items: Type.Array(ListVersionMetaSchema) });
export const ListVersionSchema = Type.Composite([ListVersionMetaSchema, Type.Object({ list: Type.Array(ListEntrySchema) })]);
export const PublishListSchema = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500, description: '发布说明 what this version changes' })) },
  { additionalProperties: false },
);
export const ListExportQuery = Type.Object({ format: union(['xlsx', 'csv'] as const, 'download format') }, { additionalProperties: false });
