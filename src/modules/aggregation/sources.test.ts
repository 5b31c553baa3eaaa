import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, readRecords, type SourceRecord } from './sources.ts';

async function records(content: string | Buffer, format: 'csv' | 'json', encoding: 'utf-8' | 'gbk' = 'utf-8'): Promise<SourceRecord[]> {
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'agg-src-')), `f.${format}`);
  await fs.writeFile(file, content);
  const out: SourceRecord[] = [];
  for await (const r of readRecords(file, format, encoding, () => undefined)) out.push(r);
  return out;
}

describe('upload sources', () => {
  it('detects GBK and reads it as Chinese text with line numbers', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agg-enc-'));
    const gbk = path.join(dir, 'gbk.csv');
    await fs.writeFile(gbk, iconv.encode('站点,水位\n东昌府,1.5\n', 'gbk'));
    expect(await detectEncoding(gbk)).toBe('gbk');
    const utf = path.join(dir, 'utf.csv');
    await fs.writeFile(utf, '站点,水位\n');
    expect(await detectEncoding(utf)).toBe('utf-8');
    const rows = await records(iconv.encode('站点,水位\n东昌府,1.5\n', 'gbk'), 'csv', 'gbk');
    expect(rows.map((r) => [r.line, r.values])).toEqual([[1, ['站点', '水位']], [2, ['东昌府', '1.5']]]);
  });
  it('keeps a ragged row and a multi-line quoted field with their lines', async () => {
    const rows = await records('a,b\n1,2\n3\n"x\ny",4\n5,6,7\n', 'csv');
    // A multi-line record is named by the line it starts on.
    expect(rows.map((r) => [r.line, r.values?.length])).toEqual([[1, 2], [2, 2], [3, 1], [4, 2], [6, 3]]);
  });
  it('splits a JSON array of objects and NDJSON, reporting a non-object element', async () => {
    const arr = await records('[\n{"a": 1, "b": "x,}"},\n{"a": 2, "b": null},\n42\n]', 'json');
    expect(arr.map((r) => [r.line, r.values, r.error])).toEqual([[0, ['a', 'b'], undefined], [2, ['1', 'x,}'], undefined], [3, ['2', ''], undefined], [4, null, 'not a JSON object']]);
    const nd = await records('{"a":1}\n{"a":2}\n', 'json');
    expect(nd.map((r) => r.line)).toEqual([0, 1, 2]);
  });
});
