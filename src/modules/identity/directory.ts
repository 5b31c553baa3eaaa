// 组织与权限 the org tree, roles, role grants with 三员分立 (separation of duties), and the
// first-start bootstrap of the three administrators.
import type { Queryable } from '../../platform/index.ts';
import type { Accounts } from './accounts.ts';
import type { IdentityContext } from './context.ts';
import { identityError } from './errors.ts';
import { actorOf, BUILTIN_ROLES, DUTY_ROLE_NAMES, dutyPermissionsCovered, type Duty, type Principal } from './permissions.ts';
import type { RoleRow, UnitRow } from './store.ts';

export const CITY_UNIT = '371500';

/** 委办局 the city's departments, seeded on first start. */
export const DEPARTMENTS: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'D01', name: '大数据局' }, { code: 'D02', name: '公安局' }, { code: 'D03', name: '民政局' },
  { code: 'D04', name: '自然资源局' }, { code: 'D05', name: '生态环境局' }, { code: 'D06', name: '住建局' },
  { code: 'D07', name: '城管局' }, { code: 'D08', name: '水利局' }, { code: 'D09', name: '交通局' },
  { code: 'D10', name: '卫健委' }, { code: 'D11', name: '市场监管局' }, { code: 'D12', name: '应急局' },
  { code: 'D13', name: '12345热线' },
];

const ADMINS: ReadonlyArray<{ duty: Duty; login: string; name: string }> = [
  { duty: 'system', login: 'sysadmin', name: '系统管理员' },
  { duty: 'security', login: 'secadmin', name: '安全保密管理员' },
  { duty: 'audit', login: 'auditadmin', name: '安全审计员' },
];

// Any constant: names the lock that makes bootstrap run once across API nodes.
const bootstrapLockKey = 371503;

const levelKind = { county: 'district', town: 'town', village: 'community' } as const;

export function createDirectory(ctx: IdentityContext, accounts: Accounts) {
  const { store, clock, audit } = ctx;

  async function checkCustomPermissions(permissions: readonly string[]): Promise<void> {
    for (const [i, p] of permissions.entries()) {
      const covered = dutyPermissionsCovered(p);
      if (covered.length > 0) {
        throw identityError('separation_of_duties', `三员分立: ${p} covers ${covered.join(', ')}, which only the built-in administrator roles hold`, { field: `permissions/${i}` });
      }
    }
  }

  return {
    /** Seed roles and departments; create the three administrators if none exist (returns their one-time passwords). */
    async bootstrap(): Promise<Array<{ login: string; role: string; oneTimePassword: string }>> {
      return ctx.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [bootstrapLockKey]);
        for (const r of BUILTIN_ROLES) await store.upsertRole({ ...r, builtin: true }, tx);
        await store.upsertUnits([{ code: CITY_UNIT, name: '聊城市', kind: 'city', parentCode: null }], tx);
        await store.upsertUnits(DEPARTMENTS.map((d) => ({ ...d, kind: 'department', parentCode: CITY_UNIT })), tx);
        const created: Array<{ login: string; role: string; oneTimePassword: string }> = [];
        for (const a of ADMINS) {
          const role = DUTY_ROLE_NAMES[a.duty];
          const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM identity_role_grants WHERE role = $1', [role]);
          if ((rows[0]?.n ?? 0) > 0 || (await store.accountByLogin(a.login, tx))) continue;
          const r = await accounts.createStaff({ login: a.login, name: a.name, units: ['D01'] }, 'system', { role, tx });
          created.push({ login: a.login, role, oneTimePassword: r.oneTimePassword });
        }
        return created;
      });
    },

    /** Mirror the city's districts, towns/streets, communities and grids into the org tree. */
    async syncRegions(actor: string): Promise<{ units: number }> {
      const units: UnitRow[] = [];
      const walk = async (code: string, depth: number): Promise<void> => {
        const list = await ctx.city.listDivisions({ parent: code });
        for (const d of list.divisions) {
          const kind = levelKind[d.level as keyof typeof levelKind] as UnitRow['kind'] | undefined;
          if (!kind) continue;
          units.push({ code: d.code, name: d.name, kind, parentCode: code });
          if (depth < 2) await walk(d.code, depth + 1);
        }
      };
      await walk(CITY_UNIT, 0);
      if (units.length === 0) return { units: 0 };
      // 网格 grids hang under their community (村/社区); grid workers belong to them.
      const communities = new Set(units.filter((u) => u.kind === 'community').map((u) => u.code));
      for (const g of await ctx.city.gridPoints()) {
        if (communities.has(g.villageCode)) units.push({ code: g.code, name: g.name, kind: 'grid', parentCode: g.villageCode });
      }
      await ctx.db.transaction(async (tx) => {
        await store.upsertUnits(units, tx);
        await audit.appendIn(tx, { actor, action: 'identity.unit.sync', target: CITY_UNIT, outcome: 'success', details: { units: units.length } });
      });
      return { units: units.length };
    },

    units: (parent: string | null) => store.units(parent),

    async createUnit(caller: Principal, input: { code: string; name: string; kind: 'department'; parentCode: string }): Promise<UnitRow> {
      if (!(await store.unit(input.parentCode))) throw identityError('unit_not_found', `no unit ${input.parentCode}`, { field: 'parentCode' });
      const unit = { ...input };
      await ctx.db.transaction(async (tx) => {
        await store.upsertUnits([unit], tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.unit.write', target: `unit:${input.code}`, outcome: 'success', details: { name: input.name } });
      });
      return unit;
    },

    roles: () => store.roles(),

    async saveRole(caller: Principal, input: { name: string; titleZh: string; titleEn: string; permissions: string[] }, mode: 'create' | 'update'): Promise<RoleRow> {
      const prior = await store.role(input.name);
      if (mode === 'create' && prior) throw identityError('role_exists', `role ${input.name} exists`, { field: 'name' });
      if (mode === 'update' && !prior) throw identityError('role_not_found', `no role ${input.name}`, { field: 'name' });
      if (prior?.builtin) throw identityError('role_builtin', `${input.name} is a built-in role and cannot be changed`, { field: 'name' });
      await checkCustomPermissions(input.permissions);
      const role: RoleRow = { ...input, duty: null, builtin: false };
      // A changed role changes what every holder may do (a new one has no holders yet).
      await ctx.principals.change(mode === 'update' ? [{ kind: 'all' }] : [], async (tx) => {
        await store.upsertRole(role, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: `identity.role.${mode}`, target: `role:${input.name}`, outcome: 'success', details: { permissions: input.permissions, before: prior?.permissions ?? null } });
      });
      return role;
    },

    async deleteRole(caller: Principal, name: string): Promise<void> {
      const prior = await store.role(name);
      if (!prior) throw identityError('role_not_found', `no role ${name}`, { field: 'name' });
      if (prior.builtin) throw identityError('role_builtin', `${name} is a built-in role and cannot be deleted`, { field: 'name' });
      await ctx.principals.change([{ kind: 'all' }], async (tx) => {
        await store.deleteRole(name, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.role.delete', target: `role:${name}`, outcome: 'success', details: { permissions: prior.permissions } });
      });
    },

    /** Grant a role (optionally scoped to a unit). 三员分立 is checked under a lock on the account row. */
    async grant(caller: Principal, input: { accountId: string; role: string; scopeUnit?: string }): Promise<void> {
      const scopeUnit = input.scopeUnit ?? '';
      const fail = async (code: 'self_grant' | 'separation_of_duties', message: string, field: string) => {
        await audit.append({ actor: actorOf(caller), action: 'identity.role.grant', target: input.accountId, outcome: 'denied', details: { role: input.role, scopeUnit, code } });
        return identityError(code, message, { field });
      };
      if (input.accountId === caller.accountId) throw await fail('self_grant', '不能给自己授权 (no one may grant roles to themselves)', 'accountId');
      const role = await store.role(input.role);
      if (!role) throw identityError('role_not_found', `no role ${input.role}`, { field: 'role' });
      if (scopeUnit && !(await store.unit(scopeUnit))) throw identityError('unit_not_found', `no unit ${scopeUnit}`, { field: 'scopeUnit' });
      const target = await store.accountById(input.accountId);
      if (!target) throw identityError('account_not_found', `no account ${input.accountId}`, { field: 'accountId' });
      const denied = await ctx.principals.change([{ kind: 'account', accountId: input.accountId }], async (tx: Queryable) => {
        const duties = await store.dutiesOf(input.accountId, tx);
        if (role.duty && (target.kind !== 'staff' || duties.some((d) => d !== role.duty))) {
          return `三员分立: ${target.login} already holds the ${duties.join(', ')} administrator duty (or is not staff) and cannot also be ${role.name}`;
        }
        await store.insertGrant({ accountId: input.accountId, role: input.role, scopeUnit, grantedAt: clock.now(), grantedBy: actorOf(caller) }, tx);
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.role.grant', target: input.accountId, outcome: 'success', details: { role: input.role, scopeUnit } });
        return undefined;
      });
      if (denied) throw await fail('separation_of_duties', denied, 'role');
    },

    async revoke(caller: Principal, input: { accountId: string; role: string; scopeUnit?: string }): Promise<void> {
      if (input.accountId === caller.accountId) throw identityError('self_grant', '不能变更自己的权限 (no one may change their own roles)', { field: 'accountId' });
      await ctx.principals.change([{ kind: 'account', accountId: input.accountId }], async (tx) => {
        const removed = await store.deleteGrant(input.accountId, input.role, input.scopeUnit ?? '', tx);
        if (!removed) throw identityError('role_not_found', `${input.accountId} does not hold ${input.role} there`, { field: 'role' });
        await audit.appendIn(tx, { actor: actorOf(caller), action: 'identity.role.revoke', target: input.accountId, outcome: 'success', details: { role: input.role, scopeUnit: input.scopeUnit ?? '' } });
      });
    },
  };
}

export type Directory = ReturnType<typeof createDirectory>;
