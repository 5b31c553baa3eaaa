// The big screen's server side: bus events become stream messages (enriched with the event's
// title and place, the alarm's device and position), and KPIs are pushed after changes, debounced.
import type { Logger } from '../../kernel/index.ts';
import type { BusEvent } from '../../platform/bus/index.ts';
import type { EventPlaceUnits, EventsService, Viewer } from '../events/index.ts';
import type { Principal } from '../identity/index.ts';
import type { AlarmEvent, DeviceRegistry } from '../iot/index.ts';
import { createKpiCalculator, type KpiCalculator, type KpiDeps } from './kpi.ts';
import type { Kpis, LiveAlarm, LiveEvent } from './schemas.ts';
import { createStreamHub, type StreamHub, type StreamHubOptions } from './stream.ts';

export interface ScreenService {
  kpis(): Promise<Kpis>;
  /** The latest events the viewer may see, for the stream list when the screen opens (newest first). */
  recent(limit: number, viewer?: Viewer): Promise<LiveEvent[]>;
  /** The events module's viewer of a principal: the stream and the list carry only the events it sees. */
  viewer(principal: Principal): Promise<Viewer>;
  hub: StreamHub;
  /** Handle one bus event (events.event.*, iot.alarm.*). */
  onBusEvent(e: BusEvent): Promise<void>;
  /** Push KPIs now if clients are connected (normally `kpiDebounceMs` after a change). */
  pushKpis(): Promise<void>;
  stop(): void;
}

export interface ScreenDeps extends KpiDeps {
  events: KpiDeps['events'] & Pick<EventsService, 'get' | 'viewer'>;
  devices: KpiDeps['devices'] & Pick<DeviceRegistry, 'get'>;
  logger: Logger;
  stream?: StreamHubOptions;
  /** Wait this long after a change before pushing KPIs, so a burst makes one push (default 1 s). */
  kpiDebounceMs?: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function createScreenService(deps: ScreenDeps): ScreenService {
  const hub = createStreamHub(deps.stream);
  const kpi: KpiCalculator = createKpiCalculator(deps);
  let timer: NodeJS.Timeout | undefined;

  async function pushKpis(): Promise<void> {
    if (hub.clients() === 0) return;
    hub.publish('kpi', await kpi.current());
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

  async function liveEvent(data: Record<string, unknown>, verb: string): Promise<{ live: LiveEvent; units: EventPlaceUnits } | undefined> {
    const id = Number(data.eventId);
    if (!Number.isInteger(id)) return undefined;
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

  async function liveAlarm(a: AlarmEvent): Promise<LiveAlarm> {
    const d = await deps.devices.get(a.deviceId).catch(() => undefined);
    return {
      alarmId: a.alarmId, status: a.status, severity: a.severity, deviceId: a.deviceId, deviceName: d?.name ?? a.deviceId, message: a.message,
      lon: d?.lon ?? null, lat: d?.lat ?? null, at: a.clearedAt ?? a.raisedAt,
    };
  }

  return {
    hub,
    kpis: () => kpi.current(),
    viewer: (principal) => deps.events.viewer(principal, principal.login),
    async recent(limit, viewer) {
      const page = await deps.events.list({ limit, offset: 0 }, viewer);
      return page.items.map((e) => ({
        eventId: e.id, verb: e.state, state: e.state, title: e.title, categoryName: e.categoryName, severity: e.severity, source: e.source,
        departmentName: e.departmentName, districtCode: e.place.districtCode, lon: e.place.lon, lat: e.place.lat, at: e.createdAt,
      }));
    },
    async onBusEvent(e) {
      const data = (e.data ?? {}) as Record<string, unknown>;
      if (e.subject.startsWith('events.event.')) {
        const live = await liveEvent(data, e.subject.slice('events.event.'.length));
        if (live) hub.publish('event', live.live, live.units);
      } else if (e.subject.startsWith('iot.alarm.')) {
        hub.publish('alarm', await liveAlarm(data as unknown as AlarmEvent));
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
