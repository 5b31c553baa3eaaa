// 数据权限 region scope: how far a caller's reach into place-bound data (people, enterprises,
// events, devices) extends, as GB/T 2260 division-code prefixes.

export type RegionScope = { all: true } | { all: false; regions: readonly string[] };

export const ALL_REGIONS: RegionScope = { all: true };

/**
 * The prefix every division code inside `code` starts with: a province or city code drops its
 * trailing zero pairs (371500 → 3715), a district, town (9 digits) or village (12 digits) code
 * is its own prefix.
 */
export function regionPrefix(code: string): string {
  if (code.length !== 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Is the division `code` (a village, town or district) within `scope`? */
export function inRegion(scope: RegionScope, code: string): boolean {
  return scope.all || scope.regions.some((r) => code.startsWith(r));
}

/** 数源/权属部门 scope: the departments (org-unit codes and names) whose data a caller may change. */
export type DepartmentScope = { all: true } | { all: false; departments: readonly string[] };

// Short forms the org tree uses for departments whose catalog or device records spell them out.
const DEPARTMENT_ALIASES: Readonly<Record<string, string>> = {
  市场监督管理局: '市场监管局', 自然资源和规划局: '自然资源局', 卫生健康委员会: '卫健委', 住房和城乡建设局: '住建局',
  城市管理局: '城管局', 综合行政执法局: '城管局', 交通运输局: '交通局', 应急管理局: '应急局', 大数据管理局: '大数据局',
};

/** The names a department may go by: as written, without the city prefix (聊城市水利局, 市水利局 and 水利局 are one department), and the org tree's short form. */
function departmentNames(name: string): Set<string> {
  const full = name.trim();
  const names = new Set([full]);
  for (const prefix of ['聊城市', '市']) if (full.startsWith(prefix) && full.length > prefix.length + 1) names.add(full.slice(prefix.length));
  for (const n of [...names]) {
    const alias = DEPARTMENT_ALIASES[n];
    if (alias) names.add(alias);
  }
  return names;
}

/** Do two department names (or a name and an org unit's name) stand for one department? 市场监督管理局 = 市场监管局. */
export function sameDepartment(a: string, b: string): boolean {
  const na = departmentNames(a);
  return [...departmentNames(b)].some((n) => na.has(n));
}

/** Is `department` (a name as a catalog resource or a device records it, or a unit code) within `scope`? */
export function inDepartments(scope: DepartmentScope, department: string): boolean {
  if (scope.all) return true;
  return scope.departments.some((d) => d === department || sameDepartment(d, department));
}
