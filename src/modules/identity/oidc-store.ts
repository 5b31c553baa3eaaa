// SQL of the identity_oidc_* tables: oidc-provider's adapter, the registered clients, the keys.
// Client secrets and the provider's keys (RS256 signing key, cookie keys, pairwise salt) are sealed
// with the platform's SM4 field key (sm4f1 tokens bound to their row); values stored in the clear by
// earlier versions are read as they are and sealed at the next start (sealStoredSecrets).
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../kernel/index.ts';
import { isSealedField, type Database, type FieldSealer, type Queryable } from '../../platform/index.ts';

export interface OidcClientRow {
  clientId: string;
  name: string;
  ownerUnit: string;
  confidential: boolean;
  secret: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  scopes: string[];
  firstParty: boolean;
  status: 'active' | 'disabled';
  createdAt: Date;
  createdBy: string;
  secretRotatedAt: Date | null;
}

const CLIENT_SELECT = `SELECT client_id AS "clientId", name, owner_unit AS "ownerUnit", confidential, secret, redirect_uris AS "redirectUris",
  post_logout_redirect_uris AS "postLogoutRedirectUris", backchannel_logout_uri AS "backchannelLogoutUri", scopes, first_party AS "firstParty",
  status, created_at AS "createdAt", created_by AS "createdBy", secret_rotated_at AS "secretRotatedAt" FROM identity_oidc_clients`;

/** The provider's view of a registered client (RFC 7591 metadata). */
export function clientMetadata(c: OidcClientRow): Record<string, unknown> {
  return {
    client_id: c.clientId,
    client_name: c.name,
    ...(c.confidential && c.secret ? { client_secret: c.secret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    ...(c.backchannelLogoutUri ? { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: c.scopes.join(' '),
    subject_type: 'pairwise',
  };
}

/** Associated data of a sealed value: the column and the row, so a token copied elsewhere does not open. */
const secretAad = (clientId: string) => `identity_oidc_clients.secret:${clientId}`;
const keyAad = (name: string) => `identity_oidc_keys.value:${name}`;

/** A key row's value: sealed (`{ sealed: 'sm4f1.…' }`), or `{ v: … }` in the clear from before sealing. */
type KeyValue = { sealed: string } | { v: unknown };

export function createOidcStore(db: Database, clock: Clock, sealer: FieldSealer) {
  const one = async <T>(q: Queryable, sql: string, params: unknown[]): Promise<T | undefined> => (await q.query<T>(sql, params)).rows[0];

  const openSecret = (row: OidcClientRow): OidcClientRow => (row.secret === null ? row : { ...row, secret: openSealed(row.secret, secretAad(row.clientId), `the secret of client ${row.clientId}`) });
  const sealSecret = (clientId: string, secret: string | null): string | null => (secret === null ? null : sealer.seal(secret, secretAad(clientId)));

  function openSealed(stored: string, aad: string, what: string): string {
    try {
      return sealer.open(stored, aad);
    } catch (err) {
      // Not an AppError: a node with another field key is misconfigured, not a bad request.
      throw new Error(`${what} does not open (altered, or sealed with another field key): every API node must use the same CITYBRAIN_FIELD_KEY`, { cause: err });
    }
  }

  const client = async (id: string, q: Queryable = db) => {
    const row = await one<OidcClientRow>(q, `${CLIENT_SELECT} WHERE client_id = $1`, [id]);
    return row && openSecret(row);
  };

  /** An oidc-provider Adapter class over identity_oidc_state (and identity_oidc_clients for `Client`). */
  function adapterClass(): new (model: string) => Adapter {
    return class DatabaseAdapter implements Adapter {
      constructor(readonly model: string) {}

      async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
        const expiresAt = expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null;
        await db.query(
          `INSERT INTO identity_oidc_state (model, id, payload, grant_id, user_code, uid, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
           ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
             uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
          [this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresAt],
        );
      }

      private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
        const row = await one<{ payload: AdapterPayload | string; consumedAt: Date | null }>(
          db,
          `SELECT payload, consumed_at AS "consumedAt" FROM identity_oidc_state
           WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > $3)`,
          [this.model, value, clock.now()],
        );
        if (!row) return undefined;
        const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as AdapterPayload) : row.payload;
        return row.consumedAt ? { ...payload, consumed: Math.floor(new Date(row.consumedAt).getTime() / 1000) } : payload;
      }

      async find(id: string): Promise<AdapterPayload | undefined> {
        if (this.model === 'Client') {
          const c = await client(id);
          return c && c.status === 'active' ? clientMetadata(c) : undefined;
        }
        return this.findWhere('id', id);
      }

      findByUid(uid: string) {
        return this.findWhere('uid', uid);
      }

      findByUserCode(userCode: string) {
        return this.findWhere('user_code', userCode);
      }

      async consume(id: string): Promise<void> {
        await db.query('UPDATE identity_oidc_state SET consumed_at = $3 WHERE model = $1 AND id = $2', [this.model, id, clock.now()]);
      }

      async destroy(id: string): Promise<void> {
        await db.query('DELETE FROM identity_oidc_state WHERE model = $1 AND id = $2', [this.model, id]);
      }

      async revokeByGrantId(grantId: string): Promise<void> {
        await db.query('DELETE FROM identity_oidc_state WHERE grant_id = $1', [grantId]);
      }
    };
  }

  const sealKey = (name: string, value: unknown): KeyValue => ({ sealed: sealer.seal(JSON.stringify(value), keyAad(name)) });

  /** A key generated once and kept: concurrent first starts of several nodes agree on one value. */
  async function keyOnce<T>(name: string, generate: () => T): Promise<T> {
    // Wrapped in an object: drivers hand a top-level JSON string back either parsed or not.
    await db.query('INSERT INTO identity_oidc_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [name, JSON.stringify(sealKey(name, generate())), clock.now()]);
    const row = await one<{ value: KeyValue | string }>(db, 'SELECT value FROM identity_oidc_keys WHERE name = $1', [name]);
    if (!row) throw new Error(`identity_oidc_keys has no ${name}`);
    const value = typeof row.value === 'string' ? (JSON.parse(row.value) as KeyValue) : row.value;
    return ('sealed' in value ? JSON.parse(openSealed(value.sealed, keyAad(name), `identity_oidc_keys.${name}`)) : value.v) as T;
  }

  return {
    adapterClass,
    client,
    clients: async () => (await db.query<OidcClientRow>(`${CLIENT_SELECT} ORDER BY first_party DESC, name`)).rows.map(openSecret),
    async insertClient(c: OidcClientRow, q: Queryable = db): Promise<void> {
      await q.query(
        `INSERT INTO identity_oidc_clients (client_id, name, owner_unit, confidential, secret, redirect_uris, post_logout_redirect_uris,
           backchannel_logout_uri, scopes, first_party, status, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
         ON CONFLICT (client_id) DO NOTHING`,
        [c.clientId, c.name, c.ownerUnit, c.confidential, sealSecret(c.clientId, c.secret), c.redirectUris, c.postLogoutRedirectUris, c.backchannelLogoutUri, c.scopes, c.firstParty, c.status, c.createdAt, c.createdBy],
      );
    },
    async updateClient(c: Pick<OidcClientRow, 'clientId' | 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'scopes'>, q: Queryable = db): Promise<void> {
      await q.query(
        `UPDATE identity_oidc_clients SET name = $2, redirect_uris = $3, post_logout_redirect_uris = $4, backchannel_logout_uri = $5, scopes = $6 WHERE client_id = $1`,
        [c.clientId, c.name, c.redirectUris, c.postLogoutRedirectUris, c.backchannelLogoutUri, c.scopes],
      );
    },
    async setClientSecret(id: string, secret: string, q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_oidc_clients SET secret = $2, secret_rotated_at = $3 WHERE client_id = $1', [id, sealSecret(id, secret), clock.now()]);
    },
    async setClientStatus(id: string, status: OidcClientRow['status'], q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_oidc_clients SET status = $2 WHERE client_id = $1', [id, status]);
    },
    /** Every token, code and grant an account holds (account disabled: they stop working). */
    async revokeAccount(accountId: string, q: Queryable = db): Promise<void> {
      await q.query(`DELETE FROM identity_oidc_state WHERE payload->>'accountId' = $1`, [accountId]);
    },
    /** The provider session a browser holds (its session cookie carries the session id). */
    async sessionById(id: string): Promise<{ id: string; accountId?: string; authorizations: Record<string, { sid?: string; grantId?: string }> } | undefined> {
      const row = await one<{ id: string; payload: Record<string, unknown> | string }>(db, "SELECT id, payload FROM identity_oidc_state WHERE model = 'Session' AND id = $1", [id]);
      if (!row) return undefined;
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { accountId?: string; authorizations?: Record<string, { sid?: string; grantId?: string }> };
      return { id: row.id, accountId: payload.accountId, authorizations: payload.authorizations ?? {} };
    },
    /** End a provider session: the session, its grants and every token issued under them. */
    async endSession(id: string, grantIds: readonly string[], q: Queryable = db): Promise<void> {
      await q.query("DELETE FROM identity_oidc_state WHERE (model = 'Session' AND id = $1) OR grant_id = ANY($2::text[]) OR (model = 'Grant' AND id = ANY($2::text[]))", [id, grantIds]);
    },
    /** 授权管理: the applications an account has granted access to (one grant per application, newest first). */
    async grantsOf(accountId: string): Promise<Array<{ grantId: string; clientId: string; scope: string; grantedAt: Date | null }>> {
      const { rows } = await db.query<{ id: string; payload: Record<string, unknown> | string }>(
        "SELECT id, payload FROM identity_oidc_state WHERE model = 'Grant' AND payload->>'accountId' = $1 AND (expires_at IS NULL OR expires_at > $2)",
        [accountId, clock.now()],
      );
      return rows
        .map((r) => {
          const p = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { clientId?: string; iat?: number; openid?: { scope?: string } };
          return { grantId: r.id, clientId: p.clientId ?? '', scope: p.openid?.scope ?? '', grantedAt: p.iat ? new Date(p.iat * 1000) : null };
        })
        .sort((a, b) => (b.grantedAt?.getTime() ?? 0) - (a.grantedAt?.getTime() ?? 0));
    },
    /** Withdraw an account's consent to one application: its grants and every token issued under them. */
    async revokeGrantsOf(accountId: string, clientId: string, q: Queryable = db): Promise<number> {
      const ids = (await q.query<{ id: string }>(
        "SELECT id FROM identity_oidc_state WHERE model = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = $2",
        [accountId, clientId],
      )).rows.map((r) => r.id);
      if (ids.length === 0) return 0;
      await q.query("DELETE FROM identity_oidc_state WHERE grant_id = ANY($1::text[]) OR (model = 'Grant' AND id = ANY($1::text[]))", [ids]);
      return ids.length;
    },
    /** Every artefact issued to a client (client disabled). */
    async revokeClient(clientId: string, q: Queryable = db): Promise<void> {
      await q.query(`DELETE FROM identity_oidc_state WHERE payload->>'clientId' = $1`, [clientId]);
    },
    /** Drop expired rows (the provider never reads them; this only keeps the table small). */
    async purgeExpired(): Promise<number> {
      return (await db.query('DELETE FROM identity_oidc_state WHERE expires_at <= $1', [clock.now()])).rowCount;
    },

    /**
     * Seal what an earlier version stored in the clear: the provider's keys and the client secrets.
     * Each row is rewritten only if it is still the value read, so concurrent starts of several
     * nodes agree. Returns how many values were sealed.
     */
    async sealStoredSecrets(): Promise<number> {
      let sealed = 0;
      const keys = (await db.query<{ name: string; value: KeyValue | string }>("SELECT name, value FROM identity_oidc_keys WHERE value->>'sealed' IS NULL")).rows;
      for (const k of keys) {
        const value = typeof k.value === 'string' ? (JSON.parse(k.value) as KeyValue) : k.value;
        if (!('v' in value)) continue;
        const r = await db.query("UPDATE identity_oidc_keys SET value = $2 WHERE name = $1 AND value->>'sealed' IS NULL", [k.name, JSON.stringify(sealKey(k.name, value.v))]);
        sealed += r.rowCount;
      }
      const clients = (await db.query<{ clientId: string; secret: string }>('SELECT client_id AS "clientId", secret FROM identity_oidc_clients WHERE secret IS NOT NULL')).rows;
      for (const c of clients) {
        if (isSealedField(c.secret)) continue;
        const r = await db.query('UPDATE identity_oidc_clients SET secret = $2 WHERE client_id = $1 AND secret = $3', [c.clientId, sealSecret(c.clientId, c.secret), c.secret]);
        sealed += r.rowCount;
      }
      return sealed;
    },

    /** RS256 signing keys, cookie-signing keys and the pairwise salt, generated on first start. */
    async secrets(): Promise<{ jwks: { keys: Array<Record<string, unknown>> }; cookieKeys: string[]; pairwiseSalt: string }> {
      const jwks = await keyOnce('jwks', () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' }] };
      });
      const cookieKeys = await keyOnce('cookie_keys', () => [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')]);
      const pairwiseSalt = await keyOnce('pairwise_salt', () => randomBytes(32).toString('base64url'));
      return { jwks, cookieKeys, pairwiseSalt };
    },
  };
}

export type OidcStore = ReturnType<typeof createOidcStore>;
