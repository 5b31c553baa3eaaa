// Residents (居民), households (户) and enterprises (企业) of one village at a time. Villages
// must be generated in plan order: ID sequence numbers, phone numbers and credit-code bodies are
// counted across the city, which is what makes them unique.
import { generateResidentId, generateUscc } from '../../../kernel/ids/index.ts';
import type { Cell } from '../../../platform/db/index.ts';
import { drawCapital, drawFoundingYear, drawIndustry, enterpriseName, organisationBody, TradeNames } from './enterprises.ts';
import { pointInGeometry, type Position, roundCoordinate } from './geo.ts';
import { composeHousehold, drawHouseholdSize, MAX_AGE, type MemberSpec } from './household.ts';
import { drawGivenName, drawSurname } from './names.ts';
import { PhoneNumbers } from './phones.ts';
import { type CityPlan, type PlannedDistrict, type PlannedTown, type PlannedVillage, pointNear } from './plan.ts';
import { Prng } from './prng.ts';

/** Ages are completed years on this date; it is stored with the build. */
export const REFERENCE_DATE = '2026-01-01';
/** Households per grid (网格), the usual urban norm of 300 households. */
export const HOUSEHOLDS_PER_GRID = 300;

const DAY_MS = 86_400_000;
const PHONE_FROM_AGE = 12;
const SEQUENCES_PER_DAY = 499; // 顺序码 2–998 (female) / 3–999 (male)
const LEGAL_REP_AGES = [18, 75] as const;
const MA_SINCE = '2015-10-01';
const FIRST_FOUNDING_YEAR = 1992;

const dayOf = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function at(list: readonly number[], i: number): number {
  const v = list[i];
  if (v === undefined) throw new RangeError(`no entry ${i}`);
  return v;
}

function addYears(iso: string, years: number): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y + years, m - 1, d) / DAY_MS);
}

/** A point near the village (within `spread`) and inside its district. */
export function placeNear(prng: Prng, v: PlannedVillage, district: PlannedDistrict, spread: number): Position {
  const at: Position = [v.lon, v.lat];
  // Far from the boundary no test is needed; near it, draw again until the point is inside.
  const reach = (spread / Math.cos((v.lat * Math.PI) / 180)) * 1.5;
  for (let i = 0; i < 50; i++) {
    const [lon, lat] = pointNear(prng, at, spread);
    const p: Position = [roundCoordinate(lon), roundCoordinate(lat)];
    if (v.clearance > reach || pointInGeometry(p[0], p[1], district.geometry)) return p;
  }
  return at;
}

export interface VillageRows {
  households: Cell[][];
  residents: Cell[][];
  enterprises: Cell[][];
  /** Households per grid of this village, grid 1 first. */
  gridHouseholds: number[];
}

interface Person {
  idNumber: string;
  day: number;
}

/** Generates the city village by village, keeping the counters that make identifiers unique. */
export class PopulationGenerator {
  private readonly refDay: number;
  /** Day numbers: born in [ageStart[a], ageEnd[a]] ⇒ a completed years on the reference date. */
  private readonly ageStart: number[] = [];
  private readonly ageEnd: number[] = [];
  private readonly dates = new Map<number, string>();
  /** Per district: sequence numbers used, indexed by (days before the reference date)·2 + sex. */
  private readonly sequences = new Map<string, Uint16Array>();
  /** Enterprises a village could not host (no adult), passed on to the next village of the district. */
  private readonly enterpriseCarry = new Map<string, number>();
  private readonly phones: PhoneNumbers;
  private readonly tradeNames: TradeNames;
  private readonly bodyOffset: number;
  private bodiesMA = 0;
  private bodiesDigits = 0;
  private readonly maSinceDay = dayOf(MA_SINCE);

  constructor(private readonly plan: CityPlan) {
    const seeds = new Prng(plan.seed, 'counters');
    this.phones = new PhoneNumbers(seeds.int(100_000_000));
    this.tradeNames = new TradeNames(plan.seed);
    this.bodyOffset = seeds.int(31 ** 6);
    this.refDay = dayOf(REFERENCE_DATE);
    for (let a = 0; a <= MAX_AGE + 1; a++) {
      this.ageStart.push(addYears(REFERENCE_DATE, -a - 1) + 1);
      this.ageEnd.push(addYears(REFERENCE_DATE, -a));
    }
  }

  private dateText(day: number): string {
    let text = this.dates.get(day);
    if (text === undefined) {
      text = isoOf(day);
      this.dates.set(day, text);
    }
    return text;
  }

  /**
   * A resident ID for someone of `districtCode` born on `day`. When that day's 499 sequence
   * numbers (per sex) are used up, the birthday moves back a day.
   */
  private residentId(districtCode: string, day: number, male: boolean): Person {
    let counters = this.sequences.get(districtCode);
    if (!counters) {
      counters = new Uint16Array((this.refDay - at(this.ageStart, MAX_AGE + 1) + 400) * 2);
      this.sequences.set(districtCode, counters);
    }
    for (let d = day, slot = (this.refDay - d) * 2 + (male ? 0 : 1); slot < counters.length; d -= 1, slot += 2) {
      const used = counters[slot] ?? SEQUENCES_PER_DAY;
      if (used < SEQUENCES_PER_DAY) {
        counters[slot] = used + 1;
        const idNumber = generateResidentId({ divisionCode: districtCode, birthDate: this.dateText(d), sex: male ? 'male' : 'female', sequence: (used + 1) * 2 });
        return { idNumber, day: d };
      }
    }
    throw new Error(`resident ID sequence numbers of ${districtCode} exhausted`);
  }

  /** All rows of one village. */
  village(v: PlannedVillage, town: PlannedTown, district: PlannedDistrict): VillageRows {
    const prng = new Prng(this.plan.seed, `village/${v.code}`);
    const households: Cell[][] = [];
    const residents: Cell[][] = [];
    const adults: Person[] = [];
    // Legal representatives: 18–75 on the reference date, and 18 at least a day before it.
    const adultFrom = at(this.ageStart, LEGAL_REP_AGES[1]);
    const adultTo = at(this.ageEnd, LEGAL_REP_AGES[0]) - 1;
    // Compose every household first: the number of households fixes the number of grids.
    const homes: MemberSpec[][] = [];
    for (let left = v.people; left > 0; ) {
      const members = composeHousehold(prng, Math.min(left, drawHouseholdSize(prng))).slice(0, left);
      homes.push(members);
      left -= members.length;
    }
    const gridCount = Math.max(1, Math.ceil(homes.length / HOUSEHOLDS_PER_GRID));
    const gridHouseholds = new Array<number>(gridCount).fill(0);
    const addressPrefix = `${district.name}${town.name}${v.shortName}`;
    homes.forEach((members, h) => {
      const householdId = `${v.code}${String(h + 1).padStart(5, '0')}`;
      const grid = Math.floor((h * gridCount) / homes.length);
      gridHouseholds[grid] = (gridHouseholds[grid] ?? 0) + 1;
      const [lon, lat] = placeNear(prng, v, district, v.spread);
      const surnames = { head: drawSurname(prng), spouse: drawSurname(prng), in_law: drawSurname(prng) };
      let headId = '';
      for (const m of members) {
        const surname = m.surname === 'own' ? drawSurname(prng) : surnames[m.surname];
        const male = m.sex === 'male';
        const start = at(this.ageStart, m.age);
        const person = this.residentId(district.code, start + prng.int(at(this.ageEnd, m.age) - start + 1), male);
        const birthDate = this.dateText(person.day);
        const name = surname + drawGivenName(prng, m.sex, Number(birthDate.slice(0, 4)));
        const phone = m.age >= PHONE_FROM_AGE ? this.phones.next() : null;
        if (m.relation === 'head') headId = person.idNumber;
        if (person.day >= adultFrom && person.day <= adultTo) adults.push(person);
        residents.push([person.idNumber, name, m.sex, birthDate, m.relation, householdId, v.code, district.code, phone, lon, lat]);
      }
      households.push([householdId, headId, members.length, `${addressPrefix}${h + 1}号`, v.code, town.code, district.code, `${v.code}${String(grid + 1).padStart(3, '0')}`, lon, lat]);
    });
    return { households, residents, enterprises: this.enterprises(prng, v, district, adults), gridHouseholds };
  }

  private enterprises(prng: Prng, v: PlannedVillage, district: PlannedDistrict, adults: readonly Person[]): Cell[][] {
    let count = v.enterprises + (this.enterpriseCarry.get(district.code) ?? 0);
    if (adults.length === 0) {
      this.enterpriseCarry.set(district.code, count);
      return [];
    }
    this.enterpriseCarry.set(district.code, 0);
    const rows: Cell[][] = [];
    const firstDay = dayOf(`${FIRST_FOUNDING_YEAR}-01-01`);
    for (; count > 0; count--) {
      const rep = prng.pick(adults);
      const from = Math.max(firstDay, addYears(this.dateText(rep.day), 18));
      const to = this.refDay - 1;
      const year = drawFoundingYear(prng, new Date(from * DAY_MS).getUTCFullYear(), new Date(to * DAY_MS).getUTCFullYear());
      const lo = Math.max(from, dayOf(`${year}-01-01`));
      const hi = Math.min(to, dayOf(`${year}-12-31`));
      const founded = lo + prng.int(hi - lo + 1);
      const since2015 = founded >= this.maSinceDay;
      const body = organisationBody(since2015 ? this.bodiesMA++ : this.bodiesDigits++, this.bodyOffset, since2015);
      const industry = drawIndustry(prng);
      const wording = prng.pick(industry.words);
      const name = enterpriseName(district.name, this.tradeNames.next(district.code, wording), wording);
      const [lon, lat] = placeNear(prng, v, district, v.spread * 1.5);
      rows.push([generateUscc({ divisionCode: district.code, orgBody: body }), name, rep.idNumber, district.code, v.code, industry.section, drawCapital(prng), this.dateText(founded), lon, lat]);
    }
    return rows;
  }
}
