// The NGSI-LD query language (q) and geo-queries, compiled to SQL over ngsi_entities.attrs (jsonb).
// The same SQL runs on PGlite and PostgreSQL; no PostGIS: geometry uses the built-in polygon type
// (GiST index) and a bounding-box prefilter, with the exact test after it.
import { expand, type LdContext } from './context.ts';
import { geometryPositions, LOCATION, polygonText } from './entity.ts';
import { ngsiError } from './errors.ts';

/** Collects positional parameters while SQL is written. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

type Literal = string | number | boolean;
type Term =
  | { kind: 'exists'; path: AttrPath }
  | { kind: 'compare'; path: AttrPath; op: '==' | '!=' | '>' | '>=' | '<' | '<='; value: Literal | Literal[] | { from: Literal; to: Literal } }
  | { kind: 'pattern'; path: AttrPath; negate: boolean; regex: string };
type Node = Term | { kind: 'and' | 'or'; items: Node[] };

/** `attr`, `attr.subAttr` (or `attr.observedAt`), `attr[a.b]` (inside a structured value). */
interface AttrPath {
  attr: string;
  sub: string | null;
  inValue: string[];
}

const META_MEMBERS = new Set(['observedAt', 'unitCode', 'datasetId', 'createdAt', 'modifiedAt']);

class QParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly field: string,
  ) {}

  fail(message: string): never {
    throw ngsiError('BadRequestData', `q: ${message} at character ${this.i + 1} of ${JSON.stringify(this.s.slice(0, 200))}`, this.field);
  }

  parse(): Node {
    if (this.s.trim() === '') this.fail('empty query');
    const node = this.or();
    if (this.i < this.s.length) this.fail(`unexpected ${JSON.stringify(this.s[this.i])}`);
    return node;
  }

  private or(): Node {
    const items = [this.and()];
    while (this.s[this.i] === '|') {
      this.i++;
      items.push(this.and());
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'or', items };
  }

  private and(): Node {
    const items = [this.primary()];
    while (this.s[this.i] === ';') {
      this.i++;
      items.push(this.primary());
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'and', items };
  }

  private primary(): Node {
    if (this.s[this.i] === '(') {
      this.i++;
      const inner = this.or();
      if (this.s[this.i] !== ')') this.fail('missing )');
      this.i++;
      return inner;
    }
    return this.term();
  }

  private term(): Term {
    const m = /^([^\s=!<>~;|()[\].]+)(?:\.([^\s=!<>~;|()[\].]+))?(?:\[([^\]]+)\])?/.exec(this.s.slice(this.i));
    if (!m?.[1]) this.fail('an attribute name was expected');
    this.i += m[0].length;
    const path: AttrPath = { attr: m[1], sub: m[2] ?? null, inValue: m[3] ? m[3].split('.') : [] };
    const op = /^(==|!=|>=|<=|>|<|~=|!~=)/.exec(this.s.slice(this.i))?.[1];
    if (!op) return { kind: 'exists', path };
    this.i += op.length;
    if (op === '~=' || op === '!~=') {
      const raw = this.rawValue();
      const regex = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
      try {
        new RegExp(regex);
      } catch {
        this.fail(`bad regular expression ${regex}`);
      }
      return { kind: 'pattern', path, negate: op === '!~=', regex };
    }
    const first = this.value();
    if (this.s.startsWith('..', this.i)) {
      if (op !== '==' && op !== '!=') this.fail('a range a..b goes with == or !=');
      this.i += 2;
      return { kind: 'compare', path, op, value: { from: first, to: this.value() } };
    }
    if (this.s[this.i] === ',') {
      if (op !== '==' && op !== '!=') this.fail('a list a,b,c goes with == or !=');
      const list = [first];
      while (this.s[this.i] === ',') {
        this.i++;
        list.push(this.value());
      }
      return { kind: 'compare', path, op, value: list };
    }
    return { kind: 'compare', path, op: op as '==' | '!=' | '>' | '>=' | '<' | '<=', value: first };
  }

  private rawValue(): string {
    if (this.s[this.i] === '"') {
      let j = this.i + 1;
      while (j < this.s.length && this.s[j] !== '"') j += this.s[j] === '\\' ? 2 : 1;
      if (j >= this.s.length) this.fail('unterminated string');
      const raw = this.s.slice(this.i, j + 1);
      this.i = j + 1;
      return raw;
    }
    const m = /^[^;|()<>=!~",]+?(?=\.\.|,|[;|()]|$)/.exec(this.s.slice(this.i));
    if (!m) this.fail('a value was expected');
    this.i += m[0].length;
    return m[0];
  }

  private value(): Literal {
    const raw = this.rawValue();
    if (raw.startsWith('"')) {
      try {
        return JSON.parse(raw) as string;
      } catch {
        this.fail(`bad string ${raw}`);
      }
    }
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
    // Unquoted: a date-time, date, time or URI, compared as text.
    if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(raw) && !Number.isNaN(Date.parse(raw))) return new Date(raw).toISOString();
    return raw;
  }
}

/** The jsonb expression of the compared value. */
function valueExpr(path: AttrPath, ctx: LdContext, params: Params): { attrKey: string; expr: string } {
  const attrKey = expand(path.attr, ctx);
  let base = `attrs->${params.add(attrKey)}::text`;
  let leaf = `coalesce(${base}->'value', ${base}->'object')`;
  if (path.sub !== null) {
    if (META_MEMBERS.has(path.sub)) leaf = `${base}->'${path.sub}'`;
    else {
      base = `${base}->${params.add(expand(path.sub, ctx))}::text`;
      leaf = `coalesce(${base}->'value', ${base}->'object')`;
    }
  }
  for (const key of path.inValue) leaf = `${leaf}->${params.add(key)}::text`;
  return { attrKey, expr: leaf };
}

const jsonType = (v: Literal): string => (typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string');

function termSql(t: Term, ctx: LdContext, params: Params): string {
  const attrKey = expand(t.path.attr, ctx);
  const plain = t.path.sub === null && t.path.inValue.length === 0;
  // Every parameter added must be used by the SQL (PostgreSQL cannot type an unused one).
  const equalityOnly = t.kind === 'compare' && t.op === '==' && (Array.isArray(t.value) || typeof t.value !== 'object');
  const expr = plain && equalityOnly ? '' : valueExpr(t.path, ctx, params).expr;
  if (t.kind === 'exists') return `(${expr}) IS NOT NULL`;
  if (t.kind === 'pattern') {
    const test = `(jsonb_typeof(${expr}) = 'string' AND (${expr} #>> '{}') ~ ${params.add(t.regex)})`;
    return t.negate ? `(jsonb_typeof(${expr}) = 'string' AND NOT ${test})` : test;
  }
  const cmp = (op: string, v: Literal): string => `(jsonb_typeof(${expr}) = '${jsonType(v)}' AND ${expr} ${op} ${params.add(JSON.stringify(v))}::jsonb)`;
  const equal = (v: Literal): string => {
    // A plain attribute's equality is written as containment: the GIN index answers it.
    if (plain && expr === '') {
      const lit = JSON.stringify(v);
      return `(attrs @> ${params.add(`{${JSON.stringify(attrKey)}:{"value":${lit}}}`)}::jsonb OR attrs @> ${params.add(`{${JSON.stringify(attrKey)}:{"object":${lit}}}`)}::jsonb OR attrs @> ${params.add(`{${JSON.stringify(attrKey)}:{"value":[${lit}]}}`)}::jsonb)`;
    }
    return `(${expr} = ${params.add(JSON.stringify(v))}::jsonb OR (jsonb_typeof(${expr}) = 'array' AND ${expr} @> ${params.add(JSON.stringify([v]))}::jsonb))`;
  };
  let positive: string;
  if (Array.isArray(t.value)) positive = `(${t.value.map(equal).join(' OR ')})`;
  else if (typeof t.value === 'object') positive = `(${cmp('>=', t.value.from)} AND ${cmp('<=', t.value.to)})`;
  else if (t.op === '==' || t.op === '!=') positive = equal(t.value);
  else return cmp(t.op, t.value);
  // != is true only where the attribute exists and does not match.
  return t.op === '!=' ? `((${expr}) IS NOT NULL AND NOT ${positive})` : positive;
}

interface Bound {
  value: number;
  strict: boolean;
}
interface NumericRange {
  attrKey: string;
  lower: Bound[];
  upper: Bound[];
}

/**
 * A numeric comparison of a plain attribute (`height>3`, `height==2..4`) as a range of
 * ngsi_numeric, which holds every number-typed attribute value of every entity (btree on attr,
 * value). Stored numbers came through JSON as doubles, so the float8 comparison there gives the
 * same answer as comparing the jsonb values.
 */
function numericRange(n: Node, ctx: LdContext): NumericRange | null {
  if ('items' in n || n.kind !== 'compare' || n.path.sub !== null || n.path.inValue.length > 0) return null;
  const num = (v: Literal): v is number => typeof v === 'number' && Number.isFinite(v);
  const attrKey = expand(n.path.attr, ctx);
  const v = n.value;
  if (typeof v === 'object' && !Array.isArray(v)) {
    if (n.op !== '==' || !num(v.from) || !num(v.to)) return null;
    return { attrKey, lower: [{ value: v.from, strict: false }], upper: [{ value: v.to, strict: false }] };
  }
  if (Array.isArray(v) || !num(v)) return null;
  const bound = { value: v, strict: n.op === '>' || n.op === '<' };
  if (n.op === '>' || n.op === '>=') return { attrKey, lower: [bound], upper: [] };
  if (n.op === '<' || n.op === '<=') return { attrKey, lower: [], upper: [bound] };
  return null;
}

function rangeSql(r: NumericRange, params: Params): string {
  const bounds = [...r.lower.map((b) => ` AND n.value ${b.strict ? '>' : '>='} ${params.add(b.value)}::float8`), ...r.upper.map((b) => ` AND n.value ${b.strict ? '<' : '<='} ${params.add(b.value)}::float8`)];
  return `id IN (SELECT n.entity_id FROM ngsi_numeric n WHERE n.attr = ${params.add(r.attrKey)}${bounds.join('')})`;
}

function nodeSql(n: Node, ctx: LdContext, params: Params): string {
  if (!('items' in n)) {
    const range = numericRange(n, ctx);
    return range ? rangeSql(range, params) : termSql(n, ctx, params);
  }
  if (n.kind === 'or') return `(${n.items.map((x) => nodeSql(x, ctx, params)).join(' OR ')})`;
  // Bounds on one attribute joined by `;` become one index range (height>2;height<4).
  const ranges = new Map<string, NumericRange>();
  const parts: string[] = [];
  for (const item of n.items) {
    const range = numericRange(item, ctx);
    if (!range) {
      parts.push(nodeSql(item, ctx, params));
      continue;
    }
    const seen = ranges.get(range.attrKey);
    if (seen) {
      seen.lower.push(...range.lower);
      seen.upper.push(...range.upper);
    } else ranges.set(range.attrKey, range);
  }
  return `(${[...[...ranges.values()].map((r) => rangeSql(r, params)), ...parts].join(' AND ')})`;
}

/** `q` as a SQL condition on ngsi_entities. */
export function qToSql(q: string, ctx: LdContext, params: Params, field = '/query/q'): string {
  return nodeSql(new QParser(q, field).parse(), ctx, params);
}

/** The attribute names (expanded) a `q` refers to, e.g. to check a subscription's watched ones. */
export function qAttributes(q: string, ctx: LdContext): string[] {
  const out: string[] = [];
  const walk = (n: Node): void => {
    if ('items' in n) n.items.forEach(walk);
    else out.push(expand(n.path.attr, ctx));
  };
  walk(new QParser(q, '/q').parse());
  return out;
}

export interface GeoQuery {
  georel: string;
  geometry: string;
  coordinates: unknown;
  geoproperty?: string | undefined;
}

const EARTH_RADIUS_M = 6_371_008.8;
const M_PER_DEG = 111_320;

/** A geo-query as a SQL condition: near (maxDistance / minDistance), within, contains, intersects, disjoint, equals. */
export function geoToSql(g: GeoQuery, ctx: LdContext, params: Params, prefix = '/query'): string {
  if (g.geoproperty !== undefined && expand(g.geoproperty, ctx) !== LOCATION) {
    throw ngsiError('OperationNotSupported', 'geo-queries are answered on the `location` GeoProperty only', `${prefix}/geoproperty`);
  }
  let coordinates = g.coordinates;
  if (typeof coordinates === 'string') {
    try {
      coordinates = JSON.parse(coordinates);
    } catch {
      throw ngsiError('BadRequestData', 'coordinates must be a JSON array, e.g. [116.4,39.9]', `${prefix}/coordinates`);
    }
  }
  const pts = geometryPositions({ type: g.geometry, coordinates }, prefix).map(([x, y]) => [x, y] as const);
  const [rel, ...mods] = g.georel.split(';');
  const shape = (): string => `${params.add(polygonText(pts))}::polygon`;
  switch (rel) {
    case 'near': {
      const point = pts[0];
      if (g.geometry !== 'Point' || !point) throw ngsiError('BadRequestData', 'near needs geometry=Point', `${prefix}/geometry`);
      let max: number | undefined;
      let min: number | undefined;
      for (const m of mods) {
        const mm = /^(maxDistance|minDistance)==(\d+(\.\d+)?)$/.exec(m);
        if (!mm) throw ngsiError('BadRequestData', `near takes maxDistance==<metres> or minDistance==<metres>, not ${m}`, `${prefix}/georel`);
        if (mm[1] === 'maxDistance') max = Number(mm[2]);
        else min = Number(mm[2]);
      }
      if (max === undefined && min === undefined) throw ngsiError('BadRequestData', 'near needs maxDistance==<metres> or minDistance==<metres>', `${prefix}/georel`);
      const [x, y] = point;
      const px = params.add(x);
      const py = params.add(y);
      // Haversine distance to the nearest point of the entity's bounding box (exact for points).
      const cx = `greatest(min_lon, least(max_lon, ${px}::float8))`;
      const cy = `greatest(min_lat, least(max_lat, ${py}::float8))`;
      const dist = `(2 * ${EARTH_RADIUS_M} * asin(sqrt(power(sin(radians(${cy} - ${py}::float8) / 2), 2) + cos(radians(${py}::float8)) * cos(radians(${cy})) * power(sin(radians(${cx} - ${px}::float8) / 2), 2))))`;
      const parts = ['shape IS NOT NULL'];
      if (max !== undefined) {
        const dLat = max / M_PER_DEG;
        const dLon = max / (M_PER_DEG * Math.max(Math.cos((Math.min(Math.abs(y) + dLat, 89.9) * Math.PI) / 180), 1e-6));
        const box = polygonText([
          [x - dLon, y - dLat],
          [x - dLon, y + dLat],
          [x + dLon, y + dLat],
          [x + dLon, y - dLat],
        ]);
        parts.push(`shape && ${params.add(box)}::polygon`, `${dist} <= ${params.add(max)}::float8`);
      }
      if (min !== undefined) parts.push(`${dist} >= ${params.add(min)}::float8`);
      return `(${parts.join(' AND ')})`;
    }
    case 'within':
      if (g.geometry !== 'Polygon' && g.geometry !== 'MultiPolygon') throw ngsiError('BadRequestData', 'within needs geometry=Polygon', `${prefix}/geometry`);
      return `(shape IS NOT NULL AND shape <@ ${shape()})`;
    case 'contains':
      return `(shape IS NOT NULL AND shape @> ${shape()})`;
    case 'intersects':
    case 'overlaps':
      return `(shape IS NOT NULL AND shape && ${shape()})`;
    case 'disjoint':
      return `(shape IS NOT NULL AND NOT (shape && ${shape()}))`;
    case 'equals':
      return `(shape IS NOT NULL AND shape ~= ${shape()})`;
    default:
      throw ngsiError('BadRequestData', `georel must be near, within, contains, intersects, overlaps, disjoint or equals, not ${String(rel)}`, `${prefix}/georel`);
  }
}
