// 公民身份号码 citizen identity number (GB 11643-1999): 6-digit address code, 8-digit birth
// date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character. The 15-digit form
// issued before 1999 has a 2-digit year (always 19xx) and no check character.
import type { Clock } from '../clock.ts';
import { idsError } from './errors.ts';
import { divisionFlags, isKnownProvinceOf, sixDigits } from './division.ts';
import { idFailure, type IdResult } from './result.ts';

export type Sex = 'male' | 'female';

export interface ResidentId {
  /** 18 characters, check character upper-case; a 15-digit input is upgraded. */
  readonly id: string;
  /** Address code (first 6 digits): where the number was first issued. */
  readonly divisionCode: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly sex: Sex;
  /** 顺序码 0..999; its parity gives the sex. */
  readonly sequence: number;
  readonly checkDigit: string;
  /** True when the input was the 15-digit legacy form. */
  readonly legacy15: boolean;
}

export type IdInvalidReason =
  | 'empty'
  | 'length'
  | 'charset'
  | 'division'
  | 'birth_date'
  | 'future_birth_date'
  | 'checksum';

export type ResidentIdResult = IdResult<ResidentId, IdInvalidReason>;

export interface DivisionCheckOptions {
  /**
   * 'known' (default): the code must be a current GB/T 2260 code at any level (county, or a
   * province/city code as some old numbers carry). 'province': only the first two digits must be
   * a known province — numbers never change when a county is renamed or merged, so historical
   * data should use this.
   */
  readonly divisions?: 'known' | 'province';
}

export interface ResidentIdOptions extends DivisionCheckOptions {
  /** Decides "today" for the future-birth-date check; defaults to the system clock in China time. */
  readonly clock?: Clock;
}

// Fault codes of the allocation-free checker; 0 means valid.
const OK = 0;
const REASONS: readonly IdInvalidReason[] = ['empty', 'length', 'charset', 'division', 'birth_date', 'future_birth_date', 'checksum'];
const EMPTY = 1;
const LENGTH = 2;
const CHARSET = 3;
const DIVISION = 4;
const BIRTH_DATE = 5;
const FUTURE = 6;
const CHECKSUM = 7;

const CHECK_CHARS = '10X98765432'; // indexed by (Σ aᵢ·Wᵢ) mod 11
const TAIWAN_PERMIT = 830000; // 台湾居民居住证 numbers use 830000, which GB/T 2260 does not list
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const NO_OPTIONS: ResidentIdOptions = {};

let todayKey = 0;
let todayValidUntil = 0;

/** Today in China Standard Time as YYYYMMDD; recomputed only when the day changes. */
function chinaToday(clock: Clock | undefined): number {
  if (clock) return dateKey(clock.now().getTime());
  const now = Date.now();
  if (now >= todayValidUntil) {
    todayKey = dateKey(now);
    todayValidUntil = (Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - CHINA_OFFSET_MS;
  }
  return todayKey;
}

function dateKey(epochMs: number): number {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + (value.charCodeAt(i) - 48);
  return n;
}

/** BIRTH_DATE, FUTURE or OK for a YYYYMMDD date. */
function birthFault(year: number, month: number, day: number, today: number): number {
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return BIRTH_DATE;
  return year * 10_000 + month * 100 + day > today ? FUTURE : OK;
}

function divisionFault(code: number, options: ResidentIdOptions): number {
  if (code === TAIWAN_PERMIT) return OK;
  if (options.divisions === 'province') return isKnownProvinceOf(code) ? OK : DIVISION;
  return divisionFlags(code) !== 0 ? OK : DIVISION;
}

/** Σ aᵢ·Wᵢ mod 11 over the first 17 characters, Wᵢ = 2^(17−i) mod 11, by Horner's rule. */
function weightedSum17(value: string): number {
  let acc = 0;
  for (let i = 0; i < 17; i++) acc = (acc * 2 + value.charCodeAt(i) - 48) % 11;
  return (acc * 2) % 11;
}

/** The first fault of `value`, or OK. Allocation-free, for validating millions of rows. */
function residentIdFault(value: string, options: ResidentIdOptions): number {
  const len = value.length;
  if (len === 0) return EMPTY;
  if (len !== 18 && len !== 15) return LENGTH;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (i === 17 && (c === 88 || c === 120)) continue; // X or x
    return CHARSET;
  }
  const fault = divisionFault(sixDigits(value, 0), options);
  if (fault !== OK) return fault;
  const today = chinaToday(options.clock);
  if (len === 15) return birthFault(1900 + digitsAt(value, 6, 2), digitsAt(value, 8, 2), digitsAt(value, 10, 2), today);
  const dateFault = birthFault(digitsAt(value, 6, 4), digitsAt(value, 10, 2), digitsAt(value, 12, 2), today);
  if (dateFault !== OK) return dateFault;
  const expected = CHECK_CHARS.charCodeAt(weightedSum17(value));
  const found = value.charCodeAt(17);
  return found === expected || (found === 120 && expected === 88) ? OK : CHECKSUM;
}

/** True when `value` is a valid 18- or 15-digit resident ID number. Allocation-free. */
export function isValidResidentId(value: string, options: ResidentIdOptions = NO_OPTIONS): boolean {
  return residentIdFault(value, options) === OK;
}

/** The MOD 11-2 check character ('0'..'9' or 'X') for the first 17 digits. */
export function residentIdCheckDigit(first17: string): string {
  if (first17.length !== 17 || !allDigits(first17)) {
    throw idsError('ids.invalid_resident_id', 'the check digit needs exactly 17 digits', 'first17');
  }
  return CHECK_CHARS.charAt(weightedSum17(first17));
}

function allDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** YYYY-MM-DD made of ASCII digits and dashes. */
function isDateShape(value: string): boolean {
  if (value.length !== 10) return false;
  for (let i = 0; i < 10; i++) {
    const c = value.charCodeAt(i);
    if (i === 4 || i === 7 ? c !== 45 : c < 48 || c > 57) return false;
  }
  return true;
}

/** Adds the century (19) and the check character to a 15-digit number. Checks the shape only. */
export function upgradeResidentId15to18(value: string): string {
  if (value.length !== 15 || !allDigits(value)) {
    throw idsError('ids.invalid_resident_id', `a legacy resident ID has 15 digits, got ${JSON.stringify(value)}`, 'value');
  }
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
  return first17 + CHECK_CHARS.charAt(weightedSum17(first17));
}

/** Checks a resident ID number (身份证号码) and returns its parts, or the first fault found. */
export function parseResidentId(value: string, options: ResidentIdOptions = NO_OPTIONS): ResidentIdResult {
  const fault = residentIdFault(value, options);
  if (fault !== OK) return idFailure(REASONS[fault - 1] ?? 'charset', faultMessage(fault, value));
  const legacy15 = value.length === 15;
  const id = legacy15 ? upgradeResidentId15to18(value) : value.charCodeAt(17) === 120 ? `${value.slice(0, 17)}X` : value;
  const sequence = digitsAt(id, 14, 3);
  return {
    ok: true,
    value: {
      id,
      divisionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: sequence % 2 === 1 ? 'male' : 'female',
      sequence,
      checkDigit: id.charAt(17),
      legacy15,
    },
  };
}

function faultMessage(fault: number, value: string): string {
  const len = value.length;
  switch (fault) {
    case EMPTY:
      return 'resident ID is empty';
    case LENGTH:
      return `resident ID should have 18 characters (or 15 digits in the legacy form), found ${len}`;
    case CHARSET: {
      let i = 0;
      while (i < len) {
        const c = value.charCodeAt(i);
        if (!((c >= 48 && c <= 57) || (i === 17 && (c === 88 || c === 120)))) break;
        i++;
      }
      const what = len === 18 && i === 17 ? 'a digit or X' : 'a digit';
      return `character ${JSON.stringify(value.charAt(i))} at position ${i + 1} should be ${what}`;
    }
    case DIVISION:
      return `address code ${value.slice(0, 6)} is not a known GB/T 2260 division code`;
    case BIRTH_DATE:
    case FUTURE: {
      const date = len === 15 ? `19${value.slice(6, 12)}` : value.slice(6, 14);
      const shown = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
      if (fault === FUTURE) return `birth date ${shown} is in the future`;
      return Number(date.slice(0, 4)) < 1900 ? `birth year ${date.slice(0, 4)} is before 1900` : `birth date ${shown} is not a calendar date`;
    }
    default:
      return `check digit should be ${CHECK_CHARS.charAt(weightedSum17(value))}, found ${value.charAt(17).toUpperCase()}`;
  }
}

export interface ResidentIdSpec {
  /** A known 6-digit division code (or 830000). */
  readonly divisionCode: string;
  /** YYYY-MM-DD, from 1900-01-01 to today. */
  readonly birthDate: string;
  readonly sex: Sex;
  /** 0..999; its lowest bit is replaced to match the sex (odd = male), so n and n^1 give the same number. */
  readonly sequence: number;
}

const SEQUENCE_TEXT: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Builds a valid 18-character resident ID number. Throws AppError('invalid') on a bad spec. */
export function generateResidentId(spec: ResidentIdSpec): string {
  const { divisionCode, birthDate, sex, sequence } = spec;
  const code = divisionCode.length === 6 ? sixDigits(divisionCode, 0) : -1;
  if (code < 0 || divisionFault(code, NO_OPTIONS) !== OK) {
    throw idsError('ids.invalid_division', `division code ${JSON.stringify(divisionCode)} is not a known GB/T 2260 code`, 'divisionCode');
  }
  if (
    !isDateShape(birthDate) ||
    birthFault(digitsAt(birthDate, 0, 4), digitsAt(birthDate, 5, 2), digitsAt(birthDate, 8, 2), chinaToday(undefined)) !== OK
  ) {
    throw idsError('ids.invalid_birth_date', `birth date ${JSON.stringify(birthDate)} should be a YYYY-MM-DD date from 1900 to today`, 'birthDate');
  }
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) {
    throw idsError('ids.invalid_sequence', `sequence ${sequence} should be an integer from 0 to 999`, 'sequence');
  }
  const order = (sequence & ~1) | (sex === 'male' ? 1 : 0);
  const first17 = `${divisionCode}${birthDate.slice(0, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${SEQUENCE_TEXT[order] ?? ''}`;
  return first17 + CHECK_CHARS.charAt(weightedSum17(first17));
}
