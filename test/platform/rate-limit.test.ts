import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from '../../src/platform/index.ts';

const engines: Array<{ name: string; open: () => Promise<RateLimiter>; enabled: boolean }> = [
  { name: 'in-process', open: () => Promise.resolve(createMemoryRateLimiter()), enabled: true },
  { name: 'Redis', open: () => createRedisRateLimiter(process.env.REDIS_URL ?? '', { prefix: `t:${randomUUID()}:` }), enabled: Boolean(process.env.REDIS_URL) },
];

for (const engine of engines) {
  describe.skipIf(!engine.enabled)(`rate limiter on ${engine.name}`, () => {
    it('allows up to the limit in a window, refuses the next, and allows again after the window', async () => {
      const rl = await engine.open();
      const key = `client-${randomUUID()}`;
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await rl.hit(key, 5, 300));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(decisions[4]?.remaining).toBe(0);
      expect(decisions[5]?.resetMs).toBeGreaterThan(0);
      expect(decisions[5]?.resetMs).toBeLessThanOrEqual(300);
      await new Promise((r) => setTimeout(r, 350));
      expect((await rl.hit(key, 5, 300)).allowed).toBe(true);
      await rl.close();
    });

    it('counts each key separately', async () => {
      const rl = await engine.open();
      const a = `a-${randomUUID()}`;
      const b = `b-${randomUUID()}`;
      await rl.hit(a, 1, 10_000);
      expect((await rl.hit(a, 1, 10_000)).allowed).toBe(false);
      expect((await rl.hit(b, 1, 10_000)).allowed).toBe(true);
      await rl.close();
    });
  });
}

describe.skipIf(!process.env.REDIS_URL)('rate limit shared across API nodes (needs REDIS_URL)', () => {
  it('two nodes on one Redis share one budget', async () => {
    const prefix = `t:${randomUUID()}:`;
    const node1 = await createRedisRateLimiter(process.env.REDIS_URL ?? '', { prefix });
    const node2 = await createRedisRateLimiter(process.env.REDIS_URL ?? '', { prefix });
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await (i % 2 ? node2 : node1).hit('ip:10.0.0.1', 3, 10_000)).allowed);
    expect(results).toEqual([true, true, true, false]);
    await node1.close();
    await node2.close();
  });
});
