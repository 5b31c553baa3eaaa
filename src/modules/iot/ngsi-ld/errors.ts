// NGSI-LD errors (ETSI GS CIM 009 §5.5.2): problem details whose `type` is one of the standard
// error URIs, naming the bad member in `field`.
import { AppError, type ErrorKind } from '../../../kernel/index.ts';

export const NGSI_ERROR_BASE = 'https://uri.etsi.org/ngsi-ld/errors/';

/** The standard error types used here, with the AppError kind (hence HTTP status) of each. */
export const NGSI_ERRORS = {
  InvalidRequest: 'invalid',
  BadRequestData: 'invalid',
  AlreadyExists: 'conflict',
  ResourceNotFound: 'not_found',
  OperationNotSupported: 'invalid',
  TooManyResults: 'invalid',
  LdContextNotAvailable: 'unavailable',
} as const satisfies Record<string, ErrorKind>;

export type NgsiErrorType = keyof typeof NGSI_ERRORS;

/** An error answered as NGSI-LD problem details; `field` is the JSON pointer of the bad member. */
export function ngsiError(type: NgsiErrorType, message: string, field?: string): AppError {
  return new AppError(NGSI_ERRORS[type], type, message, field === undefined ? undefined : { field });
}

export const isNgsiErrorType = (code: string): code is NgsiErrorType => Object.hasOwn(NGSI_ERRORS, code);
