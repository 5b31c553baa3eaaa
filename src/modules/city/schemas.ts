// TypeBox schemas of what the city module answers; the service's types are derived from them,
// so the HTTP response schemas and the TypeScript types cannot drift apart.
import { type Static, Type } from '@sinclair/typebox';

const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Lon = Type.Number({ description: 'longitude (WGS 84)' });
const Lat = Type.Number({ description: 'latitude (WGS 84)' });

export const DivisionLevelSchema = Type.Union([Type.Literal('city'), Type.Literal('county'), Type.Literal('town'), Type.Literal('village')]);

export const DistrictSummarySchema = Type.Object({
  code: Type.String({ description: 'GB/T 2260 county-level code' }),
  name: Type.String(),
  population: Count('residents'),
  households: Count('households (户)'),
  enterprises: Count('enterprises'),
  grids: Count('grids (网格)'),
  towns: Count('towns and subdistricts (镇/乡/街道)'),
  villages: Count('villages and communities (村/社区)'),
});

export const CitySummarySchema = Type.Object({
  city: Type.Object({ code: Type.Literal('371500'), name: Type.Literal('聊城市') }),
  population: Count('residents'),
  households: Count('households'),
  enterprises: Count('enterprises'),
  grids: Count('grids'),
  builtAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the demo city was built; null before' }),
  districts: Type.Array(DistrictSummarySchema),
});

export const DivisionSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: DivisionLevelSchema,
  parentCode: Type.String(),
  lon: Lon,
  lat: Lat,
  population: Count('residents'),
  households: Count('households'),
  enterprises: Count('enterprises'),
  grids: Count('grids'),
  towns: Count('towns below (districts and the city)'),
  villages: Count('villages and communities below'),
  children: Count('divisions directly below'),
});

export const DivisionListSchema = Type.Object({
  parent: Type.Object({ code: Type.String(), name: Type.String(), level: DivisionLevelSchema }),
  divisions: Type.Array(DivisionSchema),
});

export const RelationSchema = Type.Union(
  [Type.Literal('head'), Type.Literal('spouse'), Type.Literal('child'), Type.Literal('child_in_law'), Type.Literal('grandchild'), Type.Literal('parent')],
  { description: '与户主关系 relation to the head of household' },
);

export const ResidentSchema = Type.Object({
  idNumber: Type.String({ description: '居民身份证号码 (GB 11643)' }),
  name: Type.String(),
  sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
  birthDate: Type.String({ format: 'date' }),
  relation: RelationSchema,
  household: Type.Object({ id: Type.String(), address: Type.String(), gridCode: Type.String() }),
  village: Type.Object({ code: Type.String(), name: Type.String() }),
  town: Type.Object({ code: Type.String(), name: Type.String() }),
  district: Type.Object({ code: Type.String(), name: Type.String() }),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'mobile number; null for children under 12' }),
  lon: Lon,
  lat: Lat,
});

export const EnterpriseSchema = Type.Object({
  uscc: Type.String({ description: '统一社会信用代码 (GB 32100)' }),
  name: Type.String(),
  legalRep: Type.Object({ idNumber: Type.String(), name: Type.String() }, { description: '法定代表人 legal representative' }),
  district: Type.Object({ code: Type.String(), name: Type.String() }),
  village: Type.Object({ code: Type.String(), name: Type.String() }),
  industry: Type.Object({ section: Type.String({ description: 'GB/T 4754-2017 section' }), name: Type.String() }),
  registeredCapital: Type.Number({ description: '注册资本 in 万元 (10 000 yuan)' }),
  establishedOn: Type.String({ format: 'date' }),
  lon: Lon,
  lat: Lat,
});

export const DistrictFeatureSchema = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({
    code: Type.String(),
    name: Type.String(),
    population: Count('residents'),
    enterprises: Count('enterprises'),
    grids: Count('grids'),
  }),
  geometry: Type.Object({
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
    coordinates: Type.Array(Type.Unknown()),
  }),
});

export const DistrictFeatureCollectionSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(DistrictFeatureSchema),
});

export type DistrictSummary = Static<typeof DistrictSummarySchema>;
export type CitySummary = Static<typeof CitySummarySchema>;
export type DivisionLevel = Static<typeof DivisionLevelSchema>;
export type Division = Static<typeof DivisionSchema>;
export type DivisionList = Static<typeof DivisionListSchema>;
export type Relation = Static<typeof RelationSchema>;
export type Resident = Static<typeof ResidentSchema>;
export type Enterprise = Static<typeof EnterpriseSchema>;
export type DistrictFeature = Static<typeof DistrictFeatureSchema>;
export type DistrictFeatureCollection = Static<typeof DistrictFeatureCollectionSchema>;
