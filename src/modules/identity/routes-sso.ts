// Single sign-on routes under /api/identity: the platform's own applications (console, big screen,
// citizen portal) sign in through the OpenID Connect provider with code + PKCE (sso/start →
// /oidc/auth → login page → sso/callback), and administrators register departments' applications.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { HttpApp } from '../../platform/index.ts';
import { SESSION_COOKIE } from './accounts.ts';
import { readCookie } from './access.ts';
import { identityError } from './errors.ts';
import type { Oidc } from './oidc.ts';
import { FIRST_PARTY_CLIENT, type Clients } from './oidc-clients.ts';
import { OIDC_SCOPES } from './oidc.ts';
import { who } from './routes-self.ts';
import type { IdentityService } from './service.ts';

const tags = ['identity'];
const SSO_COOKIE = 'cb_sso';

/** Where the applications may return after sign-in: the console, the big screen, the citizen portal. */
const RETURN_PATH = '^/(console|screen|m)(/[A-Za-z0-9/_-]*)?$';

const Uri = Type.String({ minLength: 8, maxLength: 500 });
export const ClientBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    ownerUnit: Type.String({ minLength: 1, maxLength: 20 }),
    redirectUris: Type.Array(Uri, { minItems: 1, maxItems: 10 }),
    postLogoutRedirectUris: Type.Optional(Type.Array(Uri, { maxItems: 10 })),
    backchannelLogoutUri: Type.Optional(Uri),
    confidential: Type.Boolean(),
    scopes: Type.Array(Type.Union(OIDC_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: OIDC_SCOPES.length }),
  },
  { additionalProperties: false },
);
export const ClientSchema = Type.Object({
  clientId: Type.String(), name: Type.String(), ownerUnit: Type.String(), confidential: Type.Boolean(), redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()), backchannelLogoutUri: Type.Union([Type.String(), Type.Null()]), scopes: Type.Array(Type.String()),
  firstParty: Type.Boolean(), status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]), createdAt: Type.String(), secretRotatedAt: Type.Union([Type.String(), Type.Null()]),
});
const MyApplicationSchema = Type.Object({ clientId: Type.String(), name: Type.String(), ownerUnit: Type.String(), scopes: Type.Array(Type.String()), grantedAt: Type.Union([Type.String(), Type.Null()]) });
const WithSecret = Type.Object({ client: ClientSchema, clientSecret: Type.Union([Type.String(), Type.Null()], { description: 'shown once' }) });
const ClientParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{3,64}$' }) });
const StatusBody = Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]) }, { additionalProperties: false });

export function ssoRoutes(service: IdentityService, oidc: Oidc, clients: Clients) {
  let rp: Promise<client.Configuration> | undefined;
  /** The provider as its own first-party relying party (discovered once, over HTTP like any other). */
  const relyingParty = () =>
    (rp ??= (async () => {
      const issuer = new URL(oidc.issuer());
      await clients.seedFirstParty(issuer.origin);
      return client.discovery(issuer, FIRST_PARTY_CLIENT, undefined, client.None(), issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined);
    })().catch((err: unknown) => {
      rp = undefined;
      throw err;
    }));

  const secure = (request: FastifyRequest) => (request.protocol === 'https' ? '; Secure' : '');

  return (app: HttpApp): void => {
    app.get('/sso/start', {
      config: { permission: 'public', audit: 'self' },
      schema: { tags, summary: 'Console / big screen / citizen portal sign-in: redirect to the OpenID Connect provider (code + PKCE)', querystring: Type.Object({ return: Type.Optional(Type.String({ pattern: RETURN_PATH, maxLength: 200 })) }) },
    }, async (request, reply) => {
      const config = await relyingParty();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const returnTo = request.query.return ?? '/console';
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: `${oidc.issuer()}/api/identity/sso/callback`, scope: 'openid profile', state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const cookie = Buffer.from(JSON.stringify({ state, verifier, returnTo })).toString('base64url');
      return reply.header('set-cookie', `${SSO_COOKIE}=${cookie}; Path=/api/identity/sso; HttpOnly; SameSite=Lax; Max-Age=900${secure(request)}`).redirect(url.href, 303);
    });

    app.get('/sso/callback', {
      config: { permission: 'public', audit: 'self' },
      schema: { tags, summary: 'Code exchange of the platform’s own applications; sets the session cookie and returns to the page', querystring: Type.Object({ code: Type.Optional(Type.String()), state: Type.Optional(Type.String()), error: Type.Optional(Type.String()), iss: Type.Optional(Type.String()) }) },
    }, async (request, reply) => {
      const raw = readCookie(request.headers.cookie, SSO_COOKIE);
      let pending: { state: string; verifier: string; returnTo: string };
      try {
        pending = JSON.parse(Buffer.from(raw ?? '', 'base64url').toString('utf8')) as typeof pending;
      } catch {
        throw identityError('interaction_expired', '登录请求已过期，请重新登录 (the sign-in request expired; sign in again)', { field: 'state' });
      }
      if (request.query.error) throw identityError('unauthenticated', `sign-in was not completed: ${request.query.error}`);
      const config = await relyingParty();
      const tokens = await client.authorizationCodeGrant(config, new URL(request.url, oidc.issuer()), { pkceCodeVerifier: pending.verifier, expectedState: pending.state, idTokenExpected: true })
        .catch((err: unknown) => { throw identityError('unauthenticated', `the code exchange failed: ${err instanceof Error ? err.message : String(err)}`); });
      const provider = await oidc.provider();
      const token = await provider.AccessToken.find(tokens.access_token);
      if (!token) throw identityError('unauthenticated', 'the provider did not recognise its own access token');
      const r = await service.accounts.sessionAfterSso(token.accountId, FIRST_PARTY_CLIENT, request.ip);
      const returnTo = new RegExp(RETURN_PATH).test(pending.returnTo) ? pending.returnTo : '/console';
      return reply
        .header('set-cookie', [
          `${SESSION_COOKIE}=${r.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${r.maxAgeSeconds}${secure(request)}`,
          `${SSO_COOKIE}=; Path=/api/identity/sso; HttpOnly; SameSite=Lax; Max-Age=0`,
        ])
        .redirect(returnTo, 303);
    });

    app.get('/me/applications', { config: { audit: 'self', permission: 'identity.self' }, schema: { tags, summary: '已授权的应用 Applications I signed in to through single sign-on, with the scopes I granted', response: { 200: Type.Array(MyApplicationSchema) } } },
      (request) => clients.myApplications(who(request)));
    app.delete('/me/applications/:id', { config: { audit: 'self', permission: 'identity.self' }, schema: { tags, summary: '撤销授权 Withdraw my consent: the application’s tokens stop working', params: ClientParams, response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
      async (request) => {
        await clients.revokeMyApplication(who(request), request.params.id);
        return { ok: true };
      });
    app.get('/clients', { config: { audit: 'self', permission: 'identity.client.read' }, schema: { tags, summary: '应用接入 Applications registered for single sign-on', response: { 200: Type.Array(ClientSchema) } } },
      () => clients.list());
    app.post('/clients', { config: { audit: 'self', permission: 'identity.client.write', idempotent: true }, schema: { tags, summary: 'Register a department’s application (the secret is shown once)', body: ClientBody, response: { 201: WithSecret } } },
      async (request, reply) => reply.status(201).send(await clients.register(who(request), request.body)));
    app.put('/clients/:id', { config: { audit: 'self', permission: 'identity.client.write' }, schema: { tags, summary: 'Change an application’s name, URIs and scopes', params: ClientParams, body: ClientBody, response: { 200: ClientSchema } } },
      (request) => clients.update(who(request), request.params.id, request.body));
    app.post('/clients/:id/secret', { config: { audit: 'self', permission: 'identity.client.write' }, schema: { tags, summary: 'Rotate the secret of a confidential application (shown once)', params: ClientParams, response: { 200: WithSecret } } },
      (request) => clients.rotateSecret(who(request), request.params.id));
    app.post('/clients/:id/status', { config: { audit: 'self', permission: 'identity.client.write' }, schema: { tags, summary: 'Disable (every token stops working) or enable an application', params: ClientParams, body: StatusBody, response: { 200: ClientSchema } } },
      (request) => clients.setStatus(who(request), request.params.id, request.body.status));
  };
}
