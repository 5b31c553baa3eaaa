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

/** A department's name without the city prefix: 聊城市水利局, 市水利局 and 水利局 are one department. */
export function departmentKey(name: string): string {
  return name.trim().replace(/^(聊城市|市)/, '');
}

/** Is `department` (a name as a catalog resource or a device records it, or a unit code) within `scope`? */
export function inDepartments(scope: DepartmentScope, department: string): boolean {
  if (scope.all) return true;
  const key = departmentKey(department);
  return scope.departments.some((d) => d === department || departmentKey(d) === key);
}
