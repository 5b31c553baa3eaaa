// The other four base libraries of the demo city, derived from its people and enterprises:
// 电子证照 e-licences, 兴趣点 points of interest, 公共信用 public credit records (双公示 permits and
// penalties, red and black lists) and 宏观经济 monthly indicator series per district. Every
// stream has its own seeded PRNG, so adding these rows changed none of the residents' rows.
import type { Cell } from '../../../platform/db/index.ts';
import { type CityPlan, isSubdistrict, type PlannedDistrict, type PlannedTown, type PlannedVillage } from './plan.ts';
import { placeNear, REFERENCE_DATE } from './population.ts';
import { Prng } from './prng.ts';
import { CITY_CODE } from './sources.ts';

const DAY_MS = 86_400_000;
const dayOf = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const REF_DAY = dayOf(REFERENCE_DATE);

function addYears(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / DAY_MS);
}

/** A day drawn uniformly in [from, to]; `to` when the range is empty. */
const dayBetween = (prng: Prng, from: number, to: number): number => (to <= from ? to : from + prng.int(to - from + 1));

/** The licence types of the demo city: type name → the view that catalogues it on its own. */
export const LICENCE_TYPES = {
  business: { name: '营业执照', view: 'city_licence_business' },
  food: { name: '食品经营许可证', view: 'city_licence_food' },
  marriage: { name: '结婚证', view: 'city_licence_marriage' },
  realEstate: { name: '不动产权证书', view: 'city_licence_real_estate' },
  driving: { name: '机动车驾驶证', view: 'city_licence_driving' },
} as const;

export const POI_CATEGORIES = ['school', 'hospital', 'station', 'park', 'service_hall'] as const;
export type PoiCategory = (typeof POI_CATEGORIES)[number];

/** 宏观经济指标 the indicators of the series, with their units. */
export const INDICATORS = [
  { code: 'gdp', name: '地区生产总值', unit: '亿元' },
  { code: 'retail_sales', name: '社会消费品零售总额', unit: '亿元' },
  { code: 'fixed_asset_investment', name: '固定资产投资', unit: '亿元' },
  { code: 'registered_population', name: '户籍人口', unit: '人' },
] as const;

/** The first and last month of the indicator series (the series ends before the reference date). */
export const INDICATOR_MONTHS = { first: '2021-01', last: '2025-12' } as const;

// Rates of the licences the platform holds electronically (not every paper licence is digitised).
const MARRIAGE_SHARE = 0.5;
const REAL_ESTATE_SHARE = 0.5;
const DRIVING_SHARE = { male: 0.35, female: 0.18 } as const;
const FOOD_SHARE: Readonly<Record<string, number>> = { F: 0.25, H: 0.9 };
const PENALTY_SHARE = 0.05;
const RED_LIST_SHARE = 0.04;
const BLACK_LIST_SHARE = 0.01;

const PENALTIES = [
  '未按规定报送年度报告',
  '销售不合格产品',
  '违反食品安全操作规范',
  '未取得许可擅自从事经营活动',
  '违反安全生产管理规定',
  '超标排放大气污染物',
  '发布虚假广告',
] as const;

export interface LicenceRows {
  licences: Cell[][];
  credit: Cell[][];
}

/** Resident row columns (store.ts RESIDENT_COLUMNS) used here. */
const R = { id: 0, name: 1, sex: 2, birth: 3, relation: 4, household: 5 } as const;
/** Enterprise row columns (store.ts ENTERPRISE_COLUMNS) used here. */
const E = { uscc: 0, name: 1, industry: 5, established: 7 } as const;

function text(row: readonly Cell[], i: number): string {
  const v = row[i];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/**
 * E-licences and credit records of one village, from its residents and enterprises: a business
 * licence (营业执照) for every enterprise, a food permit for part of the shops and restaurants,
 * and for residents marriage certificates, real-estate titles and driving licences.
 */
export function villageLicences(seed: number, v: PlannedVillage, district: PlannedDistrict, residents: readonly Cell[][], enterprises: readonly Cell[][]): LicenceRows {
  const prng = new Prng(seed, `licences/${v.code}`);
  const licences: Cell[][] = [];
  const credit: Cell[][] = [];
  const market = `聊城市${district.name}市场监督管理局`;
  const civil = `聊城市${district.name}民政局`;
  const local = v.code.slice(6);
  let serial = 0;
  const next = (): string => String(++serial).padStart(5, '0');
  let records = 0;
  const recordId = (): string => `XY${v.code}${String(++records).padStart(4, '0')}`;
  const licence = (no: string, type: string, holderType: 'person' | 'enterprise', holderId: string, holderName: string, issuer: string, issued: number, until: number | null, status: string): void => {
    licences.push([no, type, holderType, holderId, holderName, issuer, isoOf(issued), until === null ? null : isoOf(until), status, district.code]);
  };
  const record = (subjectCode: string, subjectName: string, type: string, content: string, decided: number, until: number | null, authority: string): void => {
    credit.push([recordId(), 'enterprise', subjectCode, subjectName, type, content, isoOf(decided), until === null ? null : isoOf(until), authority, district.code]);
  };

  for (const e of enterprises) {
    const uscc = text(e, E.uscc);
    const name = text(e, E.name);
    const founded = dayOf(text(e, E.established));
    // The business licence number is the credit code (三证合一, 2015).
    const revoked = prng.chance(BLACK_LIST_SHARE / 2);
    licence(uscc, LICENCE_TYPES.business.name, 'enterprise', uscc, name, market, founded, null, revoked ? 'revoked' : 'valid');
    record(uscc, name, 'permit', '企业设立登记', founded, null, market);
    if (prng.chance(FOOD_SHARE[text(e, E.industry)] ?? 0)) {
      const issued = dayBetween(prng, Math.max(founded, addYears(REF_DAY, -6)), REF_DAY - 1);
      const until = addYears(issued, 5);
      licence(`JY1${v.code}${next()}`, LICENCE_TYPES.food.name, 'enterprise', uscc, name, market, issued, until, until <= REF_DAY ? 'expired' : 'valid');
      record(uscc, name, 'permit', '食品经营许可', issued, until, market);
    }
    if (prng.chance(PENALTY_SHARE)) {
      const decided = dayBetween(prng, Math.max(founded, addYears(REF_DAY, -3)), REF_DAY - 1);
      record(uscc, name, 'penalty', `${prng.pick(PENALTIES)}，处以警告并罚款${prng.pick([2000, 5000, 10000, 20000, 50000])}元`, decided, addYears(decided, 1), market);
    }
    if (prng.chance(RED_LIST_SHARE)) {
      record(uscc, name, 'red_list', '纳税信用A级纳税人', dayBetween(prng, dayOf('2025-04-01'), dayOf('2025-04-30')), dayOf('2026-04-30'), '国家税务总局聊城市税务局');
    }
    if (revoked || prng.chance(BLACK_LIST_SHARE / 2)) {
      const decided = dayBetween(prng, Math.max(founded, addYears(REF_DAY, -2)), REF_DAY - 1);
      record(uscc, name, 'black_list', revoked ? '被吊销营业执照，列入严重违法失信名单' : '列入经营异常名录', decided, addYears(decided, 3), market);
    }
  }

  // Residents: a household's head and spouse hold marriage certificates (each their own copy).
  const heads = new Map<string, readonly Cell[]>();
  const spouses = new Map<string, readonly Cell[]>();
  for (const r of residents) {
    const relation = text(r, R.relation);
    if (relation === 'head') heads.set(text(r, R.household), r);
    else if (relation === 'spouse') spouses.set(text(r, R.household), r);
  }
  for (const [household, head] of heads) {
    const spouse = spouses.get(household);
    if (spouse && prng.chance(MARRIAGE_SHARE)) {
      const from = Math.max(addYears(dayOf(text(head, R.birth)), 22), addYears(dayOf(text(spouse, R.birth)), 22), dayOf('1990-01-01'));
      const married = dayBetween(prng, from, REF_DAY - 1);
      const year = new Date(married * DAY_MS).getUTCFullYear();
      for (const holder of [head, spouse]) licence(`J${district.code}-${year}-${local}${next()}`, LICENCE_TYPES.marriage.name, 'person', text(holder, R.id), text(holder, R.name), civil, married, null, 'valid');
    }
    if (prng.chance(REAL_ESTATE_SHARE)) {
      // 不动产统一登记 began in 2015; older titles were re-registered since.
      const issued = dayBetween(prng, Math.max(addYears(dayOf(text(head, R.birth)), 20), dayOf('2015-03-01')), REF_DAY - 1);
      const year = new Date(issued * DAY_MS).getUTCFullYear();
      licence(`鲁(${year})${district.name}不动产权第${local}${next()}号`, LICENCE_TYPES.realEstate.name, 'person', text(head, R.id), text(head, R.name), '聊城市自然资源和规划局', issued, null, prng.chance(0.03) ? 'revoked' : 'valid');
    }
  }
  for (const r of residents) {
    const born = dayOf(text(r, R.birth));
    const adult = addYears(born, 18);
    if (adult >= REF_DAY || born < addYears(REF_DAY, -70)) continue;
    if (!prng.chance(text(r, R.sex) === 'male' ? DRIVING_SHARE.male : DRIVING_SHARE.female)) continue;
    // First licences are valid 6 years, renewals 10; one in twenty has lapsed.
    const years = prng.chance(0.3) ? 6 : 10;
    const expired = prng.chance(0.05) && adult < addYears(REF_DAY, -years) - 1;
    const latest = expired ? addYears(REF_DAY, -years) - 1 : REF_DAY - 1;
    const issued = dayBetween(prng, Math.max(adult, addYears(latest, -years + (expired ? -3 : 0)) + 1), latest);
    const until = addYears(issued, years);
    // The driving licence number is the holder's resident ID.
    licence(text(r, R.id), LICENCE_TYPES.driving.name, 'person', text(r, R.id), text(r, R.name), '聊城市公安局交通警察支队', issued, until, until <= REF_DAY ? 'expired' : 'valid');
  }
  return { licences, credit };
}

interface PoiSpec {
  category: PoiCategory;
  name: string;
}

function districtPois(district: PlannedDistrict, seat: boolean): PoiSpec[] {
  const short = district.name.replace(/(区|县|市)$/, '');
  const list: PoiSpec[] = [
    { category: 'hospital', name: `${district.name}人民医院` },
    { category: 'hospital', name: `${district.name}中医医院` },
    { category: 'school', name: `${district.name}第一中学` },
    { category: 'school', name: `${district.name}实验中学` },
    { category: 'service_hall', name: `${district.name}政务服务中心` },
    { category: 'station', name: `${district.name}汽车站` },
    { category: 'park', name: `${short}人民公园` },
    { category: 'park', name: `${short}湿地公园` },
  ];
  if (seat) {
    list.push(
      { category: 'hospital', name: '聊城市人民医院' },
      { category: 'school', name: '聊城大学' },
      { category: 'service_hall', name: '聊城市政务服务中心' },
      { category: 'station', name: '聊城站' },
      { category: 'station', name: '聊城西站' },
      { category: 'park', name: '东昌湖公园' },
    );
  }
  return list;
}

function townPois(town: PlannedTown): PoiSpec[] {
  const subdistrict = isSubdistrict(town.code);
  return [
    { category: 'hospital', name: subdistrict ? `${town.name}社区卫生服务中心` : `${town.name}卫生院` },
    { category: 'school', name: `${town.name}中心小学` },
    { category: 'school', name: `${town.name}初级中学` },
    { category: 'service_hall', name: `${town.name}便民服务中心` },
    ...(subdistrict ? [{ category: 'park' as const, name: `${town.name}街心公园` }] : []),
  ];
}

/** Points of interest: a set per district (and the city's own in its seat), a set per town. */
export function generatePois(plan: CityPlan): Cell[][] {
  const rows: Cell[][] = [];
  plan.districts.forEach((district, i) => {
    const prng = new Prng(plan.seed, `pois/${district.code}`);
    const seatTown = district.towns.find((t) => isSubdistrict(t.code)) ?? district.towns[0];
    const place = (town: PlannedTown | undefined, specs: readonly PoiSpec[], prefix: string): void => {
      const villages = town?.villages ?? [];
      specs.forEach((spec, k) => {
        const v = villages.length ? prng.pick(villages) : undefined;
        const [lon, lat] = v ? placeNear(prng, v, district, v.spread * 2) : [district.lon, district.lat];
        rows.push([`POI${prefix}${String(k + 1).padStart(2, '0')}`, spec.name, spec.category, `${district.name}${town?.name ?? ''}${v?.shortName ?? ''}`, district.code, town?.code ?? '', lon, lat]);
      });
    };
    place(seatTown, districtPois(district, i === 0), `${district.code}000`);
    for (const town of district.towns) place(town, townPois(town), town.code);
  });
  return rows;
}

// Liaocheng's annual totals in 2021 (亿元) and their yearly growth, for the real-size city.
const ANNUAL_2021 = { gdp: 2642, retail_sales: 1050, fixed_asset_investment: 1500 } as const;
const GROWTH = { gdp: 0.052, retail_sales: 0.055, fixed_asset_investment: 0.04 } as const;
// Monthly shares of the year (Chinese New Year and the year-end push), summing to 12.
const SEASON = {
  gdp: [0.85, 0.8, 0.95, 0.98, 1.0, 1.05, 0.98, 0.98, 1.02, 1.05, 1.1, 1.24],
  retail_sales: [1.12, 0.95, 0.92, 0.9, 0.97, 1.0, 0.93, 0.95, 1.02, 1.1, 1.04, 1.1],
  fixed_asset_investment: [0.55, 0.55, 0.95, 1.0, 1.08, 1.22, 1.05, 1.05, 1.12, 1.08, 1.1, 1.25],
} as const;

const round2 = (x: number): number => Math.round(x * 100) / 100;

function months(): string[] {
  const out: string[] = [];
  const [fy, fm] = INDICATOR_MONTHS.first.split('-').map(Number) as [number, number];
  const [ly, lm] = INDICATOR_MONTHS.last.split('-').map(Number) as [number, number];
  for (let y = fy, m = fm; y < ly || (y === ly && m <= lm); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) out.push(`${y}-${String(m).padStart(2, '0')}`);
  return out;
}

/**
 * Monthly indicator series per district, and the city's as the sum of its districts. Money is at
 * the real city's scale, shared out by the 2020 census; registered population is the demo
 * district's residents, a little larger in earlier months (the city slowly shrinks).
 */
export function generateIndicators(plan: CityPlan, census: Readonly<Record<string, number>>): Cell[][] {
  const rows: Cell[][] = [];
  const periods = months();
  const censusTotal = plan.districts.reduce((s, d) => s + (census[d.code] ?? 0), 0) || 1;
  const cityTotals = new Map<string, number>();
  for (const district of plan.districts) {
    const prng = new Prng(plan.seed, `economy/${district.code}`);
    const share = (census[district.code] ?? 0) / censusTotal;
    const pace = 1 + 0.01 * prng.normal();
    periods.forEach((period, k) => {
      const years = Math.floor(k / 12);
      const month = k % 12;
      for (const ind of INDICATORS) {
        let value: number;
        if (ind.code === 'registered_population') {
          value = Math.round(district.people * (1 + 0.0004 * (periods.length - 1 - k)));
        } else {
          const dip = ind.code === 'retail_sales' && period.startsWith('2022') ? 0.96 : 1;
          const annual = ANNUAL_2021[ind.code] * share * (1 + GROWTH[ind.code] * pace) ** years * dip;
          value = round2((annual / 12) * (SEASON[ind.code][month] ?? 1) * (1 + 0.03 * prng.normal()));
        }
        rows.push([ind.code, ind.name, period, district.code, value, ind.unit]);
        const key = `${ind.code}/${period}`;
        cityTotals.set(key, (cityTotals.get(key) ?? 0) + value);
      }
    });
  }
  for (const period of periods) {
    for (const ind of INDICATORS) rows.push([ind.code, ind.name, period, CITY_CODE, round2(cityTotals.get(`${ind.code}/${period}`) ?? 0), ind.unit]);
  }
  return rows;
}
