import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the city module (城市基础数据), each with the AppError kind it is thrown with. */
export const CITY_ERRORS = {
  /** A resident ID number that fails GB 11643 (details.reason says why). */
  resident_id_invalid: 'invalid',
  /** A unified social credit code that fails GB 32100 (details.reason says why). */
  uscc_invalid: 'invalid',
  /** A division code that is not 6, 9 or 12 digits. */
  division_code_invalid: 'invalid',
  /** Demo-city build options out of range (people, seed). */
  build_options_invalid: 'invalid',
  resident_not_found: 'not_found',
  enterprise_not_found: 'not_found',
  division_not_found: 'not_found',
  /** 数据权限: the record lies outside the caller's region scope. */
  resident_out_of_scope: 'forbidden',
  enterprise_out_of_scope: 'forbidden',
} as const;

export type CityErrorCode = keyof typeof CITY_ERRORS;

/** An AppError of this module; the kind follows from the code. */
export function cityError(code: CityErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(CITY_ERRORS[code], code, message, details);
}
