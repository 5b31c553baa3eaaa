// Mainland mobile numbers (手机号码): a 3-digit network prefix and 8 subscriber digits. Numbers
// come from a counter through a bijection, so they are unique without remembering them.

// Prefixes with rough weights (China Mobile ≈ 60 %, China Unicom ≈ 25 %, China Telecom ≈ 15 %).
const PREFIXES: readonly (readonly [string, number])[] = [
  ['134', 3], ['135', 5], ['136', 4], ['137', 4], ['138', 5], ['139', 5], ['147', 1], ['150', 3], ['151', 3],
  ['152', 3], ['157', 2], ['158', 3], ['159', 3], ['178', 2], ['182', 3], ['183', 2], ['187', 3], ['188', 2],
  ['198', 2], ['130', 3], ['131', 3], ['132', 3], ['155', 3], ['156', 3], ['166', 2], ['175', 1], ['176', 2],
  ['185', 3], ['186', 3], ['133', 2], ['153', 2], ['173', 1], ['177', 2], ['180', 2], ['181', 2], ['189', 3],
  ['199', 1],
];

const SUBSCRIBERS = 100_000_000;
const FACTOR = 73_939_133; // coprime with 10: k → k·FACTOR + offset (mod 10⁸) is a bijection

export class PhoneNumbers {
  private readonly slots: string[] = [];
  /** For slot j: how many earlier slots have the same prefix. */
  private readonly rank: number[] = [];
  private readonly perCycle = new Map<string, number>();
  private issued = 0;

  constructor(private readonly offset: number) {
    for (const [prefix, weight] of PREFIXES) {
      for (let i = 0; i < weight; i++) {
        this.rank.push(this.perCycle.get(prefix) ?? 0);
        this.perCycle.set(prefix, (this.perCycle.get(prefix) ?? 0) + 1);
        this.slots.push(prefix);
      }
    }
    // Interleave the slots so consecutive numbers change network, deterministically.
    for (let i = this.slots.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [this.slots[i], this.slots[j]] = [this.slots[j] as string, this.slots[i] as string];
      [this.rank[i], this.rank[j]] = [this.rank[j] as number, this.rank[i] as number];
    }
  }

  /** The next unique number. */
  next(): string {
    const n = this.issued++;
    const slot = n % this.slots.length;
    const prefix = this.slots[slot] as string;
    const k = Math.floor(n / this.slots.length) * (this.perCycle.get(prefix) ?? 1) + (this.rank[slot] ?? 0);
    if (k >= SUBSCRIBERS) throw new Error('PhoneNumbers: numbering space exhausted');
    // A different offset per prefix, so numbers on two networks do not share their last digits.
    const offset = (this.offset + Number(prefix) * 37_111_111) % SUBSCRIBERS;
    return prefix + String((k * FACTOR + offset) % SUBSCRIBERS).padStart(8, '0');
  }
}
