// The access hook: authenticates every request (session cookie or API key) and enforces the
// route's declared `config.permission`. Registered at the root of the HTTP server.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ALL_REGIONS, regionPrefix, type DepartmentScope, type RegionScope } from '../../kernel/index.ts';
import { problem, sendProblem, type AuditLog, type HttpApp } from '../../platform/index.ts';
import { SESSION_COOKIE, tokenHash } from './accounts.ts';
import type { ApiKeys } from './api-keys.ts';
import type { IdentityContext } from './context.ts';
import { actorOf, holds, permissionMatches, scopeOf, SELF_PERMISSION, type Grant, type Principal } from './permissions.ts';
import type { SessionRow } from './store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, if any (set by the identity module's access hook). */
    principal?: Principal;
    /** The session behind `principal` when it came from the session cookie. */
    session?: SessionRow;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Is `origin` (an Origin or Referer header) the host the request was sent to? */
function sameOrigin(origin: string, request: FastifyRequest): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = request.headers['x-forwarded-host'];
  return host === request.headers.host || (typeof forwarded === 'string' && host === forwarded.split(',')[0]?.trim());
}

export function createAccess(ctx: IdentityContext, apiKeys: ApiKeys) {
  const { store, clock, settings, principals } = ctx;

  async function principalOf(accountId: string, via: Principal['via'], restriction: Principal['restriction'], scope?: { keyId: string; permissions: string[] }): Promise<Principal | undefined> {
    const account = await store.accountById(accountId);
    if (!account || account.status !== 'active') return undefined;
    let grants: Grant[] = await store.grantsOf(accountId);
    // A key carries the intersection of its own permissions and what its owner holds today.
    // Each owner grant keeps its scope unit, so a key never reaches wider than its owner does.
    if (scope) {
      grants = grants
        .map((g) => ({ role: `apikey:${scope.keyId}`, scopeUnit: g.scopeUnit, permissions: scope.permissions.filter((p) => g.permissions.some((pattern) => permissionMatches(pattern, p))) }))
        .filter((g) => g.permissions.length > 0);
    }
    return { accountId, kind: account.kind, login: account.login, displayName: account.displayName, via, apiKeyId: scope?.keyId, grants, restriction };
  }

  /**
   * Resolve the caller from the request; undefined when anonymous or the credential is not valid.
   * Served from the principal cache when it holds the credential (principal-cache.ts); a miss
   * loads it from the database and caches it unless a change committed meanwhile.
   */
  async function authenticate(request: FastifyRequest): Promise<{ principal: Principal; session?: SessionRow } | undefined> {
    const auth = request.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return authenticateKey(auth.slice(7).trim());
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    return token ? authenticateSession(tokenHash(token)) : undefined;
  }

  const idleMs = () => settings.idleMinutes * 60_000;
  const touchMs = () => settings.sessionTouchSeconds * 1000;

  async function authenticateSession(hash: string): Promise<{ principal: Principal; session: SessionRow } | undefined> {
    const now = clock.now();
    const cached = principals.cache.session(hash);
    // A cached session past its lifetime or idle limit goes the long way: another node may have
    // seen it more recently, and the database decides.
    if (cached && cached.session.expiresAt > now && now.getTime() - new Date(cached.session.lastSeenAt).getTime() <= idleMs()) {
      if (now.getTime() - new Date(cached.session.lastSeenAt).getTime() > touchMs()) {
        // Recorded before the write, so concurrent requests of this session write once.
        principals.cache.touchSession(hash, now);
        await store.touchSession(hash, now);
        return { principal: cached.principal, session: { ...cached.session, lastSeenAt: now } };
      }
      return cached;
    }
    const loadedAt = principals.cache.epoch();
    const found = await store.sessionWithAccount(hash);
    if (!found) return undefined;
    const { kind, login, displayName, status, grants, ...session } = found;
    if (session.expiresAt <= now || now.getTime() - new Date(session.lastSeenAt).getTime() > idleMs()) {
      principals.cache.forgetSession(hash);
      await store.deleteSession(session.tokenHash);
      return undefined;
    }
    // Sliding idle timeout, written at most once every sessionTouchSeconds per session.
    if (now.getTime() - new Date(session.lastSeenAt).getTime() > touchMs()) {
      await store.touchSession(session.tokenHash, now);
      session.lastSeenAt = now;
    }
    if (status !== 'active') return undefined;
    const principal: Principal = { accountId: session.accountId, kind, login, displayName, via: 'session', grants, restriction: session.restriction };
    principals.cache.putSession(hash, { session, principal }, loadedAt);
    return { principal, session };
  }

  async function authenticateKey(bearer: string): Promise<{ principal: Principal } | undefined> {
    // Other bearer tokens (the provider's access tokens at /oidc/me) are no API keys of ours.
    if (!bearer.startsWith('cbk_')) return undefined;
    // Keyed by the hash of the whole bearer token: a hit means the secret was checked when it was stored.
    const hash = tokenHash(bearer);
    const now = clock.now();
    const cached = principals.cache.apiKey(hash);
    if (cached && cached.expiresAt > now) {
      // last_used_at is for people reading the key list: minute precision, as in apiKeys.verify.
      if (!cached.lastUsedAt || now.getTime() - new Date(cached.lastUsedAt).getTime() > 60_000) {
        principals.cache.touchApiKey(hash, now);
        await store.touchApiKey(cached.keyId, now);
      }
      return { principal: cached.principal };
    }
    const loadedAt = principals.cache.epoch();
    const key = await apiKeys.verify(bearer);
    if (!key) return undefined;
    const principal = await principalOf(key.ownerId, 'api_key', null, { keyId: key.id, permissions: key.permissions });
    if (!principal) return undefined;
    principals.cache.putApiKey(hash, { keyId: key.id, expiresAt: key.expiresAt, lastUsedAt: key.lastUsedAt, principal }, loadedAt);
    return { principal };
  }

  /**
   * 数据权限 region scope of `permission` for the principal: an unscoped grant reaches everywhere; a
   * grant scoped to a region unit (district, town, community, grid) reaches that region; one scoped
   * to a department reaches the region its department sits in (a city department: the city).
   */
  async function regionScopeOf(principal: Principal, permission: string): Promise<RegionScope> {
    const units = scopeOf(principal, permission);
    if (units === 'all') return ALL_REGIONS;
    const regions = new Set<string>();
    for (const code of units) {
      let unit = await store.unit(code);
      // Walk up to the nearest unit that is a division (its code is a division code); a grid
      // counts as the community it lies in.
      for (let hops = 0; unit && !/^[0-9]{6}([0-9]{3}){0,2}$/.test(unit.code) && hops < 8; hops++) unit = unit.parentCode ? await store.unit(unit.parentCode) : undefined;
      if (unit) regions.add(regionPrefix(unit.code));
    }
    return { all: false, regions: [...regions] };
  }

  /**
   * 数源部门 department scope of `permission`: an unscoped grant reaches every department; a scoped
   * one the units it is scoped to and every unit below them, by code and by name (catalog resources
   * and devices name their department, e.g. 市水利局).
   */
  async function departmentScopeOf(principal: Principal, permission: string): Promise<DepartmentScope> {
    const units = scopeOf(principal, permission);
    if (units === 'all') return { all: true };
    const departments = new Set<string>();
    const queue = [...units];
    for (let seen = 0; queue.length > 0 && seen < 200; seen++) {
      const code = queue.shift() ?? '';
      const unit = await store.unit(code);
      if (!unit) continue;
      departments.add(unit.code).add(unit.name);
      // Departments of a district (区水利局 …) sit below it; regions below are not departments.
      if (unit.kind === 'city' || unit.kind === 'department' || unit.kind === 'district') {
        for (const child of await store.units(unit.code)) if (child.kind === 'department') queue.push(child.code);
      }
    }
    return { all: false, departments: [...departments] };
  }

  /** Requests refused by the hook: audited as `access.denied` already. */
  const denied = new WeakSet<FastifyRequest>();

  /** Refuse the request; the `access.denied` entry is in the audit chain before the answer leaves. */
  async function deny(request: FastifyRequest, reply: FastifyReply, auditLog: AuditLog, status: 401 | 403, code: string, detail: string) {
    denied.add(request);
    const permission = request.routeOptions.config.permission ?? '';
    try {
      await auditLog.append({ actor: actorOf(request.principal), action: 'access.denied', target: `${request.method} ${request.routeOptions.url ?? request.url}`, outcome: 'denied', details: { permission, code, ip: request.ip } });
    } catch (err) {
      ctx.logger.warn({ err }, 'audit of a denied request failed');
    }
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="citybrain"');
    return sendProblem(reply, problem(status, code, detail, String(request.id)));
  }

  const routeTable: Array<{ method: string; url: string; permission: string | undefined }> = [];
  /** Routes registered after `install` that declare no permission: refused to everyone (deny by default). */
  const undeclared = new Set<string>();

  /** Install the hook on the root server, before any module's routes are registered. */
  function install(app: HttpApp): void {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const permission = route.config?.permission;
      for (const method of methods) {
        if (permission === undefined) undeclared.add(`${method} ${route.url}`);
        if (method !== 'HEAD') routeTable.push({ method, url: route.url, permission });
      }
    });
    app.decorateRequest('principal', undefined);
    app.decorateRequest('departmentScope', function departmentScope(this: FastifyRequest): Promise<DepartmentScope> {
      const permission = this.routeOptions.config.permission;
      if (!this.principal || permission === undefined || permission === 'public') return Promise.resolve({ all: true });
      return departmentScopeOf(this.principal, permission);
    });
    app.decorateRequest('regionScope', function regionScope(this: FastifyRequest): Promise<RegionScope> {
      const permission = this.routeOptions.config.permission;
      if (!this.principal || permission === undefined || permission === 'public') return Promise.resolve(ALL_REGIONS);
      return regionScopeOf(this.principal, permission);
    });
    app.decorateRequest('session', undefined);
    // onRequest, right after the rate limit: nothing of a protected route (body parsing, validation,
    // idempotent replays) runs for a caller who may not call it.
    app.addHook('onRequest', async (request, reply) => {
      const permission = request.routeOptions.config.permission;
      const credentialSent = request.headers.authorization !== undefined || readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined;
      // Deny by default: a route that declares no permission is refused to everyone (403). Only what
      // the HTTP server registered before this hook (static console files, /docs, /openapi.json) is exempt.
      if (permission === undefined) {
        if (!undeclared.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return;
        return deny(request, reply, ctx.audit, 403, 'permission_undeclared', `${request.method} ${request.routeOptions.url ?? ''} declares no permission (config.permission), so nobody may call it`);
      }
      // CSRF: a state-changing request that rides on the session cookie must come from a page of this
      // origin (browsers always send Origin on such requests; machine clients use Authorization and
      // are not affected). SameSite=Lax on the cookie is the second line.
      if (!SAFE_METHODS.has(request.method) && request.headers.authorization === undefined && readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined) {
        const origin = request.headers.origin ?? request.headers.referer;
        if (typeof origin === 'string' && !sameOrigin(origin, request)) {
          return deny(request, reply, ctx.audit, 403, 'csrf_origin', `cross-site request refused: Origin ${origin} is not this platform`);
        }
      }
      if (permission === 'public' && !credentialSent) return;
      const who = credentialSent ? await authenticate(request) : undefined;
      if (who) {
        request.principal = who.principal;
        request.session = who.session;
      }
      if (permission === 'public') return;
      if (!who) return deny(request, reply, ctx.audit, 401, 'unauthenticated', credentialSent ? '会话已过期或凭据无效，请重新登录 (the session expired or the credential is not valid; sign in again)' : '请先登录 (sign in, or send an API key as Authorization: Bearer)');
      if (who.principal.restriction && permission !== SELF_PERMISSION) {
        const what = { password_change: 'change your one-time password', totp_enrolment: 'enrol an authenticator (TOTP)', totp: 'present your authenticator code' }[who.principal.restriction];
        return deny(request, reply, ctx.audit, 403, 'session_restricted', `sign-in is not complete: ${what} first`);
      }
      if (!holds(who.principal, permission)) return deny(request, reply, ctx.audit, 403, 'permission_denied', `this needs the permission ${permission}`);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      await auditRequest(request, reply);
      return payload;
    });
  }

  /**
   * 操作与数据访问审计: a signed-in caller's state-changing request (admin action, data change) and,
   * on routes that ask for it (`config.audit: 'read'`: personal data, exports), a read. Appended
   * before the answer leaves, so an acknowledged change is never missing from the chain; modules
   * that audit an action themselves, in its own transaction, declare `audit: 'self'`.
   */
  async function auditRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = request.principal;
    const config = request.routeOptions.config;
    if (!principal || denied.has(request) || config.audit === 'self' || config.audit === false) return;
    const read = SAFE_METHODS.has(request.method);
    if (read && config.audit !== 'read') return;
    const status = reply.statusCode;
    const permission = config.permission ?? '';
    const url = request.url.split('?')[0] ?? request.url;
    const details: Record<string, unknown> = { route: `${request.method} ${request.routeOptions.url ?? ''}`, status, ip: request.ip, via: principal.via };
    if (read && request.query && typeof request.query === 'object' && Object.keys(request.query).length > 0) details.query = request.query;
    try {
      await ctx.audit.append({
        actor: actorOf(principal),
        action: read ? `${permission}:read` : permission,
        target: `${request.method} ${url}`,
        outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
        details,
      });
    } catch (err) {
      ctx.logger.error({ err, url, actor: actorOf(principal) }, 'audit of a request failed');
    }
  }

  /** Every route registered after `install`, with the permission it declares (undefined = none yet). */
  const routes = (): ReadonlyArray<{ method: string; url: string; permission: string | undefined }> => routeTable;

  return { install, authenticate, routes };
}

export type Access = ReturnType<typeof createAccess>;
