// 责任单位 responsible units are the identity module's org units (委办局, districts, towns/streets …).
// The tree is read through the directory the composition root hands in, kept in memory for a short
// while (it changes rarely), and used for names, validation, the district fallback and scoping.
import type { Clock } from '../../kernel/index.ts';
import type { Grant, Principal } from '../identity/index.ts';
import { permissionMatches } from '../identity/index.ts';
import { eventsError } from './errors.ts';

/** One unit of the org tree (identity's `OrgUnit`). */
export interface OrgUnitRef {
  code: string;
  name: string;
  kind: 'city' | 'department' | 'district' | 'town' | 'community' | 'grid';
  parentCode: string | null;
}

/** What the events module reads of the directory (identity's `orgDirectory`). */
export interface OrgDirectory {
  units(): Promise<OrgUnitRef[]>;
  membershipsOf(accountId: string): Promise<string[]>;
  /** The account's grants with their scope units (optional: without it an API key's scope is its owner's memberships). */
  grantsOf?(accountId: string): Promise<Grant[]>;
}

/** Units that can be responsible for an event: not communities or grids (they report, they are not dispatched to). */
const RESPONSIBLE_KINDS: ReadonlySet<OrgUnitRef['kind']> = new Set(['city', 'department', 'district', 'town']);

interface Tree {
  byCode: Map<string, OrgUnitRef>;
  children: Map<string, string[]>;
  loadedAt: number;
}

const TTL_MS = 30_000;

/** The tree at one moment, read synchronously (inside a transaction, where PGlite's one connection is busy). */
export interface OrgSnapshot {
  unit(code: string): OrgUnitRef | undefined;
  /** Name of a unit (the code when it is not in the tree). */
  name: (code: string | null) => string | null;
  /** `codes` and every unit below them. */
  subtree(codes: Iterable<string>): Set<string>;
  /** Units that can take events: the city, 委办局, districts and towns/streets. */
  responsible(): OrgUnitRef[];
  /** 400 department_unknown unless `code` is a unit that can be responsible for events. */
  requireResponsible(code: string, field: string): OrgUnitRef;
  /** The district unit that takes what no rule routes (回落到区县). */
  districtUnit(districtCode: string): string | undefined;
  /**
   * 上一级 the level above a unit for escalation: the nearest district above it (a town's or a district
   * department's), else the city command center; undefined for the command center itself.
   */
  levelAbove(code: string | null, commandCenter: string): string | undefined;
}

function snapshotOf(tree: Tree): OrgSnapshot {
  const unit = (code: string) => tree.byCode.get(code);
  return {
    unit,
    name: (code) => (code === null ? null : (unit(code)?.name ?? code)),
    subtree(codes) {
      const out = new Set<string>();
      const stack = [...codes];
      while (stack.length > 0) {
        const c = stack.pop() as string;
        if (out.has(c)) continue;
        out.add(c);
        for (const k of tree.children.get(c) ?? []) stack.push(k);
      }
      return out;
    },
    responsible: () => [...tree.byCode.values()].filter((u) => RESPONSIBLE_KINDS.has(u.kind)),
    requireResponsible(code, field) {
      const u = unit(code);
      if (!u || !RESPONSIBLE_KINDS.has(u.kind)) throw eventsError('department_unknown', `no unit ${code} in the directory that can take events (a 委办局, district or town/street)`, { field });
      return u;
    },
    districtUnit(districtCode) {
      const u = unit(districtCode);
      return u && u.kind === 'district' ? u.code : undefined;
    },
    levelAbove(code, commandCenter) {
      if (code === commandCenter) return undefined;
      const seen = new Set<string>();
      for (let p = code === null ? undefined : unit(code)?.parentCode; p && !seen.has(p); p = unit(p)?.parentCode) {
        seen.add(p);
        if (p === commandCenter || unit(p)?.kind === 'district') return p;
      }
      return commandCenter;
    },
  };
}

export function createOrg(directory: OrgDirectory, clock: Clock) {
  let tree: Tree | undefined;
  let loading: Promise<Tree> | undefined;

  async function load(): Promise<Tree> {
    const units = await directory.units();
    const byCode = new Map(units.map((u) => [u.code, u]));
    const children = new Map<string, string[]>();
    for (const u of units) {
      if (u.parentCode === null) continue;
      const list = children.get(u.parentCode) ?? [];
      list.push(u.code);
      children.set(u.parentCode, list);
    }
    return { byCode, children, loadedAt: clock.now().getTime() };
  }

  async function current(fresh: boolean): Promise<Tree> {
    const now = clock.now().getTime();
    if (!fresh && tree && now - tree.loadedAt >= 0 && now - tree.loadedAt < TTL_MS) return tree;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    tree = await loading;
    return tree;
  }

  return {
    /** The tree now; reloaded when older than 30 s or when one of `need` is not in it (a unit added a moment ago). */
    async snapshot(need: ReadonlyArray<string | undefined> = []): Promise<OrgSnapshot> {
      let t = await current(false);
      if (need.some((c) => c !== undefined && !t.byCode.has(c))) t = await current(true);
      return snapshotOf(t);
    },
    membershipsOf: (accountId: string) => directory.membershipsOf(accountId),
    grantsOf: (accountId: string) => (directory.grantsOf ? directory.grantsOf(accountId) : Promise.resolve(undefined)),
  };
}

export type Org = ReturnType<typeof createOrg>;

/** How far a viewer reaches: everything, or the units (already expanded to their subtrees). */
export interface Reach {
  all: boolean;
  units: ReadonlySet<string>;
}

/**
 * Who is acting and where (数据权限 data scope):
 * - `handle`: units whose events the viewer works on (签收, 退单, 处置, 反馈) — the scope units of
 *   their grants of `events.event.handle`, or their own units (memberships) when the grant is
 *   unscoped, with everything below them in the tree;
 * - `command`: the region where they dispatch, verify and close — unscoped `events.event.dispatch`
 *   is the whole city, a scoped grant its unit and below (a district dispatcher);
 * - `read`: what they see — their handle units, their own units, and their command region.
 */
export interface Viewer {
  actor: string;
  principal: Principal;
  /** The permissions held (in some scope), for the action check. */
  holds(permission: string): boolean;
  handle: Reach;
  dispatch: Reach;
  verify: Reach;
  /** What they see: events whose lead or partner unit is in `units`, or located in `region`. */
  read: { all: boolean; units: ReadonlySet<string>; region: ReadonlySet<string> };
  /** The viewer's own units (memberships), for the inbox. */
  ownUnits: readonly string[];
}

const grantsOf = (grants: readonly Grant[], permission: string) => grants.filter((g) => g.permissions.some((p) => permissionMatches(p, permission)));

/** The principal's memberships, the org tree, and its grants of a permission as they apply (an API key's: its owner's). */
async function grantContext(org: Org, principal: Principal) {
  const own = await org.membershipsOf(principal.accountId);
  // An API key's principal carries the key's permissions unscoped; its reach is its owner's grants
  // (with their scope units) for the permissions the key covers, never wider.
  const owner = principal.via === 'api_key' ? await org.grantsOf(principal.accountId) : undefined;
  const tree = await org.snapshot([...own, ...[...principal.grants, ...(owner ?? [])].map((g) => g.scopeUnit || undefined)]);
  const effective = (permission: string): Grant[] => {
    const direct = grantsOf(principal.grants, permission);
    if (!owner || direct.length === 0) return direct;
    return grantsOf(owner, permission);
  };
  return { own, tree, effective };
}

export async function viewerOf(org: Org, principal: Principal, actor: string): Promise<Viewer> {
  const { own, tree, effective } = await grantContext(org, principal);
  const reach = (permission: string, unscopedIsAll: boolean): Reach => {
    const gs = effective(permission);
    if (gs.length === 0) return { all: false, units: new Set() };
    if (unscopedIsAll && gs.some((g) => g.scopeUnit === '')) return { all: true, units: new Set() };
    const roots = gs.flatMap((g) => (g.scopeUnit === '' ? own : [g.scopeUnit]));
    return { all: false, units: tree.subtree(roots) };
  };
  const handle = reach('events.event.handle', false);
  const dispatch = reach('events.event.dispatch', true);
  const verify = reach('events.event.verify', true);
  const readOnly = reach('events.event.read', false);
  const region = new Set([...dispatch.units, ...verify.units]);
  const read = { all: dispatch.all || verify.all, units: new Set([...handle.units, ...readOnly.units, ...region]), region };
  return {
    actor,
    principal,
    holds: (permission) => principal.grants.some((g) => g.permissions.some((p) => permissionMatches(p, permission))),
    handle, dispatch, verify, read, ownUnits: own,
  };
}

/** The facts of an event that scoping looks at. */
export interface EventPlaceUnits {
  departmentCode: string | null;
  partnerCodes: readonly string[];
  districtCode: string | null;
  townCode: string | null;
}

/** May the viewer see the event? */
export function canSee(v: Viewer, e: EventPlaceUnits): boolean {
  return reaches({ all: v.read.all, units: v.read.units }, e, { partners: true, place: false }) || reaches({ all: false, units: v.read.region }, e, { partners: true, place: true });
}

/** Is the event's lead (or, with `partners`, a partner) unit within reach? Regions (`place`) also cover events located there. */
export function reaches(r: Reach, e: EventPlaceUnits, opts: { partners: boolean; place: boolean }): boolean {
  if (r.all) return true;
  if (e.departmentCode !== null && r.units.has(e.departmentCode)) return true;
  if (opts.partners && e.partnerCodes.some((p) => r.units.has(p))) return true;
  if (opts.place && ((e.districtCode !== null && r.units.has(e.districtCode)) || (e.townCode !== null && r.units.has(e.townCode)))) return true;
  return false;
}

/** What a viewer may see of events, for modules that hold events' facts of their own (the map's layers, the screen's stream). */
export interface EventScope {
  /** Sees every event (a city-wide dispatcher or verifier). */
  all: boolean;
  /** Stable for one reach: viewers with the same key see the same events. */
  key: string;
  /** Events whose lead or a partner unit is one of these are seen. */
  units: ReadonlySet<string>;
  /** Events led by these units or located in these divisions are seen. */
  region: ReadonlySet<string>;
  sees: (e: EventPlaceUnits) => boolean;
}

function scopeOfReach(read: Viewer['read']): EventScope {
  const key = read.all ? 'all' : `${[...read.units].sort().join(',')}|${[...read.region].sort().join(',')}`;
  const sees = (e: EventPlaceUnits) =>
    reaches({ all: read.all, units: read.units }, e, { partners: true, place: false }) || reaches({ all: false, units: read.region }, e, { partners: true, place: true });
  return { all: read.all, key, units: read.units, region: read.region, sees };
}

export function eventScopeOf(v: Viewer): EventScope {
  return scopeOfReach(v.read);
}

/** A unit a scope is rooted at. */
export interface ScopeRoot {
  code: string;
  name: string;
  kind: OrgUnitRef['kind'];
}

/**
 * The reach of a principal's grants of one permission (the big screen's 城市/区县 levels): each
 * grant scoped to a unit reaches that unit and the units below it — and, for a division (a
 * district, a town), the events located there; an unscoped grant reaches the principal's own units
 * the same way, or the whole city for a city-wide dispatcher or verifier. A reach that includes the
 * city command center is the whole city.
 */
export interface UnitScope extends EventScope {
  /** The units the reach starts from, named (empty for the whole city). */
  roots: ScopeRoot[];
  /** Names of every unit in reach (a device names its owner department, 权属部门, by name). */
  unitNames: ReadonlySet<string>;
}

const DIVISION_KINDS: ReadonlySet<OrgUnitRef['kind']> = new Set(['district', 'town', 'community', 'grid']);

export async function unitScopeOf(org: Org, principal: Principal, permission: string, commandCenter: string): Promise<UnitScope> {
  const { own, tree, effective } = await grantContext(org, principal);
  const gs = effective(permission);
  const cityWide = (p: string) => effective(p).some((g) => g.scopeUnit === '');
  const unscoped = gs.some((g) => g.scopeUnit === '');
  const roots = [...new Set(gs.flatMap((g) => (g.scopeUnit === '' ? own : [g.scopeUnit])))];
  if ((unscoped && (cityWide('events.event.dispatch') || cityWide('events.event.verify'))) || roots.includes(commandCenter)) {
    return { ...scopeOfReach({ all: true, units: new Set(), region: new Set() }), roots: [], unitNames: new Set() };
  }
  const units = tree.subtree(roots);
  const region = tree.subtree(roots.filter((c) => DIVISION_KINDS.has(tree.unit(c)?.kind ?? 'city')));
  const named = roots.map((code) => ({ code, name: tree.name(code) ?? code, kind: tree.unit(code)?.kind ?? 'department' })).sort((a, b) => a.code.localeCompare(b.code));
  return { ...scopeOfReach({ all: false, units, region }), roots: named, unitNames: new Set([...units].map((c) => tree.name(c) ?? c)) };
}
