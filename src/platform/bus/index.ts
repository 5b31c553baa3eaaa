/** Events between modules: in-process by default, NATS JetStream when NATS_URL is set; transactional outbox. */
import type { Logger } from '../../kernel/index.ts';
import { createMemoryBus } from './memory.ts';
import { createNatsBus } from './nats.ts';
import type { Bus } from './types.ts';

export type { Bus, BusEngine, BusEvent, BusHandler, BusSubscription } from './types.ts';
export { subjectMatches } from './subject.ts';
export { enqueueEvent, enqueueEvents, startOutboxRelay, type OutboxRelay } from './outbox.ts';
export { createMemoryBus, createNatsBus };

/** Open the configured bus: NATS JetStream at `natsUrl` if given, else in-process. */
export function openBus(opts: { natsUrl?: string | undefined; logger: Logger; stream?: string; prefix?: string }): Promise<Bus> {
  return opts.natsUrl
    ? createNatsBus(opts.natsUrl, opts.logger, { stream: opts.stream, prefix: opts.prefix })
    : Promise.resolve(createMemoryBus(opts.logger));
}
