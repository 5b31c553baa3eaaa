import type { Me } from './api/identity.ts';

/** The same pattern rule as the server: `*` is one segment, or the rest when last. */
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

/** Whether the signed-in account may do this (the server decides; this only hides buttons). */
export const can = (me: Me, permission: string): boolean => me.grants.some((g) => g.permissions.some((p) => permissionMatches(p, permission)));
