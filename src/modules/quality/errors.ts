import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the quality module (数据治理), each with the AppError kind it is thrown with. */
export const QUALITY_ERRORS = {
  /** A rule's field, parameter or schedule is wrong (details.field names it). */
  rule_invalid: 'invalid',
  rule_not_found: 'not_found',
  run_not_found: 'not_found',
  ticket_not_found: 'not_found',
  /** The caller's department does not own the ticket. */
  ticket_forbidden: 'forbidden',
  /**
   * 一数一源: a caller scoped to departments reads, writes and runs the rules (and reads the runs and
   * their failing samples) of their departments' resources only.
   */
  department_out_of_scope: 'forbidden',
  /** The ticket is closed, or already acknowledged. */
  ticket_state: 'conflict',
  /** A run was asked for a resource without enabled rules. */
  no_rules: 'conflict',
} as const;

export type QualityErrorCode = keyof typeof QUALITY_ERRORS;

export function qualityError(code: QualityErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(QUALITY_ERRORS[code], code, message, details);
}
