import { randomUUID } from 'node:crypto';
import type { Logger } from '../../kernel/index.ts';
import type { Database, Queryable } from '../db/index.ts';
import type { Bus } from './types.ts';
import { assertSubject } from './subject.ts';

/**
 * Record an event in the outbox inside the caller's transaction, so the change and its event
 * commit together (transactional outbox). The relay publishes it after commit.
 */
export async function enqueueEvent<T>(tx: Queryable, subject: string, data: T, opts: { id?: string; occurredAt?: Date } = {}): Promise<string> {
  assertSubject(subject);
  const id = opts.id ?? randomUUID();
  await tx.query('INSERT INTO platform_outbox (event_id, subject, payload, occurred_at) VALUES ($1, $2, $3, $4)', [
    id,
    subject,
    JSON.stringify(data),
    (opts.occurredAt ?? new Date()).toISOString(),
  ]);
  return id;
}

/** Record several events in one statement (same guarantees as `enqueueEvent`); answers their ids in order. */
export async function enqueueEvents(tx: Queryable, events: ReadonlyArray<{ subject: string; data: unknown; occurredAt?: Date }>): Promise<string[]> {
  if (events.length === 0) return [];
  for (const e of events) assertSubject(e.subject);
  const ids = events.map(() => randomUUID());
  const now = new Date().toISOString();
  await tx.query(
    'INSERT INTO platform_outbox (event_id, subject, payload, occurred_at) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])',
    [ids, events.map((e) => e.subject), events.map((e) => JSON.stringify(e.data)), events.map((e) => e.occurredAt?.toISOString() ?? now)],
  );
  return ids;
}

export interface OutboxRelay {
  /** Publish what is pending now (called after a commit; also runs on a timer). */
  kick(): void;
  /** Publish everything pending and wait for it (tests, shutdown). */
  flush(): Promise<number>;
  stats(): { published: number; failed: number; lastError: string | null };
  stop(): Promise<void>;
}

interface OutboxRow {
  id: number;
  event_id: string;
  subject: string;
  payload: unknown;
  occurred_at: string | Date;
}

/**
 * Publishes outbox rows in order, at least once. Rows are leased with `FOR UPDATE SKIP LOCKED`
 * so several API nodes on one PostgreSQL share the work without publishing a row twice at once.
 */
export function startOutboxRelay(db: Database, bus: Bus, logger: Logger, opts: { intervalMs?: number; batch?: number; kickDelayMs?: number } = {}): OutboxRelay {
  const batch = opts.batch ?? 200;
  // Commits that kick the relay within this delay share one pass (one claim, one mark) instead of
  // one pass each: under concurrent writes the relay's statements stop competing with the requests.
  const kickDelayMs = opts.kickDelayMs ?? 5;
  let kickTimer: NodeJS.Timeout | undefined;
  let published = 0;
  let failed = 0;
  let lastError: string | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  // Claim a batch (a lease, so a crashed node's claim expires), publish it outside any
  // transaction (a handler may itself write to the database), then mark it published.
  async function drainOnce(): Promise<number> {
    const { rows } = await db.query<OutboxRow>(
      `UPDATE platform_outbox SET claimed_until = now() + interval '30 seconds'
       WHERE id IN (SELECT id FROM platform_outbox
                    WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, event_id, subject, payload, occurred_at`,
      [batch],
    );
    if (rows.length === 0) return 0;
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    const done: number[] = [];
    try {
      for (const r of rows) {
        await bus.publish({
          id: r.event_id,
          subject: r.subject,
          data: typeof r.payload === 'string' ? (JSON.parse(r.payload) as unknown) : r.payload,
          occurredAt: new Date(r.occurred_at).toISOString(),
        });
        done.push(r.id);
      }
    } finally {
      if (done.length > 0) await db.query('UPDATE platform_outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [done]);
      const failedIds = rows.map((r) => r.id).filter((id) => !done.includes(id));
      // Release the lease on what did not go out so it is retried soon, not after 30 s.
      if (failedIds.length > 0) await db.query('UPDATE platform_outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[])', [failedIds]);
    }
    return done.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      again = false;
      try {
        const n = await drainOnce();
        total += n;
        published += n;
        if (n < batch && !again) return total;
      } catch (err) {
        failed++;
        lastError = err instanceof Error ? err.message : String(err);
        logger.warn({ err }, 'outbox relay: publish failed; will retry');
        return total;
      }
    }
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void run();
  }, opts.intervalMs ?? 1000);
  timer.unref();

  return {
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      kickTimer ??= setTimeout(() => {
        kickTimer = undefined;
        if (!stopped) void run();
      }, kickDelayMs);
    },
    async flush() {
      let total = 0;
      if (running) total += await running;
      total += await run();
      return total;
    },
    stats: () => ({ published, failed, lastError }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(kickTimer);
      if (running) await running;
    },
  };
}
