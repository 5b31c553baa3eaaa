// 实时推送 the live notification stream as server-sent events. Each client gets what is addressed
// to its units (and its account); a client that cannot keep up is disconnected and, reconnecting,
// starts with its unread count again (the database is the record; the stream only says "new").
import type { ServerResponse } from 'node:http';
import { createSseClients, sseFrame } from '../../platform/index.ts';
import type { Notification } from './schemas.ts';
import type { Recipient } from './store.ts';

export interface NotificationHub {
  /** Send a new notification to every client it is addressed to. */
  publish(n: Notification): void;
  /**
   * Start a text/event-stream answer on `res` for `to`. The caller then sends `hello` with the unread
   * count: counted after attaching, so nothing published in between is lost (a client sets its
   * count from `hello` and adds one per `notification` after it).
   */
  attach(res: ServerResponse, to: Recipient): { hello: (unread: number) => void };
  clients(): number;
  /** End every stream (shutdown). */
  closeAll(): void;
  stop(): void;
}

interface Meta {
  accountId: string;
  units: ReadonlySet<string>;
}

export function createNotificationHub(options: { maxQueued?: number; heartbeatMs?: number } = {}): NotificationHub {
  const sse = createSseClients<Meta>(options);
  return {
    publish(n) {
      const text = sseFrame('notification', n, n.id);
      for (const c of sse.all) if (c.meta.units.has(n.unitCode) && (n.accountId === null || n.accountId === c.meta.accountId)) sse.write(c, text);
    },
    attach(res, to) {
      const c = sse.open(res, { accountId: to.accountId, units: new Set(to.units) }, 5000);
      sse.join(c);
      return { hello: (unread) => sse.write(c, sseFrame('hello', { unread })) };
    },
    clients: () => sse.all.size,
    closeAll: () => sse.closeAll(),
    stop: () => sse.stop(),
  };
}
