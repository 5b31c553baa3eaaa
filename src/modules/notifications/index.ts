/**
 * Notifications module (消息中心 message center): what a unit must act on reaches it without anyone
 * watching every console page. Bus consumers turn dispatched, reassigned, returned, warned and
 * escalated events, quality problem tickets and IoT alarms into notifications for the org unit
 * concerned; staff list them with a read state per account and get new ones live over server-sent
 * events. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { BusSubscription, MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { DEFAULT_SETTINGS, type EventsService } from '../events/index.ts';
import type { DeviceRegistry } from '../iot/index.ts';
import { NOTIFYING_SUBJECTS } from './addressing.ts';
import { notificationsRoutes } from './routes.ts';
import { createNotificationsService, NOTIFICATIONS_CREATED, type NotificationsService } from './service.ts';
import type { UnitDirectory } from './units.ts';

export interface NotificationsModule extends PlatformModule {
  name: 'notifications';
  service: NotificationsService;
}

/** The notifications_* tables. */
export const notificationsMigrations: MigrationSource = { module: 'notifications', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface NotificationsModuleDeps {
  /** The org tree and memberships (identity's `orgDirectory`). */
  directory: UnitDirectory;
  /** Titles of events (the payload of events.event.* carries none). */
  events: Pick<EventsService, 'get'>;
  /** Owner departments of devices, for alarms. */
  devices: Pick<DeviceRegistry, 'get'>;
  /** The unit that takes escalations, returns and reports (the events module's command center by default). */
  commandCenter?: string;
}

export function createNotificationsModule(ctx: Pick<ModuleContext, 'db' | 'bus' | 'clock' | 'logger' | 'config'> & Partial<Pick<ModuleContext, 'relay'>>, deps: NotificationsModuleDeps): NotificationsModule {
  const logger = ctx.logger.child({ module: 'notifications' });
  const service = createNotificationsService({
    db: ctx.db, clock: ctx.clock, logger, relay: ctx.relay, directory: deps.directory, commandCenter: deps.commandCenter ?? DEFAULT_SETTINGS.commandCenter,
    event: (id) => deps.events.get(id),
    device: (id) => deps.devices.get(id),
  });
  const subscriptions: BusSubscription[] = [];
  return {
    name: 'notifications',
    service,
    migrations: notificationsMigrations,
    routes: notificationsRoutes(service),
    async start() {
      // Storing is shared: nodes with one durable name split the events, and the unique index stores each once.
      for (const subject of NOTIFYING_SUBJECTS) {
        subscriptions.push(await ctx.bus.subscribe(subject, `notifications-${subject.split('.').slice(0, 2).join('-')}`, async (e) => {
          await service.deliver(e);
        }));
      }
      // Pushing is per node: every node streams to its own clients, so each one needs every new notification.
      subscriptions.push(await ctx.bus.subscribe(NOTIFICATIONS_CREATED, `notifications-push-${ctx.config.nodeId}`, (e) => service.push(e)));
    },
    async stop() {
      for (const s of subscriptions.splice(0)) await s.stop();
      service.stop();
    },
  };
}

export { NOTIFICATIONS_CREATED, type NotificationsService } from './service.ts';
export { NOTIFICATIONS_READ, type UnitDirectory } from './units.ts';
export { NOTIFICATIONS_ERRORS, type NotificationsErrorCode } from './errors.ts';
export { NOTIFICATION_KINDS, NOTIFICATION_SEVERITIES, type Notification, type NotificationKind, type NotificationList, type NotificationSeverity, type NotificationsCreated } from './schemas.ts';
export type { Recipient } from './store.ts';
