// The identity service (一号通行): the parts composed, plus the account and audit queries the routes need.
import { identityError } from './errors.ts';
import { createAccounts, publicAccount, type PublicAccount } from './accounts.ts';
import { createAccess } from './access.ts';
import { createApiKeys } from './api-keys.ts';
import type { IdentityContext } from './context.ts';
import { createDirectory } from './directory.ts';
import { actorOf, type Principal } from './permissions.ts';
import type { AuditQueryInput } from './schemas.ts';
import type { OidcStore } from './oidc-store.ts';
import type { SessionRow } from './store.ts';

export function createIdentityService(ctx: IdentityContext, deps: { oidcStore: OidcStore }) {
  const accounts = createAccounts(ctx);
  const apiKeys = createApiKeys(ctx);
  const directory = createDirectory(ctx, accounts);
  const access = createAccess(ctx, apiKeys);
  const { store, clock } = ctx;

  async function accountOrThrow(id: string): Promise<NonNullable<Awaited<ReturnType<typeof store.accountById>>>> {
    const a = await store.accountById(id);
    if (!a) throw identityError('account_not_found', `no account ${id}`, { field: 'id' });
    return a;
  }

  const auditQuery = (q: AuditQueryInput) => ({ ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });

  return {
    accounts,
    apiKeys,
    directory,
    access,

    async me(p: Principal, session: SessionRow | undefined) {
      const account = await accountOrThrow(p.accountId);
      return { account: publicAccount(account, clock.now()), via: p.via, restriction: session?.restriction ?? null, grants: [...p.grants], units: await store.membershipsOf(p.accountId) };
    },

    async listAccounts(q: { kind?: 'person' | 'legal' | 'staff'; unit?: string; q?: string; limit: number; offset: number }): Promise<PublicAccount[]> {
      const now = clock.now();
      return (await store.listAccounts(q)).map((a) => publicAccount(a, now));
    },

    async accountDetail(id: string) {
      const a = await accountOrThrow(id);
      return { account: publicAccount(a, clock.now()), grants: await store.grantsOf(id), units: await store.membershipsOf(id) };
    },

    async unlock(caller: Principal, id: string): Promise<PublicAccount> {
      const a = await accountOrThrow(id);
      await ctx.db.transaction(async (tx) => {
        await store.setLock(id, null, tx);
        await ctx.audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.account.unlock', target: id, outcome: 'success' });
      });
      return publicAccount({ ...a, lockedUntil: null }, clock.now());
    },

    /**
     * Disable or re-enable an account. A disabled account cannot sign in; its sessions end at once,
     * its API keys and its OpenID Connect tokens, codes and grants stop working.
     */
    async setStatus(caller: Principal, id: string, status: 'active' | 'disabled'): Promise<PublicAccount> {
      const a = await accountOrThrow(id);
      if (id === caller.accountId) throw identityError('self_grant', '不能停用自己的账号 (no one may disable their own account)', { field: 'id' });
      await ctx.principals.change([{ kind: 'account', accountId: id }], async (tx) => {
        // 三员分立: the system administrator manages accounts, but not the other two
        // administrators — disabling the auditor would end the audit. Their accounts change only
        // through the security administrator's lock.
        const duties = await store.dutiesOf(id, tx);
        const foreign = duties.filter((d) => d !== 'system');
        if (foreign.length > 0) throw identityError('separation_of_duties', `三员分立: ${a.login} holds the ${foreign.join(', ')} administrator duty; the system administrator may not disable or enable it`, { field: 'id' });
        await store.setStatus(id, status, tx);
        if (status === 'disabled') {
          await store.deleteSessionsOf(id, null, tx);
          await deps.oidcStore.revokeAccount(id, tx);
        }
        await ctx.audit.appendIn(tx, { actor: actorOf(caller), action: status === 'disabled' ? 'identity.account.disable' : 'identity.account.enable', target: id, outcome: 'success' });
      });
      return publicAccount({ ...a, status }, clock.now());
    },

    async searchAudit(caller: Principal, q: AuditQueryInput) {
      const entries = await ctx.audit.search(auditQuery(q));
      // Reading the audit log is itself audited.
      await ctx.audit.append({ actor: actorOf(caller), action: 'audit.log.read', target: 'platform_audit_log', outcome: 'success', details: { query: { ...q }, returned: entries.length } });
      return entries;
    },

    async exportAudit(caller: Principal, q: AuditQueryInput): Promise<AsyncIterable<string>> {
      await ctx.audit.append({ actor: actorOf(caller), action: 'audit.log.export', target: 'platform_audit_log', outcome: 'success', details: { query: { ...q } } });
      return ctx.audit.exportCsv({ ...auditQuery(q), limit: undefined });
    },

    async verifyAudit(caller: Principal) {
      const r = await ctx.audit.verify();
      await ctx.audit.append({ actor: actorOf(caller), action: 'audit.log.verify', target: 'platform_audit_log', outcome: r.ok ? 'success' : 'failure', details: { ...r } });
      return r;
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
