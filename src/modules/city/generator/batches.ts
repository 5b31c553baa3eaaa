// A bounded queue of row batches between the generator and one COPY per table. The producer
// waits when a table's queue is full (back-pressure), so memory stays at a few batches per
// table whatever the size of the city.
import type { Cell } from '../../../platform/db/index.ts';

export type Row = Cell[];

export class BatchQueue implements AsyncIterable<Row[]> {
  private readonly batches: Row[][] = [];
  private pending: Row[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  /** Wakes the consumer waiting for a batch. */
  private wakeConsumer: (() => void) | undefined;
  /** Wakes the producer waiting for room. */
  private wakeProducer: (() => void) | undefined;

  constructor(
    private readonly batchSize: number,
    private readonly capacity = 2,
  ) {}

  /** Add rows; resolves once they fit in the queue. */
  async push(rows: readonly Row[]): Promise<void> {
    for (const row of rows) {
      this.pending.push(row);
      if (this.pending.length >= this.batchSize) await this.enqueue();
    }
  }

  /** Queue what is pending and end the stream. */
  async close(): Promise<void> {
    if (this.pending.length > 0) await this.enqueue();
    this.closed = true;
    this.wakeConsumer?.();
  }

  /** End the stream with an error on both sides. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.wakeConsumer?.();
    this.wakeProducer?.();
  }

  private async enqueue(): Promise<void> {
    while (this.batches.length >= this.capacity && !this.failure) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    if (this.failure) throw this.failure.error;
    this.batches.push(this.pending);
    this.pending = [];
    this.wakeConsumer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Row[]> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const batch = this.batches.shift();
      if (batch) {
        this.wakeProducer?.();
        yield batch;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }
}
