import { beforeAll, describe, expect, it } from 'vitest';
import { isValidResidentId, isValidUscc, parseResidentId } from '../../../kernel/ids/index.ts';
import type { Cell } from '../../../platform/db/index.ts';
import { loadDistrictBoundaries } from './boundaries.ts';
import { type CityPlan, planCity } from './plan.ts';
import { PopulationGenerator } from './population.ts';
import { loadDivisionSource } from './sources.ts';

interface Generated {
  households: Cell[][];
  residents: Cell[][];
  enterprises: Cell[][];
}

function generate(plan: CityPlan): Generated {
  const g = new PopulationGenerator(plan);
  const out: Generated = { households: [], residents: [], enterprises: [] };
  for (const d of plan.districts) {
    for (const t of d.towns) {
      for (const v of t.villages) {
        const rows = g.village(v, t, d);
        out.households.push(...rows.households);
        out.residents.push(...rows.residents);
        out.enterprises.push(...rows.enterprises);
      }
    }
  }
  return out;
}

function text(c: Cell): string {
  if (typeof c !== 'string') throw new Error(`expected text, got ${typeof c}`);
  return c;
}

describe('population generator (120 000 people, no database)', () => {
  let plan: CityPlan;
  let city: Generated;

  beforeAll(async () => {
    const [source, boundaries] = await Promise.all([loadDivisionSource(), loadDistrictBoundaries()]);
    plan = planCity(source, boundaries, { people: 120_000, seed: 2026 });
    city = generate(plan);
  });

  it('plans the exact number of people, split by census shares', () => {
    const byDistrict = new Map(plan.districts.map((d) => [d.code, d.people]));
    expect([...byDistrict.values()].reduce((s, n) => s + n, 0)).toBe(120_000);
    // 东昌府区 is the largest, 东阿县 the smallest.
    const sorted = [...byDistrict.entries()].sort((a, b) => b[1] - a[1]).map(([code]) => code);
    expect(sorted[0]).toBe('371502');
    expect(sorted.at(-1)).toBe('371524');
    expect(city.residents).toHaveLength(120_000);
  });

  it('gives every resident a unique valid ID with the district, birth date and sex of the row', () => {
    const ids = city.residents.map((r) => text(r[0]));
    expect(new Set(ids).size).toBe(ids.length);
    const wrong = city.residents.filter((r) => {
      const parsed = parseResidentId(text(r[0]));
      return !parsed.ok || parsed.value.divisionCode !== r[7] || parsed.value.birthDate !== r[3] || parsed.value.sex !== r[2];
    });
    expect(wrong).toEqual([]);
  });

  it('gives unique mobile numbers to everyone 12 and older', () => {
    const phones = city.residents.map((r) => r[8]).filter((p): p is string => typeof p === 'string');
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.filter((p) => !/^1[3-9]\d{9}$/.test(p))).toEqual([]);
    expect(phones.length / city.residents.length).toBeGreaterThan(0.8);
  });

  it('gives about one enterprise per 30 people, with unique valid credit codes', () => {
    expect(Math.abs(city.enterprises.length - 4_000)).toBeLessThan(40);
    const codes = city.enterprises.map((e) => text(e[0]));
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.filter((c) => !isValidUscc(c))).toEqual([]);
    expect(city.residents.every((r) => isValidResidentId(text(r[0])))).toBe(true);
  });

  it('never gives two enterprises the same name (company-name rules)', () => {
    const names = city.enterprises.map((e) => text(e[1]));
    expect(new Set(names).size).toBe(names.length);
  });

  it('generates the same rows again from the same plan', () => {
    const again = generate(plan);
    expect(again.residents.slice(-500)).toEqual(city.residents.slice(-500));
    expect(again.enterprises).toEqual(city.enterprises);
    expect(again.households.length).toBe(city.households.length);
  });
});
