import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../kernel/index.ts';
import { createPrincipalCache, PRINCIPAL_CHANGED } from './principal-cache.ts';
import type { Principal } from './permissions.ts';

const principal = (accountId: string): Principal => ({ accountId, kind: 'staff', login: accountId, displayName: accountId, via: 'session', grants: [], restriction: null });
const session = (tokenHash: string, accountId: string) => ({
  session: { tokenHash, accountId, createdAt: new Date(0), expiresAt: new Date(8.64e15), lastSeenAt: new Date(0), restriction: null },
  principal: principal(accountId),
});
const key = (keyId: string, accountId: string) => ({ keyId, expiresAt: new Date(8.64e15), lastUsedAt: null, principal: { ...principal(accountId), via: 'api_key' as const, apiKeyId: keyId } });

describe('principal cache', () => {
  it('keeps an entry for its TTL, counting hits and misses', () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const cache = createPrincipalCache(clock, { ttlMs: 5_000, maxEntries: 10 });
    expect(cache.session('s1')).toBeUndefined();
    cache.putSession('s1', session('s1', 'a'), cache.epoch());
    clock.advance(4_999);
    expect(cache.session('s1')?.principal.accountId).toBe('a');
    clock.advance(1);
    expect(cache.session('s1')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 0 });
  });

  it('drops the least recently used entry beyond its bound', () => {
    const cache = createPrincipalCache(fixedClock('2026-01-01T00:00:00Z'), { ttlMs: 5_000, maxEntries: 2 });
    cache.putSession('s1', session('s1', 'a'), cache.epoch());
    cache.putSession('s2', session('s2', 'b'), cache.epoch());
    expect(cache.session('s1')).toBeDefined();
    cache.putSession('s3', session('s3', 'c'), cache.epoch());
    expect(cache.session('s2')).toBeUndefined();
    expect(cache.session('s1')).toBeDefined();
    expect(cache.session('s3')).toBeDefined();
  });

  it('does not store what was loaded before a change committed', () => {
    const cache = createPrincipalCache(fixedClock('2026-01-01T00:00:00Z'), { ttlMs: 5_000, maxEntries: 10 });
    const loadedAt = cache.epoch();
    cache.invalidate({ kind: 'account', accountId: 'a' });
    cache.putSession('s1', session('s1', 'a'), loadedAt);
    expect(cache.session('s1')).toBeUndefined();
  });

  it('drops a session, an account’s sessions and keys, a key, or everything', async () => {
    const cache = createPrincipalCache(fixedClock('2026-01-01T00:00:00Z'), { ttlMs: 5_000, maxEntries: 10 });
    const fill = () => {
      cache.putSession('s1', session('s1', 'a'), cache.epoch());
      cache.putSession('s2', session('s2', 'b'), cache.epoch());
      cache.putApiKey('k1', key('K1', 'a'), cache.epoch());
      cache.putApiKey('k2', key('K2', 'b'), cache.epoch());
    };
    const present = () => [cache.session('s1'), cache.session('s2'), cache.apiKey('k1'), cache.apiKey('k2')].map((e) => e !== undefined);
    fill();
    cache.invalidate({ kind: 'session', tokenHash: 's1' });
    expect(present()).toEqual([false, true, true, true]);
    fill();
    cache.invalidate({ kind: 'account', accountId: 'a' });
    expect(present()).toEqual([false, true, false, true]);
    fill();
    cache.invalidate({ kind: 'api_key', keyId: 'K2' });
    expect(present()).toEqual([true, true, true, false]);
    fill();
    // From the bus: a malformed change is ignored, a good one applied.
    await cache.onBusEvent({ id: '1', subject: PRINCIPAL_CHANGED, data: { kind: 'account' }, occurredAt: '' });
    expect(present()).toEqual([true, true, true, true]);
    await cache.onBusEvent({ id: '2', subject: PRINCIPAL_CHANGED, data: { kind: 'all' }, occurredAt: '' });
    expect(present()).toEqual([false, false, false, false]);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = createPrincipalCache(fixedClock('2026-01-01T00:00:00Z'), { ttlMs: 0, maxEntries: 10 });
    cache.putSession('s1', session('s1', 'a'), cache.epoch());
    expect(cache.session('s1')).toBeUndefined();
  });
});
