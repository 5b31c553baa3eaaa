import { describe, it, expect } from 'vitest';
import { fixedClock } from '../clock.ts';
import { AppError } from '../errors.ts';
import {
  generateResidentId,
  isValidResidentId,
  parseResidentId,
  residentIdCheckDigit,
  upgradeResidentId15to18,
  type IdInvalidReason,
  type Sex,
  divisionChildren,
} from './index.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reasonOf(value: string, clock = fixedClock('2025-06-01T12:00:00+08:00')): IdInvalidReason | 'ok' {
  const r = parseResidentId(value, { clock });
  return r.ok ? 'ok' : r.reason;
}

describe('parseResidentId', () => {
  it('reads the GB 11643 example number', () => {
    expect(parseResidentId('11010519491231002X')).toEqual({
      ok: true,
      value: {
        id: '11010519491231002X',
        divisionCode: '110105',
        birthDate: '1949-12-31',
        sex: 'female',
        sequence: 2,
        checkDigit: 'X',
        legacy15: false,
      },
    });
  });

  it('accepts a lower-case x and returns it upper-case', () => {
    const r = parseResidentId('11010519491231002x');
    expect(r.ok && r.value.id).toBe('11010519491231002X');
  });

  it('reads a male number', () => {
    const id = generateResidentId({ divisionCode: '371502', birthDate: '1990-03-15', sex: 'male', sequence: 123 });
    const r = parseResidentId(id);
    expect(r.ok && [r.value.sex, r.value.sequence, r.value.divisionCode]).toEqual(['male', 123, '371502']);
  });

  it('upgrades the 15-digit legacy form', () => {
    expect(upgradeResidentId15to18('110105491231002')).toBe('11010519491231002X');
    const r = parseResidentId('110105491231002');
    expect(r.ok && r.value).toMatchObject({ id: '11010519491231002X', birthDate: '1949-12-31', legacy15: true, checkDigit: 'X' });
    expect(() => upgradeResidentId15to18('11010549123100')).toThrow(AppError);
  });

  it('reaches every invalid reason with a precise message', () => {
    const cases: [string, IdInvalidReason, string][] = [
      ['', 'empty', 'resident ID is empty'],
      ['1101051949123100', 'length', 'resident ID should have 18 characters (or 15 digits in the legacy form), found 16'],
      ['1101051949123A002X', 'charset', 'character "A" at position 14 should be a digit'],
      ['110105194912310X21', 'charset', 'character "X" at position 16 should be a digit'],
      ['11010519491231002Y', 'charset', 'character "Y" at position 18 should be a digit or X'],
      ['99999919491231002X', 'division', 'address code 999999 is not a known GB/T 2260 division code'],
      ['110105194902300021', 'birth_date', 'birth date 1949-02-30 is not a calendar date'],
      ['110105189912310021', 'birth_date', 'birth year 1899 is before 1900'],
      ['110105491331002', 'birth_date', 'birth date 1949-13-31 is not a calendar date'],
      ['110105299912310021', 'future_birth_date', 'birth date 2999-12-31 is in the future'],
      ['110105194912310025', 'checksum', 'check digit should be X, found 5'],
    ];
    for (const [value, reason, message] of cases) {
      expect(parseResidentId(value), value).toEqual({ ok: false, reason, message });
      expect(isValidResidentId(value), value).toBe(false);
    }
  });

  it('takes a leap day only in leap years', () => {
    const leap = generateResidentId({ divisionCode: '110105', birthDate: '2000-02-29', sex: 'female', sequence: 8 });
    expect(reasonOf(leap)).toBe('ok');
    expect(reasonOf('110105190002290021')).toBe('birth_date'); // 1900 is not a leap year
  });

  it('judges "future" by the date in China (UTC+8)', () => {
    const id = generateResidentId({ divisionCode: '110105', birthDate: '2024-01-01', sex: 'male', sequence: 1 });
    expect(reasonOf(id, fixedClock('2023-12-31T16:30:00Z'))).toBe('ok'); // 00:30 on 1 January in Beijing
    expect(reasonOf(id, fixedClock('2023-12-31T15:30:00Z'))).toBe('future_birth_date');
  });

  it('accepts province and city address codes, and historical counties only when asked', () => {
    const province = '11000019491231002';
    expect(reasonOf(province + residentIdCheckDigit(province))).toBe('ok');
    const liaocheng = '371500198001010010';
    expect(reasonOf(liaocheng.slice(0, 17) + residentIdCheckDigit(liaocheng.slice(0, 17)))).toBe('ok');
    // 371523 茌平县 became 371503 茌平区 in 2019; numbers issued before keep the old code.
    const old = '37152319800101001';
    const id = old + residentIdCheckDigit(old);
    expect(parseResidentId(id).ok).toBe(false);
    expect(parseResidentId(id, { divisions: 'province' }).ok).toBe(true);
    expect(isValidResidentId(id, { divisions: 'province' })).toBe(true);
  });

  it('rejects every single-character change of a valid number', () => {
    const id = '11010519491231002X';
    for (let i = 0; i < 18; i++) {
      for (const c of '0123456789X') {
        if (c === id[i]) continue;
        const changed = id.slice(0, i) + c + id.slice(i + 1);
        expect(isValidResidentId(changed), changed).toBe(false);
      }
    }
  });
});

describe('residentIdCheckDigit', () => {
  it('computes MOD 11-2 and wants 17 digits', () => {
    expect(residentIdCheckDigit('11010519491231002')).toBe('X');
    expect(() => residentIdCheckDigit('1101051949123100')).toThrow(AppError);
    expect(() => residentIdCheckDigit('1101051949123100A')).toThrow(AppError);
  });
});

describe('generateResidentId', () => {
  it('round-trips through the parser for thousands of seeds', () => {
    const counties = ['371500', '110000', '410000', '650000']
      .flatMap((c) => (divisionChildren(c) ?? []).map((d) => d.code))
      .concat(['441900', '371500']);
    const next = rng(371500);
    for (let i = 0; i < 5000; i++) {
      const divisionCode = counties[Math.floor(next() * counties.length)] ?? '371502';
      const year = 1900 + Math.floor(next() * 124);
      const month = 1 + Math.floor(next() * 12);
      const day = 1 + Math.floor(next() * 28);
      const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const sex: Sex = next() < 0.5 ? 'male' : 'female';
      const sequence = Math.floor(next() * 1000);
      const id = generateResidentId({ divisionCode, birthDate, sex, sequence });
      const r = parseResidentId(id);
      expect(r.ok, id).toBe(true);
      if (!r.ok) continue;
      expect(r.value).toEqual({
        id,
        divisionCode,
        birthDate,
        sex,
        sequence: (sequence & ~1) | (sex === 'male' ? 1 : 0),
        checkDigit: id.charAt(17),
        legacy15: false,
      });
    }
  });

  it('refuses a spec that cannot give a valid number', () => {
    const base = { divisionCode: '371502', birthDate: '1990-01-01', sex: 'male' as const, sequence: 1 };
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof AppError ? e.code : 'not AppError';
      }
      return undefined;
    };
    expect(codeOf(() => generateResidentId({ ...base, divisionCode: '999999' }))).toBe('ids.invalid_division');
    expect(codeOf(() => generateResidentId({ ...base, birthDate: '2023-02-29' }))).toBe('ids.invalid_birth_date');
    expect(codeOf(() => generateResidentId({ ...base, birthDate: '1990/01/01' }))).toBe('ids.invalid_birth_date');
    expect(codeOf(() => generateResidentId({ ...base, birthDate: '2999-01-01' }))).toBe('ids.invalid_birth_date');
    expect(codeOf(() => generateResidentId({ ...base, sequence: 1000 }))).toBe('ids.invalid_sequence');
    expect(codeOf(() => generateResidentId({ ...base, sequence: 1.5 }))).toBe('ids.invalid_sequence');
  });
});
