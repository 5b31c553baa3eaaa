// 实时推送 the live stream of the big screen as server-sent events: a numbered history for
// Last-Event-ID resume, heartbeats, and a bounded queue per client — a client that cannot keep up
// is disconnected and resumes from the history when it reconnects.
import type { ServerResponse } from 'node:http';
import { createSseClients, sseFrame, type SseClient } from '../../platform/index.ts';
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

type Client<A extends StreamAudience> = SseClient<{ audience?: A }>;

const frame = (m: StreamMessage): string => sseFrame(m.kind, m.data, m.id);

export function createStreamHub<A extends StreamAudience = StreamAudience>(options: StreamHubOptions = {}): StreamHub<A> {
  const historySize = options.history ?? 1000;
  // Ids are "<boot>-<seq>": an id from before a restart is recognisably not resumable.
  const boot = Date.now().toString(36);
  let seq = 0;
  const history: StreamMessage[] = [];
  const sse = createSseClients<{ audience?: A }>(options);
  const write = (c: Client<A>, text: string): void => sse.write(c, text);

  const visible = (c: Client<A>, m: StreamMessage): boolean => {
    const audience = c.meta.audience;
    if (m.audience !== undefined) return (audience?.key ?? 'all') === m.audience;
    return !m.facts || !audience || audience.sees(m.facts);
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
      for (const c of sse.all) if (visible(c, m)) write(c, text);
      return m;
    },
    attach(res, lastEventId, audience) {
      const c = sse.open(res, audience ? { audience } : {}, 3000);
      const detach = () => sse.leave(c);
      const replay = replayAfter(lastEventId);
      if (replay === 'reset') write(c, frame({ id: `${boot}-${seq}`, kind: 'reset', data: { reason: 'history does not reach back to the given Last-Event-ID' } }));
      else if (replay) for (const m of replay) if (visible(c, m)) write(c, frame(m));
      sse.join(c);
      return {
        send: (kind, data) => write(c, frame({ id: `${boot}-${seq}`, kind, data })),
        detach,
      };
    },
    clients: () => sse.all.size,
    audiences() {
      const out = new Map<string, A | undefined>();
      for (const c of sse.all) {
        const key = c.meta.audience?.key ?? 'all';
        if (!out.has(key)) out.set(key, c.meta.audience);
      }
      return out;
    },
    closeAll: () => sse.closeAll(),
    stop: () => sse.stop(),
  };
}
