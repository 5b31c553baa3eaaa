/** An event between modules, e.g. `iot.alarm.raised`. `id` is unique and used for de-duplication. */
export interface BusEvent<T = unknown> {
  id: string;
  subject: string;
  data: T;
  occurredAt: string;
}

export type BusHandler = (event: BusEvent) => Promise<void>;

export interface BusSubscription {
  stop(): Promise<void>;
}

export type BusEngine = 'memory' | 'nats';

/**
 * Events between modules. Producers do not publish directly: they write to the outbox in the
 * same transaction as their change (see `enqueueEvent`), and the relay publishes afterwards.
 * Delivery is at least once: handlers must be idempotent (use `event.id`).
 */
export interface Bus {
  readonly engine: BusEngine;
  publish(event: BusEvent): Promise<void>;
  /**
   * Deliver events whose subject matches `pattern` (NATS wildcards: `*` one token, `>` the rest)
   * to `handler`. `durable` names the consumer: nodes sharing a durable name split the events,
   * and a durable consumer resumes where it stopped.
   */
  subscribe(pattern: string, durable: string, handler: BusHandler): Promise<BusSubscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
