// 死信 the dead-letter store's writer: every refused message is counted by reason and kept, in
// batches so a flood of bad messages costs a few inserts, not one per message. The buffer is
// bounded: beyond it a refused message is only counted (deadLettersDropped) and logged.
import type { Clock, Logger } from '../../kernel/index.ts';
import type { DeadLetterInput, TelemetryStore } from './telemetry-store.ts';

const MAX_PAYLOAD_KEPT = 4096;
const MAX_BUFFERED = 10_000;
const MAX_BATCH = 500;

export interface DeadLetterCounts {
  /** Dead letters by `source/reason`, since start. */
  bySourceReason: ReadonlyMap<string, number>;
  /** By reason only. */
  byReason: Record<string, number>;
  /** Not kept because the buffer was full. */
  dropped: number;
}

export interface DeadLetterSink {
  /** Count and keep; resolves once stored, rejects when not stored (buffer full, database error). */
  put: (d: DeadLetterInput) => Promise<void>;
  /** Count and keep without waiting; a failure is counted and logged. */
  offer: (d: DeadLetterInput) => void;
  counts(): DeadLetterCounts;
  /** Resolves when everything buffered is written. */
  drain(): Promise<void>;
}

interface Entry {
  row: DeadLetterInput & { at: Date };
  resolve: () => void;
  reject: (err: Error) => void;
}

export function createDeadLetterSink(deps: { store: TelemetryStore; clock: Clock; logger: Logger }): DeadLetterSink {
  const buffer: Entry[] = [];
  const bySourceReason = new Map<string, number>();
  const byReason: Record<string, number> = {};
  let dropped = 0;
  let writing: Promise<void> | undefined;
  let lastDropLog = 0;

  function count(d: DeadLetterInput): void {
    const key = `${d.source}/${d.reason}`;
    bySourceReason.set(key, (bySourceReason.get(key) ?? 0) + 1);
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
  }

  async function writeAll(): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.splice(0, MAX_BATCH);
      try {
        await deps.store.insertDeadLetters(batch.map((e) => e.row));
        for (const e of batch) e.resolve();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const e of batch) e.reject(error);
      }
    }
  }

  function kick(): void {
    writing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(writeAll)
      .finally(() => {
        writing = undefined;
        if (buffer.length > 0) kick();
      });
  }

  function put(d: DeadLetterInput): Promise<void> {
    count(d);
    if (buffer.length >= MAX_BUFFERED) {
      dropped++;
      const now = Date.now();
      if (now - lastDropLog > 10_000) {
        lastDropLog = now;
        deps.logger.warn({ reason: d.reason, dropped }, 'iot dead-letter buffer full: refused messages are counted but not kept');
      }
      return Promise.reject(new Error('dead-letter buffer full'));
    }
    const row = { ...d, payload: d.payload.slice(0, MAX_PAYLOAD_KEPT), at: deps.clock.now() };
    return new Promise<void>((resolve, reject) => {
      buffer.push({ row, resolve, reject });
      kick();
    });
  }

  return {
    put,
    offer(d) {
      put(d).catch((err: unknown) => {
        if ((err as Error).message !== 'dead-letter buffer full') deps.logger.error({ err, reason: d.reason }, 'iot dead letter not stored');
      });
    },
    counts: () => ({ bySourceReason, byReason: { ...byReason }, dropped }),
    async drain() {
      while (writing) await writing;
    },
  };
}
