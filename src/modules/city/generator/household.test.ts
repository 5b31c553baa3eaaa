import { describe, expect, it } from 'vitest';
import { composeHousehold, drawHouseholdSize } from './household.ts';
import { Prng } from './prng.ts';

describe('households', () => {
  const p = new Prng(11, 'households');
  const homes = Array.from({ length: 40_000 }, () => composeHousehold(p, drawHouseholdSize(p)));
  const people = homes.flat();

  it('have 1–6 members with exactly one head', () => {
    expect(homes.filter((h) => h.length < 1 || h.length > 6)).toEqual([]);
    expect(homes.filter((h) => h.filter((m) => m.relation === 'head').length !== 1)).toEqual([]);
    expect(new Set(homes.map((h) => h.length))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it('average about 2.6 people, as in the 2020 census', () => {
    expect(people.length / homes.length).toBeGreaterThan(2.4);
    expect(people.length / homes.length).toBeLessThan(2.8);
  });

  it('give a population shaped roughly like China in 2020', () => {
    const share = (lo: number, hi: number): number => people.filter((m) => m.age >= lo && m.age <= hi).length / people.length;
    // Census 2020: 0–14 18.0 %, 15–59 63.4 %, 60+ 18.7 %.
    expect(share(0, 14)).toBeGreaterThan(0.14);
    expect(share(0, 14)).toBeLessThan(0.22);
    expect(share(15, 59)).toBeGreaterThan(0.58);
    expect(share(15, 59)).toBeLessThan(0.69);
    expect(share(60, 120)).toBeGreaterThan(0.15);
    expect(share(60, 120)).toBeLessThan(0.23);
    const males = people.filter((m) => m.sex === 'male').length / people.length;
    expect(males).toBeGreaterThan(0.47);
    expect(males).toBeLessThan(0.53);
  });

  it('make parents at least 18 years older than their children, and married people of legal age', () => {
    const wrong: unknown[] = [];
    for (const h of homes) {
      const head = h[0];
      if (!head) continue;
      const spouse = h.find((m) => m.relation === 'spouse');
      const married = spouse ? [head, spouse] : [];
      if (married.some((m) => m.age < (m.sex === 'male' ? 22 : 20))) wrong.push(h);
      const oldestParent = Math.max(head.age, spouse?.age ?? 0);
      if (h.some((m) => m.relation === 'child' && oldestParent - m.age < 18)) wrong.push(h);
      if (h.some((m) => m.relation === 'parent' && m.age <= head.age)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('give a spouse of the other sex', () => {
    expect(homes.filter((h) => h.some((m) => m.relation === 'spouse' && m.sex === h[0]?.sex))).toEqual([]);
  });
});
