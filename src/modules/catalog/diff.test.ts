import { describe, expect, it } from 'vitest';
import { diffSnapshots } from './diff.ts';

const item = { name: 'water_level', title: '水位', type: 'decimal' as const, sensitivity: 'public' as const };

describe('version diff', () => {
  it('names each changed field, nested fields and data items by column', () => {
    const before = { name: '河道水位', sharing: { type: 'conditional', conditions: '依申请' }, dataItems: [item, { ...item, name: 'station', type: 'string' as const }] };
    const after = { name: '河道水位监测数据', sharing: { type: 'unconditional' }, dataItems: [{ ...item, type: 'integer' as const }, { ...item, name: 'observed_at', type: 'datetime' as const }] };
    expect(diffSnapshots(before, after)).toEqual([
      { field: 'name', change: 'changed', before: '河道水位', after: '河道水位监测数据' },
      { field: 'sharing.type', change: 'changed', before: 'conditional', after: 'unconditional' },
      { field: 'sharing.conditions', change: 'removed', before: '依申请', after: null },
      { field: 'dataItems[water_level].type', change: 'changed', before: 'decimal', after: 'integer' },
      { field: 'dataItems[station]', change: 'removed', before: { ...item, name: 'station', type: 'string' }, after: null },
      { field: 'dataItems[observed_at]', change: 'added', before: null, after: { ...item, name: 'observed_at', type: 'datetime' } },
    ]);
  });
  it('sees no change when data items are only reordered', () => {
    const a = { dataItems: [item, { ...item, name: 'b' }] };
    expect(diffSnapshots(a, { dataItems: [{ ...item, name: 'b' }, item] })).toEqual([]);
  });
});
