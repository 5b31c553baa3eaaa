import { describe, expect, it } from 'vitest';
import { generateResidentId } from '../../kernel/ids/index.ts';
import { checkCell, ColumnInference } from './values.ts';

describe('cell checks', () => {
  it('accepts and normalises good values', () => {
    expect(checkCell('decimal', '1,234.5')).toEqual({ ok: true, value: '1234.5' });
    expect(checkCell('date', '2026/3/1')).toEqual({ ok: true, value: '2026-03-01' });
    expect(checkCell('datetime', '2026-03-01 08:05')).toEqual({ ok: true, value: '2026-03-01 08:05:00+08:00' });
    expect(checkCell('boolean', '是')).toEqual({ ok: true, value: 't' });
  });
  it('says why a value is refused', () => {
    expect(checkCell('integer', '12a')).toEqual({ ok: false, reason: 'not a whole number: "12a"' });
    expect(checkCell('date', '2026-02-30').ok).toBe(false);
    // leap years, short months, and no year 0 (PostgreSQL refuses it)
    expect(checkCell('date', '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(checkCell('date', '2100-02-29').ok).toBe(false);
    expect(checkCell('date', '2000-02-29').ok).toBe(true);
    expect(checkCell('date', '2026-04-31').ok).toBe(false);
    expect(checkCell('date', '0000-01-01').ok).toBe(false);
    expect(checkCell('datetime', '2026-13-01 08:00').ok).toBe(false);
    const bad = checkCell('resident_id', '371502199001011235');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^bad resident ID number/);
  });
});

describe('column inference', () => {
  it('infers over every value, not the first ones', () => {
    const c = new ColumnInference();
    for (let i = 0; i < 1000; i++) c.observe(String(i));
    expect(c.type).toBe('integer');
    c.observe('3.5');
    expect(c.type).toBe('decimal');
    c.observe('n/a');
    expect(c.type).toBe('string');
  });
  it('recognises resident ID numbers and dates', () => {
    const ids = new ColumnInference();
    ids.observe(generateResidentId({ divisionCode: '371502', birthDate: '1990-01-01', sequence: 12, sex: 'male' }));
    expect(ids.type).toBe('resident_id');
    const d = new ColumnInference();
    d.observe('2026-01-02');
    d.observe('');
    expect(d.type).toBe('date');
  });
});
