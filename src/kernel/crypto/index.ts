/**
 * 商用密码 commercial cryptography (SM2 / SM3 / SM4) beside the international algorithms
 * (SHA-256, Ed25519).
 *
 * Encodings, the same everywhere:
 * - Data in (messages, plaintexts, associated data): `Uint8Array`, or a `string` taken as UTF-8.
 * - Keys, signatures and ciphertexts in: `Uint8Array`, or a `string` of hex digits.
 * - Out: keys and signatures as lower-case hex strings (they travel in JSON and configuration);
 *   digests, MACs, ciphertexts and plaintexts as `Uint8Array`; sealed fields as text tokens.
 *
 * Bad keys, encodings and ciphertexts throw `AppError('invalid', 'crypto.*')`; a signature that
 * does not verify is `false`, not an error.
 */
export type { DataInput, BinaryInput } from './encoding.ts';
export { bytesToHex, hexToBytes } from './encoding.ts';
export type { CryptoErrorCode } from './errors.ts';

/** SM3 hash (GB/T 32905) and HMAC-SM3, 32 bytes each. */
export { sm3, hmacSm3 } from './sm3.ts';

/** SHA-256, and digest / HMAC by algorithm name. */
export { sha256, digest, hmac, type DigestAlgorithm } from './hash.ts';

/**
 * SM4 (GB/T 32907), 16-byte keys. `sm4Encrypt` is SM4-CBC, PKCS#7, random IV prefixed (not
 * authenticated). `sm4SealField` is authenticated field encryption, SM4-CTR + HMAC-SM3
 * (encrypt-then-MAC), as a `sm4f1.` text token; prepare the key once with `sm4FieldKey` in hot loops.
 */
export {
  sm4Encrypt,
  sm4Decrypt,
  sm4FieldKey,
  sm4SealField,
  sm4OpenField,
  sm4OpenFieldText,
  type Sm4FieldKey,
  type FieldOptions,
} from './sm4.ts';

/**
 * SM2 (GB/T 32918) on sm2p256v1. Signatures are r ‖ s (128 hex digits, not DER) over
 * SM3(Z_A ‖ M) with the user ID `1234567812345678` unless told otherwise. Public keys are
 * uncompressed (04 ‖ x ‖ y). Encryption output is C1 ‖ C3 ‖ C2.
 */
export {
  SM2_DEFAULT_USER_ID,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2ZValue,
  sm2Sign,
  sm2Verify,
  sm2Encrypt,
  sm2Decrypt,
  type Sm2KeyPair,
  type Sm2SignOptions,
  type Sm2VerifyOptions,
} from './sm2.ts';

/** Ed25519 (RFC 8032) with raw 32-byte keys: the private key is the seed. */
export {
  ed25519GenerateKeyPair,
  ed25519PublicKeyFromPrivate,
  ed25519Sign,
  ed25519Verify,
  type Ed25519KeyPair,
} from './ed25519.ts';
