// 实时推送 the live notification stream as server-sent events. Each client gets what is addressed
// to its units (and its account); a client that cannot keep up is disconnected and, reconnecting,
// starts with its unread count again (the database is the record; the stream only says "new").
import type { ServerResponse } from 'node:http';
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

interface Client {
  res: ServerResponse;
  accountId: string;
  units: ReadonlySet<string>;
  queue: string[];
  blocked: boolean;
}

const frame = (event: string, data: unknown, id?: number): string => `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function createNotificationHub(options: { maxQueued?: number; heartbeatMs?: number } = {}): NotificationHub {
  const maxQueued = options.maxQueued ?? 256;
  const clients = new Set<Client>();

  function write(c: Client, text: string): void {
    if (c.blocked) {
      if (c.queue.length >= maxQueued) {
        clients.delete(c);
        c.res.destroy();
        return;
      }
      c.queue.push(text);
      return;
    }
    if (!c.res.write(text)) c.blocked = true;
  }

  const heartbeat = setInterval(() => {
    for (const c of clients) write(c, ': ping\n\n');
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    publish(n) {
      const text = frame('notification', n, n.id);
      for (const c of clients) if (c.units.has(n.unitCode) && (n.accountId === null || n.accountId === c.accountId)) write(c, text);
    },
    attach(res, to) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const c: Client = { res, accountId: to.accountId, units: new Set(to.units), queue: [], blocked: false };
      res.on('drain', () => {
        c.blocked = false;
        while (c.queue.length > 0 && !c.blocked) {
          const next = c.queue.shift();
          if (next !== undefined && !res.write(next)) c.blocked = true;
        }
      });
      res.on('close', () => clients.delete(c));
      write(c, 'retry: 5000\n\n');
      clients.add(c);
      return { hello: (unread) => write(c, frame('hello', { unread })) };
    },
    clients: () => clients.size,
    closeAll() {
      for (const c of clients) c.res.end();
      clients.clear();
    },
    stop() {
      clearInterval(heartbeat);
      this.closeAll();
    },
  };
}
