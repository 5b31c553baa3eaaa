// 实时推送 the live stream of the big screen as server-sent events: a numbered history for
// Last-Event-ID resume, heartbeats, and a bounded queue per client — a client that cannot keep up
// is disconnected and resumes from the history when it reconnects.
import type { ServerResponse } from 'node:http';
import type { StreamMessage } from './schemas.ts';
import type { ScopeFacts } from './scope.ts';

/** Who a client is: its scope's key (for messages addressed to one scope) and what it sees. */
export interface StreamAudience {
  key: string;
  sees(facts: ScopeFacts): boolean;
}

export interface StreamHubOptions {
  /** Messages kept for resume (default 1 000). */
  history?: number;
  /** Messages queued for one slow client before it is disconnected (default 256). */
  maxQueued?: number;
  /** Comment line sent to every client this often (default 15 s). */
  heartbeatMs?: number;
}

export interface StreamHub<A extends StreamAudience = StreamAudience> {
  /** Send to every client; with `facts`, only to clients whose scope sees them; with `audience`, only to clients of that scope key. */
  publish(kind: StreamMessage['kind'], data: unknown, to?: { facts?: ScopeFacts; audience?: string }): StreamMessage;
  /**
   * Start a text/event-stream answer on `res`, replaying what followed `lastEventId`; returns the
   * client's detach. With an audience, messages that carry facts reach the client only when it sees
   * them, and messages addressed to a scope only when it is the client's (no audience: key `all`).
   */
  attach(res: ServerResponse, lastEventId: string | undefined, audience?: A): { send(kind: StreamMessage['kind'], data: unknown): void; detach(): void };
  clients(): number;
  /** The scope keys of the connected clients, each with one of its clients' audience. */
  audiences(): Map<string, A | undefined>;
  /** End every stream (shutdown). */
  closeAll(): void;
  stop(): void;
}

interface Client<A extends StreamAudience> {
  res: ServerResponse;
  audience?: A;
  queue: string[];
  blocked: boolean;
}

const frame = (m: StreamMessage): string => `id: ${m.id}\nevent: ${m.kind}\ndata: ${JSON.stringify(m.data)}\n\n`;

export function createStreamHub<A extends StreamAudience = StreamAudience>(options: StreamHubOptions = {}): StreamHub<A> {
  const historySize = options.history ?? 1000;
  const maxQueued = options.maxQueued ?? 256;
  // Ids are "<boot>-<seq>": an id from before a restart is recognisably not resumable.
  const boot = Date.now().toString(36);
  let seq = 0;
  const history: StreamMessage[] = [];
  const clients = new Set<Client<A>>();

  function write(c: Client<A>, text: string): void {
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

  const visible = (c: Client<A>, m: StreamMessage): boolean => {
    if (m.audience !== undefined) return (c.audience?.key ?? 'all') === m.audience;
    return !m.facts || !c.audience || c.audience.sees(m.facts);
  };

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
    publish(kind, data, to = {}) {
      const m: StreamMessage = { id: `${boot}-${++seq}`, kind, data, ...(to.facts ? { facts: to.facts } : {}), ...(to.audience !== undefined ? { audience: to.audience } : {}) };
      history.push(m);
      if (history.length > historySize) history.shift();
      const text = frame(m);
      for (const c of clients) if (visible(c, m)) write(c, text);
      return m;
    },
    attach(res, lastEventId, audience) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const c: Client<A> = { res, queue: [], blocked: false, ...(audience ? { audience } : {}) };
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
    audiences() {
      const out = new Map<string, A | undefined>();
      for (const c of clients) if (!out.has(c.audience?.key ?? 'all')) out.set(c.audience?.key ?? 'all', c.audience);
      return out;
    },
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
