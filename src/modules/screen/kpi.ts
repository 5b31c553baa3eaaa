// 运行监测 the big screen's KPIs: the events module's statistics for totals and on-time rates, one
// pass over the last 7 days of events for the trends and the district ranking, the IoT registry
// and alarms for devices online and active alarms. Each screen's figures are those of its scope
// (城市/区县 两级: the city, a district, a department), computed at most once per `minIntervalMs`
// per scope.
import type { Clock } from '../../kernel/index.ts';
import type { CityService } from '../city/index.ts';
import type { EventsService } from '../events/index.ts';
import type { AlarmService, DeviceRegistry } from '../iot/index.ts';
import type { Kpis, TrendPoint } from './schemas.ts';
import { type PlaceIndex, type ScreenScope, scopeLabel, seesDevice, singleDistrict } from './scope.ts';

export interface KpiDeps {
  clock: Clock;
  events: Pick<EventsService, 'stats' | 'list'>;
  devices: Pick<DeviceRegistry, 'list'>;
  /** Active alarms, counted in SQL (listed for a scoped screen). */
  alarms: Pick<AlarmService, 'countAlarms' | 'listAlarms'>;
  city: Pick<CityService, 'listDivisions' | 'gridPoints'>;
  onlineWindowMs?: number;
  minIntervalMs?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time (UTC+8, no daylight saving): the city's day starts at 16:00 UTC. */
const CST = 8 * HOUR;
const PAGE = 500;
const MAX_SCAN = 50_000;
/** Scopes whose KPIs are kept (least recently used dropped). */
const MAX_SCOPES = 64;

const cstDay = (t: number): string => new Date(t + CST).toISOString().slice(0, 10);

export interface KpiCalculator {
  /** The scope's KPIs, reusing its last result when it is fresher than `minIntervalMs` and nothing changed. */
  current(scope: ScreenScope): Promise<Kpis>;
  /** Something changed: the next `current()` of every scope recomputes. */
  markStale(): void;
}

interface Entry {
  at: number;
  kpis?: Kpis;
  stale: boolean;
  running?: Promise<Kpis>;
  // Set by markStale; a change during a computation leaves its result stale.
  dirty: boolean;
}

export function createKpiCalculator(deps: KpiDeps & { places: PlaceIndex }): KpiCalculator {
  const onlineWindow = deps.onlineWindowMs ?? 15 * 60_000;
  const minInterval = deps.minIntervalMs ?? 1000;
  const entries = new Map<string, Entry>();
  const divisionNames = new Map<string, Map<string, string>>();

  /** The divisions under `parent` (default the city's districts), cached once non-empty. */
  async function names(parent?: string): Promise<Map<string, string>> {
    const key = parent ?? '';
    const known = divisionNames.get(key);
    if (known && known.size > 0) return known;
    const fresh = new Map((await deps.city.listDivisions(parent ? { parent } : {})).divisions.map((d) => [d.code, d.name]));
    divisionNames.set(key, fresh);
    return fresh;
  }

  /** Devices (total, online) and active alarms the scope sees: counted in SQL for the city, else placed and filtered. */
  async function devicesAndAlarms(scope: ScreenScope, now: number): Promise<{ total: number; online: number; alarms: number }> {
    const place = scope.all ? undefined : await deps.places.resolver();
    const seen = new Set<string>();
    let total = 0;
    let online = 0;
    for (let offset = 0; ; offset += 5000) {
      const page = await deps.devices.list({ limit: 5000, offset });
      for (const d of page.devices) {
        if (place) {
          const at = place(d.lon, d.lat);
          if (!seesDevice(scope, { ownerDepartment: d.ownerDepartment, districtCode: at?.districtCode ?? null, townCode: at?.townCode ?? null })) continue;
          seen.add(d.id);
          total++;
        }
        if (d.enabled && d.lastSeenAt && now - Date.parse(d.lastSeenAt) <= onlineWindow) online++;
      }
      if (page.devices.length < 5000) {
        if (!place) total = page.total;
        break;
      }
    }
    const open = await deps.alarms.countAlarms({ status: 'open' });
    if (!place) return { total, online, alarms: open };
    // The HTTP route's page limit does not apply in process: ask for every open alarm.
    const alarms = open === 0 ? [] : await deps.alarms.listAlarms({ status: 'open', limit: open + 1000 });
    return { total, online, alarms: alarms.filter((a) => seen.has(a.deviceId)).length };
  }

  async function compute(scope: ScreenScope): Promise<Kpis> {
    const now = deps.clock.now().getTime();
    const todayStart = Date.parse(`${cstDay(now)}T00:00:00+08:00`);
    const weekStart = todayStart - 6 * DAY;
    // A district's screen ranks its towns (乡镇街道); the city's and a department's rank districts.
    const district = singleDistrict(scope);
    const byTown = district !== undefined;
    const [today, month, openEvents, overdue, things, areas] = await Promise.all([
      deps.events.stats({ from: new Date(todayStart).toISOString() }, scope),
      deps.events.stats({}, scope),
      deps.events.list({ state: 'open', limit: 1, offset: 0 }, scope),
      deps.events.list({ state: 'open', overdue: true, limit: 1, offset: 0 }, scope),
      devicesAndAlarms(scope, now),
      names(district),
    ]);

    // Trends and the 7-day district counts: events newest first until a week ago.
    const hours = new Map<number, TrendPoint>();
    const firstHour = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
    for (let h = 0; h < 24; h++) hours.set(firstHour + h * HOUR, { at: new Date(firstHour + h * HOUR).toISOString(), created: 0, closed: 0 });
    const days = new Map<string, TrendPoint>();
    for (let d = 0; d < 7; d++) {
      const key = cstDay(weekStart + d * DAY);
      days.set(key, { at: key, created: 0, closed: 0 });
    }
    const byArea = new Map<string, { open: number; total7d: number }>();
    const area = (code: string | null) => {
      const key = code ?? '';
      let row = byArea.get(key);
      if (!row) byArea.set(key, (row = { open: 0, total7d: 0 }));
      return row;
    };
    const areaOf = (e: { place: { districtCode: string | null; townCode: string | null } }) => (byTown ? e.place.townCode : e.place.districtCode);
    scan: for (let offset = 0; offset < MAX_SCAN; offset += PAGE) {
      const page = await deps.events.list({ limit: PAGE, offset }, scope);
      for (const e of page.items) {
        const created = Date.parse(e.createdAt);
        if (created < weekStart) break scan;
        area(areaOf(e)).total7d++;
        const day = days.get(cstDay(created));
        if (day) day.created++;
        const hour = hours.get(Math.floor(created / HOUR) * HOUR);
        if (hour) hour.created++;
        if (e.closedAt) {
          const closed = Date.parse(e.closedAt);
          const cd = days.get(cstDay(closed));
          if (cd) cd.closed++;
          const ch = hours.get(Math.floor(closed / HOUR) * HOUR);
          if (ch) ch.closed++;
        }
      }
      if (page.items.length < PAGE) break;
    }
    for (let offset = 0; offset < MAX_SCAN; offset += PAGE) {
      const page = await deps.events.list({ state: 'open', limit: PAGE, offset }, scope);
      for (const e of page.items) area(areaOf(e)).open++;
      if (page.items.length < PAGE) break;
    }

    return {
      at: new Date(now).toISOString(),
      scope: scopeLabel(scope),
      eventsToday: today.total,
      open: openEvents.total,
      overdue: overdue.total,
      onTimeRate: month.onTimeRate,
      devicesTotal: things.total,
      devicesOnline: things.online,
      activeAlarms: things.alarms,
      trendHours: [...hours.values()],
      trendDays: [...days.values()],
      departments: [...month.departments]
        .sort((a, b) => b.total - a.total || a.departmentCode.localeCompare(b.departmentCode))
        .slice(0, 10)
        .map((d) => ({ code: d.departmentCode, name: d.departmentName, total: d.total, open: d.open, overdue: d.overdue, onTimeRate: d.onTimeRate })),
      areaLevel: byTown ? 'town' : 'district',
      districts: [...areas.entries()]
        // A scoped screen lists the areas it reaches or has events in, not every district of the city at zero.
        .filter(([code]) => scope.all || byTown || scope.region.has(code) || byArea.has(code))
        .map(([code, name]) => ({ code, name, ...(byArea.get(code) ?? { open: 0, total7d: 0 }) }))
        .sort((a, b) => b.open - a.open || b.total7d - a.total7d || a.code.localeCompare(b.code)),
    };
  }

  return {
    async current(scope) {
      const now = deps.clock.now().getTime();
      let entry = entries.get(scope.key);
      if (entry) {
        // Most recently used last: the first key is the one to drop.
        entries.delete(scope.key);
        entries.set(scope.key, entry);
      } else {
        entry = { at: 0, stale: true, dirty: false };
        entries.set(scope.key, entry);
        for (const key of entries.keys()) {
          if (entries.size <= MAX_SCOPES) break;
          if (!entries.get(key)?.running) entries.delete(key);
        }
      }
      const e = entry;
      if (e.kpis && !e.stale && now - e.at < minInterval) return e.kpis;
      e.running ??= (async () => {
        e.dirty = false;
        const kpis = await compute(scope);
        Object.assign(e, { at: deps.clock.now().getTime(), kpis, stale: e.dirty });
        return kpis;
      })().finally(() => {
        e.running = undefined;
      });
      return e.running;
    },
    markStale() {
      for (const e of entries.values()) {
        e.dirty = true;
        e.stale = true;
      }
    },
  };
}
