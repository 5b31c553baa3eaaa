// 单点登录 single sign-on: the certified `oidc-provider` mounted in the platform's HTTP server.
// Issuer = PUBLIC_URL (default http://127.0.0.1:<port>); discovery at /.well-known/openid-configuration,
// endpoints under /oidc. State lives in the platform database (oidc-store.ts), keys are generated
// on first start and kept. Login and consent are the console's own page /oidc/interaction/:uid,
// which signs in with the platform's password + TOTP sign-in and then posts here.
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Account, ClientInstance, GrantInstance, KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../kernel/index.ts';
import type { HttpApp } from '../../platform/index.ts';
import type { IdentityContext } from './context.ts';
import { readCookie } from './access.ts';
import { SESSION_COOKIE, tokenHash } from './accounts.ts';
import { identityError } from './errors.ts';
import type { OidcStore } from './oidc-store.ts';
import { actorOf } from './permissions.ts';

/** Scopes the provider knows; `id_number` and `uscc` release the personal identifiers. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'id_number', 'uscc'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

const CLAIMS = { openid: ['sub'], profile: ['name', 'account_kind'], id_number: ['id_number'], uscc: ['uscc'] };

/** The provider's own endpoints (handed to it untouched: it parses its bodies itself). */
const PROVIDER_ROUTES: ReadonlyArray<{ url: string; methods: Array<'GET' | 'POST' | 'OPTIONS'> }> = [
  { url: '/.well-known/openid-configuration', methods: ['GET', 'OPTIONS'] },
  { url: '/oidc/auth', methods: ['GET', 'POST'] },
  { url: '/oidc/auth/:uid', methods: ['GET'] },
  { url: '/oidc/token', methods: ['POST', 'OPTIONS'] },
  { url: '/oidc/me', methods: ['GET', 'POST', 'OPTIONS'] },
  { url: '/oidc/jwks', methods: ['GET', 'OPTIONS'] },
  { url: '/oidc/session/end', methods: ['GET', 'POST'] },
  { url: '/oidc/session/end/confirm', methods: ['POST'] },
  { url: '/oidc/session/end/success', methods: ['GET'] },
  { url: '/oidc/token/revocation', methods: ['POST', 'OPTIONS'] },
  { url: '/oidc/token/introspection', methods: ['POST', 'OPTIONS'] },
];

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain bilingual page in the console's colours (the provider's logout and error pages). */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · 开放城市大脑</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f7fa;margin:0}main{max-width:420px;margin:80px auto;background:#fff;border-radius:8px;padding:32px;box-shadow:0 2px 8px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 16px}p{color:#555;line-height:1.6}button{display:block;width:100%;height:40px;margin-top:12px;border-radius:6px;border:1px solid #d9d9d9;background:#fff;font-size:15px;cursor:pointer}
button.primary{background:#1668dc;border-color:#1668dc;color:#fff}small{color:#999}</style></head><body><main data-testid="oidc-page">${body}</main></body></html>`;
}

export interface Oidc {
  /** Mount the provider's endpoints and the interaction endpoints on the root server. */
  mount(app: HttpApp): void;
  /** The running provider (created on first use, once the server's address is known). */
  provider(): Promise<Provider>;
  issuer(): string;
  /**
   * 单点退出 single logout from the platform side (the console's sign-out): end the provider
   * session this browser holds for `accountId`, revoke its grants and tokens, and send each
   * application with a back-channel logout URI its logout token. Answers how many were told.
   */
  endBrowserSession(cookieHeader: string | undefined, accountId: string): Promise<number>;
}

/** The provider's session cookie (its value is the session's id). */
export const OIDC_SESSION_COOKIE = 'cb_oidc_session';

export function createOidc(ctx: IdentityContext, deps: { config: Config; oidcStore: OidcStore }): Oidc {
  const { store, audit } = ctx;
  const oidcStore = deps.oidcStore;
  let app: HttpApp | undefined;
  let issuerUrl: string | undefined;
  let providerPromise: Promise<Provider> | undefined;

  function issuer(): string {
    if (issuerUrl) return issuerUrl;
    if (deps.config.publicUrl) return (issuerUrl = deps.config.publicUrl);
    const address = app?.server.address();
    if (!address || typeof address === 'string') throw new Error('PUBLIC_URL is not set and the HTTP server is not listening on a TCP port yet: set PUBLIC_URL (e.g. https://brain.example.gov.cn)');
    return (issuerUrl = `http://127.0.0.1:${address.port}`);
  }

  async function build(): Promise<Provider> {
    const { jwks, cookieKeys, pairwiseSalt } = await oidcStore.secrets();
    const firstParty = async (clientId: string) => (await oidcStore.client(clientId))?.firstParty === true;

    const findAccount = async (oidcCtx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
      const account = await store.accountById(sub);
      if (!account || account.status !== 'active') return undefined;
      const allowed = new Set((oidcCtx.oidc.client?.scope ?? '').split(' '));
      return {
        accountId: account.id,
        claims: (_use, scope) => {
          const granted = new Set(scope.split(' '));
          const released = (s: OidcScope) => granted.has(s) && allowed.has(s);
          return {
            sub: account.id,
            ...(released('profile') ? { name: account.displayName, account_kind: account.kind } : {}),
            ...(released('id_number') ? { id_number: account.idNumber ?? account.actingIdNumber ?? undefined } : {}),
            ...(released('uscc') && account.uscc ? { uscc: account.uscc } : {}),
          };
        },
      };
    };

    // Loaded on first use: commands that never serve HTTP (audit verify, import…) don't load it.
    const { default: ProviderClass } = await import('oidc-provider');
    const provider = new ProviderClass(issuer(), {
      adapter: oidcStore.adapterClass(),
      findAccount,
      jwks,
      cookies: { keys: cookieKeys, names: { session: OIDC_SESSION_COOKIE, interaction: 'cb_oidc_interaction', resume: 'cb_oidc_resume' } },
      claims: CLAIMS,
      scopes: [...OIDC_SCOPES],
      subjectTypes: ['pairwise'],
      // Pseudonymous per client (not per sector host): two applications never see the same `sub`.
      pairwiseIdentifier: (_ctx: unknown, accountId: string, client: ClientInstance) =>
        createHash('sha256').update(`${client.clientId}\u0000${accountId}\u0000${pairwiseSalt}`).digest('base64url'),
      pkce: { required: () => true },
      responseTypes: ['code'],
      features: {
        devInteractions: { enabled: false },
        pushedAuthorizationRequests: { enabled: false },
        revocation: { enabled: true },
        introspection: { enabled: true },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (kctx: KoaContextWithOIDC, form: string) => {
            const who = kctx.oidc.client?.clientName ?? kctx.oidc.client?.clientId ?? '';
            kctx.type = 'html';
            kctx.body = page('退出登录 Sign out', `${form}<h1>退出登录？<br><small>Sign out?</small></h1><p>${who ? `${escape(who)} 请求退出一号通行。` : ''}将同时退出所有通过一号通行登录的应用。<br><small>You will be signed out of every application signed in through One Number.</small></p>
<button class="primary" autofocus type="submit" form="op.logoutForm" value="yes" name="logout" data-testid="logout-yes">退出 Sign out</button><button type="submit" form="op.logoutForm" data-testid="logout-no">保持登录 Stay signed in</button>`);
          },
          postLogoutSuccessSource: (kctx: KoaContextWithOIDC) => {
            kctx.type = 'html';
            kctx.body = page('已退出 Signed out', '<h1>已退出登录<br><small>You are signed out</small></h1><p><a href="/console">返回控制台 Back to the console</a></p>');
          },
        },
      },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/oidc/interaction/${interaction.uid}` },
      routes: {
        authorization: '/oidc/auth',
        token: '/oidc/token',
        userinfo: '/oidc/me',
        jwks: '/oidc/jwks',
        end_session: '/oidc/session/end',
        revocation: '/oidc/token/revocation',
        introspection: '/oidc/token/introspection',
      },
      issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 14 * 86_400, Interaction: 1800, Session: 12 * 3600, Grant: 14 * 86_400 },
      // First-party applications of the platform (console, big screen, portal) need no consent page.
      loadExistingGrant: async (kctx: KoaContextWithOIDC & { oidc: { session?: { accountId?: string; grantIdFor(id: string): string | undefined }; result?: { consent?: { grantId?: string } } } }) => {
        const client = kctx.oidc.client;
        const session = kctx.oidc.session;
        if (!client || !session?.accountId) return undefined;
        const grantId = kctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        const p = await providerPromise;
        if (!p) return undefined;
        if (grantId) return p.Grant.find(grantId);
        if (!(await firstParty(client.clientId))) return undefined;
        const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope(client.scope ?? 'openid');
        await grant.save();
        return grant;
      },
      clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris?: string[] }) => (client.redirectUris ?? []).some((u) => new URL(u).origin === origin),
      renderError: (kctx: KoaContextWithOIDC, out: Record<string, string>) => {
        kctx.type = 'html';
        kctx.body = page('出错了 Error', `<h1>登录请求有误<br><small>The sign-in request failed</small></h1>${Object.entries(out).map(([k, v]) => `<p><b>${escape(k)}</b>: ${escape(String(v))}</p>`).join('')}`);
      },
      // Departments' applications live on the government intranet (private addresses); their
      // back-channel logout URIs are registered by administrators, never self-registered, so the
      // provider's block on special-use addresses is lifted.
      fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
        const { dispatcher: _dispatcher, ...rest } = options;
        return fetch(url, rest);
      },
    });
    provider.proxy = true;
    provider.on('server_error', (_ctx, err) => ctx.logger.error({ err }, 'OIDC provider error'));
    provider.on('backchannel.error', (_ctx, err, client) => ctx.logger.warn({ err, client: (client as ClientInstance | undefined)?.clientId }, 'OIDC back-channel logout failed'));
    provider.on('end_session.success', (kctx) => {
      const k = kctx as { oidc: { session?: { accountId?: string }; params?: { logout?: unknown } }; headers: Record<string, string | undefined>; cookies: { set(name: string, value: null, opts: Record<string, unknown>): void } };
      const accountId = k.oidc.session?.accountId;
      // "Sign out of everything" also ends the platform session of this browser (console, big
      // screen, portal): otherwise the next sign-in would pass straight through.
      const token = k.oidc.params?.logout ? readCookie(k.headers.cookie, SESSION_COOKIE) : undefined;
      if (token) {
        k.cookies.set(SESSION_COOKIE, null, { path: '/', httpOnly: true, sameSite: 'lax', signed: false, overwrite: true });
        const hash = tokenHash(token);
        void ctx.principals.change([{ kind: 'session', tokenHash: hash }], (tx) => store.deleteSession(hash, tx))
          .catch((err: unknown) => ctx.logger.warn({ err }, 'ending the platform session at provider logout failed'));
      }
      void audit.append({ actor: accountId ?? 'anonymous', action: 'identity.oidc.logout', target: accountId ?? 'anonymous', outcome: 'success', details: { everywhere: Boolean(k.oidc.params?.logout) } }).catch(() => undefined);
    });
    return provider;
  }

  const provider = (): Promise<Provider> => (providerPromise ??= build().catch((err: unknown) => {
    providerPromise = undefined;
    throw err;
  }));

  const hijack = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = await provider();
    reply.hijack();
    p.callback()(request.raw, reply.raw);
  };

  const Uid = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
  const Redirect = Type.Object({ redirectTo: Type.String() });
  const tags = ['identity'];

  async function details(request: FastifyRequest, reply: FastifyReply) {
    const p = await provider();
    try {
      return await p.interactionDetails(request.raw, reply.raw);
    } catch {
      throw identityError('interaction_expired', '登录请求已过期，请回到应用重新登录 (this sign-in request expired; start again from the application)', { field: 'uid' });
    }
  }

  async function endBrowserSession(cookieHeader: string | undefined, accountId: string): Promise<number> {
    const sessionId = readCookie(cookieHeader, OIDC_SESSION_COOKIE);
    if (!sessionId) return 0;
    const session = await oidcStore.sessionById(sessionId);
    if (!session || session.accountId !== accountId) return 0;
    const p = await provider();
    let told = 0;
    for (const [clientId, authorization] of Object.entries(session.authorizations)) {
      const client = await p.Client.find(clientId);
      if (!client?.backchannelLogoutUri || !client.backchannelLogout) continue;
      try {
        await client.backchannelLogout(accountId, authorization.sid);
        told++;
      } catch (err) {
        ctx.logger.warn({ err, client: clientId }, 'OIDC back-channel logout failed');
      }
    }
    await oidcStore.endSession(session.id, Object.values(session.authorizations).flatMap((a) => (a.grantId ? [a.grantId] : [])));
    return told;
  }

  return {
    issuer,
    provider,
    endBrowserSession,
    mount(root) {
      app = root;
      void root.register(async (scope) => {
        // The provider reads the raw request body itself.
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
        for (const r of PROVIDER_ROUTES) {
          scope.route({ method: r.methods, url: r.url, config: { permission: 'public', audit: 'self' }, schema: { hide: true }, handler: hijack });
        }
      });
      void root.register(async (scope) => {
        scope.get('/oidc/interaction/:uid/details', {
          config: { permission: 'public', audit: 'self' },
          schema: {
            tags, summary: 'What the sign-in page shows: the application, the prompt, the scopes, who is signed in', params: Uid,
            response: { 200: Type.Object({
              uid: Type.String(), prompt: Type.String(), client: Type.Object({ clientId: Type.String(), name: Type.String(), ownerUnit: Type.String() }),
              scopes: Type.Array(Type.String()), signedIn: Type.Union([Type.Null(), Type.Object({ displayName: Type.String(), login: Type.String() })]),
            }) },
          },
        }, async (request, reply) => {
          const d = await details(request, reply);
          const clientId = (d.params.client_id ?? '');
          const client = await oidcStore.client(clientId);
          const p = request.principal;
          return {
            uid: d.uid, prompt: d.prompt.name,
            client: { clientId, name: client?.name ?? clientId, ownerUnit: client?.ownerUnit ?? '' },
            scopes: (d.params.scope ?? '').split(' ').filter(Boolean),
            signedIn: p && p.via === 'session' && !p.restriction ? { displayName: p.displayName, login: p.login } : null,
          };
        });
        scope.post('/oidc/interaction/:uid/login', {
          config: { permission: 'identity.self' },
          schema: { tags, summary: 'Finish the login prompt as the account signed in to the platform (password + TOTP done through /api/identity/session)', params: Uid, response: { 200: Redirect } },
        }, async (request, reply) => {
          const p = request.principal;
          if (!p || p.via !== 'session') throw identityError('unauthenticated', 'sign in to the platform first');
          if (p.restriction) throw identityError('session_restricted', 'finish signing in first (one-time password change, authenticator)');
          const d = await details(request, reply);
          if (d.prompt.name !== 'login') throw identityError('interaction_state', `this sign-in request is at the ${d.prompt.name} step`, { field: 'uid' });
          const account = await store.accountById(p.accountId);
          const prov = await provider();
          const redirectTo = await prov.interactionResult(request.raw, reply.raw, { login: { accountId: p.accountId, amr: account?.totpEnabled ? ['pwd', 'otp'] : ['pwd'] } }, { mergeWithLastSubmission: false });
          await audit.append({ actor: actorOf(p), action: 'identity.oidc.login', target: (d.params.client_id ?? ''), outcome: 'success', details: { ip: request.ip, uid: d.uid } });
          return { redirectTo };
        });
        scope.post('/oidc/interaction/:uid/confirm', {
          config: { permission: 'public', audit: 'self' },
          schema: { tags, summary: 'Consent: give the application the scopes it asked for', params: Uid, response: { 200: Redirect } },
        }, async (request, reply) => {
          const d = await details(request, reply);
          const accountId = d.session?.accountId;
          if (d.prompt.name !== 'consent' || !accountId) throw identityError('interaction_state', `this sign-in request is at the ${d.prompt.name} step`, { field: 'uid' });
          const prov = await provider();
          const clientId = (d.params.client_id ?? '');
          let grant: GrantInstance | undefined = d.grantId ? await prov.Grant.find(d.grantId) : undefined;
          grant ??= new prov.Grant({ accountId, clientId });
          const missing = d.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
          if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
          if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
          const grantId = await grant.save();
          const redirectTo = await prov.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
          await audit.append({ actor: accountId, action: 'identity.oidc.consent', target: clientId, outcome: 'success', details: { scopes: missing.missingOIDCScope ?? [] } });
          return { redirectTo };
        });
        scope.post('/oidc/interaction/:uid/abort', {
          config: { permission: 'public', audit: 'self' },
          schema: { tags, summary: 'Refuse: the application gets access_denied', params: Uid, response: { 200: Redirect } },
        }, async (request, reply) => {
          const d = await details(request, reply);
          const prov = await provider();
          const redirectTo = await prov.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'the user refused' }, { mergeWithLastSubmission: false });
          await audit.append({ actor: d.session?.accountId ?? 'anonymous', action: 'identity.oidc.consent', target: (d.params.client_id ?? ''), outcome: 'failure', details: { reason: 'refused' } });
          return { redirectTo };
        });
      });
    },
  };
}
