// 实时推送 the live stream of the big screen as server-sent events: a numbered history for
// Last-Event-ID resume, heartbeats, and a bounded queue per client — a client that cannot keep up
// is disconnected and resumes from the history when it reconnects.
import type { ServerResponse } from 'node:http';
import type { EventPlaceUnits } from '../events/index.ts';
import type { StreamMessage } from './schemas.ts';

export interface StreamHubOptions {
  /** Messages kept for resume (default 1 000). */
  history?: number;
  /** Messages queued for one slow client before it is disconnected (default 256). */
  maxQueued?: number;
  /** Comment line sent to every client this often (default 15 s). */
  heartbeatMs?: number;
}

export interface StreamHub {
  /** Send to every client; with `units`, only to clients whose scope sees them. */
  publish(kind: StreamMessage['kind'], data: unknown, units?: EventPlaceUnits): StreamMessage;
  /**
   * Start a text/event-stream answer on `res`, replaying what followed `lastEventId`; returns the
   * client's detach. With `sees`, messages that carry units reach the client only when it sees them.
   */
  attach(res: ServerResponse, lastEventId: string | undefined, sees?: (units: EventPlaceUnits) => boolean): { send(kind: StreamMessage['kind'], data: unknown): void; detach(): void };
  clients(): number;
  /** End every stream (shutdown). */
  closeAll(): void;
  stop(): void;
}

interface Client {
  res: ServerResponse;
  sees?: (units: EventPlaceUnits) => boolean;
  queue: string[];
  blocked: boolean;
}

const frame = (m: StreamMessage): string => `id: ${m.id}\nevent: ${m.kind}\ndata: ${JSON.stringify(m.data)}\n\n`;

export function createStreamHub(options: StreamHubOptions = {}): StreamHub {
  const historySize = options.history ?? 1000;
  const maxQueued = options.maxQueued ?? 256;
  // Ids are "<boot>-<seq>": an id from before a restart is recognisably not resumable.
  const boot = Date.now().toString(36);
  let seq = 0;
  const history: StreamMessage[] = [];
  const clients = new Set<Client>();

  function write(c: Client, text: string): void {
    if (c.blocked) {
      if (c.queue.length >= maxQueued) {
        // Too slow: drop it; the browser's EventSource reconnects with Last-Event-ID.
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

  const visible = (c: Client, m: StreamMessage): boolean => !m.units || !c.sees || c.sees(m.units);

  function replayAfter(lastEventId: string | undefined): StreamMessage[] | 'reset' | undefined {
    if (lastEventId === undefined || lastEventId === '') return undefined;
    const [b, s] = lastEventId.split('-');
    const n = Number(s);
    if (b !== boot || !Number.isInteger(n) || n > seq) return 'reset';
    const oldest = history[0] ? Number(history[0].id.split('-')[1]) : seq + 1;
    if (n < oldest - 1) return 'reset';
    return history.filter((m) => Number(m.id.split('-')[1]) > n);
  }

  return {
    publish(kind, data, units) {
      const m: StreamMessage = { id: `${boot}-${++seq}`, kind, data, ...(units ? { units } : {}) };
      history.push(m);
      if (history.length > historySize) history.shift();
      const text = frame(m);
      for (const c of clients) if (visible(c, m)) write(c, text);
      return m;
    },
    attach(res, lastEventId, sees) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const c: Client = { res, queue: [], blocked: false, ...(sees ? { sees } : {}) };
      res.on('drain', () => {
        c.blocked = false;
        while (c.queue.length > 0 && !c.blocked) {
          const next = c.queue.shift();
          if (next !== undefined && !res.write(next)) c.blocked = true;
        }
      });
      const detach = () => {
        clients.delete(c);
      };
      res.on('close', detach);
      write(c, 'retry: 3000\n\n');
      const replay = replayAfter(lastEventId);
      if (replay === 'reset') write(c, frame({ id: `${boot}-${seq}`, kind: 'reset', data: { reason: 'history does not reach back to the given Last-Event-ID' } }));
      else if (replay) for (const m of replay) if (visible(c, m)) write(c, frame(m));
      clients.add(c);
      return {
        send: (kind, data) => write(c, frame({ id: `${boot}-${seq}`, kind, data })),
        detach,
      };
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
