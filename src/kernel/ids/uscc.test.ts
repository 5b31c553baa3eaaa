import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.ts';
import {
  USCC_CHARSET,
  divisionChildren,
  generateUscc,
  isValidUscc,
  orgCodeCheckChar,
  parseOrgCode,
  parseUscc,
  usccCheckChar,
  type UsccInvalidReason,
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

// GB 32100 表 1–2, written out independently of the implementation.
const PAIRS = ['11', '12', '13', '19', '21', '29', '31', '32', '33', '34', '35', '39', '41', '49', '51', '52', '53', '59',
  '61', '62', '69', '71', '72', '79', '81', '89', '91', '92', '93', 'A1', 'A9', 'N1', 'N2', 'N3', 'N9', 'Y1'];

describe('parseUscc', () => {
  it('accepts the often-cited valid codes', () => {
    expect(parseUscc('91350100M000100Y43')).toEqual({
      ok: true,
      value: {
        code: '91350100M000100Y43',
        registrationAuthority: '9',
        registrationAuthorityName: '工商',
        entityType: '1',
        entityTypeName: '企业',
        divisionCode: '350100',
        orgCode: 'M000100Y4',
        checkChar: '3',
      },
    });
    const r = parseUscc('91110108551385082Q');
    expect(r.ok && [r.value.divisionCode, r.value.orgCode]).toEqual(['110108', '551385082']);
  });

  it('accepts lower case and returns upper case', () => {
    const r = parseUscc('91350100m000100y43');
    expect(r.ok && r.value.code).toBe('91350100M000100Y43');
  });

  it('accepts national registrations (division 100000)', () => {
    const code = generateUscc({ divisionCode: '100000', orgBody: '10001000' });
    expect(code.slice(0, 8)).toBe('91100000');
    expect(isValidUscc(code)).toBe(true);
  });

  it('reaches every invalid reason with a precise message', () => {
    const cases: [string, UsccInvalidReason, string][] = [
      ['', 'empty', 'unified social credit code is empty'],
      ['91350100M000100Y4', 'length', 'unified social credit code should have 18 characters, found 17'],
      ['9135010OM000100Y43', 'charset', 'character "O" at position 8 is not allowed (0-9 and A-Z except I, O, S, V, Z)'],
      ['B1350100M000100Y43', 'registration_authority', 'registration authority code B is not in GB 32100 (allowed: 1 2 3 4 5 6 7 8 9 A N Y)'],
      ['94350100M000100Y43', 'entity_type', 'entity type 4 is not defined for registration authority 9 (工商; allowed: 1 2 3)'],
      ['91999900M000100Y43', 'division', 'registering division code 999900 is not a known GB/T 2260 code'],
      ['91350100M000100Y53', 'org_code_checksum', 'organisation code check character (position 17) should be 4, found 5'],
      ['91350100M000100Y42', 'checksum', 'check character should be 3, found 2'],
    ];
    for (const [value, reason, message] of cases) {
      expect(parseUscc(value), value).toEqual({ ok: false, reason, message });
      expect(isValidUscc(value), value).toBe(false);
    }
  });

  it('checks the authority / entity type pair against GB 32100', () => {
    for (const a of '123456789ANY') {
      for (const t of '0123456789') {
        const first16 = `${a}${t}350100M000100Y`;
        const first17 = first16 + orgCodeCheckChar(first16.slice(8));
        const r = parseUscc(first17 + usccCheckChar(first17));
        expect(r.ok || r.reason, first17).toBe(PAIRS.includes(a + t) ? true : 'entity_type');
      }
    }
  });

  it('accepts an abolished county code only with divisions: province', () => {
    const code = generateUscc({ divisionCode: '371500', orgBody: 'MA3C0000' }).replace(/^91371500/, '91371523');
    const fixed = code.slice(0, 17) + usccCheckChar(code.slice(0, 17));
    expect(parseUscc(fixed)).toMatchObject({ ok: false, reason: 'division' });
    expect(parseUscc(fixed, { divisions: 'province' }).ok).toBe(true);
  });

  it('rejects every single-character substitution of a valid code', () => {
    const code = '91110108551385082Q';
    for (let i = 0; i < 18; i++) {
      for (const c of USCC_CHARSET) {
        if (c === code[i]) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        expect(isValidUscc(changed), changed).toBe(false);
      }
    }
  });
});

describe('parseOrgCode', () => {
  it('reads the hyphenated and plain forms', () => {
    expect(parseOrgCode('55138508-2')).toEqual({ ok: true, value: { code: '551385082', body: '55138508', checkChar: '2' } });
    expect(parseOrgCode('m000100y4').ok).toBe(true);
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
  });

  it('gives X and 0 check characters for remainders 10 and 11', () => {
    expect(orgCodeCheckChar('00000000')).toBe('0'); // sum 0 → 11 − 0 = 11 → '0'
    expect(orgCodeCheckChar('00000006')).toBe('X'); // sum 6·2 = 12 ≡ 1 → 11 − 1 = 10 → 'X'
    expect(parseOrgCode('00000006-X').ok).toBe(true);
  });

  it('reaches every invalid reason', () => {
    expect(parseOrgCode('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(parseOrgCode('55138508-22')).toMatchObject({ ok: false, reason: 'length' });
    expect(parseOrgCode('5513850*2')).toEqual({ ok: false, reason: 'charset', message: 'character "*" at position 8 should be a digit or letter' });
    expect(parseOrgCode('55138508-3')).toEqual({ ok: false, reason: 'checksum', message: 'check character should be 2, found 3' });
  });
});

describe('generateUscc', () => {
  it('rebuilds a known code from its parts', () => {
    expect(generateUscc({ divisionCode: '350100', orgBody: 'M000100Y' })).toBe('91350100M000100Y43');
    expect(generateUscc({ divisionCode: '110108', authority: '9', entityType: '1', orgBody: '55138508' })).toBe('91110108551385082Q');
  });

  it('round-trips through the parser for thousands of seeds', () => {
    const divisions = ['370000', '371500', ...(divisionChildren('371500') ?? []).map((d) => d.code), '110105', '100000'];
    const next = rng(2015);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const pair = PAIRS[Math.floor(next() * PAIRS.length)] ?? '91';
      const divisionCode = divisions[Math.floor(next() * divisions.length)] ?? '371502';
      const sequence = Math.floor(next() * 31 ** 8);
      const code = generateUscc({ divisionCode, authority: pair[0], entityType: pair[1], sequence });
      seen.add(code);
      const r = parseUscc(code);
      expect(r.ok, code).toBe(true);
      if (!r.ok) continue;
      expect([r.value.code, r.value.registrationAuthority, r.value.entityType, r.value.divisionCode]).toEqual([
        code, pair[0], pair[1], divisionCode,
      ]);
    }
    expect(seen.size).toBe(5000);
  });

  it('writes distinct sequences as distinct bodies', () => {
    expect(generateUscc({ divisionCode: '371502', sequence: 0 }).slice(8, 16)).toBe('00000000');
    expect(generateUscc({ divisionCode: '371502', sequence: 31 }).slice(8, 16)).toBe('00000010');
    expect(generateUscc({ divisionCode: '371502', sequence: 31 ** 8 - 1 }).slice(8, 16)).toBe('YYYYYYYY');
  });

  it('refuses a spec that cannot give a valid code', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof AppError ? e.code : 'not AppError';
      }
      return undefined;
    };
    expect(codeOf(() => generateUscc({ divisionCode: '371502', authority: 'B', sequence: 1 }))).toBe('ids.invalid_authority');
    expect(codeOf(() => generateUscc({ divisionCode: '371502', entityType: '9', sequence: 1 }))).toBe('ids.invalid_entity_type');
    expect(codeOf(() => generateUscc({ divisionCode: '999999', sequence: 1 }))).toBe('ids.invalid_division');
    expect(codeOf(() => generateUscc({ divisionCode: '371502', orgBody: 'M000100O' }))).toBe('ids.invalid_org_body');
    expect(codeOf(() => generateUscc({ divisionCode: '371502', orgBody: 'm000100y' }))).toBe('ids.invalid_org_body');
    expect(codeOf(() => generateUscc({ divisionCode: '371502', sequence: 31 ** 8 }))).toBe('ids.invalid_sequence');
  });
});
