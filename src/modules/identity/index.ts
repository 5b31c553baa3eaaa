/**
 * Identity module (一号通行 one number): natural-person, legal-person and staff accounts with
 * 实名核验 against the city's base data, argon2id passwords with lock-out, server-side sessions,
 * TOTP for staff, API keys, the org tree, roles with 三员分立, and the access hook that enforces
 * every route's declared permission. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { CityService } from '../city/index.ts';
import {
  createAuditLog, fieldSealer, loadFieldKey, type AuditLog, type BusSubscription, type Database, type HttpApp, type MigrationSource, type ModuleContext, type PlatformModule,
} from '../../platform/index.ts';
import { logChannel, type MessageChannel } from './channel.ts';
import { DEFAULT_SETTINGS, type IdentitySettings } from './context.ts';
import { CITY_UNIT } from './directory.ts';
import { createOidc, type Oidc } from './oidc.ts';
import { createClients, type Clients } from './oidc-clients.ts';
import { createOidcStore } from './oidc-store.ts';
import { createPrincipals, PRINCIPAL_CHANGED, type PrincipalCache, type PrincipalCacheStats } from './principal-cache.ts';
import { adminRoutes } from './routes-admin.ts';
import { selfRoutes } from './routes-self.ts';
import { ssoRoutes } from './routes-sso.ts';
import { createIdentityService, type IdentityService } from './service.ts';
import type { Grant } from './permissions.ts';
import { createIdentityStore } from './store.ts';

export const identityMigrations: MigrationSource = { module: 'identity', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface IdentityModule extends PlatformModule {
  name: 'identity';
  service: IdentityService;
  audit: AuditLog;
  /** Where one-time codes go (the `log` channel in development). */
  channel: MessageChannel;
  /** The OpenID Connect provider (single sign-on). */
  oidc: Oidc;
  /** 应用接入: applications registered as OpenID Connect clients. */
  clients: Clients;
  /** Install the access hook on the root HTTP server, before any module's routes; mount the OpenID Connect provider. */
  installAccess(app: HttpApp): void;
  /** Every route of the server with the permission it declares (undefined = none declared). */
  routeTable(): ReadonlyArray<{ method: string; url: string; permission: string | undefined }>;
  /** The access hook's principal cache on this node: entries, hits, misses, changes applied. */
  principalCacheStats(): PrincipalCacheStats;
  /** The org tree and who belongs where, for other modules; memberships and grants kept as long as principals, dropped with them. */
  directory: OrgDirectory;
  /** Mirror the city's divisions into the org tree (after the demo city is built). */
  syncRegions(): Promise<void>;
  /**
   * One-time passwords of the administrators created by the last `start()` (first start only).
   * Kept in memory, never stored; also written once to the log.
   */
  readonly initialCredentials: ReadonlyArray<{ login: string; role: string; oneTimePassword: string }>;
}

export function createIdentityModule(ctx: ModuleContext, deps: { city: CityService; channel?: MessageChannel; settings?: Partial<IdentitySettings> }): IdentityModule {
  const audit = createAuditLog({ db: ctx.db, clock: ctx.clock });
  const channel = deps.channel ?? logChannel(ctx.logger);
  const store = createIdentityStore(ctx.db);
  // OpenID Connect signing keys and client secrets are sealed with the platform's SM4 field key.
  const oidcStore = createOidcStore(ctx.db, ctx.clock, fieldSealer(loadFieldKey(ctx.config)));
  const settings = { ...DEFAULT_SETTINGS, ...deps.settings };
  const principals = createPrincipals({ db: ctx.db, clock: ctx.clock, relay: ctx.relay, settings: { ttlMs: settings.principalCacheSeconds * 1000, maxEntries: settings.principalCacheEntries } });
  const identityCtx = { db: ctx.db, store, clock: ctx.clock, logger: ctx.logger, audit, city: deps.city, channel, rateLimiter: ctx.rateLimiter, settings, principals };
  const service = createIdentityService(identityCtx, { oidcStore });
  const oidc = createOidc(identityCtx, { config: ctx.config, oidcStore });
  const clients = createClients(identityCtx, oidcStore);
  let initialCredentials: Array<{ login: string; role: string; oneTimePassword: string }> = [];
  let purger: NodeJS.Timeout | undefined;
  let principalChanges: BusSubscription | undefined;
  const syncRegions = async () => {
    const top = await store.units(CITY_UNIT);
    // Installs from before grids joined the org tree get them on the next start.
    const hasGrids = (await ctx.db.query("SELECT 1 FROM identity_units WHERE kind = 'grid' LIMIT 1")).rows.length > 0;
    if (top.some((u) => u.kind === 'district') && hasGrids) return;
    const r = await service.directory.syncRegions('system');
    if (r.units > 0) ctx.logger.info({ units: r.units }, 'org tree: city divisions added');
  };
  return {
    name: 'identity',
    migrations: identityMigrations,
    service,
    audit,
    channel,
    oidc,
    clients,
    installAccess: (app) => {
      service.access.install(app);
      oidc.mount(app);
    },
    syncRegions,
    routeTable: () => service.access.routes(),
    principalCacheStats: () => principals.cache.stats(),
    directory: orgDirectory(ctx.db, principals.cache),
    get initialCredentials() {
      return initialCredentials;
    },
    routes: async (app) => {
      await app.register(selfRoutes(service, oidc));
      await app.register(adminRoutes(service));
      await app.register(ssoRoutes(service, oidc, clients));
    },
    async start() {
      // Every node keeps its own principal cache, so each needs every change: a durable name per node.
      principalChanges = await ctx.bus.subscribe(PRINCIPAL_CHANGED, `identity-principals-${ctx.config.nodeId}`, (e) => principals.cache.onBusEvent(e));
      const sealed = await oidcStore.sealStoredSecrets();
      if (sealed > 0) ctx.logger.info({ sealed }, 'single sign-on keys and client secrets stored in the clear are now sealed with the field key');
      // Expired provider state (codes, tokens, sessions) is never read again; drop it hourly.
      purger = setInterval(() => {
        oidcStore.purgeExpired().then(
          (n) => n > 0 && ctx.logger.debug({ rows: n }, 'expired single sign-on state removed'),
          (err: unknown) => ctx.logger.warn({ err }, 'removing expired single sign-on state failed'),
        );
      }, 3_600_000);
      purger.unref();
      initialCredentials = await service.directory.bootstrap();
      for (const c of initialCredentials) {
        ctx.logger.warn({ login: c.login, role: c.role, oneTimePassword: c.oneTimePassword }, `first start: administrator ${c.login} (${c.role}) created; one-time password ${c.oneTimePassword} — change it at first sign-in`);
      }
      await syncRegions();
    },
    async stop() {
      clearInterval(purger);
      await principalChanges?.stop();
      principalChanges = undefined;
    },
  };
}

/** A unit of the org tree as other modules read it. */
export interface OrgUnit {
  code: string;
  name: string;
  kind: 'city' | 'department' | 'district' | 'town' | 'community' | 'grid';
  parentCode: string | null;
}

/** 组织机构 a read-only view of the org tree and of who belongs where, for modules that route or scope by unit (events). */
export interface OrgDirectory {
  units(): Promise<OrgUnit[]>;
  membershipsOf(accountId: string): Promise<string[]>;
  /** The account's role grants with their scope units (an API key's principal carries only the key's permissions, unscoped). */
  grantsOf(accountId: string): Promise<Grant[]>;
}

interface Kept {
  until: number;
  memberships?: string[];
  grants?: Grant[];
}

/**
 * The directory. With `principals` (the access hook's cache), an account's memberships and grants
 * are kept as long as a principal is and dropped by the same changes (a grant, a revoke, a role
 * edited, on this node at once and on others through the bus), so a scope follows a revoke on the
 * very next request like the permission itself does.
 */
export function orgDirectory(db: Database, principals?: Pick<PrincipalCache, 'epoch' | 'onInvalidate' | 'ttlMs'>): OrgDirectory {
  const store = createIdentityStore(db);
  const ttl = principals?.ttlMs ?? 0;
  const kept = new Map<string, Kept>();
  principals?.onInvalidate((change) => {
    if (change.kind === 'all') kept.clear();
    else if (change.kind === 'account') kept.delete(change.accountId);
  });
  async function cached<K extends 'memberships' | 'grants'>(accountId: string, what: K, load: () => Promise<NonNullable<Kept[K]>>): Promise<NonNullable<Kept[K]>> {
    const now = Date.now();
    const hit = kept.get(accountId);
    const value = hit && hit.until > now ? hit[what] : undefined;
    if (value !== undefined || !principals || ttl <= 0) return value ?? load();
    const epoch = principals.epoch();
    const loaded = await load();
    // A change while loading may have made what was read stale: keep it only when none came.
    if (principals.epoch() === epoch) {
      const entry = kept.get(accountId);
      if (entry && entry.until > now) entry[what] = loaded;
      else kept.set(accountId, { until: now + ttl, [what]: loaded });
      if (kept.size > 10_000) kept.delete(kept.keys().next().value as string);
    }
    return loaded;
  }
  return {
    units: async () => (await db.query<OrgUnit>('SELECT code, name, kind, parent_code AS "parentCode" FROM identity_units ORDER BY code')).rows,
    membershipsOf: (accountId) => cached(accountId, 'memberships', async () => (await store.membershipsOf(accountId)).map((u) => u.code)),
    grantsOf: (accountId) => cached(accountId, 'grants', () => store.grantsOf(accountId)),
  };
}

export { IDENTITY_ERRORS, type IdentityErrorCode } from './errors.ts';
export { BUILTIN_ROLES, DUTY_PERMISSIONS, permissionMatches, holds, scopeOf, type Principal, type Grant, type Duty } from './permissions.ts';
export { describeArgon2Cost, ARGON2_COST } from './password.ts';
export { totp, hotp, base32Decode } from './totp.ts';
export { SESSION_COOKIE } from './accounts.ts';
export { DEPARTMENTS } from './directory.ts';
export type { IdentityService } from './service.ts';
export type { IdentitySettings } from './context.ts';
export type { MessageChannel, LogChannel } from './channel.ts';
