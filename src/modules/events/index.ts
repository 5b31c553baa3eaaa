/**
 * Events module (事件中心 event center, 协同指挥调度 coordinated dispatch): one event model for
 * IoT alarms, video detections, hotline tickets, grid-worker reports and manual entries; routing
 * to the responsible department; the lifecycle state machine; time limits with warnings and
 * escalation. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { BusSubscription } from '../../platform/bus/index.ts';
import type { MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { createAttachments } from './attachments.ts';
import { createDetectionService } from './detections.ts';
import { createCore, DEFAULT_SETTINGS, type EventsSettings, type PlaceCodes } from './core.ts';
import { createIntake, type DeviceLocator } from './intake.ts';
import { createOrg, type OrgDirectory } from './org.ts';
import { eventsRoutes } from './routes.ts';
import type { EventsService } from './events-service.ts';
import { createLifecycleService } from './service.ts';
import { createEventsStore } from './store.ts';
import { createTimers } from './timers.ts';


export interface EventsModule extends PlatformModule {
  name: 'events';
  service: EventsService;
}

/** The events_* tables (apply after the city's). */
export const eventsMigrations: MigrationSource = { module: 'events', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface EventsModuleDeps {
  /** Division and grid of a point (the city module's `locate`). */
  locate: (lon: number, lat: number) => Promise<PlaceCodes | null>;
  /** Position of an IoT device, for alarms (the IoT registry). */
  deviceLocator?: DeviceLocator;
  /**
   * The org tree and memberships (identity's `orgDirectory`): responsible units are org units, and
   * callers are scoped by theirs. Without it no unit is known: everything goes to the command center.
   */
  directory?: OrgDirectory;
  settings?: Partial<EventsSettings>;
}

const EMPTY_DIRECTORY: OrgDirectory = { units: () => Promise.resolve([]), membershipsOf: () => Promise.resolve([]) };

export function createEventsModule(ctx: Pick<ModuleContext, 'db' | 'clock' | 'logger' | 'bus' | 'config'> & Partial<Pick<ModuleContext, 'relay'>>, deps: EventsModuleDeps): EventsModule {
  const settings = { ...DEFAULT_SETTINGS, ...deps.settings };
  const logger = ctx.logger.child({ module: 'events' });
  const store = createEventsStore(ctx.db);
  const org = createOrg(deps.directory ?? EMPTY_DIRECTORY, ctx.clock);
  const base = { db: ctx.db, store, clock: ctx.clock, logger, settings, locate: deps.locate, org };
  const core = createCore(base);
  const lifecycle = createLifecycleService({ ...base, core, relay: ctx.relay });
  const intake = createIntake({ ...base, core, relay: ctx.relay, deviceLocator: deps.deviceLocator });
  const timers = createTimers({ ...base, core, relay: ctx.relay });
  const attachments = createAttachments({ ...base, dataDir: path.resolve(ctx.config.dataDir), lifecycle });
  const detections = createDetectionService({ ...base, scenariosChanged: () => core.invalidateCatalogue() });
  const service: EventsService = {
    ...lifecycle,
    ...detections,
    detect: (input, actor) => intake.detect(input, actor),
    sweepDeadlines: () => timers.sweep(),
    stats: (q, scope) => timers.stats(q, scope),
    attach: (id, input, caller) => attachments.add(id, input, caller),
    attachment: (id, aid, caller) => attachments.locate(id, aid, caller),
  };
  const subscriptions: BusSubscription[] = [];
  return {
    name: 'events',
    service,
    migrations: eventsMigrations,
    routes: eventsRoutes(service),
    async start() {
      subscriptions.push(await ctx.bus.subscribe('iot.alarm.raised', 'events-alarm-raised', (e) => intake.onAlarmRaised(e)));
      subscriptions.push(await ctx.bus.subscribe('iot.alarm.cleared', 'events-alarm-cleared', (e) => intake.onAlarmCleared(e)));
      timers.start();
    },
    async stop() {
      await timers.stop();
      for (const s of subscriptions.splice(0)) await s.stop();
    },
  };
}

export { EVENTS_ERRORS, type EventsErrorCode } from './errors.ts';
export { DEFAULT_CALENDAR, addWorkingMinutes, deadlineAfter, type WorkingCalendar } from './calendar.ts';
export { EVENT_STATES, EVENT_ACTIONS, TRANSITIONS, ACTION_PERMISSION, allowedActions, nextState, type EventState, type EventAction } from './lifecycle.ts';
export { eventScopeOf, type OrgDirectory, type OrgUnitRef, type Viewer, type Reach, type EventScope, type EventPlaceUnits, type ScopeRoot, type UnitScope } from './org.ts';
export type { Caller } from './service.ts';
export { DEFAULT_SETTINGS, type EventChange, type EventsSettings, type PlaceCodes } from './core.ts';
export { SCENARIOS, DETECTION_OUTCOMES, type Scenario } from './schemas.ts';
export type { DetectionService } from './detections.ts';
export type { DeviceLocator } from './intake.ts';
export type { EventsService } from './events-service.ts';
export type * from './schemas.ts';
