// Server-sent events plumbing shared by the live streams (big screen, notifications): the
// text/event-stream answer with a retry hint, a bounded queue per client under back-pressure (a
// client that cannot keep up is disconnected; its EventSource reconnects), and heartbeats.
import type { ServerResponse } from 'node:http';

export interface SseClient<M> {
  res: ServerResponse;
  /** What the stream knows of the client (its audience, units, account…). */
  meta: M;
  queue: string[];
  blocked: boolean;
}

export interface SseClients<M> {
  /** The clients that joined, for publishing. */
  readonly all: ReadonlySet<SseClient<M>>;
  /**
   * Answer `res` as a text/event-stream with a retry hint. The client receives what is written to
   * it at once, and what is published once it `join`s (write a replay or a greeting in between).
   */
  open(res: ServerResponse, meta: M, retryMs: number): SseClient<M>;
  join(c: SseClient<M>): void;
  leave(c: SseClient<M>): void;
  /** Write one frame, queueing it while the socket is full; over `maxQueued` the client is dropped. */
  write(c: SseClient<M>, text: string): void;
  /** End every stream (shutdown). */
  closeAll(): void;
  stop(): void;
}

/** `id:` (when given), `event:` and `data:` (JSON) lines of one server-sent event. */
export const sseFrame = (event: string, data: unknown, id?: string | number): string =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export function createSseClients<M>(options: { maxQueued?: number; heartbeatMs?: number } = {}): SseClients<M> {
  const maxQueued = options.maxQueued ?? 256;
  const all = new Set<SseClient<M>>();

  function write(c: SseClient<M>, text: string): void {
    if (c.blocked) {
      if (c.queue.length >= maxQueued) {
        // Too slow: drop it; the browser's EventSource reconnects.
        all.delete(c);
        c.res.destroy();
        return;
      }
      c.queue.push(text);
      return;
    }
    if (!c.res.write(text)) c.blocked = true;
  }

  const heartbeat = setInterval(() => {
    for (const c of all) write(c, ': ping\n\n');
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  function closeAll(): void {
    for (const c of all) c.res.end();
    all.clear();
  }

  return {
    all,
    open(res, meta, retryMs) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const c: SseClient<M> = { res, meta, queue: [], blocked: false };
      res.on('drain', () => {
        c.blocked = false;
        while (c.queue.length > 0 && !c.blocked) {
          const next = c.queue.shift();
          if (next !== undefined && !res.write(next)) c.blocked = true;
        }
      });
      res.on('close', () => all.delete(c));
      write(c, `retry: ${retryMs}\n\n`);
      return c;
    },
    join: (c) => void all.add(c),
    leave: (c) => void all.delete(c),
    write,
    closeAll,
    stop() {
      clearInterval(heartbeat);
      closeAll();
    },
  };
}
