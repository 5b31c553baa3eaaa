// The plan of the demo city: how many people and enterprises each village gets and where every
// town and village lies. Small (one entry per division), computed up front, pure.
import { type DistrictBoundary } from './boundaries.ts';
import { boundingBox, type DistrictGeometry, distanceToBoundary, geometryArea, pointInGeometry, type Position, roundCoordinate } from './geo.ts';
import { apportion, Prng } from './prng.ts';

/** Residents per county-level district, 2020 census (第七次全国人口普查), used as shares. */
export const CENSUS_2020: Readonly<Record<string, number>> = {
  '371502': 1_230_000, // 东昌府区
  '371503': 500_000, // 茌平区
  '371521': 710_000, // 阳谷县
  '371522': 930_000, // 莘县
  '371524': 370_000, // 东阿县
  '371525': 720_000, // 冠县
  '371526': 450_000, // 高唐县
  '371581': 750_000, // 临清市
};

export const PEOPLE_PER_ENTERPRISE = 30;

export interface DivisionSource {
  districts: readonly { code: string; name: string }[];
  towns: readonly { code: string; name: string; districtCode: string }[];
  villages: readonly { code: string; name: string; townCode: string }[];
}

export interface PlannedVillage {
  code: string;
  /** Official name, e.g. 古城社区居委会. */
  name: string;
  /** Name used in addresses and grid names, e.g. 古城社区, 陈化屯村. */
  shortName: string;
  /** 社区 urban community or 村 rural village. */
  kind: 'community' | 'village';
  townCode: string;
  districtCode: string;
  lon: number;
  lat: number;
  /** Radius (degrees of latitude) within which its households and enterprises lie. */
  spread: number;
  /** Distance from the village point to the district boundary (degrees). */
  clearance: number;
  people: number;
  enterprises: number;
}

export interface PlannedTown {
  code: string;
  name: string;
  districtCode: string;
  lon: number;
  lat: number;
  villages: PlannedVillage[];
}

export interface PlannedDistrict {
  code: string;
  name: string;
  lon: number;
  lat: number;
  geometry: DistrictGeometry;
  people: number;
  towns: PlannedTown[];
}

export interface CityPlan {
  seed: number;
  people: number;
  districts: PlannedDistrict[];
}

/** 街道 subdistricts have town codes 001–099 (NBS 统计用区划代码 rules); 镇 100–199, 乡 200–399. */
export const isSubdistrict = (townCode: string): boolean => Number(townCode.slice(6, 9)) < 100;

/** 居委会 committees have village codes 001–199, 村委会 200–399; names say 社区 either way. */
function villageKind(code: string, name: string): PlannedVillage['kind'] {
  return /社区|居委会|居民委员会/.test(name) || Number(code.slice(9, 12)) < 200 ? 'community' : 'village';
}

/** 古城社区居委会 → 古城社区, 陈化屯村委会 → 陈化屯村, 安洲新村村民委员 → 安洲新村. */
export function villageShortName(name: string): string {
  const base = name.replace(/(居民委员会|居委会|村民委员会?|村委会?)$/, '');
  if (base === name || /社区$|村$/.test(base)) return base;
  return /居/.test(name.slice(base.length)) ? `${base}社区` : `${base}村`;
}

const KM_PER_DEGREE_LAT = 111;
const COMMUNITY_SPREAD = 0.4 / KM_PER_DEGREE_LAT;
const VILLAGE_SPREAD = 0.3 / KM_PER_DEGREE_LAT;

/** Uniform point in a disc of radius r (degrees of latitude) around p, longitude scaled for latitude. */
export function pointNear(prng: Prng, p: Position, r: number): Position {
  const d = r * Math.sqrt(prng.next());
  const a = 2 * Math.PI * prng.next();
  return [p[0] + (d * Math.cos(a)) / Math.cos((p[1] * Math.PI) / 180), p[1] + d * Math.sin(a)];
}

/** A rounded point drawn by `draw` that lies inside the geometry, or `fallback` after many misses. */
function pointInside(geometry: DistrictGeometry, draw: () => Position, fallback: Position): Position {
  for (let i = 0; i < 200; i++) {
    const [lon, lat] = draw();
    const p: Position = [roundCoordinate(lon), roundCoordinate(lat)];
    if (pointInGeometry(p[0], p[1], geometry)) return p;
  }
  return fallback;
}

function placeTowns(prng: Prng, district: DistrictBoundary, towns: readonly { code: string }[]): Position[] {
  const { geometry, label } = district;
  const box = boundingBox(geometry);
  const seatRadius = Math.sqrt(geometryArea(geometry) / Math.PI) * 0.25;
  const anywhere = (): Position => [box.minLon + prng.next() * (box.maxLon - box.minLon), box.minLat + prng.next() * (box.maxLat - box.minLat)];
  const placed: Position[] = [];
  // Rejection sampling in the bounding box, and best-candidate (Mitchell): of a few inside
  // candidates keep the one farthest from the towns already placed and from the border, so towns
  // spread over the county. 街道 subdistricts cluster round the county seat (the label point).
  for (const town of towns) {
    const near = isSubdistrict(town.code);
    let best: Position = label;
    let bestGap = -1;
    for (let k = 0; k < 8; k++) {
      const candidate = pointInside(geometry, near ? () => pointNear(prng, label, seatRadius) : anywhere, label);
      // Scored by the gap to placed towns, but towns sit inside the county, not on its border.
      const margin = 2 * distanceToBoundary(candidate[0], candidate[1], geometry);
      const gap = placed.reduce((g, q) => Math.min(g, Math.hypot(q[0] - candidate[0], q[1] - candidate[1])), margin);
      if (gap > bestGap) {
        bestGap = gap;
        best = candidate;
      }
    }
    placed.push(best);
  }
  return placed;
}

/** Lay out the city: people and enterprises per village, coordinates of towns and villages. */
export function planCity(source: DivisionSource, boundaries: readonly DistrictBoundary[], opts: { people: number; seed: number }): CityPlan {
  const prng = new Prng(opts.seed, 'plan');
  const boundaryOf = new Map(boundaries.map((b) => [b.code, b]));
  const districtPeople = apportion(opts.people, source.districts.map((d) => CENSUS_2020[d.code] ?? 0));
  const districts: PlannedDistrict[] = source.districts.map((d, i) => {
    const boundary = boundaryOf.get(d.code);
    if (!boundary) throw new Error(`no boundary for district ${d.code} ${d.name}`);
    const towns = source.towns.filter((t) => t.districtCode === d.code);
    const points = placeTowns(prng, boundary, towns);
    const townRadius = Math.sqrt(geometryArea(boundary.geometry) / Math.max(1, towns.length) / Math.PI) * 0.7;
    const plannedTowns = towns.map((t, j): PlannedTown => {
      const at = points[j] ?? boundary.label;
      const spread = isSubdistrict(t.code) ? townRadius * 0.4 : townRadius;
      const villages = source.villages
        .filter((v) => v.townCode === t.code)
        .map((v): PlannedVillage => {
          const [lon, lat] = pointInside(boundary.geometry, () => pointNear(prng, at, spread), at);
          const kind = villageKind(v.code, v.name);
          return {
            code: v.code,
            name: v.name,
            shortName: villageShortName(v.name),
            kind,
            townCode: t.code,
            districtCode: d.code,
            lon,
            lat,
            spread: kind === 'community' ? COMMUNITY_SPREAD : VILLAGE_SPREAD,
            clearance: distanceToBoundary(lon, lat, boundary.geometry),
            people: 0,
            enterprises: 0,
          };
        });
      return { code: t.code, name: t.name, districtCode: d.code, lon: at[0], lat: at[1], villages };
    });
    return { code: d.code, name: d.name, lon: boundary.label[0], lat: boundary.label[1], geometry: boundary.geometry, people: districtPeople[i] ?? 0, towns: plannedTowns };
  });

  // Communities in the county seats are denser than villages; every place varies (log-normal).
  for (const district of districts) {
    const villages = district.towns.flatMap((t) => t.villages);
    const weights = villages.map((v) => {
      const base = v.kind === 'community' ? 2.5 : isSubdistrict(v.townCode) ? 1.3 : 1;
      return base * Math.exp(0.45 * prng.normal());
    });
    apportion(district.people, weights).forEach((n, k) => {
      const v = villages[k];
      if (v) v.people = n;
    });
  }
  // Enterprises: one per 30 residents in each district, denser in the communities.
  const districtEnterprises = apportion(Math.round(opts.people / PEOPLE_PER_ENTERPRISE), districts.map((d) => d.people));
  districts.forEach((district, i) => {
    const villages = district.towns.flatMap((t) => t.villages);
    const counts = apportion(districtEnterprises[i] ?? 0, villages.map((v) => v.people * (v.kind === 'community' ? 2 : 1)));
    villages.forEach((v, k) => {
      v.enterprises = counts[k] ?? 0;
    });
  });
  return { seed: opts.seed, people: opts.people, districts };
}
