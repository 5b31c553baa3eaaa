// Who lives together (户): household sizes from the 2020 census and member ages that make sense
// together (parents 22–38 years older than their children), drawn so that the whole population
// follows China's 2020 age pyramid roughly.
import { type Sex } from './names.ts';
import { type Prng, WeightedTable } from './prng.ts';

/** 与户主关系 relation to the head of household. */
export type Relation = 'head' | 'spouse' | 'child' | 'child_in_law' | 'grandchild' | 'parent';

export interface MemberSpec {
  relation: Relation;
  sex: Sex;
  /** Completed years on the reference date. */
  age: number;
  /**
   * Whose surname the member carries: the head's, the head's (possibly absent) spouse's, the
   * child-in-law's, or one of their own.
   */
  surname: 'head' | 'spouse' | 'in_law' | 'own';
}

// Population in millions by five-year age group, 0–4 … 95–99 (2020 census, rounded).
const PYRAMID = [77.9, 90.3, 85.3, 72.7, 74.9, 91.9, 124.1, 99.0, 93.0, 114.2, 122.2, 101.4, 73.4, 74.0, 47.0, 31.0, 20.4, 10.6, 3.9, 0.8];
export const MAX_AGE = 99;

// Share of households by size 1…6 (2020 census; 6 stands for 6 and more).
const SIZES = new WeightedTable<number>([[1, 25.4], [2, 29.7], [3, 20.9], [4, 13.2], [5, 6.1], [6, 4.7]]);

const ageTables = new Map<string, WeightedTable<number>>();

/** An age in [min, max] drawn with the weights of the age pyramid. */
export function drawAge(prng: Prng, min: number, max: number): number {
  const lo = Math.max(0, Math.min(min, MAX_AGE));
  const hi = Math.max(lo, Math.min(max, MAX_AGE));
  const key = `${lo}-${hi}`;
  let table = ageTables.get(key);
  if (!table) {
    const entries: [number, number][] = [];
    for (let a = lo; a <= hi; a++) entries.push([a, PYRAMID[Math.floor(a / 5)] ?? 0.1]);
    table = new WeightedTable(entries);
    ageTables.set(key, table);
  }
  return table.draw(prng);
}

export function drawHouseholdSize(prng: Prng): number {
  return SIZES.draw(prng);
}

const clampAge = (a: number): number => Math.max(0, Math.min(MAX_AGE, Math.round(a)));
const other = (s: Sex): Sex => (s === 'male' ? 'female' : 'male');
// Sex ratio at birth in the 2000s–2010s was about 111 boys per 100 girls.
const childSex = (prng: Prng): Sex => (prng.chance(0.526) ? 'male' : 'female');

interface Couple {
  head: MemberSpec;
  spouse: MemberSpec;
}

// Legal marriage ages (婚姻法): 22 for men, 20 for women.
const MIN_HUSBAND_AGE = 22;
const MIN_WIFE_AGE = 20;

function couple(prng: Prng, husband: number): Couple {
  const husbandAge = Math.max(MIN_HUSBAND_AGE, husband);
  const wifeAge = Math.max(MIN_WIFE_AGE, clampAge(husbandAge - 2 + prng.normal() * 2.5));
  const headSex: Sex = prng.chance(0.85) ? 'male' : 'female';
  const head: MemberSpec = { relation: 'head', sex: headSex, age: headSex === 'male' ? husbandAge : wifeAge, surname: 'head' };
  const spouse: MemberSpec = { relation: 'spouse', sex: other(headSex), age: headSex === 'male' ? wifeAge : husbandAge, surname: 'spouse' };
  return { head, spouse };
}

/** Children's surname: the father's, whichever of the couple heads the household; sometimes the mother's. */
function childSurname(prng: Prng, c: Couple): MemberSpec['surname'] {
  const fatherIsHead = c.head.sex === 'male';
  if (prng.chance(0.04)) return fatherIsHead ? 'spouse' : 'head';
  return fatherIsHead ? 'head' : 'spouse';
}

/** A couple with `n` children, the youngest `youngest` years old; older siblings 1–8 years apart. */
function family(prng: Prng, youngest: number, n: number): MemberSpec[] {
  const motherAge = youngest + prng.between(22, 36);
  const c = couple(prng, clampAge(motherAge + 2 + prng.normal() * 2.5));
  const members = [c.head, c.spouse];
  const youngerParent = Math.min(c.head.age, c.spouse.age);
  let age = youngest;
  for (let i = 0; i < n; i++) {
    if (age > youngerParent - 18) break;
    members.push({ relation: 'child', sex: childSex(prng), age, surname: childSurname(prng, c) });
    age += prng.between(1, 8);
  }
  return members;
}

/** The head's parents (father carries the head's surname), 22–34 years older than the head. */
function parents(prng: Prng, head: MemberSpec, count: number): MemberSpec[] {
  const fatherAge = clampAge(head.age + prng.between(23, 34));
  const motherAge = clampAge(fatherAge - 2 + prng.normal() * 2.5);
  const father: MemberSpec = { relation: 'parent', sex: 'male', age: fatherAge, surname: 'head' };
  const mother: MemberSpec = { relation: 'parent', sex: 'female', age: motherAge, surname: 'own' };
  if (count >= 2) return [father, mother];
  // Widows outlive widowers.
  return [prng.chance(0.65) ? mother : father];
}

/** Three generations under an older head: head and spouse, a married child, grandchildren. */
function grandparentFamily(prng: Prng, grandchildren: number): MemberSpec[] {
  const grandchildAge = drawAge(prng, 0, 14);
  const childAge = grandchildAge + prng.between(22, 34);
  const members = family(prng, childAge, 1);
  const child = members[2];
  if (!child) return members;
  const inLawAge = Math.max(child.sex === 'male' ? MIN_WIFE_AGE : MIN_HUSBAND_AGE, clampAge(child.age + prng.normal() * 2.5));
  members.push({ relation: 'child_in_law', sex: other(child.sex), age: inLawAge, surname: 'in_law' });
  let age = grandchildAge;
  for (let i = 0; i < grandchildren; i++) {
    members.push({ relation: 'grandchild', sex: childSex(prng), age, surname: child.sex === 'male' ? child.surname : 'in_law' });
    age += prng.between(1, 6);
  }
  return members;
}

function single(prng: Prng): MemberSpec[] {
  const r = prng.next();
  const age = r < 0.4 ? drawAge(prng, 18, 39) : r < 0.65 ? drawAge(prng, 40, 59) : drawAge(prng, 60, 95);
  const sex: Sex = prng.chance(age >= 60 ? 0.6 : 0.42) ? 'female' : 'male';
  return [{ relation: 'head', sex, age, surname: 'head' }];
}

function loneParent(prng: Prng, children: number): MemberSpec[] {
  const youngest = drawAge(prng, 0, 40);
  const members = family(prng, youngest, children);
  const [head, spouse, ...rest] = members;
  if (!head || !spouse) return members;
  // The remaining parent heads the household; the children keep the absent father's surname.
  const parent = prng.chance(0.7) ? (head.sex === 'female' ? head : spouse) : head.sex === 'male' ? head : spouse;
  const kids = rest.map((m): MemberSpec => ({ ...m, surname: parent.sex === 'male' ? 'head' : 'spouse' }));
  return [{ ...parent, relation: 'head', surname: 'head' }, ...kids];
}

/** The members of one household of `size` people (1–6), head first. */
export function composeHousehold(prng: Prng, size: number): MemberSpec[] {
  const r = prng.next();
  switch (size) {
    case 1:
      return single(prng);
    case 2:
      if (r < 0.7) {
        const c = couple(prng, r < 0.42 ? drawAge(prng, 50, 92) : drawAge(prng, 22, 49));
        return [c.head, c.spouse];
      }
      return loneParent(prng, 1);
    case 3:
      if (r < 0.8) return family(prng, drawAge(prng, 0, 24), 1);
      if (r < 0.92) {
        const c = couple(prng, drawAge(prng, 28, 62));
        return [c.head, c.spouse, ...parents(prng, c.head, 1)];
      }
      return loneParent(prng, 2);
    case 4:
      if (r < 0.7) return family(prng, drawAge(prng, 0, 20), 2);
      {
        const members = family(prng, drawAge(prng, 0, 20), 1);
        return [...members, ...parents(prng, members[0] as MemberSpec, 1)];
      }
    case 5:
      if (r < 0.45) {
        const members = family(prng, drawAge(prng, 0, 16), 2);
        return [...members, ...parents(prng, members[0] as MemberSpec, 1)];
      }
      if (r < 0.75) {
        const members = family(prng, drawAge(prng, 0, 16), 1);
        return [...members, ...parents(prng, members[0] as MemberSpec, 2)];
      }
      return grandparentFamily(prng, 1);
    default:
      if (r < 0.6) {
        const members = family(prng, drawAge(prng, 0, 14), 2);
        return [...members, ...parents(prng, members[0] as MemberSpec, 2)];
      }
      return grandparentFamily(prng, 2);
  }
}
