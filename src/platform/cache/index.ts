/**
 * What API nodes must share: rate-limit counters. In process by default; Redis when REDIS_URL is
 * set, so every node behind the load balancer counts against the same limit.
 */
import { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimiter {
  readonly engine: 'memory' | 'redis';
  /** Count one hit for `key` in a fixed window of `windowMs`; allowed while hits ≤ limit. */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryRateLimiter(opts: { maxKeys?: number } = {}): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const maxKeys = opts.maxKeys ?? 100_000;
  return {
    engine: 'memory',
    hit(key, limit, windowMs) {
      const now = Date.now();
      let w = windows.get(key);
      if (!w || w.resetAt <= now) {
        // Bound memory: sweep expired windows when the map grows large.
        if (windows.size >= maxKeys) for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k);
        if (windows.size >= maxKeys) windows.clear();
        w = { count: 0, resetAt: now + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return Promise.resolve({ allowed: w.count <= limit, remaining: Math.max(0, limit - w.count), resetMs: w.resetAt - now });
    },
    ping: () => Promise.resolve(),
    close() {
      windows.clear();
      return Promise.resolve();
    },
  };
}

// INCR and set the expiry on first hit atomically; returns [count, pttl].
const hitScript = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
return {c, t}`;

export async function createRedisRateLimiter(url: string, opts: { prefix?: string } = {}): Promise<RateLimiter> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  const prefix = opts.prefix ?? 'citybrain:rl:';
  return {
    engine: 'redis',
    async hit(key, limit, windowMs) {
      const [count, pttl] = (await redis.eval(hitScript, 1, prefix + key, String(windowMs))) as [number, number];
      return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetMs: pttl > 0 ? pttl : windowMs };
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit();
    },
  };
}

/** Counters live under `<namespace>:rl:` so platforms sharing one Redis keep separate limits. */
export function openRateLimiter(opts: { redisUrl?: string | undefined; namespace?: string }): Promise<RateLimiter> {
  return opts.redisUrl ? createRedisRateLimiter(opts.redisUrl, { prefix: `${opts.namespace ?? 'citybrain'}:rl:` }) : Promise.resolve(createMemoryRateLimiter());
}
