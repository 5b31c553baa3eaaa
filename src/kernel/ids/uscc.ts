// 统一社会信用代码 unified social credit code (GB 32100-2015): registration authority (1 char),
// entity type (1), registering division (6 digits), 主体标识码 = 组织机构代码 organisation code
// (GB 11714: 8 body chars + 1 check char), and a MOD 31 check character (GB/T 17710).
import { idsError } from './errors.ts';
import { divisionFlags, isKnownProvinceOf, sixDigits } from './division.ts';
import type { DivisionCheckOptions } from './resident-id.ts';
import { idFailure, type IdResult } from './result.ts';

/** The 31 characters of a USCC: digits and upper-case letters except I, O, S, V, Z. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export interface Uscc {
  /** 18 characters, upper-case. */
  readonly code: string;
  /** 登记管理部门代码, e.g. '9' 工商 (market regulation). */
  readonly registrationAuthority: string;
  readonly registrationAuthorityName: string;
  /** 机构类别代码, e.g. '1' 企业 under authority '9'. */
  readonly entityType: string;
  readonly entityTypeName: string;
  /** 登记管理机关行政区划码; 100000 for national registration. */
  readonly divisionCode: string;
  /** 组织机构代码 (9 characters, without hyphen). */
  readonly orgCode: string;
  readonly checkChar: string;
}

export type UsccInvalidReason =
  | 'empty'
  | 'length'
  | 'charset'
  | 'registration_authority'
  | 'entity_type'
  | 'division'
  | 'org_code_checksum'
  | 'checksum';

export type UsccResult = IdResult<Uscc, UsccInvalidReason>;

/** GB 32100-2015 表 1 and 表 2 (with the later A and N authorities). */
const AUTHORITIES: Readonly<Record<string, { readonly name: string; readonly types: Readonly<Record<string, string>> }>> = {
  '1': { name: '机构编制', types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', types: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', types: { '1': '其他' } },
};

const NATIONAL = 100000; // 国家 registrations use 100000

// Character values by char code (lower-case accepted), -1 when not allowed.
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_CHARSET.length; i++) {
  USCC_VALUE[USCC_CHARSET.charCodeAt(i)] = i;
  USCC_VALUE[USCC_CHARSET.toLowerCase().charCodeAt(i)] = i;
}
// GB 11714 values: 0-9, then A=10 … Z=35 (the whole alphabet, not the USCC numbering).
const ORG_VALUE = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) ORG_VALUE[c] = c - 48;
for (let c = 65; c <= 90; c++) {
  ORG_VALUE[c] = c - 55;
  ORG_VALUE[c + 32] = c - 55;
}

const usccValue = (code: number): number => (code < 128 ? (USCC_VALUE[code] ?? -1) : -1);
const orgValue = (code: number): number => (code < 128 ? (ORG_VALUE[code] ?? -1) : -1);
const upper = (code: number): number => (code >= 97 && code <= 122 ? code - 32 : code);

/** GB 11714 check character of the 8 body characters at `start`: weights 2^(9−i) mod 11. */
function orgCheckCode(value: string, start: number): number {
  let acc = 0;
  for (let i = start; i < start + 8; i++) acc = (acc * 2 + orgValue(value.charCodeAt(i))) % 11;
  const c = 11 - ((acc * 2) % 11);
  return c === 11 ? 48 : c === 10 ? 88 : 48 + c; // '0', 'X', digit
}

/** MOD 31 check value of the first 17 characters: weights 3^(i−1) mod 31 (1, 3, 9, 27, 19 …). */
function usccCheckValue(value: string): number {
  let acc = 0;
  for (let i = 16; i >= 0; i--) acc = (acc * 3 + usccValue(value.charCodeAt(i))) % 31;
  return (31 - acc) % 31;
}

function divisionOk(code: number, options: DivisionCheckOptions): boolean {
  if (code === NATIONAL) return true;
  return options.divisions === 'province' ? isKnownProvinceOf(code) : divisionFlags(code) !== 0;
}

const OK = 0;
const REASONS: readonly UsccInvalidReason[] = [
  'empty', 'length', 'charset', 'registration_authority', 'entity_type', 'division', 'org_code_checksum', 'checksum',
];
const NO_OPTIONS: DivisionCheckOptions = {};

/** Index into REASONS + 1 of the first fault, or OK. Allocation-free. */
function usccFault(value: string, options: DivisionCheckOptions): number {
  if (value.length === 0) return 1;
  if (value.length !== 18) return 2;
  for (let i = 0; i < 18; i++) if (usccValue(value.charCodeAt(i)) < 0) return 3;
  const authority = AUTHORITIES[String.fromCharCode(upper(value.charCodeAt(0)))];
  if (!authority) return 4;
  if (authority.types[value.charAt(1)] === undefined) return 5;
  const division = sixDigits(value, 2);
  if (division < 0 || !divisionOk(division, options)) return 6;
  if (orgCheckCode(value, 8) !== upper(value.charCodeAt(16))) return 7;
  if (usccValue(value.charCodeAt(17)) !== usccCheckValue(value)) return 8;
  return OK;
}

/** True when `value` is a valid unified social credit code. Allocation-free. */
export function isValidUscc(value: string, options: DivisionCheckOptions = NO_OPTIONS): boolean {
  return usccFault(value, options) === OK;
}

/** Checks a unified social credit code (统一社会信用代码) and returns its parts, or the first fault found. */
export function parseUscc(value: string, options: DivisionCheckOptions = NO_OPTIONS): UsccResult {
  const fault = usccFault(value, options);
  if (fault !== OK) return idFailure(REASONS[fault - 1] ?? 'charset', usccFaultMessage(fault, value));
  const code = value.toUpperCase();
  const authority = code.charAt(0);
  const entityType = code.charAt(1);
  const a = AUTHORITIES[authority];
  return {
    ok: true,
    value: {
      code,
      registrationAuthority: authority,
      registrationAuthorityName: a?.name ?? '',
      entityType,
      entityTypeName: a?.types[entityType] ?? '',
      divisionCode: code.slice(2, 8),
      orgCode: code.slice(8, 17),
      checkChar: code.charAt(17),
    },
  };
}

function usccFaultMessage(fault: number, value: string): string {
  switch (REASONS[fault - 1]) {
    case 'empty':
      return 'unified social credit code is empty';
    case 'length':
      return `unified social credit code should have 18 characters, found ${value.length}`;
    case 'charset': {
      let i = 0;
      while (i < 18 && usccValue(value.charCodeAt(i)) >= 0) i++;
      return `character ${JSON.stringify(value.charAt(i))} at position ${i + 1} is not allowed (0-9 and A-Z except I, O, S, V, Z)`;
    }
    case 'registration_authority':
      return `registration authority code ${value.charAt(0)} is not in GB 32100 (allowed: ${Object.keys(AUTHORITIES).join(' ')})`;
    case 'entity_type': {
      const a = AUTHORITIES[value.charAt(0).toUpperCase()];
      const allowed = a ? Object.keys(a.types).join(' ') : '';
      return `entity type ${value.charAt(1)} is not defined for registration authority ${value.charAt(0)} (${a?.name ?? ''}; allowed: ${allowed})`;
    }
    case 'division':
      return `registering division code ${value.slice(2, 8)} is not a known GB/T 2260 code`;
    case 'org_code_checksum':
      return `organisation code check character (position 17) should be ${String.fromCharCode(orgCheckCode(value, 8))}, found ${value.charAt(16).toUpperCase()}`;
    default:
      return `check character should be ${USCC_CHARSET.charAt(usccCheckValue(value))}, found ${value.charAt(17).toUpperCase()}`;
  }
}

// ---- 组织机构代码 organisation code (GB 11714) --------------------------------------------------

export interface OrgCode {
  /** 9 characters, upper-case, without the hyphen. */
  readonly code: string;
  readonly body: string;
  readonly checkChar: string;
}

export type OrgCodeInvalidReason = 'empty' | 'length' | 'charset' | 'checksum';

/** Checks an organisation code, written `XXXXXXXX-X` or as 9 characters. */
export function parseOrgCode(value: string): IdResult<OrgCode, OrgCodeInvalidReason> {
  if (value.length === 0) return idFailure('empty', 'organisation code is empty');
  const code = (value.length === 10 && value.charCodeAt(8) === 45 ? value.slice(0, 8) + value.charAt(9) : value).toUpperCase();
  if (code.length !== 9) {
    return idFailure('length', `organisation code should have 9 characters (or 8, a hyphen and 1), found ${value.length}`);
  }
  for (let i = 0; i < 9; i++) {
    const c = code.charCodeAt(i);
    if (i < 8 ? orgValue(c) < 0 : !(c === 88 || (c >= 48 && c <= 57))) {
      return idFailure('charset', `character ${JSON.stringify(code.charAt(i))} at position ${i + 1} should be ${i < 8 ? 'a digit or letter' : 'a digit or X'}`);
    }
  }
  const expected = String.fromCharCode(orgCheckCode(code, 0));
  if (expected !== code.charAt(8)) {
    return idFailure('checksum', `check character should be ${expected}, found ${code.charAt(8)}`);
  }
  return { ok: true, value: { code, body: code.slice(0, 8), checkChar: expected } };
}

/** The GB 11714 check character ('0'..'9' or 'X') for an 8-character organisation code body. */
export function orgCodeCheckChar(body: string): string {
  if (body.length !== 8) throw idsError('ids.invalid_org_body', 'an organisation code body has 8 characters', 'body');
  for (let i = 0; i < 8; i++) {
    if (orgValue(body.charCodeAt(i)) < 0) {
      throw idsError('ids.invalid_org_body', `character ${JSON.stringify(body.charAt(i))} of the body is not a digit or letter`, 'body');
    }
  }
  return String.fromCharCode(orgCheckCode(body, 0));
}

/** The MOD 31 check character for the first 17 characters of a USCC. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw idsError('ids.invalid_org_body', 'the USCC check character needs 17 characters', 'first17');
  for (let i = 0; i < 17; i++) {
    if (usccValue(first17.charCodeAt(i)) < 0) {
      throw idsError('ids.invalid_org_body', `character ${JSON.stringify(first17.charAt(i))} is not in the USCC character set`, 'first17');
    }
  }
  return USCC_CHARSET.charAt(usccCheckValue(first17));
}

interface UsccSpecBase {
  /** A known 6-digit division code, or 100000 (national). */
  readonly divisionCode: string;
  /** Registration authority, default '9' (工商 / market regulation). */
  readonly authority?: string;
  /** Entity type allowed for the authority, default '1'. */
  readonly entityType?: string;
}

export type UsccSpec = UsccSpecBase &
  (
    | { /** 8 characters from USCC_CHARSET. */ readonly orgBody: string; readonly sequence?: never }
    | { /** 0 ≤ n < 31⁸, written in base 31 over USCC_CHARSET as the body. */ readonly sequence: number; readonly orgBody?: never }
  );

const BODY_SPACE = 31 ** 8;

/** Builds a valid USCC. Throws AppError('invalid') on a bad spec. */
export function generateUscc(spec: UsccSpec): string {
  const authority = spec.authority ?? '9';
  const entityType = spec.entityType ?? '1';
  const a = AUTHORITIES[authority];
  if (!a) throw idsError('ids.invalid_authority', `registration authority ${JSON.stringify(authority)} is not in GB 32100`, 'authority');
  if (a.types[entityType] === undefined) {
    throw idsError('ids.invalid_entity_type', `entity type ${JSON.stringify(entityType)} is not defined for authority ${authority}`, 'entityType');
  }
  const division = spec.divisionCode.length === 6 ? sixDigits(spec.divisionCode, 0) : -1;
  if (division < 0 || !divisionOk(division, NO_OPTIONS)) {
    throw idsError('ids.invalid_division', `division code ${JSON.stringify(spec.divisionCode)} is not a known GB/T 2260 code`, 'divisionCode');
  }
  let body: string;
  if (spec.orgBody !== undefined) {
    body = spec.orgBody;
    let ok = body.length === 8;
    for (let i = 0; ok && i < 8; i++) {
      const c = body.charCodeAt(i);
      ok = c < 91 && usccValue(c) >= 0; // upper-case only, so the generated code is canonical
    }
    if (!ok) throw idsError('ids.invalid_org_body', `organisation body ${JSON.stringify(body)} should be 8 characters of ${USCC_CHARSET}`, 'orgBody');
  } else {
    let n = spec.sequence;
    if (!Number.isInteger(n) || n < 0 || n >= BODY_SPACE) {
      throw idsError('ids.invalid_sequence', `sequence ${n} should be an integer from 0 to 31^8 - 1`, 'sequence');
    }
    body = '';
    for (let i = 0; i < 8; i++) {
      body = USCC_CHARSET.charAt(n % 31) + body;
      n = Math.floor(n / 31);
    }
  }
  const first16 = authority + entityType + spec.divisionCode + body;
  const first17 = first16 + String.fromCharCode(orgCheckCode(first16, 8));
  return first17 + USCC_CHARSET.charAt(usccCheckValue(first17));
}
