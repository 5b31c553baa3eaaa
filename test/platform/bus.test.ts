import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/index.ts';
import { createMemoryBus, createNatsBus, subjectMatches, type Bus, type BusEvent } from '../../src/platform/index.ts';

const logger = createLogger({ level: 'silent' });

function event(subject: string, data: unknown): BusEvent {
  return { id: randomUUID(), subject, data, occurredAt: new Date().toISOString() };
}

function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (check() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(tick, 20));
    tick();
  });
}

describe('subject patterns', () => {
  it('match NATS-style wildcards', () => {
    expect(subjectMatches('iot.alarm.*', 'iot.alarm.raised')).toBe(true);
    expect(subjectMatches('iot.>', 'iot.alarm.raised')).toBe(true);
    expect(subjectMatches('iot.*', 'iot.alarm.raised')).toBe(false);
    expect(subjectMatches('iot.alarm.raised', 'iot.alarm.cleared')).toBe(false);
    expect(subjectMatches('>', 'a.b')).toBe(true);
  });
});

const engines: Array<{ name: string; open: () => Promise<Bus>; enabled: boolean }> = [
  { name: 'in-process', open: () => Promise.resolve(createMemoryBus(logger, { retryDelayMs: 5 })), enabled: true },
  {
    name: 'NATS JetStream',
    // A stream per run keeps runs independent of each other on the shared server.
    open: () => createNatsBus(process.env.NATS_URL ?? '', logger, { stream: `T${randomUUID().slice(0, 8)}`, prefix: `t${randomUUID().slice(0, 8)}`, deleteStreamOnClose: true }),
    enabled: Boolean(process.env.NATS_URL),
  },
];

for (const engine of engines) {
  describe.skipIf(!engine.enabled)(`bus on ${engine.name}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await engine.open();
    });
    afterAll(async () => {
      await bus.close();
    });

    it('delivers an event to every durable consumer whose pattern matches, and not to others', async () => {
      const a: string[] = [];
      const b: string[] = [];
      const other: string[] = [];
      const s1 = await bus.subscribe('city.resident.*', 'consumer-a', (e) => {
        a.push(e.subject);
        return Promise.resolve();
      });
      const s2 = await bus.subscribe('city.>', 'consumer-b', (e) => {
        b.push(e.subject);
        return Promise.resolve();
      });
      const s3 = await bus.subscribe('iot.>', 'consumer-c', (e) => {
        other.push(e.subject);
        return Promise.resolve();
      });
      await bus.publish(event('city.resident.registered', { n: 1 }));
      await bus.publish(event('city.enterprise.registered', { n: 2 }));
      await waitFor(() => a.length === 1 && b.length === 2);
      expect(a).toEqual(['city.resident.registered']);
      expect(b.sort()).toEqual(['city.enterprise.registered', 'city.resident.registered']);
      expect(other).toEqual([]);
      await Promise.all([s1.stop(), s2.stop(), s3.stop()]);
    });

    it('splits events between subscribers sharing a durable name, each event handled once', async () => {
      const seen: string[] = [];
      const handler = (e: BusEvent) => {
        seen.push(e.id);
        return Promise.resolve();
      };
      const s1 = await bus.subscribe('split.test.*', 'shared-workers', handler);
      const s2 = await bus.subscribe('split.test.*', 'shared-workers', handler);
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const e = event('split.test.item', { i });
        ids.push(e.id);
        await bus.publish(e);
      }
      await waitFor(() => seen.length >= 50);
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.sort()).toEqual(ids.sort());
      await Promise.all([s1.stop(), s2.stop()]);
    });

    it('retries a failing handler until it succeeds', async () => {
      let attempts = 0;
      const handled: unknown[] = [];
      const s = await bus.subscribe('retry.test.*', 'retrying', (e) => {
        attempts++;
        if (attempts < 3) return Promise.reject(new Error('transient'));
        handled.push(e.data);
        return Promise.resolve();
      });
      await bus.publish(event('retry.test.once', { ok: true })).catch(() => undefined);
      await waitFor(() => handled.length === 1);
      expect(attempts).toBe(3);
      expect(handled).toEqual([{ ok: true }]);
      await s.stop();
    });
  });
}
