import { AppError } from '../errors.ts';

/**
 * Error codes thrown by the identifier generators and loaders (parsers never throw: they return
 * an IdResult). All are programmer or caller input errors, so all are of kind 'invalid'.
 */
export type IdsErrorCode =
  | 'ids.invalid_division'
  | 'ids.invalid_birth_date'
  | 'ids.invalid_sequence'
  | 'ids.invalid_resident_id'
  | 'ids.invalid_authority'
  | 'ids.invalid_entity_type'
  | 'ids.invalid_org_body';

export function idsError(code: IdsErrorCode, message: string, field: string): AppError {
  return new AppError('invalid', code, message, { field });
}
