// Password hashing: argon2id with the OWASP minimum cost (19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';
import { identityError } from './errors.ts';

/** The argon2id cost every password is hashed with (stated in the bench output). */
// algorithm 2 = Argon2id in @node-rs/argon2's Algorithm enum (a const enum, not importable under verbatimModuleSyntax).
export const ARGON2_COST = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const describeArgon2Cost = (): string => `argon2id m=${ARGON2_COST.memoryCost} KiB t=${ARGON2_COST.timeCost} p=${ARGON2_COST.parallelism}`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_COST);
}

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return verify(stored, password).catch(() => false);
}

/** At least 10 characters from at least 3 of: lower case, upper case, digits, other. */
export function checkPasswordStrength(password: string, field = 'password'): void {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (password.length < 10 || classes < 3) {
    throw identityError('password_too_weak', 'a password needs at least 10 characters from at least 3 of: lower case, upper case, digits, symbols', { field });
  }
}

// A hash of nothing anyone knows: unknown logins are checked against it so they take as long as known ones.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hash(`decoy-${Math.random()}`, ARGON2_COST);
  return decoy;
}
