import type { Logger } from '../../kernel/index.ts';
import { assertTopicFilter, topicMatches } from './topic.ts';
import type { MqttHandler, MqttLimits, MqttMessage, MqttStats } from './types.ts';

export const defaultLimits: MqttLimits = {
  maxInFlight: 1_000,
  maxQueued: 10_000,
  maxPendingPerClient: 2_000,
  maxPacketBytes: 256 * 1024,
  maxConnections: 10_000,
  connectTimeoutMs: 10_000,
  handlerTimeoutMs: 30_000,
  closeTimeoutMs: 10_000,
};

export function resolveLimits(limits: Partial<MqttLimits> | undefined): MqttLimits {
  const merged = { ...defaultLimits, ...limits };
  for (const [key, value] of Object.entries(merged)) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`MQTT limit ${key} must be a positive integer, got ${value}`);
  }
  return merged;
}

export type Counters = Omit<MqttStats, 'mode' | 'clients' | 'inFlight' | 'queued'>;

/** Outcome of a message's handlers: `null` when all resolved, else the reason it is not stored. */
export type Settled = (error: Error | null) => void;

/**
 * Consumers by topic filter, and the pool their handler calls run in: at most `maxInFlight` at
 * once and `maxQueued` waiting, so work and memory stay bounded whatever the devices send.
 */
export class Dispatcher {
  readonly counters: Counters = {
    received: 0,
    handled: 0,
    failed: 0,
    refused: 0,
    unauthorized: 0,
    droppedClients: 0,
    rejectedConnections: 0,
    published: 0,
    receiveMaximumExceeded: 0,
  };
  private readonly consumers: Array<{ filter: string; handler: MqttHandler }> = [];
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly idle: Array<() => void> = [];
  /** Warn log limited per reason, for events that can come by the thousand (overload, outages). */
  readonly warn: ReturnType<typeof rateLimitedWarn>;

  constructor(
    private readonly limits: MqttLimits,
    private readonly logger: Logger,
  ) {
    this.warn = rateLimitedWarn(logger);
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  get filters(): string[] {
    return [...new Set(this.consumers.map((c) => c.filter))];
  }

  add(filter: string, handler: MqttHandler): void {
    assertTopicFilter(filter);
    this.consumers.push({ filter, handler });
  }

  /** Handlers whose filter matches `topic`. */
  match(topic: string): MqttHandler[] {
    const found: MqttHandler[] = [];
    for (const c of this.consumers) if (topicMatches(c.filter, topic)) found.push(c.handler);
    return found;
  }

  /**
   * Run `handlers` for `msg` when a slot is free; `settled` is called once, never synchronously.
   * Returns false, without calling anything, when the slots and the queue are full. QoS 0 may
   * fill only half the queue, so under overload fire-and-forget messages are shed before QoS 1
   * devices have to be disconnected.
   */
  dispatch(msg: MqttMessage, handlers: MqttHandler[], settled: Settled): boolean {
    const run = (): void => this.run(msg, handlers, settled);
    if (this.running < this.limits.maxInFlight) {
      this.running++;
      queueMicrotask(run);
      return true;
    }
    const room = msg.qos === 0 ? Math.floor(this.limits.maxQueued / 2) : this.limits.maxQueued;
    if (this.waiting.length < room) {
      this.waiting.push(run);
      return true;
    }
    return false;
  }

  /** Resolves true once nothing runs or waits, false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.running === 0 && this.waiting.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.idle.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private run(msg: MqttMessage, handlers: MqttHandler[], settled: Settled): void {
    let done = false;
    const finish = (error: Error | null): void => {
      if (done) return;
      done = true;
      if (error) {
        this.counters.failed++;
        this.warn('handler_failed', { err: error, topic: msg.topic, clientId: msg.clientId, qos: msg.qos }, 'mqtt handler failed; message not stored, not acknowledged');
      } else {
        this.counters.handled++;
      }
      try {
        settled(error);
      } catch (err) {
        this.logger.error({ err, topic: msg.topic }, 'mqtt: answering the sender failed');
      }
    };
    // A timeout answers the device (no ack) but the slot stays taken until the handler settles,
    // so a hung store cannot pile up unbounded work behind our back.
    const timer = setTimeout(() => finish(new Error(`handler timed out after ${this.limits.handlerTimeoutMs} ms`)), this.limits.handlerTimeoutMs);
    timer.unref();
    Promise.all(handlers.map((h) => Promise.resolve().then(() => h(msg)))).then(
      () => finish(null),
      (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
    ).finally(() => {
      clearTimeout(timer);
      this.release();
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      queueMicrotask(next);
      return;
    }
    this.running--;
    if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}

/**
 * Releases completions in arrival order: MQTT-4.6.0-2 wants PUBACKs in the order the PUBLISHes
 * came in, while handlers run concurrently. `size` counts a connection's pending messages.
 */
export class InOrder {
  private readonly entries: Array<{ release: (() => void) | undefined }> = [];
  private room: { below: number; resume: () => void } | undefined;

  get size(): number {
    return this.entries.length;
  }

  /** Call `resume` once fewer than `below` entries are pending (at once if already so); one waiter at a time. */
  whenBelow(below: number, resume: () => void): void {
    if (this.entries.length < below) return resume();
    this.room = { below, resume };
  }

  /** Reserve the next place; call the returned function with what to do when its turn comes. */
  reserve(): (release: () => void) => void {
    const entry: { release: (() => void) | undefined } = { release: undefined };
    this.entries.push(entry);
    return (release) => {
      entry.release = release;
      for (let head = this.entries[0]; head?.release; head = this.entries[0]) {
        this.entries.shift();
        head.release();
      }
      const room = this.room;
      if (room && this.entries.length < room.below) {
        this.room = undefined;
        room.resume();
      }
    };
  }
}

/** A warn log that, per reason, prints at most once per `intervalMs` and says how many it skipped. */
export function rateLimitedWarn(logger: Logger, intervalMs = 10_000): (reason: string, fields: Record<string, unknown>, msg: string) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (reason, fields, msg) => {
    const now = Date.now();
    const seen = last.get(reason);
    if (seen && now - seen.at < intervalMs) {
      seen.skipped++;
      return;
    }
    logger.warn({ ...fields, reason, skippedSinceLastLog: seen?.skipped ?? 0 }, msg);
    last.set(reason, { at: now, skipped: 0 });
  };
}
