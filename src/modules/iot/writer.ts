// Group commit (组提交): the readings of handlers running at the same time are written in one
// transaction, and each handler's promise resolves only after the commit that holds its readings.
// So a QoS 1 PUBACK still waits for its own reading to be durable, while the database sees a few
// large transactions instead of thousands of small ones.
import type { Clock } from '../../kernel/index.ts';
import type { Database, Queryable } from '../../platform/db/index.ts';
import { iotError } from './errors.ts';
import { dayOf, type Reading, type TelemetryStore } from './telemetry-store.ts';

export interface WriterOptions {
  /** Readings accepted but not yet committed, all devices together; beyond it `submit` refuses. */
  maxPendingReadings: number;
  /** Readings per transaction at most. */
  maxBatchReadings: number;
  /** Transactions in flight at once (1 for PGlite, which has a single connection). */
  concurrency: number;
}

/**
 * Work done with each batch (rule evaluation): called before the transaction, it answers the step
 * to run inside it. Reads outside the transaction happen in the first part, never in the step.
 */
export type BatchHook = (readings: readonly Reading[]) => Promise<(tx: Queryable) => Promise<void>>;

interface Entry {
  readings: readonly Reading[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface WriterStats {
  pendingReadings: number;
  batches: number;
  committedReadings: number;
}

export class GroupCommitWriter {
  private readonly queue: Entry[] = [];
  private pending = 0;
  private active = 0;
  private scheduled = false;
  private readonly days = new Set<number>();
  private readonly idle: Array<() => void> = [];
  private batches = 0;
  private committed = 0;
  private hook: BatchHook | undefined;
  private afterCommit: ((readings: readonly Reading[]) => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly store: TelemetryStore,
    private readonly clock: Clock,
    private readonly opts: WriterOptions,
  ) {}

  /** Install the work that runs inside each batch's transaction. */
  onBatch(hook: BatchHook, afterCommit?: (readings: readonly Reading[]) => void): void {
    this.hook = hook;
    this.afterCommit = afterCommit;
  }

  /** Resolves once `readings` are committed; refuses at once when too much is waiting (back-pressure). */
  submit(readings: readonly Reading[]): Promise<void> {
    if (readings.length === 0) return Promise.resolve();
    if (this.pending + readings.length > this.opts.maxPendingReadings) {
      return Promise.reject(iotError('ingest_overloaded', `ingestion has ${this.pending} readings waiting to be stored; retry later`));
    }
    this.pending += readings.length;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ readings, resolve, reject });
      this.schedule();
    });
  }

  stats(): WriterStats {
    return { pendingReadings: this.pending, batches: this.batches, committedReadings: this.committed };
  }

  /** Forget known partitions (after retention dropped some). */
  forgetPartitions(): void {
    this.days.clear();
  }

  /** Resolves when nothing is waiting or being written. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.active >= this.opts.concurrency) return;
    this.scheduled = true;
    // Wait one turn so that handlers started by the same socket read join this batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.active < this.opts.concurrency && this.queue.length > 0) this.flushNext();
    });
  }

  private flushNext(): void {
    const entries: Entry[] = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (!next || (entries.length > 0 && count + next.readings.length > this.opts.maxBatchReadings)) break;
      this.queue.shift();
      entries.push(next);
      count += next.readings.length;
    }
    this.active++;
    this.write(entries).then(
      () => {
        this.batches++;
        this.committed += count;
        for (const e of entries) e.resolve();
        this.afterCommit?.(entries.flatMap((e) => e.readings));
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const e of entries) e.reject(error);
      },
    ).finally(() => {
      this.active--;
      this.pending -= count;
      if (this.queue.length > 0) this.schedule();
      else if (this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private async write(entries: readonly Entry[]): Promise<void> {
    const readings = entries.flatMap((e) => e.readings);
    for (const r of readings) {
      const day = dayOf(r.observedAt);
      if (!this.days.has(day)) {
        await this.store.ensurePartition(day);
        this.days.add(day);
      }
    }
    const step = this.hook ? await this.hook(readings) : undefined;
    await this.db.transaction(async (tx) => {
      await this.store.insertReadings(tx, readings, this.clock.now());
      if (step) await step(tx);
    });
  }
}
