// 凭据缓存 principal cache: the access hook's answer for a session or an API key, kept a few seconds
// (least recently used out first) so that a request does not load the session, the account and its
// grants from the database each time. Whatever makes a cached principal wrong — sign-out, a session
// revoked or restricted, an account disabled, a grant or role changed, a password changed, an API
// key revoked — is written to the outbox in the transaction of the change and dropped from this
// node's cache at once; every node subscribes under its own durable name and drops it on arrival
// (docs/adr/007-principal-cache.md). The TTL bounds what a lost message could cost.
import type { Clock } from '../../kernel/index.ts';
import { enqueueEvent, type BusEvent, type Database, type OutboxRelay, type Queryable } from '../../platform/index.ts';
import type { Principal } from './permissions.ts';
import type { SessionRow } from './store.ts';

/** A change that makes cached principals wrong. */
export type PrincipalChange =
  | { kind: 'session'; tokenHash: string }
  | { kind: 'account'; accountId: string }
  | { kind: 'api_key'; keyId: string }
  /** A role's permissions changed or the role is gone: every holder. */
  | { kind: 'all' };

/** Bus subject of principal changes (published through the outbox). */
export const PRINCIPAL_CHANGED = 'identity.principal.changed';

export interface CachedSession {
  session: SessionRow;
  principal: Principal;
}

export interface CachedApiKey {
  keyId: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  principal: Principal;
}

type Entry = { until: number; accountId: string } & ({ kind: 'session'; value: CachedSession } | { kind: 'api_key'; value: CachedApiKey });

export interface PrincipalCacheSettings {
  /** How long a principal is kept; 0 turns the cache off. */
  ttlMs: number;
  /** At most this many principals (sessions and API keys together), least recently used out first. */
  maxEntries: number;
}

export interface PrincipalCacheStats {
  entries: number;
  hits: number;
  misses: number;
  /** Changes applied (local and from the bus). */
  invalidations: number;
}

function isPrincipalChange(data: unknown): data is PrincipalChange {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  switch (d.kind) {
    case 'session': return typeof d.tokenHash === 'string';
    case 'account': return typeof d.accountId === 'string';
    case 'api_key': return typeof d.keyId === 'string';
    case 'all': return true;
    default: return false;
  }
}

export function createPrincipalCache(clock: Clock, settings: PrincipalCacheSettings) {
  const entries = new Map<string, Entry>();
  // Bumped by every change: a load that started before a change may have read what the change
  // replaced, so it is not stored (a change committed while the load was in flight).
  let epoch = 0;
  let hits = 0;
  let misses = 0;
  let invalidations = 0;

  function get(key: string): Entry | undefined {
    if (settings.ttlMs <= 0) return undefined;
    const e = entries.get(key);
    if (!e || e.until <= clock.now().getTime()) {
      if (e) entries.delete(key);
      misses++;
      return undefined;
    }
    // Least recently used first out: a hit moves the entry to the end.
    entries.delete(key);
    entries.set(key, e);
    hits++;
    return e;
  }

  function put(key: string, entry: Omit<Entry, 'until'>, loadedAt: number): void {
    if (settings.ttlMs <= 0 || loadedAt !== epoch) return;
    entries.delete(key);
    entries.set(key, { ...entry, until: clock.now().getTime() + settings.ttlMs } as Entry);
    while (entries.size > settings.maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  /** Record a use in the cached value, keeping its expiry (the TTL counts from the load). */
  function touch(key: string, at: Date): void {
    const e = entries.get(key);
    if (!e) return;
    if (e.kind === 'session') e.value = { ...e.value, session: { ...e.value.session, lastSeenAt: at } };
    else e.value = { ...e.value, lastUsedAt: at };
  }

  const listeners: Array<(change: PrincipalChange) => void> = [];

  function invalidate(change: PrincipalChange): void {
    epoch++;
    invalidations++;
    for (const l of listeners) l(change);
    if (change.kind === 'all') {
      entries.clear();
      return;
    }
    if (change.kind === 'session') {
      entries.delete(`s:${change.tokenHash}`);
      return;
    }
    // Rare (an administrator's action): a scan of at most maxEntries.
    for (const [key, e] of entries) {
      if (change.kind === 'account' ? e.accountId === change.accountId : e.kind === 'api_key' && e.value.keyId === change.keyId) entries.delete(key);
    }
  }

  return {
    /** Taken before loading a principal from the database; hand it to `put*`. */
    epoch: () => epoch,
    session: (tokenHash: string): CachedSession | undefined => {
      const e = get(`s:${tokenHash}`);
      return e?.kind === 'session' ? e.value : undefined;
    },
    apiKey: (bearerHash: string): CachedApiKey | undefined => {
      const e = get(`k:${bearerHash}`);
      return e?.kind === 'api_key' ? e.value : undefined;
    },
    putSession: (tokenHash: string, value: CachedSession, loadedAt: number) => put(`s:${tokenHash}`, { kind: 'session', accountId: value.principal.accountId, value }, loadedAt),
    putApiKey: (bearerHash: string, value: CachedApiKey, loadedAt: number) => put(`k:${bearerHash}`, { kind: 'api_key', accountId: value.principal.accountId, value }, loadedAt),
    touchSession: (tokenHash: string, at: Date) => touch(`s:${tokenHash}`, at),
    touchApiKey: (bearerHash: string, at: Date) => touch(`k:${bearerHash}`, at),
    /** Drop one entry of this node only (a session found expired). */
    forgetSession: (tokenHash: string) => entries.delete(`s:${tokenHash}`),
    invalidate,
    /** A change from the bus (any node, this one included); anything else is ignored. */
    onBusEvent(event: BusEvent): Promise<void> {
      if (isPrincipalChange(event.data)) invalidate(event.data);
      return Promise.resolve();
    },
    stats: (): PrincipalCacheStats => ({ entries: entries.size, hits, misses, invalidations }),
    /** Also told of every invalidation (caches of what hangs off an account, e.g. the org directory's). */
    onInvalidate(listener: (change: PrincipalChange) => void): void {
      listeners.push(listener);
    },
    /** How long entries live, for caches that follow this one. */
    ttlMs: settings.ttlMs,
  };
}

export type PrincipalCache = ReturnType<typeof createPrincipalCache>;

/** The cache, and the one way to change what it holds. */
export function createPrincipals(deps: { db: Database; clock: Clock; relay?: OutboxRelay | undefined; settings: PrincipalCacheSettings }) {
  const cache = createPrincipalCache(deps.clock, deps.settings);
  const dropAll = (changes: readonly PrincipalChange[]) => {
    for (const c of changes) cache.invalidate(c);
  };
  return {
    cache,
    /**
     * Run `work` in one transaction that also records `changes` in the outbox (so other nodes drop
     * them once it commits). This node drops them before — a request arriving meanwhile goes to
     * the database — and again after the commit, so nothing loaded in between survives.
     */
    async change<T>(changes: readonly PrincipalChange[], work: (tx: Queryable) => Promise<T>): Promise<T> {
      if (changes.length === 0) return deps.db.transaction(work);
      dropAll(changes);
      const result = await deps.db.transaction(async (tx) => {
        const r = await work(tx);
        for (const c of changes) await enqueueEvent(tx, PRINCIPAL_CHANGED, c);
        return r;
      });
      dropAll(changes);
      deps.relay?.kick();
      return result;
    },
  };
}

export type Principals = ReturnType<typeof createPrincipals>;
