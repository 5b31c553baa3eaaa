// 运行监测 the big screen's KPIs: the events module's statistics for totals and on-time rates, one
// pass over the last 7 days of events for the trends and the district ranking, the IoT registry
// and alarms for devices online and active alarms. Recomputed at most once per `minIntervalMs`.
import type { Clock } from '../../kernel/index.ts';
import type { CityService } from '../city/index.ts';
import type { EventsService } from '../events/index.ts';
import type { AlarmService, DeviceRegistry } from '../iot/index.ts';
import type { Kpis, TrendPoint } from './schemas.ts';

export interface KpiDeps {
  clock: Clock;
  events: Pick<EventsService, 'stats' | 'list'>;
  devices: Pick<DeviceRegistry, 'list'>;
  /** Active alarms, counted in SQL. */
  alarms: Pick<AlarmService, 'countAlarms'>;
  city: Pick<CityService, 'listDivisions'>;
  onlineWindowMs?: number;
  minIntervalMs?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time (UTC+8, no daylight saving): the city's day starts at 16:00 UTC. */
const CST = 8 * HOUR;
const PAGE = 500;
const MAX_SCAN = 50_000;

const cstDay = (t: number): string => new Date(t + CST).toISOString().slice(0, 10);

export interface KpiCalculator {
  /** The KPIs, reusing the last result when it is fresher than `minIntervalMs` and nothing changed. */
  current(): Promise<Kpis>;
  /** Something changed: the next `current()` recomputes. */
  markStale(): void;
}

export function createKpiCalculator(deps: KpiDeps): KpiCalculator {
  const onlineWindow = deps.onlineWindowMs ?? 15 * 60_000;
  const minInterval = deps.minIntervalMs ?? 1000;
  let last: { at: number; kpis: Kpis; stale: boolean } | undefined;
  let running: Promise<Kpis> | undefined;
  let districtNames: Map<string, string> | undefined;
  // Set by markStale; a change during a computation leaves its result stale.
  let dirty = false;

  async function names(): Promise<Map<string, string>> {
    if (districtNames && districtNames.size > 0) return districtNames;
    districtNames = new Map((await deps.city.listDivisions({})).divisions.map((d) => [d.code, d.name]));
    return districtNames;
  }

  async function compute(): Promise<Kpis> {
    const now = deps.clock.now().getTime();
    const todayStart = Date.parse(`${cstDay(now)}T00:00:00+08:00`);
    const weekStart = todayStart - 6 * DAY;
    dirty = false;
    const [today, month, openEvents, overdue, devices, alarms, districts] = await Promise.all([
      deps.events.stats({ from: new Date(todayStart).toISOString() }),
      deps.events.stats({}),
      deps.events.list({ state: 'open', limit: 1, offset: 0 }),
      deps.events.list({ state: 'open', overdue: true, limit: 1, offset: 0 }),
      (async () => {
        let online = 0;
        for (let offset = 0; ; offset += 5000) {
          const page = await deps.devices.list({ limit: 5000, offset });
          for (const d of page.devices) if (d.enabled && d.lastSeenAt && now - Date.parse(d.lastSeenAt) <= onlineWindow) online++;
          if (page.devices.length < 5000) return { total: page.total, online };
        }
      })(),
      deps.alarms.countAlarms({ status: 'open' }),
      names(),
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
    const byDistrict = new Map<string, { open: number; total7d: number }>();
    const district = (code: string | null) => {
      const key = code ?? '';
      let row = byDistrict.get(key);
      if (!row) byDistrict.set(key, (row = { open: 0, total7d: 0 }));
      return row;
    };
    scan: for (let offset = 0; offset < MAX_SCAN; offset += PAGE) {
      const page = await deps.events.list({ limit: PAGE, offset });
      for (const e of page.items) {
        const created = Date.parse(e.createdAt);
        if (created < weekStart) break scan;
        district(e.place.districtCode).total7d++;
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
      const page = await deps.events.list({ state: 'open', limit: PAGE, offset });
      for (const e of page.items) district(e.place.districtCode).open++;
      if (page.items.length < PAGE) break;
    }

    return {
      at: new Date(now).toISOString(),
      eventsToday: today.total,
      open: openEvents.total,
      overdue: overdue.total,
      onTimeRate: month.onTimeRate,
      devicesTotal: devices.total,
      devicesOnline: devices.online,
      activeAlarms: alarms,
      trendHours: [...hours.values()],
      trendDays: [...days.values()],
      departments: [...month.departments]
        .sort((a, b) => b.total - a.total || a.departmentCode.localeCompare(b.departmentCode))
        .slice(0, 10)
        .map((d) => ({ code: d.departmentCode, name: d.departmentName, total: d.total, open: d.open, overdue: d.overdue, onTimeRate: d.onTimeRate })),
      districts: [...districts.entries()]
        .map(([code, name]) => ({ code, name, ...(byDistrict.get(code) ?? { open: 0, total7d: 0 }) }))
        .sort((a, b) => b.open - a.open || b.total7d - a.total7d || a.code.localeCompare(b.code)),
    };
  }

  return {
    async current() {
      const now = deps.clock.now().getTime();
      if (last && !last.stale && now - last.at < minInterval) return last.kpis;
      running ??= compute().then(
        (kpis) => {
          last = { at: deps.clock.now().getTime(), kpis, stale: dirty };
          return kpis;
        },
      ).finally(() => {
        running = undefined;
      });
      return running;
    },
    markStale() {
      dirty = true;
      if (last) last.stale = true;
    },
  };
}
