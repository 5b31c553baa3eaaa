// Streaming record sources for uploaded files: CSV (UTF-8 or GBK), XLSX and JSON (an array of
// objects or one object a line). Each reads the file from disk in chunks, so files larger than
// memory load; each yields the header first, then one entry per record with its line number.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parseCsv } from './csv.ts';

export type UploadFormat = 'csv' | 'xlsx' | 'json';
export type Encoding = 'utf-8' | 'gbk';

/** One record: its values, or why it cannot be read; `raw` is the text kept for the quarantine ('' = rebuild from values). */
export interface SourceRecord {
  line: number;
  values: string[] | null;
  error?: string;
  raw: string;
}

/** UTF-8 if every byte sequence of the file is valid UTF-8, else GBK (GB 18030 superset, as Excel in China writes CSV). */
export async function detectEncoding(file: string): Promise<Encoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

/** Count bytes as they are read, for the progress of a load. */
function counted(file: string, onBytes: (n: number) => void): fs.ReadStream {
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  stream.on('data', (chunk) => onBytes(chunk.length));
  return stream;
}

async function* csvRecords(file: string, encoding: Encoding, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  const input = counted(file, onBytes);
  async function* text(): AsyncGenerator<string> {
    if (encoding === 'gbk') {
      for await (const s of input.pipe(iconv.decodeStream('gb18030'))) yield s as string;
      return;
    }
    // Invalid bytes decode to U+FFFD (not fatal): the record holding them is reported below.
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of input) yield decoder.decode(chunk as Buffer, { stream: true });
    const tail = decoder.decode();
    if (tail) yield tail;
  }
  for await (const rec of parseCsv(text())) {
    // A byte sequence the file's encoding cannot decode comes out as U+FFFD: the row is garbled, not data.
    const garbled = rec.values ? rec.values.findIndex((v) => v.includes('\uFFFD')) : -1;
    if (garbled >= 0) yield { line: rec.line, values: null, error: `undecodable bytes in field ${garbled + 1} (not valid ${encoding === 'gbk' ? 'GBK/GB 18030' : 'UTF-8'})`, raw: rec.values?.join(',') ?? '' };
    else yield rec;
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: Array<{ text: string }>; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error !== undefined) return String(o.error);
    return JSON.stringify(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'string') return String(v);
  return '';
}

async function* xlsxRecords(file: string, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counted(file, onBytes), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells = (row.values as unknown[]).slice(1).map(cellText);
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, values: cells, raw: cells.join(',') };
    }
    return; // the first worksheet only
  }
}

/** Splits a JSON array of objects (or NDJSON) into its elements as characters stream past. */
async function* jsonRecords(file: string, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  const decoder = new TextDecoder('utf-8');
  let line = 1;
  let seenTop = false;
  let mode: 'between' | 'object' | 'scalar' = 'between';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let buf = '';
  let start = 0;
  let header: string[] | null = null;
  const emit = (text: string): SourceRecord[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return [{ line: start, values: null, error: `bad JSON: ${(e as Error).message}`, raw: text }];
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [{ line: start, values: null, error: 'not a JSON object', raw: text }];
    const o = parsed as Record<string, unknown>;
    const out: SourceRecord[] = [];
    if (!header) {
      header = Object.keys(o);
      out.push({ line: 0, values: header, raw: '' });
    }
    out.push({ line: start, values: header.map((k) => (typeof o[k] === 'object' && o[k] !== null ? JSON.stringify(o[k]) : cellText(o[k]))), raw: text });
    return out;
  };
  for await (const chunk of counted(file, onBytes)) {
    for (const ch of decoder.decode(chunk as Buffer, { stream: true })) {
      if (mode === 'object') {
        buf += ch;
        if (ch === '\n') line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            yield* emit(buf);
            mode = 'between';
          }
        }
        continue;
      }
      if (mode === 'scalar' && (ch === ',' || ch === ']' || ch === '\n')) {
        yield* emit(buf.trim());
        mode = 'between';
      } else if (mode === 'scalar') {
        buf += ch;
        continue;
      }
      if (ch === '\n') line++;
      if (ch === '{') {
        seenTop = true;
        mode = 'object';
        depth = 1;
        buf = '{';
        start = line;
      } else if (ch === '[' && !seenTop) seenTop = true;
      else if (!/[\s,\]]/.test(ch)) {
        seenTop = true;
        mode = 'scalar';
        buf = ch;
        start = line;
      }
    }
  }
  if (mode !== 'between') yield* emit(buf);
  if (header === null) yield { line: 0, values: [], raw: '' };
}

/** The records of an upload; the first is the header (line 0 for XLSX/JSON headers derived from data). */
export function readRecords(file: string, format: UploadFormat, encoding: Encoding, onBytes: (n: number) => void): AsyncGenerator<SourceRecord> {
  if (format === 'csv') return csvRecords(file, encoding, onBytes);
  if (format === 'xlsx') return xlsxRecords(file, onBytes);
  return jsonRecords(file, onBytes);
}
