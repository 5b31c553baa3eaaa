// API keys for machine clients: `cbk_<id>_<secret>`, scoped to permissions the owner holds,
// expiring, revocable; only SHA-256 of the secret is stored and the key is shown once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdentityContext } from './context.ts';
import { identityError } from './errors.ts';
import { actorOf, holds, type Principal } from './permissions.ts';
import type { ApiKeyRow } from './store.ts';

const MAX_DAYS = 366;
const keyShape = /^cbk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface PublicApiKey {
  id: string;
  ownerId: string;
  name: string;
  permissions: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function publicApiKey(k: ApiKeyRow, now: Date): PublicApiKey {
  return {
    id: k.id, ownerId: k.ownerId, name: k.name, permissions: k.permissions,
    createdAt: new Date(k.createdAt).toISOString(), expiresAt: new Date(k.expiresAt).toISOString(),
    revokedAt: iso(k.revokedAt), lastUsedAt: iso(k.lastUsedAt),
    state: k.revokedAt ? 'revoked' : k.expiresAt <= now ? 'expired' : 'active',
  };
}

export function createApiKeys(ctx: IdentityContext) {
  const { store, clock, audit } = ctx;
  return {
    /** Create a key for the caller; it may carry only permissions the caller holds. */
    async create(owner: Principal, input: { name: string; permissions: string[]; expiresInDays: number }): Promise<{ key: string; apiKey: PublicApiKey }> {
      if (owner.via === 'api_key') throw identityError('permission_denied', 'an API key cannot create API keys; sign in');
      if (!(input.expiresInDays > 0 && input.expiresInDays <= MAX_DAYS)) throw identityError('api_key_expiry_invalid', `a key expires within 1 to ${MAX_DAYS} days`, { field: 'expiresInDays' });
      for (const [i, p] of input.permissions.entries()) {
        if (!holds(owner, p)) throw identityError('api_key_scope_exceeds_owner', `you do not hold ${p}, so a key of yours cannot either`, { field: `permissions/${i}` });
      }
      const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
      const secret = randomBytes(32).toString('base64url');
      const now = clock.now();
      const row = { id, ownerId: owner.accountId, name: input.name, secretHash: secretHash(secret), permissions: input.permissions, createdAt: now, expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000) };
      await ctx.db.transaction(async (tx) => {
        await store.insertApiKey(row, tx);
        await audit.appendIn(tx, { actor: actorOf(owner), action: 'identity.apikey.create', target: `apikey:${id}`, outcome: 'success', details: { name: input.name, permissions: input.permissions, expiresAt: row.expiresAt.toISOString() } });
      });
      return { key: `cbk_${id}_${secret}`, apiKey: publicApiKey({ ...row, revokedAt: null, lastUsedAt: null }, now) };
    },

    async list(ownerId: string | undefined): Promise<PublicApiKey[]> {
      const now = clock.now();
      return (await store.apiKeys(ownerId)).map((k) => publicApiKey(k, now));
    },

    /** Revoke a key; `asAdmin` may revoke anyone's, otherwise only the caller's own. */
    async revoke(caller: Principal, id: string, asAdmin: boolean): Promise<PublicApiKey> {
      const key = await store.apiKey(id);
      if (!key || (!asAdmin && key.ownerId !== caller.accountId)) throw identityError('api_key_not_found', `no API key ${id}`, { field: 'id' });
      const now = clock.now();
      await ctx.principals.change([{ kind: 'api_key', keyId: id }], async (tx) => {
        await store.revokeApiKey(id, now, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.apikey.revoke', target: `apikey:${id}`, outcome: 'success', details: { owner: key.ownerId } });
      });
      return publicApiKey({ ...key, revokedAt: key.revokedAt ?? now }, now);
    },

    /** The key behind a bearer token, or undefined if malformed, unknown, expired or revoked. */
    async verify(bearer: string): Promise<ApiKeyRow | undefined> {
      const m = keyShape.exec(bearer);
      if (!m?.[1] || !m[2]) return undefined;
      const key = await store.apiKey(m[1]);
      if (!key || key.revokedAt || key.expiresAt <= clock.now()) return undefined;
      if (!timingSafeEqual(Buffer.from(key.secretHash), Buffer.from(secretHash(m[2])))) return undefined;
      const now = clock.now();
      // last_used_at is for people reading the key list: minute precision is plenty and spares a write per call.
      if (!key.lastUsedAt || now.getTime() - new Date(key.lastUsedAt).getTime() > 60_000) {
        await store.touchApiKey(key.id, now);
        return { ...key, lastUsedAt: now };
      }
      return key;
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
