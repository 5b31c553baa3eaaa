// 城市/区县 两级大屏: what one screen shows. The reach of the viewer's screen grant (the events
// module's `unitScope`): the whole city for the city leader and the command center, a district's
// (or a town's) events and devices for a grant scoped to it, a department's for a grant scoped to
// a 委办局. Devices are placed like events — at their nearest grid — and also belong to the
// department that owns them (权属部门).
import { inDepartments } from '../../kernel/index.ts';
import type { CityService, GridPoint } from '../city/index.ts';
import type { EventPlaceUnits, UnitScope } from '../events/index.ts';

/** Where a device is and who owns it: what decides whether a scoped screen counts it. */
export interface DeviceFacts {
  ownerDepartment: string;
  districtCode: string | null;
  townCode: string | null;
}

/** The facts a stream message carries for scoping (not sent). */
export type ScopeFacts = { event: EventPlaceUnits } | { device: DeviceFacts };

export type ScreenScope = UnitScope;

export function seesDevice(scope: ScreenScope, d: DeviceFacts): boolean {
  if (scope.all) return true;
  if ((d.districtCode !== null && scope.region.has(d.districtCode)) || (d.townCode !== null && scope.region.has(d.townCode))) return true;
  return inDepartments({ all: false, departments: [...scope.unitNames] }, d.ownerDepartment);
}

export function seesFacts(scope: ScreenScope, f: ScopeFacts): boolean {
  return 'event' in f ? scope.sees(f.event) : seesDevice(scope, f.device);
}

/** The single district a scope is rooted at, when it is exactly one (its screen ranks the district's towns). */
export function singleDistrict(scope: ScreenScope): string | undefined {
  const districts = scope.roots.filter((r) => r.kind === 'district');
  return !scope.all && scope.roots.length === 1 && districts.length === 1 ? districts[0]?.code : undefined;
}

/** What the screen says it shows: 全市, or the names of the units it is scoped to. */
export function scopeLabel(scope: ScreenScope): { all: boolean; level: 'city' | 'district' | 'town' | 'department' | 'units'; units: Array<{ code: string; name: string; kind: string }> } {
  if (scope.all) return { all: true, level: 'city', units: [] };
  const kinds = new Set(scope.roots.map((r) => r.kind));
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  const level = only === 'district' || only === 'town' || only === 'department' ? only : 'units';
  return { all: false, level, units: scope.roots.map((r) => ({ code: r.code, name: r.name, kind: r.kind })) };
}

const CELL = 0.05;
const TTL_MS = 10 * 60_000;

/**
 * Division of a point by its nearest grid — what the city module's `locate` does in SQL — in memory,
 * so thousands of devices are placed without a query each. Grids are bucketed in 0.05° cells.
 */
export function createPlaceIndex(city: Pick<CityService, 'gridPoints'>, now: () => number = Date.now) {
  let loaded: { at: number; cells: Map<string, GridPoint[]>; all: GridPoint[] } | undefined;
  let loading: Promise<NonNullable<typeof loaded>> | undefined;
  const cellOf = (lon: number, lat: number) => `${Math.floor(lon / CELL)}:${Math.floor(lat / CELL)}`;

  async function index() {
    if (loaded && now() - loaded.at < TTL_MS && loaded.all.length > 0) return loaded;
    loading ??= city.gridPoints().then((all) => {
      const cells = new Map<string, GridPoint[]>();
      for (const g of all) {
        const key = cellOf(g.lon, g.lat);
        const list = cells.get(key) ?? [];
        list.push(g);
        cells.set(key, list);
      }
      loaded = { at: now(), cells, all };
      return loaded;
    }).finally(() => {
      loading = undefined;
    });
    return loading;
  }

  return {
    /** A resolver for many points at once (one load of the grids). */
    async resolver(): Promise<(lon: number, lat: number) => { districtCode: string; townCode: string } | null> {
      const { cells, all } = await index();
      return (lon, lat) => {
        const k = Math.cos((lat * Math.PI) / 180) ** 2;
        const dist = (g: GridPoint) => (g.lon - lon) ** 2 * k + (g.lat - lat) ** 2;
        const cx = Math.floor(lon / CELL);
        const cy = Math.floor(lat / CELL);
        let best: GridPoint | undefined;
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (const g of cells.get(`${cx + dx}:${cy + dy}`) ?? []) if (!best || dist(g) < dist(best)) best = g;
          }
        }
        if (!best) for (const g of all) if (!best || dist(g) < dist(best)) best = g;
        return best ? { districtCode: best.districtCode, townCode: best.townCode } : null;
      };
    },
  };
}

export type PlaceIndex = ReturnType<typeof createPlaceIndex>;
