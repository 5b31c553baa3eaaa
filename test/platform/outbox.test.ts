import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/index.ts';
import { createMemoryBus, enqueueEvent, openPostgres, startOutboxRelay, type Bus, type BusEvent } from '../../src/platform/index.ts';
import { forEachDatabase, openTestDatabase } from '../support/databases.ts';

const logger = createLogger({ level: 'silent' });

async function collect(bus: Bus, pattern: string, durable = 'test') {
  const seen: BusEvent[] = [];
  await bus.subscribe(pattern, durable, (e) => {
    seen.push(e);
    return Promise.resolve();
  });
  return seen;
}

forEachDatabase('transactional outbox', {}, (ctx) => {
  it('publishes an event only when the change that caused it commits', async () => {
    const { db } = ctx;
    await db.exec('CREATE TABLE ob_things (name text)');
    const bus = createMemoryBus(logger);
    const seen = await collect(bus, 'things.>');
    const relay = startOutboxRelay(db, bus, logger, { intervalMs: 60_000 });
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO ob_things VALUES ($1)', ['committed']);
      await enqueueEvent(tx, 'things.thing.created', { name: 'committed' });
    });
    await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO ob_things VALUES ($1)', ['rolled back']);
        await enqueueEvent(tx, 'things.thing.created', { name: 'rolled back' });
        throw new Error('abort');
      })
      .catch(() => undefined);
    await relay.flush();
    expect(seen.map((e) => e.data)).toEqual([{ name: 'committed' }]);
    const { rows } = await db.query<{ pending: number }>('SELECT count(*)::int pending FROM platform_outbox WHERE published_at IS NULL');
    expect(rows[0]?.pending).toBe(0);
    await relay.stop();
  });

  it('delivers events recorded before a crash when the next process starts its relay', async () => {
    const { db } = ctx;
    // The "crashed" process wrote events but never ran a relay.
    for (let i = 0; i < 5; i++) await db.transaction((tx) => enqueueEvent(tx, 'crash.test.item', { i }));
    const bus = createMemoryBus(logger);
    const seen = await collect(bus, 'crash.>');
    const relay = startOutboxRelay(db, bus, logger, { intervalMs: 60_000 });
    await relay.flush();
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    await relay.stop();
  });

  it('keeps an event whose publication failed and publishes it on a later attempt', async () => {
    const { db } = ctx;
    let fail = true;
    const delivered: unknown[] = [];
    const flaky: Bus = {
      engine: 'memory',
      publish(e) {
        if (fail) return Promise.reject(new Error('broker down'));
        delivered.push(e.data);
        return Promise.resolve();
      },
      subscribe: () => Promise.reject(new Error('unused')),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const relay = startOutboxRelay(db, flaky, logger, { intervalMs: 60_000 });
    await db.transaction((tx) => enqueueEvent(tx, 'flaky.test.item', { n: 1 }));
    await relay.flush();
    expect(delivered).toEqual([]);
    expect(relay.stats().failed).toBeGreaterThan(0);
    fail = false;
    await relay.flush();
    expect(delivered).toEqual([{ n: 1 }]);
    await relay.stop();
  });

  it('refuses a malformed subject instead of writing it', async () => {
    await expect(ctx.db.transaction((tx) => enqueueEvent(tx, 'Not A Subject', {}))).rejects.toThrow(/bad event subject/);
  });
});

// One process owns an embedded database; several API nodes need PostgreSQL.
describe.skipIf(!process.env.DATABASE_URL)('outbox relay on several API nodes (needs DATABASE_URL)', () => {
  it('lets two API nodes relay from one PostgreSQL without losing or doubling events', async () => {
    const { db, url, close } = await openTestDatabase('postgres');
    if (!url) throw new Error('expected a PostgreSQL URL');
    const second = await openPostgres(url);
    const bus = createMemoryBus(logger);
    const seen = await collect(bus, 'multi.>');
    for (let i = 0; i < 300; i++) await db.transaction((tx) => enqueueEvent(tx, 'multi.node.item', { i }));
    const r1 = startOutboxRelay(db, bus, logger, { intervalMs: 60_000, batch: 20 });
    const r2 = startOutboxRelay(second, bus, logger, { intervalMs: 60_000, batch: 20 });
    await Promise.all([r1.flush(), r2.flush()]);
    await Promise.all([r1.flush(), r2.flush()]);
    const values = seen.map((e) => (e.data as { i: number }).i).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await r1.stop();
    await r2.stop();
    await second.close();
    await close();
  });
});
