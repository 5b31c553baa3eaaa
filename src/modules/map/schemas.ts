// TypeBox schemas of the map module: the layer catalogue, GeoJSON and tile addresses (they become /openapi.json).
import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';

export const LAYER_GROUPS = ['basemap', 'iot', 'events', 'catalog'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];
export const GEOMETRY_TYPES = ['point', 'line', 'polygon'] as const;
export type GeometryType = (typeof GEOMETRY_TYPES)[number];
export const RENDER_KINDS = ['fill', 'line', 'circle', 'heatmap'] as const;

const union = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description }) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;

export const LayerStyleSchema = Type.Object({
  kind: union(RENDER_KINDS, 'how the console draws it'),
  color: Type.String({ description: 'CSS colour' }),
  /** Properties that colour a feature by value, e.g. {"property":"online","true":"#52c41a","false":"#bfbfbf"}. */
  colorBy: Type.Optional(Type.Object({ property: Type.String(), values: Type.Record(Type.String(), Type.String()) })),
  cluster: Type.Boolean({ description: 'points are clustered below `clusterMaxZoom` (tiles carry point_count)' }),
  minZoom: Type.Integer({ minimum: 0, maximum: 22 }),
  labelProperty: Type.Optional(Type.String()),
});
export type LayerStyle = Static<typeof LayerStyleSchema>;

export const LayerSchema = Type.Object({
  id: Type.String({ description: 'e.g. districts, devices, events-open, res:SJ-0001' }),
  nameZh: Type.String(),
  nameEn: Type.String(),
  group: union(LAYER_GROUPS, '图层分组 group: basemap 底图, iot 物联感知, events 事件, catalog 目录资源'),
  geometry: union(GEOMETRY_TYPES, 'geometry type of its features'),
  style: LayerStyleSchema,
  source: Type.String({ description: 'where the features come from: city, iot, events, or catalog:<resource code>' }),
  permission: Type.String({ description: 'permission needed to read its features' }),
  tiles: Type.String({ description: 'vector tile URL template ({z}/{x}/{y}); the MVT layer inside is named after the layer id' }),
  geojson: Type.String(),
  refreshSeconds: Type.Integer({ minimum: 0, description: 'how often a map showing the layer reloads it (live layers: events, alarms, devices); 0 for layers that rarely change' }),
});
export type Layer = Static<typeof LayerSchema>;

export const LayerListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the id or the Chinese or English name' })),
    ids: Type.Optional(Type.String({ maxLength: 4000, description: 'only these layers, comma-separated ids (the layers a map shows), in catalogue order' })),
    group: Type.Optional(union(LAYER_GROUPS, 'only this group')),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);
export type LayerListQuery = Static<typeof LayerListQuerySchema>;

export const LayerListSchema = Type.Object({
  total: Type.Integer(),
  groups: Type.Record(Type.String(), Type.Integer(), { description: 'layers per group among the matches' }),
  items: Type.Array(LayerSchema),
});
export type LayerList = Static<typeof LayerListSchema>;

export const LayerParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) });

/**
 * Whose reach the event layers are cut to: the caller's event list (default), or `screen` — the big
 * screen's scope (城市/区县 两级大屏, the reach of the caller's `screen.kpi.read` grant), so that the
 * screen's map shows the events its KPIs and stream count.
 */
const ViewSchema = Type.Optional(Type.Union([Type.Literal('list'), Type.Literal('screen')], { description: "scope of event layers: the caller's event list (list, default) or the big screen's (screen)" }));
export type MapView = 'list' | 'screen';

export const GeoJsonQuerySchema = Type.Object(
  {
    bbox: Type.Optional(Type.String({ maxLength: 200, description: 'west,south,east,north in WGS 84 degrees' })),
    limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }),
    view: ViewSchema,
  },
  { additionalProperties: false },
);

export const TileQuerySchema = Type.Object(
  {
    view: ViewSchema,
    v: Type.Optional(Type.String({ maxLength: 40, description: 'cache buster (ignored)' })),
  },
  { additionalProperties: false },
);

// z/x/y arrive as strings ("3.pbf" for y) and are checked by the service so that the answer names the bad one.
export const TileParamsSchema = Type.Object({ layer: Type.String({ minLength: 1, maxLength: 120 }), z: Type.String({ maxLength: 12 }), x: Type.String({ maxLength: 12 }), y: Type.String({ maxLength: 16 }) });

export const FeatureCollectionSchema = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Type.Object({ type: Type.Literal('Feature'), id: Type.Optional(Type.Union([Type.String(), Type.Number()])), properties: Type.Record(Type.String(), Type.Unknown()), geometry: Type.Unknown() })),
    truncated: Type.Boolean({ description: 'more features matched than `limit`' }),
    skipped: Type.Integer({ description: 'records of the source without usable coordinates, left out' }),
  },
  { description: 'GeoJSON (RFC 7946)' },
);
