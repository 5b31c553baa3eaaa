// Permissions are `<module>.<resource>.<action>`; roles hold patterns where `*` stands for one
// segment, or for the rest when it is the last segment (`catalog.*` covers `catalog.dataset.read`).

/** Does `pattern` cover `permission`? */
export function permissionMatches(pattern: string, permission: string): boolean {
  if (pattern === permission) return true;
  const p = pattern.split('.');
  const q = permission.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*' && i === p.length - 1) return q.length >= p.length;
    if (i >= q.length || (p[i] !== '*' && p[i] !== q[i])) return false;
  }
  return p.length === q.length;
}

export const PERMISSION_PATTERN = '^(\\*|[a-z0-9_-]+)(\\.(\\*|[a-z0-9_-]+)){0,3}$';

/** Every account may manage itself: its profile, sessions, password, TOTP. */
export const SELF_PERMISSION = 'identity.self';

export type Duty = 'system' | 'security' | 'audit';

export interface BuiltinRole {
  name: string;
  titleZh: string;
  titleEn: string;
  permissions: string[];
  duty: Duty | null;
}

/**
 * The built-in roles. The three administrators of 三员分立 (separation of duties) split the
 * administration so that none can do another's job:
 * - 系统管理员 system administrator: accounts, units, API keys, platform operations — not
 *   permissions, not the audit log;
 * - 安全保密管理员 security administrator: roles and role grants, locks — not accounts, not audit;
 * - 安全审计员 audit administrator: reads and exports the audit log — nothing else.
 */
export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  {
    name: 'system_admin',
    titleZh: '系统管理员',
    titleEn: 'System administrator',
    permissions: ['identity.account.read', 'identity.account.write', 'identity.unit.read', 'identity.unit.write', 'identity.apikey.admin', 'identity.role.read', 'identity.client.read', 'identity.client.write', 'platform.*'],
    duty: 'system',
  },
  {
    name: 'security_admin',
    titleZh: '安全保密管理员',
    titleEn: 'Security administrator',
    permissions: ['identity.role.read', 'identity.role.write', 'identity.role.grant', 'identity.account.read', 'identity.account.lock', 'identity.unit.read'],
    duty: 'security',
  },
  { name: 'audit_admin', titleZh: '安全审计员', titleEn: 'Audit administrator', permissions: ['audit.log.read', 'audit.log.export'], duty: 'audit' },
  // The big screen (screen.*) is the command center's: dispatchers and leaders, not every member of staff.
  { name: 'staff', titleZh: '工作人员', titleEn: 'Staff', permissions: ['identity.unit.read', 'map.*.read', 'notifications.inbox.read'], duty: null },
  // Business roles of the capabilities; grant them scoped to a unit for department staff. Every staff
  // role reads the 消息中心 (notifications.inbox.read): its unit's notifications, or its scope unit's.
  { name: 'data_admin', titleZh: '数据管理员', titleEn: 'Data administrator', permissions: ['catalog.*', 'aggregation.*', 'quality.*', 'city.*.read', 'notifications.inbox.read'], duty: null },
  // 数据专员 a department's data steward: grant scoped to the department's unit, it sees and handles that department's quality tickets.
  { name: 'data_steward', titleZh: '数据专员', titleEn: 'Data steward', permissions: ['quality.ticket.read', 'quality.ticket.handle', 'quality.score.read', 'quality.rule.read', 'catalog.resource.read', 'notifications.inbox.read'], duty: null },
  { name: 'iot_operator', titleZh: '物联运维员', titleEn: 'IoT operator', permissions: ['iot.*', 'notifications.inbox.read'], duty: null },
  // Machine clients of the NGSI-LD context data API (/ngsi-ld/v1), through an API key: iot.ngsi.read / iot.ngsi.write.
  { name: 'ngsi_client', titleZh: 'NGSI-LD 数据接口客户端', titleEn: 'NGSI-LD API client', permissions: ['iot.ngsi.read', 'iot.ngsi.write'], duty: null },
  { name: 'dispatcher', titleZh: '指挥调度员', titleEn: 'Dispatcher', permissions: ['events.*', 'iot.*.read', 'city.*.read', 'map.*.read', 'screen.*.read', 'notifications.inbox.read'], duty: null },
  {
    name: 'handler',
    titleZh: '处置人员',
    titleEn: 'Case handler',
    permissions: ['events.event.read', 'events.event.handle', 'events.event.create', 'events.stats.read', 'map.*.read', 'notifications.inbox.read'],
    duty: null,
  },
  // 领导 leaders: the big screen and the one map; they see the events of their units (a member of the city unit sees the city's).
  { name: 'leader', titleZh: '领导', titleEn: 'Leader', permissions: ['screen.*.read', 'map.*.read', 'events.event.read', 'events.stats.read', 'iot.*.read', 'city.*.read', 'notifications.inbox.read'], duty: null },
  { name: 'citizen', titleZh: '市民', titleEn: 'Citizen', permissions: [], duty: null },
  { name: 'enterprise', titleZh: '企业用户', titleEn: 'Enterprise user', permissions: [], duty: null },
];

/**
 * Permissions that belong to exactly one duty. Only the built-in administrator roles hold them:
 * a custom role may not cover any of them, so no account can gather two duties through roles.
 */
export const DUTY_PERMISSIONS: Record<Duty, readonly string[]> = {
  system: ['identity.account.write', 'identity.unit.write', 'identity.apikey.admin', 'identity.client.write', 'platform.admin'],
  security: ['identity.role.write', 'identity.role.grant', 'identity.account.lock'],
  audit: ['audit.log.read', 'audit.log.export'],
};

/** The duty-only permissions `pattern` would cover. */
export function dutyPermissionsCovered(pattern: string): string[] {
  return Object.values(DUTY_PERMISSIONS).flat().filter((p) => permissionMatches(pattern, p));
}

export const DUTY_ROLE_NAMES: Record<Duty, string> = { system: 'system_admin', security: 'security_admin', audit: 'audit_admin' };

/** A role's permission patterns and the unit it is scoped to ('' = everywhere). */
export interface Grant {
  role: string;
  scopeUnit: string;
  permissions: string[];
}

/** Who is calling, as the access hook resolved it. */
export interface Principal {
  accountId: string;
  kind: 'person' | 'legal' | 'staff';
  login: string;
  displayName: string;
  /** `session` (console, portal) or `api_key` (machine client). */
  via: 'session' | 'api_key';
  apiKeyId?: string;
  grants: readonly Grant[];
  /** Set when a session must change its password or present / enrol TOTP before anything else. */
  restriction: 'password_change' | 'totp_enrolment' | 'totp' | null;
}

/** Audit actor string of a principal. */
export const actorOf = (p: Principal | undefined): string => (p ? (p.apiKeyId ? `apikey:${p.apiKeyId}` : p.accountId) : 'anonymous');

/** Does the principal hold `permission` (in any scope)? */
export function holds(p: Principal, permission: string): boolean {
  if (permission === SELF_PERMISSION) return true;
  return p.grants.some((g) => g.permissions.some((pattern) => permissionMatches(pattern, permission)));
}

/** Units in which the principal holds `permission`; `'all'` when a grant has no scope. */
export function scopeOf(p: Principal, permission: string): 'all' | string[] {
  const units = new Set<string>();
  for (const g of p.grants) {
    if (!g.permissions.some((pattern) => permissionMatches(pattern, permission))) continue;
    if (g.scopeUnit === '') return 'all';
    units.add(g.scopeUnit);
  }
  return [...units];
}
