import { AckPolicy, DeliverPolicy, connect, headers, JSONCodec, type ConsumerMessages, type NatsConnection } from 'nats';
import type { Logger } from '../../kernel/index.ts';
import type { Bus, BusEvent, BusSubscription } from './types.ts';

const codec = JSONCodec<BusEvent>();

/**
 * NATS JetStream bus. One stream holds every platform event (`<prefix>.>`); each `durable`
 * is a JetStream durable pull consumer, so API nodes sharing it split the work and a restarted
 * node resumes where it stopped. The event id is the JetStream message id, so a re-published
 * outbox row inside the duplicate window is stored once.
 */
export async function createNatsBus(
  url: string,
  logger: Logger,
  opts: { stream?: string; prefix?: string; maxAgeDays?: number; deleteStreamOnClose?: boolean } = {},
): Promise<Bus> {
  const stream = opts.stream ?? 'CITYBRAIN';
  const prefix = opts.prefix ?? 'citybrain';
  const nc: NatsConnection = await connect({ servers: url, name: 'citybrain', maxReconnectAttempts: -1 });
  const jsm = await nc.jetstreamManager();
  const config = {
    name: stream,
    subjects: [`${prefix}.>`],
    max_age: (opts.maxAgeDays ?? 7) * 24 * 3600 * 1e9,
    duplicate_window: 2 * 60 * 1e9,
  };
  try {
    await jsm.streams.info(stream);
    await jsm.streams.update(stream, config);
  } catch {
    await jsm.streams.add(config);
  }
  const js = nc.jetstream();
  const running = new Set<ConsumerMessages>();

  return {
    engine: 'nats',
    async publish(event) {
      const h = headers();
      h.set('Nats-Msg-Id', event.id);
      await js.publish(`${prefix}.${event.subject}`, codec.encode(event), { msgID: event.id, headers: h });
    },
    async subscribe(pattern, durable, handler): Promise<BusSubscription> {
      const name = durable.replace(/[^A-Za-z0-9_-]/g, '_');
      await jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: `${prefix}.${pattern}`,
        ack_wait: 30e9,
        max_deliver: 20,
      });
      const consumer = await js.consumers.get(stream, name);
      const messages = await consumer.consume({ max_messages: 256 });
      running.add(messages);
      const loop = (async () => {
        for await (const m of messages) {
          let event: BusEvent;
          try {
            event = codec.decode(m.data);
          } catch (err) {
            logger.error({ err, subject: m.subject }, 'undecodable bus message; terminated');
            m.term();
            continue;
          }
          try {
            await handler(event);
            m.ack();
          } catch (err) {
            logger.warn({ err, subject: event.subject, eventId: event.id, redelivery: m.info.redeliveryCount }, 'bus handler failed; will retry');
            m.nak(Math.min(30_000, 200 * 2 ** m.info.redeliveryCount));
          }
        }
      })();
      return {
        async stop() {
          running.delete(messages);
          await messages.close();
          await loop;
        },
      };
    },
    async ping() {
      await nc.flush();
    },
    async close() {
      for (const m of running) await m.close();
      if (opts.deleteStreamOnClose) await jsm.streams.delete(stream);
      await nc.drain();
    },
  };
}
