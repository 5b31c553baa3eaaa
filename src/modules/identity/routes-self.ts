// Sign-up, sign-in and self-service routes under /api/identity. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/index.ts';
import { SESSION_COOKIE, type SignInResult } from './accounts.ts';
import { readCookie } from './access.ts';
import { identityError } from './errors.ts';
import type { Oidc } from './oidc.ts';
import type { Principal } from './permissions.ts';
import {
  AccountSchema, ApiKeySchema, ChangePasswordBody, CodeBody, CreateApiKeyBody, CreatedApiKeySchema, KeyIdParams, MeSchema, RegisterLegalBody,
  RegisterPersonBody, ResetConfirmBody, ResetRequestBody, RestrictionResult, SessionSchema, SignInBody, TotpEnrolSchema,
} from './schemas.ts';
import type { IdentityService } from './service.ts';
import type { SessionRow } from './store.ts';

const tags = ['identity'];
const Ok = Type.Object({ ok: Type.Boolean() });

/** The caller; the access hook has already refused anonymous requests to non-public routes. */
export function who(request: FastifyRequest): Principal {
  if (!request.principal) throw identityError('unauthenticated', 'sign in first');
  return request.principal;
}

export function sessionOf(request: FastifyRequest): SessionRow {
  if (!request.session) throw identityError('unauthenticated', 'this needs a signed-in session (not an API key)');
  return request.session;
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, r: SignInResult) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header('set-cookie', `${SESSION_COOKIE}=${r.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${r.maxAgeSeconds}${secure}`);
  return { account: r.account, restriction: r.restriction, expiresAt: r.expiresAt.toISOString() };
}

function clearSessionCookie(reply: FastifyReply) {
  void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  return { ok: true };
}

export function selfRoutes(service: IdentityService, sso?: Pick<Oidc, 'endBrowserSession'>) {
  return (app: HttpApp): void => {
    const pub = { permission: 'public', audit: 'self' } as const;
    const self = { permission: 'identity.self', audit: 'self' } as const;
    app.post('/register/person', { config: { ...pub, idempotent: true }, schema: { tags, summary: '自然人注册 Register a natural person (实名核验 against the population data)', body: RegisterPersonBody, response: { 201: AccountSchema } } },
      async (request, reply) => reply.status(201).send(await service.accounts.registerPerson(request.body, request.ip)));
    app.post('/register/legal', { config: { ...pub, idempotent: true }, schema: { tags, summary: '法人注册 Register a legal person (enterprise data + acting person 实名核验)', body: RegisterLegalBody, response: { 201: AccountSchema } } },
      async (request, reply) => reply.status(201).send(await service.accounts.registerLegal(request.body, request.ip)));
    app.post('/session', { config: pub, schema: { tags, summary: 'Sign in with login and password; sets the HttpOnly session cookie', body: SignInBody, response: { 200: SessionSchema } } },
      async (request, reply) => setSessionCookie(request, reply, await service.accounts.signIn(request.body, request.ip)));
    app.post('/session/totp', { config: self, schema: { tags, summary: 'Second sign-in step: the authenticator (TOTP) code', body: CodeBody, response: { 200: RestrictionResult } } },
      async (request) => ({ restriction: await service.accounts.presentTotp(sessionOf(request), request.body.code, request.ip) }));
    app.delete('/session', { config: self, schema: { tags, summary: 'Sign out', response: { 200: Ok } } },
      async (request, reply) => {
        const accountId = who(request).accountId;
        await service.accounts.signOut(readCookie(request.headers.cookie, SESSION_COOKIE) ?? '', accountId);
        // Single logout: the provider session of this browser ends too, and the applications signed in through it are told.
        await sso?.endBrowserSession(request.headers.cookie, accountId);
        return clearSessionCookie(reply);
      });
    app.get('/me', { config: self, schema: { tags, summary: 'The signed-in account, its roles and units', response: { 200: MeSchema } } },
      (request) => service.me(who(request), request.session));
    app.post('/me/password', { config: self, schema: { tags, summary: 'Change the password (ends the account’s other sessions)', body: ChangePasswordBody, response: { 200: RestrictionResult } } },
      async (request) => ({ restriction: await service.accounts.changePassword(sessionOf(request), request.body) }));
    app.post('/me/totp', { config: self, schema: { tags, summary: 'Start enrolling an authenticator: a new TOTP secret and otpauth URI', response: { 200: TotpEnrolSchema } } },
      (request) => service.accounts.beginTotp(sessionOf(request)));
    app.post('/me/totp/confirm', { config: self, schema: { tags, summary: 'Confirm the authenticator with a code from it', body: CodeBody, response: { 200: RestrictionResult } } },
      async (request) => ({ restriction: await service.accounts.confirmTotp(sessionOf(request), request.body.code) }));
    app.post('/password-reset', { config: pub, schema: { tags, summary: 'Send a one-time code to the phone on record', body: ResetRequestBody, response: { 202: Ok } } },
      async (request, reply) => { await service.accounts.requestPasswordReset(request.body.login, request.ip); return reply.status(202).send({ ok: true }); });
    app.post('/password-reset/confirm', { config: pub, schema: { tags, summary: 'Set a new password with the one-time code', body: ResetConfirmBody, response: { 200: Ok } } },
      async (request) => { await service.accounts.confirmPasswordReset(request.body); return { ok: true }; });
    app.get('/me/api-keys', { config: self, schema: { tags, summary: 'My API keys', response: { 200: Type.Array(ApiKeySchema) } } },
      (request) => service.apiKeys.list(who(request).accountId));
    app.post('/me/api-keys', { config: { ...self, idempotent: true }, schema: { tags, summary: 'Create an API key (the key is shown once)', body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema } } },
      async (request, reply) => reply.status(201).send(await service.apiKeys.create(who(request), request.body)));
    app.delete('/me/api-keys/:id', { config: self, schema: { tags, summary: 'Revoke one of my API keys', params: KeyIdParams, response: { 200: ApiKeySchema } } },
      (request) => service.apiKeys.revoke(who(request), request.params.id, false));
  };
}
