import type { Logger } from '../../kernel/index.ts';
import type { Bus, BusEvent, BusHandler, BusSubscription } from './types.ts';
import { subjectMatches } from './subject.ts';

interface Entry {
  pattern: string;
  durable: string;
  handler: BusHandler;
}

/**
 * In-process bus. `publish` resolves only when every matching handler has handled the event
 * (retrying a failing handler a few times), so the outbox marks an event published only after it
 * was really delivered: a crash before that re-delivers it on restart.
 * Several subscriptions with the same durable name share events (first one wins), as on NATS.
 */
export function createMemoryBus(logger: Logger, opts: { retries?: number; retryDelayMs?: number } = {}): Bus {
  const entries = new Set<Entry>();
  const retries = opts.retries ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 50;

  async function deliver(entry: Entry, event: BusEvent): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await entry.handler(event);
        return;
      } catch (err) {
        if (attempt >= retries) {
          logger.error({ err, subject: event.subject, eventId: event.id, durable: entry.durable }, 'bus handler failed');
          throw err;
        }
        await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
      }
    }
  }

  return {
    engine: 'memory',
    async publish(event) {
      const byDurable = new Map<string, Entry>();
      for (const e of entries) if (subjectMatches(e.pattern, event.subject) && !byDurable.has(e.durable)) byDurable.set(e.durable, e);
      await Promise.all([...byDurable.values()].map((e) => deliver(e, event)));
    },
    subscribe(pattern, durable, handler): Promise<BusSubscription> {
      const entry: Entry = { pattern, durable, handler };
      entries.add(entry);
      return Promise.resolve({
        stop: () => {
          entries.delete(entry);
          return Promise.resolve();
        },
      });
    },
    ping: () => Promise.resolve(),
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
