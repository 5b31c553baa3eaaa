import { describe, expect, it } from 'vitest';
import { drawGivenName, drawSurname } from './names.ts';
import { villageShortName } from './plan.ts';
import { Prng } from './prng.ts';

const han = /^[\u4e00-\u9fff]+$/;

describe('Chinese names', () => {
  it('draws the common surnames most often (王 李 张 lead)', () => {
    const p = new Prng(3, 'surnames');
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const s = drawSurname(p);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([s]) => s);
    expect(new Set(top)).toEqual(new Set(['王', '李', '张']));
    expect(counts.size).toBeGreaterThan(90);
  });

  it('gives one- or two-character given names in Chinese characters', () => {
    const p = new Prng(4, 'given');
    for (let i = 0; i < 2_000; i++) {
      const name = drawGivenName(p, i % 2 ? 'male' : 'female', 1930 + (i % 95));
      expect(name).toMatch(han);
      expect([1, 2]).toContain(name.length);
    }
  });

  it('names people in the style of their decade of birth', () => {
    const p = new Prng(5, 'eras');
    const chars = (year: number): Set<string> => {
      const out = new Set<string>();
      for (let i = 0; i < 500; i++) for (const c of drawGivenName(p, 'female', year)) out.add(c);
      return out;
    };
    expect(chars(1940).has('秀')).toBe(true);
    expect(chars(2018).has('秀')).toBe(false);
    expect(chars(2018).has('涵')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const run = (): string[] => {
      const p = new Prng(6, 'same');
      return Array.from({ length: 50 }, () => drawSurname(p) + drawGivenName(p, 'male', 1990));
    };
    expect(run()).toEqual(run());
  });
});

describe('village short names (used in addresses and grid names)', () => {
  it('turns committee names into place names', () => {
    expect(villageShortName('古城社区居委会')).toBe('古城社区');
    expect(villageShortName('光岳社区居民委员会')).toBe('光岳社区');
    expect(villageShortName('陈化屯村委会')).toBe('陈化屯村');
    expect(villageShortName('道口铺新村村委会')).toBe('道口铺新村');
    expect(villageShortName('张庄村民委员会')).toBe('张庄村');
    expect(villageShortName('五里后村委')).toBe('五里后村');
    expect(villageShortName('大学城新村')).toBe('大学城新村');
  });
});
