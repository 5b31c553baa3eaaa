// Entities in NGSI-LD form: validation of what callers send (normalized or concise), the stored
// shape (expanded names, one instance per attribute) and rendering (normalized or keyValues).
import { compact, expand, NGSI_LD, type LdContext } from './context.ts';
import { ngsiError } from './errors.ts';

export type AttrType = 'Property' | 'GeoProperty' | 'Relationship';

/** A stored attribute: `value` (Property, GeoProperty) or `object` (Relationship), its metadata and sub-attributes (expanded names). */
export interface StoredAttr {
  type: AttrType;
  value?: unknown;
  object?: string;
  observedAt?: string;
  unitCode?: string;
  datasetId?: string;
  [subAttr: string]: unknown;
}

export interface StoredEntity {
  id: string;
  /** Expanded type IRI. */
  type: string;
  attrs: Record<string, StoredAttr>;
  createdAt?: string;
  modifiedAt?: string;
}

export const LOCATION = `${NGSI_LD}location`;
/** Members of an attribute that are not sub-attributes. */
const META = new Set(['type', 'value', 'object', 'observedAt', 'unitCode', 'datasetId', 'createdAt', 'modifiedAt', 'instanceId']);
const uriShape = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;
const nameShape = /^[^\s<>"'=;()[\]]{1,256}$/;
const isoShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const GEOMETRIES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const pointer = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

export const isUri = (s: unknown): s is string => typeof s === 'string' && s.length <= 2048 && uriShape.test(s);

export function checkEntityId(id: unknown, field: string): string {
  if (!isUri(id)) throw ngsiError('BadRequestData', 'entity id must be a URI (e.g. urn:ngsi-ld:WaterObserved:001)', field);
  return id;
}

export function checkName(name: string, field: string): void {
  if (!nameShape.test(name)) throw ngsiError('BadRequestData', `attribute or type name ${JSON.stringify(name.slice(0, 60))} contains a forbidden character`, field);
}

/** Normalise a time to ISO 8601 UTC with milliseconds (so stored times compare as text). */
export function checkTime(v: unknown, field: string): string {
  if (typeof v !== 'string' || !isoShape.test(v) || Number.isNaN(Date.parse(v))) throw ngsiError('BadRequestData', 'must be an ISO 8601 date-time with time zone, e.g. 2026-07-01T08:00:00Z', field);
  return new Date(v).toISOString();
}

function checkPosition(p: unknown, field: string): [number, number] {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) throw ngsiError('BadRequestData', 'a position is [longitude, latitude]', field);
  const [lon, lat] = p as [number, number];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw ngsiError('BadRequestData', 'longitude must be within ±180 and latitude within ±90', field);
  return [lon, lat];
}

/** The positions of a GeoJSON geometry (validated), outer rings only for polygons. */
export function geometryPositions(g: unknown, field: string): Array<[number, number]> {
  if (!isObject(g) || typeof g.type !== 'string' || !GEOMETRIES.has(g.type)) throw ngsiError('BadRequestData', `a GeoProperty value must be a GeoJSON geometry (${[...GEOMETRIES].join(', ')})`, field);
  const c = g.coordinates;
  const at = `${field}/coordinates`;
  const list = (x: unknown, f: string): unknown[] => {
    if (!Array.isArray(x) || x.length === 0) throw ngsiError('BadRequestData', `coordinates of a ${String(g.type)} are a non-empty array`, f);
    return x;
  };
  const ring = (x: unknown, f: string): Array<[number, number]> => {
    const pts = list(x, f).map((p, i) => checkPosition(p, `${f}/${i}`));
    if (pts.length < 4) throw ngsiError('BadRequestData', 'a polygon ring has at least 4 positions, the last equal to the first', f);
    const [a, z] = [pts[0], pts[pts.length - 1]];
    if (!a || !z || a[0] !== z[0] || a[1] !== z[1]) throw ngsiError('BadRequestData', 'a polygon ring must be closed (last position = first)', f);
    return pts.slice(0, -1);
  };
  switch (g.type) {
    case 'Point':
      return [checkPosition(c, at)];
    case 'MultiPoint':
    case 'LineString':
      return list(c, at).map((p, i) => checkPosition(p, `${at}/${i}`));
    case 'MultiLineString':
      return list(c, at).flatMap((l, i) => list(l, `${at}/${i}`).map((p, j) => checkPosition(p, `${at}/${i}/${j}`)));
    case 'Polygon':
      return ring(list(c, at)[0], `${at}/0`);
    default:
      return list(c, at).flatMap((poly, i) => ring(list(poly, `${at}/${i}`)[0], `${at}/${i}/0`));
  }
}

/** Parse one attribute (normalized, or concise: a bare value) into the stored shape. */
export function parseAttr(name: string, raw: unknown, ctx: LdContext, field: string, depth = 0): StoredAttr {
  let attr: Record<string, unknown>;
  if (isObject(raw) && typeof raw.type === 'string' && ['Property', 'GeoProperty', 'Relationship'].includes(raw.type)) attr = raw;
  else if (isObject(raw) && typeof raw.type === 'string' && GEOMETRIES.has(raw.type)) attr = { type: 'GeoProperty', value: raw };
  else if (isObject(raw) && raw.type === undefined && ('value' in raw || 'object' in raw)) attr = { ...raw, type: 'value' in raw ? 'Property' : 'Relationship' };
  else if (isObject(raw) && typeof raw.type === 'string') {
    throw ngsiError('BadRequestData', `attribute type ${JSON.stringify(raw.type)} is not supported (Property, GeoProperty, Relationship)`, `${field}/type`);
  } else if (Array.isArray(raw) && raw.some((x) => isObject(x) && 'datasetId' in x)) {
    throw ngsiError('OperationNotSupported', 'several instances of one attribute (datasetId) are not supported: send one instance', field);
  } else attr = { type: 'Property', value: raw };

  const type = attr.type as AttrType;
  const out: StoredAttr = { type };
  if (type === 'Relationship') {
    if (!isUri(attr.object)) throw ngsiError('BadRequestData', 'a Relationship needs `object`, the URI of the target entity', `${field}/object`);
    out.object = attr.object;
  } else {
    if (attr.value === undefined || attr.value === null) throw ngsiError('BadRequestData', `a ${type} needs a non-null \`value\``, `${field}/value`);
    if (type === 'GeoProperty' || expand(name, ctx) === LOCATION) {
      geometryPositions(attr.value, `${field}/value`);
      out.type = 'GeoProperty';
    }
    out.value = attr.value;
  }
  if (attr.observedAt !== undefined) out.observedAt = checkTime(attr.observedAt, `${field}/observedAt`);
  if (attr.unitCode !== undefined) {
    if (typeof attr.unitCode !== 'string' || attr.unitCode.length === 0 || attr.unitCode.length > 32) throw ngsiError('BadRequestData', 'unitCode must be a UN/CEFACT code (text, 1–32 characters)', `${field}/unitCode`);
    out.unitCode = attr.unitCode;
  }
  if (attr.datasetId !== undefined) {
    if (!isUri(attr.datasetId)) throw ngsiError('BadRequestData', 'datasetId must be a URI', `${field}/datasetId`);
    out.datasetId = attr.datasetId;
  }
  for (const [key, sub] of Object.entries(attr)) {
    if (META.has(key) || key === '@context') continue;
    if (depth >= 3) throw ngsiError('BadRequestData', 'sub-attributes nest at most 3 levels', `${field}/${pointer(key)}`);
    checkName(key, `${field}/${pointer(key)}`);
    out[expand(key, ctx)] = parseAttr(key, sub, ctx, `${field}/${pointer(key)}`, depth + 1);
  }
  return out;
}

/** The attributes of a fragment (entity body without id/type), expanded. */
export function parseAttrs(body: Record<string, unknown>, ctx: LdContext, field: string): Record<string, StoredAttr> {
  const attrs: Record<string, StoredAttr> = {};
  for (const [name, raw] of Object.entries(body)) {
    if (name === 'id' || name === 'type' || name === '@context' || name === 'createdAt' || name === 'modifiedAt' || name === 'scope') continue;
    checkName(name, `${field}/${pointer(name)}`);
    attrs[expand(name, ctx)] = parseAttr(name, raw, ctx, `${field}/${pointer(name)}`);
  }
  return attrs;
}

/** Parse a whole entity (POST /entities, batch operations). */
export function parseEntity(body: unknown, ctx: LdContext, field = ''): StoredEntity {
  if (!isObject(body)) throw ngsiError('BadRequestData', 'an entity is a JSON object with id and type', field || '/');
  const id = checkEntityId(body.id ?? body['@id'], `${field}/id`);
  const rawType: unknown = Array.isArray(body.type) && body.type.length === 1 ? (body.type as unknown[])[0] : (body.type ?? body['@type']);
  if (typeof rawType !== 'string' || rawType.length === 0) throw ngsiError('BadRequestData', 'an entity needs a type (one type name)', `${field}/type`);
  checkName(rawType, `${field}/type`);
  return { id, type: expand(rawType, ctx), attrs: parseAttrs(body, ctx, field) };
}

export type Rendering = 'normalized' | 'keyValues';

function renderAttr(attr: StoredAttr, ctx: LdContext, form: Rendering, sysAttrs: boolean): unknown {
  if (form === 'keyValues') return attr.type === 'Relationship' ? attr.object : attr.value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(attr)) {
    if (META.has(key)) {
      if ((key === 'createdAt' || key === 'modifiedAt') && !sysAttrs) continue;
      out[key] = v;
    } else out[compact(key, ctx)] = renderAttr(v as StoredAttr, ctx, form, sysAttrs);
  }
  return out;
}

/** An entity as answered: names compacted with `ctx`, only `pick` attributes (expanded) when given. */
export function renderEntity(e: StoredEntity, ctx: LdContext, opts: { form: Rendering; pick?: ReadonlySet<string> | undefined; sysAttrs?: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = { id: e.id, type: compact(e.type, ctx) };
  if (opts.sysAttrs && e.createdAt) out.createdAt = e.createdAt;
  if (opts.sysAttrs && e.modifiedAt) out.modifiedAt = e.modifiedAt;
  for (const [name, attr] of Object.entries(e.attrs)) {
    if (opts.pick && !opts.pick.has(name)) continue;
    out[compact(name, ctx)] = renderAttr(attr, ctx, opts.form, opts.sysAttrs ?? false);
  }
  return out;
}

/** Bounding box and vertices of the `location` attribute, for the geo columns. */
export function locationShape(attrs: Record<string, StoredAttr>): { polygon: string; minLon: number; minLat: number; maxLon: number; maxLat: number } | null {
  const loc = attrs[LOCATION];
  if (!loc || loc.type !== 'GeoProperty') return null;
  const pts = geometryPositions(loc.value, '/location/value');
  const lons = pts.map((p) => p[0]);
  const lats = pts.map((p) => p[1]);
  return {
    polygon: polygonText(pts),
    minLon: Math.min(...lons),
    minLat: Math.min(...lats),
    maxLon: Math.max(...lons),
    maxLat: Math.max(...lats),
  };
}

/** PostgreSQL polygon literal of the positions. */
export const polygonText = (pts: ReadonlyArray<readonly [number, number]>): string => `(${pts.map(([x, y]) => `(${x},${y})`).join(',')})`;
