/**
 * The one error type domain code throws (STYLE.md "Errors and input").
 * Services throw AppError; only the HTTP layer turns it into a status code.
 */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'unavailable' | 'too_many';

export type ErrorDetails = Record<string, unknown> & {
  /** The input field that is wrong, as a JSON pointer or dotted path (e.g. `/body/people`). */
  field?: string;
};

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: ErrorDetails | undefined;

  constructor(kind: ErrorKind, code: string, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** HTTP status for each kind; exhaustive so a new kind cannot be forgotten. */
export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
  unavailable: 503,
};
