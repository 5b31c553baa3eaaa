// Field-level difference between two versions of a resource. Data items are compared by column
// name, so a reordered list is no change and an edited item names the attribute that changed.
import type { DataItem, FieldChange } from './schemas.ts';

/** The part of a resource that versions record. */
export type Snapshot = Record<string, unknown> & { dataItems: DataItem[] };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function diffValue(field: string, before: unknown, after: unknown, out: FieldChange[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) diffValue(`${field}.${key}`, before[key], after[key], out);
    return;
  }
  if (same(before, after)) return;
  if (before === undefined || before === null) out.push({ field, change: 'added', before: null, after });
  else if (after === undefined || after === null) out.push({ field, change: 'removed', before, after: null });
  else out.push({ field, change: 'changed', before, after });
}

export function diffSnapshots(before: Snapshot, after: Snapshot): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'dataItems') continue;
    diffValue(key, before[key], after[key], out);
  }
  const was = new Map(before.dataItems.map((i) => [i.name, i]));
  const now = new Map(after.dataItems.map((i) => [i.name, i]));
  for (const [name, item] of was) {
    const next = now.get(name);
    if (!next) out.push({ field: `dataItems[${name}]`, change: 'removed', before: item, after: null });
    else diffValue(`dataItems[${name}]`, item, next, out);
  }
  for (const [name, item] of now) if (!was.has(name)) out.push({ field: `dataItems[${name}]`, change: 'added', before: null, after: item });
  return out;
}
