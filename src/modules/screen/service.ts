// The big screen's server side: bus events become stream messages (enriched with the event's
// title and place, the alarm's device and position), and KPIs are pushed after changes, debounced.
// Every screen is of its viewer's scope (城市/区县 两级大屏): the KPIs, the list and the stream.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../kernel/index.ts';
import type { BusEvent } from '../../platform/bus/index.ts';
import type { EventPlaceUnits, EventsService } from '../events/index.ts';
import type { Principal } from '../identity/index.ts';
import type { AlarmEvent, DeviceRegistry } from '../iot/index.ts';
import { createKpiCalculator, type KpiCalculator, type KpiDeps } from './kpi.ts';
import type { Kpis, LiveAlarm, LiveEvent } from './schemas.ts';
import { createPlaceIndex, type DeviceFacts, type ScreenScope, seesFacts } from './scope.ts';
import { createStreamHub, type StreamAudience, type StreamHub, type StreamHubOptions } from './stream.ts';

/** A connected screen: its scope decides what reaches it. */
export interface ScreenAudience extends StreamAudience {
  scope: ScreenScope;
}

export interface ScreenService {
  /** The KPIs of a scope (the whole city without one). */
  kpis(scope?: ScreenScope): Promise<Kpis>;
  /** The latest events the scope sees, for the stream list when the screen opens (newest first). */
  recent(limit: number, scope?: ScreenScope): Promise<LiveEvent[]>;
  /** The screen a principal sees: the reach of their grants of `permission` (a screen.* permission). */
  scopeOf(principal: Principal, permission: string): Promise<ScreenScope>;
  /** Start a client's stream of its scope: events, alarms and KPIs it sees; the KPIs at once unless it resumes. */
  attach(res: ServerResponse, lastEventId: string | undefined, scope?: ScreenScope): Promise<void>;
  hub: StreamHub<ScreenAudience>;
  /** Handle one bus event (events.event.*, iot.alarm.*). */
  onBusEvent(e: BusEvent): Promise<void>;
  /** Push KPIs now if clients are connected (normally `kpiDebounceMs` after a change). */
  pushKpis(): Promise<void>;
  stop(): void;
}

export interface ScreenDeps extends KpiDeps {
  events: KpiDeps['events'] & Pick<EventsService, 'get' | 'unitScope' | 'departments'>;
  devices: KpiDeps['devices'] & Pick<DeviceRegistry, 'get'>;
  logger: Logger;
  stream?: StreamHubOptions;
  /** Wait this long after a change before pushing KPIs, so a burst makes one push (default 1 s). */
  kpiDebounceMs?: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The whole city: what a caller without a principal (in-process) sees. */
const CITY: ScreenScope = { all: true, key: 'all', units: new Set(), region: new Set(), roots: [], unitNames: new Set(), sees: () => true };

const audienceOf = (scope: ScreenScope): ScreenAudience => ({ key: scope.key, scope, sees: (f) => seesFacts(scope, f) });

export function createScreenService(deps: ScreenDeps): ScreenService {
  const hub = createStreamHub<ScreenAudience>(deps.stream);
  const places = createPlaceIndex(deps.city, () => deps.clock.now().getTime());
  const kpi: KpiCalculator = createKpiCalculator({ ...deps, places });
  let timer: NodeJS.Timeout | undefined;

  /** Each connected scope gets its own KPIs, addressed to it. */
  async function pushKpis(): Promise<void> {
    for (const [key, audience] of hub.audiences()) {
      hub.publish('kpi', await kpi.current(audience?.scope ?? CITY), { audience: key });
    }
  }

  async function deviceFacts(d: { ownerDepartment: string; lon: number; lat: number } | undefined): Promise<DeviceFacts> {
    if (!d) return { ownerDepartment: '', districtCode: null, townCode: null };
    const at = (await places.resolver().catch(() => () => null))(d.lon, d.lat);
    return { ownerDepartment: d.ownerDepartment, districtCode: at?.districtCode ?? null, townCode: at?.townCode ?? null };
  }

  function schedule(): void {
    kpi.markStale();
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      pushKpis().catch((err: unknown) => deps.logger.error({ err }, 'screen: KPI push failed'));
    }, deps.kpiDebounceMs ?? 1000);
    timer.unref();
  }

  /** The change's own facts (`EventChange`), when it carries them all: no need to read the event back. */
  async function liveOfChange(id: number, data: Record<string, unknown>, verb: string): Promise<{ live: LiveEvent; units: EventPlaceUnits } | undefined> {
    // A partner's step names the partner unit in departmentCode, not the lead: read the event then.
    if (verb === 'part_accepted' || verb === 'part_reported') return undefined;
    if (typeof data.title !== 'string' || typeof data.state !== 'string' || !('lon' in data) || !('lat' in data) || !Array.isArray(data.partnerCodes)) return undefined;
    const point = (v: unknown) => (typeof v === 'number' ? v : null);
    const department = typeof data.departmentCode === 'string' ? data.departmentCode : null;
    const name = department === null ? null : ((await deps.events.departments()).find((d) => d.code === department)?.name ?? department);
    const districtCode = typeof data.districtCode === 'string' ? data.districtCode : null;
    const units: EventPlaceUnits = { departmentCode: department, partnerCodes: data.partnerCodes.filter((p): p is string => typeof p === 'string'), districtCode, townCode: typeof data.townCode === 'string' ? data.townCode : null };
    const live: LiveEvent = {
      eventId: id, verb, state: data.state, title: data.title, categoryName: text(data.categoryName) || text(data.categoryCode), severity: text(data.severity) || 'normal', source: text(data.source),
      departmentName: name, districtCode, lon: point(data.lon), lat: point(data.lat), at: typeof data.at === 'string' ? data.at : new Date().toISOString(),
    };
    return { live, units };
  }

  async function liveEvent(data: Record<string, unknown>, verb: string): Promise<{ live: LiveEvent; units: EventPlaceUnits } | undefined> {
    const id = Number(data.eventId);
    if (!Number.isInteger(id)) return undefined;
    const fromChange = await liveOfChange(id, data, verb).catch(() => undefined);
    if (fromChange) return fromChange;
    // An older message without the place, or a partner's step: read the event.
    const e = await deps.events.get(id).catch(() => undefined);
    // An event that cannot be read has no units: it reaches only clients that see every event.
    const units: EventPlaceUnits = {
      departmentCode: e?.departmentCode ?? null, partnerCodes: e?.partnerCodes ?? [], districtCode: e?.place.districtCode ?? null, townCode: e?.place.townCode ?? null,
    };
    const live: LiveEvent = {
      eventId: id,
      verb,
      state: typeof data.state === 'string' ? data.state : (e?.state ?? ''),
      title: e?.title ?? `#${id}`,
      categoryName: e?.categoryName ?? text(data.categoryCode),
      severity: e?.severity ?? (text(data.severity) || 'normal'),
      source: e?.source ?? text(data.source),
      departmentName: e?.departmentName ?? null,
      districtCode: e?.place.districtCode ?? null,
      lon: e?.place.lon ?? null,
      lat: e?.place.lat ?? null,
      at: typeof data.at === 'string' ? data.at : new Date().toISOString(),
    };
    return { live, units };
  }

  async function liveAlarm(a: AlarmEvent): Promise<{ live: LiveAlarm; device: DeviceFacts }> {
    const d = await deps.devices.get(a.deviceId).catch(() => undefined);
    const live = {
      alarmId: a.alarmId, status: a.status, severity: a.severity, deviceId: a.deviceId, deviceName: d?.name ?? a.deviceId, message: a.message,
      lon: d?.lon ?? null, lat: d?.lat ?? null, at: a.clearedAt ?? a.raisedAt,
    };
    return { live, device: await deviceFacts(d) };
  }

  return {
    hub,
    kpis: (scope) => kpi.current(scope ?? CITY),
    scopeOf: (principal, permission) => deps.events.unitScope(principal, permission),
    async attach(res, lastEventId, scope) {
      const client = hub.attach(res, lastEventId, scope ? audienceOf(scope) : undefined);
      // A fresh screen gets its KPIs at once; a resumed one gets what it missed from the history.
      if (!lastEventId) client.send('kpi', await kpi.current(scope ?? CITY).catch(() => null));
    },
    async recent(limit, scope) {
      const page = await deps.events.list({ limit, offset: 0 }, scope ?? CITY);
      return page.items.map((e) => ({
        eventId: e.id, verb: e.state, state: e.state, title: e.title, categoryName: e.categoryName, severity: e.severity, source: e.source,
        departmentName: e.departmentName, districtCode: e.place.districtCode, lon: e.place.lon, lat: e.place.lat, at: e.createdAt,
      }));
    },
    async onBusEvent(e) {
      const data = (e.data ?? {}) as Record<string, unknown>;
      if (e.subject.startsWith('events.event.')) {
        const live = await liveEvent(data, e.subject.slice('events.event.'.length));
        if (live) hub.publish('event', live.live, { facts: { event: live.units } });
      } else if (e.subject.startsWith('iot.alarm.')) {
        const alarm = await liveAlarm(data as unknown as AlarmEvent);
        hub.publish('alarm', alarm.live, { facts: { device: alarm.device } });
      } else return;
      schedule();
    },
    pushKpis,
    stop() {
      clearTimeout(timer);
      hub.stop();
    },
  };
}
