// 消息中心 service: bus events become notifications for the units that must act (stored once per
// event and unit, however often the event arrives), listed and counted per caller with a read
// state per account, and pushed live to the caller's open streams on every node.
import type { Clock, Logger } from '../../kernel/index.ts';
import { enqueueEvent, type BusEvent, type Database, type OutboxRelay } from '../../platform/index.ts';
import type { Principal } from '../identity/index.ts';
import { addressBusEvent, type AddressingDeps } from './addressing.ts';
import { notificationsError } from './errors.ts';
import type { Notification, NotificationList, NotificationQuery, NotificationsCreated } from './schemas.ts';
import { createNotificationsStore, type Recipient } from './store.ts';
import { createNotificationHub, type NotificationHub } from './stream.ts';
import { createUnits, type UnitDirectory } from './units.ts';

/** Bus subject of what one delivery stored; every node's stream pushes it to its clients. */
export const NOTIFICATIONS_CREATED = 'notifications.message.created';

export interface NotificationsService {
  /** The caller's account and the units whose notifications reach it. */
  recipientOf(principal: Principal): Promise<Recipient>;
  list(to: Recipient, query: NotificationQuery): Promise<NotificationList>;
  unreadCount(to: Recipient): Promise<number>;
  /** Mark one read for the caller; 404 when it does not exist, 403 when it is not addressed to them. */
  markRead(to: Recipient, id: number): Promise<Notification>;
  markAllRead(to: Recipient): Promise<{ marked: number }>;
  /**
   * A bus event (events.event.*, quality.ticket.opened, iot.alarm.raised): store the notifications it
   * makes and announce the new ones on the bus. Answers the new ones (none for a re-delivery).
   */
  deliver(event: BusEvent): Promise<Notification[]>;
  /** NOTIFICATIONS_CREATED: push to this node's open streams. */
  push(event: BusEvent): Promise<void>;
  hub: NotificationHub;
  stop(): void;
}

export interface NotificationsDeps extends AddressingDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  relay?: Pick<OutboxRelay, 'kick'> | undefined;
  directory: UnitDirectory;
}

export function createNotificationsService(deps: NotificationsDeps): NotificationsService {
  const { db, clock } = deps;
  const store = createNotificationsStore(db);
  const units = createUnits(deps.directory, clock);
  const hub = createNotificationHub();
  const now = () => clock.now().toISOString();

  async function visible(to: Recipient, id: number): Promise<Notification> {
    const n = await store.get(id, to.accountId, (await units.tree()).name);
    if (!n) throw notificationsError('notification_not_found', `no notification ${id}`, { field: '/params/id' });
    if (!to.units.includes(n.unitCode) || (n.accountId !== null && n.accountId !== to.accountId)) {
      throw notificationsError('notification_forbidden', `notification ${id} is addressed to ${n.unitCode}, not to your units`, { field: '/params/id' });
    }
    return n;
  }

  return {
    hub,
    async recipientOf(principal) {
      return { accountId: principal.accountId, units: await units.recipientUnits(principal) };
    },
    async list(to, query) {
      const names = (await units.tree()).name;
      const [page, unread] = await Promise.all([store.list(to, query, names), store.unread(to)]);
      return { ...page, unread };
    },
    unreadCount: (to) => store.unread(to),
    async markRead(to, id) {
      const n = await visible(to, id);
      if (n.readAt !== null) return n;
      await store.markRead(id, to.accountId, now());
      return visible(to, id);
    },
    async markAllRead(to) {
      return { marked: await store.markAllRead(to, now()) };
    },
    async deliver(event) {
      // Everything addressing reads is read before the transaction opens (PGlite has one connection).
      let tree = await units.tree();
      let drafts = await addressBusEvent(event, tree, deps);
      // A department named by a ticket or a device may be a unit added since the tree was read.
      if (drafts.length === 0 && !event.subject.startsWith('events.')) {
        tree = await units.tree([], true);
        drafts = await addressBusEvent(event, tree, deps);
      }
      if (drafts.length === 0) {
        // A ticket or an alarm whose department is not an org unit (yet) reaches no one.
        if (!event.subject.startsWith('events.')) deps.logger.debug({ subject: event.subject, eventId: event.id }, 'notifications: no unit to notify');
        return [];
      }
      const created = await db.transaction(async (tx) => {
        const rows = await store.insert(tx, drafts, { eventId: event.id, subject: event.subject }, now(), tree.name);
        if (rows.length > 0) await enqueueEvent<NotificationsCreated>(tx, NOTIFICATIONS_CREATED, { notifications: rows });
        return rows;
      });
      if (created.length > 0) deps.relay?.kick();
      return created;
    },
    push(event) {
      const data = event.data as Partial<NotificationsCreated> | undefined;
      for (const n of data?.notifications ?? []) hub.publish(n);
      return Promise.resolve();
    },
    stop() {
      hub.stop();
    },
  };
}
