// 应用接入 client registration: an administrator registers a department's application as an
// OpenID Connect client, sees its secret once, rotates it, disables it. Every change is audited.
import { randomBytes } from 'node:crypto';
import type { IdentityContext } from './context.ts';
import { CITY_UNIT } from './directory.ts';
import { identityError } from './errors.ts';
import { OIDC_SCOPES } from './oidc.ts';
import type { OidcClientRow, OidcStore } from './oidc-store.ts';
import { actorOf, type Principal } from './permissions.ts';

export interface ClientInput {
  name: string;
  ownerUnit: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  confidential: boolean;
  scopes: string[];
}

/** An application the account has granted access to. */
export interface MyApplication {
  clientId: string;
  name: string;
  ownerUnit: string;
  scopes: string[];
  grantedAt: string | null;
}

export interface PublicClient {
  clientId: string;
  name: string;
  ownerUnit: string;
  confidential: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  scopes: string[];
  firstParty: boolean;
  status: 'active' | 'disabled';
  createdAt: string;
  secretRotatedAt: string | null;
}

export const publicClient = (c: OidcClientRow): PublicClient => ({
  clientId: c.clientId, name: c.name, ownerUnit: c.ownerUnit, confidential: c.confidential, redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris, backchannelLogoutUri: c.backchannelLogoutUri, scopes: c.scopes, firstParty: c.firstParty,
  status: c.status, createdAt: new Date(c.createdAt).toISOString(), secretRotatedAt: c.secretRotatedAt ? new Date(c.secretRotatedAt).toISOString() : null,
});

const newSecret = () => randomBytes(32).toString('base64url');

/** Check what the provider would refuse, naming the field: absolute http(s) URIs, one host (pairwise `sub`), known scopes. */
export function checkClientInput(input: ClientInput): void {
  const uri = (v: string, field: string) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw identityError('client_invalid', `${v} is not an absolute URI`, { field });
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw identityError('client_invalid', `${v}: only http and https URIs`, { field });
    if (u.hash) throw identityError('client_invalid', `${v}: no fragment allowed`, { field });
    return u;
  };
  const hosts = new Set(input.redirectUris.map((v, i) => uri(v, `redirectUris/${i}`).host));
  if (hosts.size > 1) throw identityError('client_invalid', 'all redirect URIs must be on one host (the pseudonymous sub is computed per application)', { field: 'redirectUris' });
  (input.postLogoutRedirectUris ?? []).forEach((v, i) => uri(v, `postLogoutRedirectUris/${i}`));
  if (input.backchannelLogoutUri) uri(input.backchannelLogoutUri, 'backchannelLogoutUri');
  input.scopes.forEach((s, i) => {
    if (!(OIDC_SCOPES as readonly string[]).includes(s)) throw identityError('client_invalid', `unknown scope ${s} (known: ${OIDC_SCOPES.join(', ')})`, { field: `scopes/${i}` });
  });
  if (!input.scopes.includes('openid')) throw identityError('client_invalid', 'the scopes must include openid', { field: 'scopes' });
}

export function createClients(ctx: IdentityContext, oidcStore: OidcStore) {
  const { store, audit, clock } = ctx;

  async function get(id: string): Promise<OidcClientRow> {
    const c = await oidcStore.client(id);
    if (!c) throw identityError('client_not_found', `no client ${id}`, { field: 'id' });
    return c;
  }

  return {
    list: async () => (await oidcStore.clients()).map(publicClient),
    get: async (id: string) => publicClient(await get(id)),

    async register(caller: Principal, input: ClientInput): Promise<{ client: PublicClient; clientSecret: string | null }> {
      checkClientInput(input);
      if (!(await store.unit(input.ownerUnit))) throw identityError('unit_not_found', `no unit ${input.ownerUnit}`, { field: 'ownerUnit' });
      const row: OidcClientRow = {
        clientId: `cb-${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`,
        name: input.name.trim(), ownerUnit: input.ownerUnit, confidential: input.confidential, secret: input.confidential ? newSecret() : null,
        redirectUris: input.redirectUris, postLogoutRedirectUris: input.postLogoutRedirectUris ?? [], backchannelLogoutUri: input.backchannelLogoutUri ?? null,
        scopes: [...new Set(input.scopes)], firstParty: false, status: 'active', createdAt: clock.now(), createdBy: actorOf(caller), secretRotatedAt: null,
      };
      await ctx.db.transaction(async (tx) => {
        await oidcStore.insertClient(row, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.client.create', target: row.clientId, outcome: 'success', details: { name: row.name, ownerUnit: row.ownerUnit, scopes: row.scopes, confidential: row.confidential } });
      });
      return { client: publicClient(row), clientSecret: row.secret };
    },

    async update(caller: Principal, id: string, input: ClientInput): Promise<PublicClient> {
      checkClientInput(input);
      const c = await get(id);
      const next = { ...c, name: input.name.trim(), redirectUris: input.redirectUris, postLogoutRedirectUris: input.postLogoutRedirectUris ?? [], backchannelLogoutUri: input.backchannelLogoutUri ?? null, scopes: [...new Set(input.scopes)] };
      await ctx.db.transaction(async (tx) => {
        await oidcStore.updateClient(next, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.client.update', target: id, outcome: 'success', details: { scopes: next.scopes, redirectUris: next.redirectUris } });
      });
      return publicClient(next);
    },

    async rotateSecret(caller: Principal, id: string): Promise<{ client: PublicClient; clientSecret: string }> {
      const c = await get(id);
      if (!c.confidential) throw identityError('client_invalid', 'a public client has no secret', { field: 'id' });
      const secret = newSecret();
      await ctx.db.transaction(async (tx) => {
        await oidcStore.setClientSecret(id, secret, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.client.rotate_secret', target: id, outcome: 'success' });
      });
      return { client: publicClient({ ...c, secret, secretRotatedAt: clock.now() }), clientSecret: secret };
    },

    /** Disable: the client can no longer sign anyone in, and every token it holds stops working. */
    async setStatus(caller: Principal, id: string, status: 'active' | 'disabled'): Promise<PublicClient> {
      const c = await get(id);
      await ctx.db.transaction(async (tx) => {
        await oidcStore.setClientStatus(id, status, tx);
        if (status === 'disabled') await oidcStore.revokeClient(id, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: status === 'disabled' ? 'identity.client.disable' : 'identity.client.enable', target: id, outcome: 'success' });
      });
      return publicClient({ ...c, status });
    },

    /** 已授权的应用 the applications the caller signed in to and consented to, with the scopes granted. */
    async myApplications(caller: Principal): Promise<MyApplication[]> {
      const grants = await oidcStore.grantsOf(caller.accountId);
      const byId = new Map((await oidcStore.clients()).map((c) => [c.clientId, c]));
      const seen = new Set<string>();
      const out: MyApplication[] = [];
      for (const g of grants) {
        const c = byId.get(g.clientId);
        if (!c || c.firstParty || seen.has(g.clientId)) continue;
        seen.add(g.clientId);
        out.push({ clientId: c.clientId, name: c.name, ownerUnit: c.ownerUnit, scopes: g.scope.split(' ').filter(Boolean), grantedAt: g.grantedAt?.toISOString() ?? null });
      }
      return out;
    },

    /** Withdraw consent (撤销授权): the application's tokens stop working and the next sign-in asks again. */
    async revokeMyApplication(caller: Principal, clientId: string): Promise<void> {
      await ctx.db.transaction(async (tx) => {
        const n = await oidcStore.revokeGrantsOf(caller.accountId, clientId, tx);
        if (n === 0) throw identityError('client_not_found', `you have not granted ${clientId} access`, { field: 'clientId' });
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.oidc.revoke', target: clientId, outcome: 'success' });
      });
    },

    /** The platform's own applications (console, big screen, citizen portal): one public client, no consent page. */
    async seedFirstParty(issuer: string): Promise<void> {
      const redirectUris = [`${issuer}/api/identity/sso/callback`];
      const existing = await oidcStore.client(FIRST_PARTY_CLIENT);
      if (!existing) {
        await oidcStore.insertClient({
          clientId: FIRST_PARTY_CLIENT, name: '开放城市大脑 控制台 / 大屏 / 市民端', ownerUnit: CITY_UNIT, confidential: false, secret: null, redirectUris,
          postLogoutRedirectUris: [`${issuer}/console`, `${issuer}/screen`, `${issuer}/m`], backchannelLogoutUri: null,
          scopes: ['openid', 'profile'], firstParty: true, status: 'active', createdAt: clock.now(), createdBy: 'system', secretRotatedAt: null,
        });
      } else if (existing.redirectUris[0] !== redirectUris[0]) {
        await oidcStore.updateClient({ ...existing, redirectUris, postLogoutRedirectUris: [`${issuer}/console`, `${issuer}/screen`, `${issuer}/m`] });
      }
    },
  };
}

/** The client id of the platform's own applications. */
export const FIRST_PARTY_CLIENT = 'citybrain-console';

export type Clients = ReturnType<typeof createClients>;
