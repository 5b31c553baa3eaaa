// 收件单位 recipients: the identity org tree (kept in memory for a short while), the units a caller's
// grants reach, and the org unit a department name (数源/权属部门 as catalogs and devices write it) is.
import { sameDepartment, type Clock } from '../../kernel/index.ts';
import { permissionMatches, type OrgUnit, type Principal } from '../identity/index.ts';

/** What the module reads of identity's org directory (`orgDirectory`). */
export interface UnitDirectory {
  units(): Promise<OrgUnit[]>;
  membershipsOf(accountId: string): Promise<string[]>;
}

/** The permission every notification route declares; staff roles hold it. */
export const NOTIFICATIONS_READ = 'notifications.inbox.read';

const TTL_MS = 30_000;

export interface UnitTree {
  unit: (code: string) => OrgUnit | undefined;
  name: (code: string) => string | null;
  /** The units the notifications of `roots` reach: each root and everything below it, except below the city. */
  reach(roots: Iterable<string>): Set<string>;
  /** The org units a department name (市水利局, 聊城市生态环境局) or unit code stands for. */
  departmentUnits(department: string): string[];
}

function treeOf(units: readonly OrgUnit[]): UnitTree {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parentCode !== null) children.set(u.parentCode, [...(children.get(u.parentCode) ?? []), u.code]);
  return {
    unit: (code) => byCode.get(code),
    name: (code) => byCode.get(code)?.name ?? null,
    reach(roots) {
      const out = new Set<string>();
      const stack = [...roots];
      for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
        if (out.has(c)) continue;
        out.add(c);
        // The city unit is the command center: what is addressed to a department or a district is
        // theirs, not every city member's. Below a district, department or town everything counts.
        if (byCode.get(c)?.kind === 'city') continue;
        stack.push(...(children.get(c) ?? []));
      }
      return out;
    },
    departmentUnits(department) {
      if (byCode.has(department)) return [department];
      return units.filter((u) => u.kind === 'department' && sameDepartment(department, u.name)).map((u) => u.code);
    },
  };
}

export function createUnits(directory: UnitDirectory, clock: Clock) {
  let cached: { tree: UnitTree; at: number; codes: Set<string> } | undefined;
  let loading: Promise<UnitTree> | undefined;

  async function load(): Promise<UnitTree> {
    const units = await directory.units();
    const tree = treeOf(units);
    cached = { tree, at: clock.now().getTime(), codes: new Set(units.map((u) => u.code)) };
    return tree;
  }

  /** The tree, reloaded when older than 30 s, when one of `need` is not in it (a unit added a moment ago) or when `fresh`. */
  async function tree(need: readonly string[] = [], fresh = false): Promise<UnitTree> {
    const age = cached ? clock.now().getTime() - cached.at : Infinity;
    if (!fresh && cached && age >= 0 && age < TTL_MS && need.every((c) => cached?.codes.has(c))) return cached.tree;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  return {
    tree,
    /**
     * The units whose notifications reach the principal: for each grant holding the permission, its
     * scope unit — or, unscoped, the principal's own units (memberships) — with the units below.
     */
    async recipientUnits(principal: Principal): Promise<string[]> {
      const grants = principal.grants.filter((g) => g.permissions.some((p) => permissionMatches(p, NOTIFICATIONS_READ)));
      const scoped = grants.filter((g) => g.scopeUnit !== '').map((g) => g.scopeUnit);
      const own = grants.some((g) => g.scopeUnit === '') ? await directory.membershipsOf(principal.accountId) : [];
      const roots = [...scoped, ...own];
      return [...(await tree(roots)).reach(roots)];
    },
  };
}

export type Units = ReturnType<typeof createUnits>;
