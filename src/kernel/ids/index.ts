/**
 * Chinese identifiers as checked values: 居民身份证号码 resident ID numbers (GB 11643),
 * 统一社会信用代码 unified social credit codes (GB 32100), 组织机构代码 organisation codes
 * (GB 11714) and 行政区划代码 division codes (GB/T 2260, NBS 2023 edition).
 *
 * Parsers never throw: they return an {@link IdResult} whose `reason` names the first fault found
 * (checks run left to right through the identifier) and whose `message` says it in English.
 * `isValid*` functions allocate nothing, for validating millions of rows. Generators throw
 * `AppError('invalid', 'ids.*')` on a bad spec.
 */
export type { IdResult } from './result.ts';
export type { IdsErrorCode } from './errors.ts';

/**
 * Resident ID numbers. {@link parseResidentId} accepts 18 characters (x or X as check character)
 * or the 15-digit legacy form (19xx birth years), which it upgrades. The address code must be a
 * current GB/T 2260 code at any level, or only a known province with `{ divisions: 'province' }`.
 * {@link generateResidentId} forces the sequence's lowest bit to match the sex (odd = male).
 */
export {
  parseResidentId,
  isValidResidentId,
  generateResidentId,
  residentIdCheckDigit,
  upgradeResidentId15to18,
  type ResidentId,
  type ResidentIdResult,
  type ResidentIdSpec,
  type ResidentIdOptions,
  type DivisionCheckOptions,
  type IdInvalidReason,
  type Sex,
} from './resident-id.ts';

/**
 * Unified social credit codes and organisation codes. The registration authority / entity type
 * pair is checked against GB 32100 表 1–2; the division part may be any known code or 100000
 * (national). {@link generateUscc} takes an 8-character body or a sequence number (base 31).
 */
export {
  parseUscc,
  isValidUscc,
  generateUscc,
  usccCheckChar,
  parseOrgCode,
  orgCodeCheckChar,
  USCC_CHARSET,
  type Uscc,
  type UsccResult,
  type UsccSpec,
  type UsccInvalidReason,
  type OrgCode,
  type OrgCodeInvalidReason,
} from './uscc.ts';

/**
 * Division codes. Province, city and county tables load on first use (cities are written with
 * 6 digits: 3715 → 371500); towns on the first town-level call; villages per request, reading only
 * the requested range. The tree skips the grouping rows 市辖区 / 县 / 省直辖县级行政区划: a
 * municipality's districts and a province's directly administered counties have the province as
 * parent. 东莞, 中山 and 儋州 have towns directly under the city. The NBS tables also list 124
 * statistical zones (开发区 etc., county codes XXXX7X) that GB/T 2260 does not; they count as known.
 * Taiwan, Hong Kong and Macao (710000, 810000, 820000) are known provinces without children.
 */
export {
  parseDivisionCode,
  parseVillageCode,
  divisionLevel,
  divisionName,
  divisionParent,
  divisionChildren,
  loadVillages,
  isKnownCountyCode,
  isKnownDivisionCode,
  type Division,
  type DivisionLevel,
  type DivisionResult,
  type DivisionInvalidReason,
  type Village,
} from './division.ts';
