import { describe, expect, it } from 'vitest';
import { apportion, Prng, WeightedTable } from './prng.ts';

const draws = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.uint32());

describe('Prng (sfc32)', () => {
  it('gives the same numbers for the same seed and stream', () => {
    expect(draws(new Prng(42, 'village/371502001001'), 100)).toEqual(draws(new Prng(42, 'village/371502001001'), 100));
  });

  it('gives different numbers for another seed or another stream', () => {
    const base = draws(new Prng(42, 'a'), 20);
    expect(draws(new Prng(43, 'a'), 20)).not.toEqual(base);
    expect(draws(new Prng(42, 'b'), 20)).not.toEqual(base);
  });

  it('keeps next() in [0, 1) and int(n) in [0, n), roughly uniform', () => {
    const p = new Prng(1, 'uniform');
    const buckets = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = p.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      const k = p.int(10);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(buckets).toHaveLength(10);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('draws normals with mean 0 and deviation 1', () => {
    const p = new Prng(5, 'normal');
    const xs = Array.from({ length: 50_000 }, () => p.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
  });
});

describe('WeightedTable', () => {
  it('draws items in proportion to their weights and never zero-weight ones', () => {
    const table = new WeightedTable([['a', 1], ['b', 3], ['never', 0]] as const);
    const p = new Prng(9, 'weights');
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 40_000; i++) counts[table.draw(p)]++;
    expect(counts.never).toBe(0);
    const b = counts.b;
    expect(b / 40_000).toBeGreaterThan(0.73);
    expect(b / 40_000).toBeLessThan(0.77);
  });
});

describe('apportion', () => {
  it('splits a total into parts that add up, proportional to the weights', () => {
    const parts = apportion(100, [1, 1, 1]);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(100);
    expect(parts).toEqual([34, 33, 33]);
    expect(apportion(6_000_000, [1.23, 0.5, 0.71, 0.93]).reduce((s, x) => s + x, 0)).toBe(6_000_000);
  });

  it('gives everything to the first part when all weights are zero', () => {
    expect(apportion(5, [0, 0])).toEqual([5, 0]);
  });
});
