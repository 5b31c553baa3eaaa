import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the identity module (一号通行), each with the AppError kind it is thrown with. */
export const IDENTITY_ERRORS = {
  /** 实名核验 failed: no resident has this ID number. */
  real_name_not_found: 'invalid',
  /** 实名核验 failed: the name does not match the ID number. */
  real_name_mismatch: 'invalid',
  /** No enterprise has this credit code. */
  enterprise_not_found: 'invalid',
  /** The acting person said to be the legal representative is not. */
  not_legal_representative: 'forbidden',
  password_too_weak: 'invalid',
  account_exists: 'conflict',
  account_not_found: 'not_found',
  /** Wrong login or password (deliberately the same answer for both). */
  credentials_invalid: 'unauthenticated',
  account_locked: 'too_many',
  account_disabled: 'forbidden',
  sign_in_throttled: 'too_many',
  totp_invalid: 'unauthenticated',
  totp_not_enrolled: 'conflict',
  otp_invalid: 'invalid',
  unauthenticated: 'unauthenticated',
  permission_denied: 'forbidden',
  /** Deny by default: the route declares no permission (`config.permission`). */
  permission_undeclared: 'forbidden',
  /** A cookie-authenticated state-changing request from another origin (CSRF). */
  csrf_origin: 'forbidden',
  /** The session must first change its one-time password or enrol / present TOTP. */
  session_restricted: 'forbidden',
  api_key_not_found: 'not_found',
  api_key_scope_exceeds_owner: 'forbidden',
  api_key_expiry_invalid: 'invalid',
  role_not_found: 'not_found',
  role_exists: 'conflict',
  role_builtin: 'forbidden',
  unit_not_found: 'not_found',
  /** 三员分立: one account cannot hold two administrator duties, nor grant roles to itself. */
  separation_of_duties: 'conflict',
  self_grant: 'forbidden',
  /** The OIDC sign-in request (interaction) expired or its cookie is missing. */
  interaction_expired: 'not_found',
  /** The OIDC sign-in request is at another step (login vs consent). */
  interaction_state: 'conflict',
  client_not_found: 'not_found',
  /** A client registration that the provider would refuse (redirect URIs, scopes). */
  client_invalid: 'invalid',
  /** 经办人 an agent acting for a legal person without a valid recorded authorisation. */
  authorisation_missing: 'forbidden',
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

export function identityError(code: IdentityErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(IDENTITY_ERRORS[code], code, message, details);
}
