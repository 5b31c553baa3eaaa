import { AppError } from '../errors.ts';

/**
 * Error codes thrown by the crypto kernel. All are of kind 'invalid': a key, an encoding or a
 * ciphertext handed in is wrong. Verification failures are not errors: verify functions return false.
 */
export type CryptoErrorCode =
  | 'crypto.invalid_key'
  | 'crypto.invalid_encoding'
  | 'crypto.invalid_input'
  | 'crypto.decrypt_failed';

export function cryptoError(code: CryptoErrorCode, message: string, field: string, cause?: unknown): AppError {
  return new AppError('invalid', code, message, { field }, cause === undefined ? undefined : { cause });
}
