import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvRecord } from './csv.ts';

/** Feeds `text` in chunks of `size` characters, so records straddle chunk boundaries. */
async function read(text: string, size = 3): Promise<CsvRecord[]> {
  async function* chunks() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const out: CsvRecord[] = [];
  for await (const r of parseCsv(chunks())) out.push(r);
  return out;
}

describe('CSV reader', () => {
  it('splits plain lines, skips empty ones, drops the BOM and keeps line numbers (CRLF and LF)', async () => {
    const rows = await read('\uFEFFa,b\r\n1,2\r\n\r\n3,\n,4\n\n5');
    expect(rows.map((r) => [r.line, r.values])).toEqual([[1, ['a', 'b']], [2, ['1', '2']], [4, ['3', '']], [5, ['', '4']], [7, ['5']]]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, naming the line a record starts on', async () => {
    const rows = await read('a,b\n"x,1","say ""hi"""\n"multi\r\nline",2\n3,"end"');
    expect(rows.map((r) => [r.line, r.values])).toEqual([[1, ['a', 'b']], [2, ['x,1', 'say "hi"']], [3, ['multi\r\nline', '2']], [5, ['3', 'end']]]);
  });

  it('keeps a quote inside an unquoted field as text', async () => {
    const rows = await read('size,name\n5",a"b\n');
    expect(rows[1]?.values).toEqual(['5"', 'a"b']);
  });

  it('reports a record with text after its closing quote and reads on from the next line', async () => {
    const rows = await read('a,b\n"x"y,1\n2,3\n');
    expect(rows.map((r) => [r.line, r.values, r.error])).toEqual([
      [1, ['a', 'b'], undefined],
      [2, null, 'unreadable CSV: text after a closing quote in field 1'],
      [3, ['2', '3'], undefined],
    ]);
    expect(rows[1]?.raw).toBe('"x"y,1');
  });

  it('reports a quote that is never closed', async () => {
    const rows = await read('a,b\n1,2\n3,"open\n4,5\n');
    expect(rows.map((r) => [r.line, r.values, r.error])).toEqual([
      [1, ['a', 'b'], undefined],
      [2, ['1', '2'], undefined],
      [3, null, 'unreadable CSV: a quoted field is never closed (missing ")'],
    ]);
  });

  it('reads what csv-parse reads on well-formed files, whatever the chunk size', async () => {
    // A deterministic mix of plain, quoted, empty and multi-line fields.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const cell = (): string => {
      switch (rand(6)) {
        case 0: return '';
        case 1: return `"q${rand(100)},x"`;
        case 2: return `"a""b${rand(10)}"`;
        case 3: return `"two\nlines"`;
        case 4: return '居民';
        default: return String(rand(100000));
      }
    };
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) lines.push(Array.from({ length: 1 + rand(5) }, cell).join(','));
    for (const eol of ['\n', '\r\n']) {
      const text = `${lines.join(eol)}${eol}`;
      const expected: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: true });
      for (const size of [1, 7, 64, 1 << 16]) {
        const rows = await read(text, size);
        expect(rows.every((r) => r.values !== null)).toBe(true);
        expect(rows.map((r) => r.values)).toEqual(expected);
      }
    }
  });
});
