// SM2 椭圆曲线公钥密码算法 (GB/T 32918, GM/T 0003) on the recommended curve sm2p256v1, through
// sm-crypto-v2 (noble-curves underneath). Signatures sign SM3(Z_A ‖ M), where Z_A hashes the user
// ID, the curve parameters and the public key (GB/T 32918.2 §5.5).
import { sm2 } from 'sm-crypto-v2';
import { binaryBytes, bytesToHex, dataBytes, hexToBytes, type BinaryInput, type DataInput } from './encoding.ts';
import { cryptoError } from './errors.ts';

/** The default distinguishing identifier (GM/T 0009 §10). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** Order n of the base point of sm2p256v1. */
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export interface Sm2KeyPair {
  /** 32 bytes as 64 lower-case hex digits. */
  readonly privateKey: string;
  /** Uncompressed point 04 ‖ x ‖ y: 130 lower-case hex digits. */
  readonly publicKey: string;
}

export interface Sm2SignOptions {
  /** Identifier hashed into Z_A; UTF-8, at most 8191 bytes. Default SM2_DEFAULT_USER_ID. */
  readonly userId?: string;
  /** The signer's public key, if known, saves deriving it from the private key. */
  readonly publicKey?: BinaryInput;
}

export interface Sm2VerifyOptions {
  readonly userId?: string;
}

function privateKeyHex(key: BinaryInput): string {
  const bytes = binaryBytes(key, 'privateKey');
  if (bytes.length !== 32) throw cryptoError('crypto.invalid_key', `an SM2 private key has 32 bytes, got ${bytes.length}`, 'privateKey');
  const hex = bytes.toString('hex');
  const d = BigInt(`0x${hex}`);
  if (d < 1n || d > N - 2n) throw cryptoError('crypto.invalid_key', 'SM2 private key is outside [1, n-2]', 'privateKey');
  return hex;
}

function publicKeyHex(key: BinaryInput, field = 'publicKey'): string {
  const bytes = binaryBytes(key, field);
  if (bytes.length !== 65 || bytes[0] !== 4) {
    throw cryptoError('crypto.invalid_key', `an SM2 public key is an uncompressed point: 65 bytes starting 04, got ${bytes.length} bytes`, field);
  }
  const hex = bytes.toString('hex');
  let onCurve: boolean;
  try {
    onCurve = sm2.verifyPublicKey(hex);
  } catch {
    onCurve = false;
  }
  if (!onCurve) throw cryptoError('crypto.invalid_key', 'SM2 public key is not a point of sm2p256v1', field);
  return hex;
}

function userIdOf(userId: string | undefined): string {
  const id = userId ?? SM2_DEFAULT_USER_ID;
  // ENTL_A is the ID's length in bits in two bytes.
  if (Buffer.byteLength(id, 'utf8') > 8191) throw cryptoError('crypto.invalid_input', 'SM2 user ID is longer than 8191 bytes', 'userId');
  return id;
}

/** A fresh key pair from the system's secure random source. */
export function sm2GenerateKeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey: privateKey.padStart(64, '0'), publicKey };
}

/** The uncompressed public key (130 hex digits) of a private key. */
export function sm2PublicKeyFromPrivate(privateKey: BinaryInput): string {
  return sm2.getPublicKeyFromPrivateKey(privateKeyHex(privateKey));
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), 32 bytes. */
export function sm2ZValue(publicKey: BinaryInput, userId?: string): Uint8Array {
  return Uint8Array.from(sm2.getZ(publicKeyHex(publicKey), userIdOf(userId)));
}

/**
 * Signs SM3(Z_A ‖ message). Returns r ‖ s as 128 lower-case hex digits (not DER).
 * Signatures are randomized: signing twice gives different values, both valid.
 */
export function sm2Sign(privateKey: BinaryInput, message: DataInput, options: Sm2SignOptions = {}): string {
  const d = privateKeyHex(privateKey);
  const publicKey = options.publicKey === undefined ? sm2.getPublicKeyFromPrivateKey(d) : publicKeyHex(options.publicKey);
  return sm2.doSignature(dataBytes(message), d, { hash: true, publicKey, userId: userIdOf(options.userId) });
}

/**
 * Verifies an r ‖ s signature (64 bytes or 128 hex digits) over SM3(Z_A ‖ message). A malformed
 * signature gives false; a malformed public key throws 'crypto.invalid_key'.
 */
export function sm2Verify(publicKey: BinaryInput, message: DataInput, signature: BinaryInput, options: Sm2VerifyOptions = {}): boolean {
  const pub = publicKeyHex(publicKey);
  const userId = userIdOf(options.userId);
  let sig: Buffer;
  try {
    sig = binaryBytes(signature, 'signature');
  } catch {
    return false;
  }
  if (sig.length !== 64) return false;
  const hex = sig.toString('hex');
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64)}`);
  if (r < 1n || r >= N || s < 1n || s >= N) return false; // GB/T 32918.2 §7.1 B1, B2
  return sm2.doVerifySignature(dataBytes(message), hex, pub, { hash: true, userId });
}

/**
 * Public-key encryption. Returns C1 ‖ C3 ‖ C2 (GB/T 32918.4 order): C1 = 04 ‖ x1 ‖ y1 (65 bytes),
 * C3 = SM3 check value (32 bytes), C2 = ciphertext (as long as the plaintext, at least 1 byte).
 */
export function sm2Encrypt(publicKey: BinaryInput, plaintext: DataInput): Uint8Array {
  const pub = publicKeyHex(publicKey);
  const data = dataBytes(plaintext);
  if (data.length === 0) throw cryptoError('crypto.invalid_input', 'SM2 cannot encrypt an empty message', 'plaintext');
  return hexToBytes(`04${sm2.doEncrypt(data, pub, 1)}`);
}

/** Reverses sm2Encrypt (C1 ‖ C3 ‖ C2, bytes or hex). Throws 'crypto.decrypt_failed' if C3 does not match. */
export function sm2Decrypt(privateKey: BinaryInput, ciphertext: BinaryInput): Uint8Array {
  const d = privateKeyHex(privateKey);
  const bytes = binaryBytes(ciphertext, 'ciphertext');
  if (bytes.length < 65 + 32 + 1 || bytes[0] !== 4) {
    throw cryptoError('crypto.decrypt_failed', 'SM2 ciphertext should be 04 ‖ x1 ‖ y1 ‖ C3 ‖ C2 (at least 98 bytes)', 'ciphertext');
  }
  let out: unknown;
  try {
    out = sm2.doDecrypt(bytesToHex(bytes.subarray(1)), d, 1, { output: 'array' });
  } catch (e) {
    throw cryptoError('crypto.decrypt_failed', 'SM2 ciphertext is malformed (C1 is not a curve point)', 'ciphertext', e);
  }
  // On a C3 mismatch the library returns an empty plain array rather than a Uint8Array.
  if (!(out instanceof Uint8Array)) {
    throw cryptoError('crypto.decrypt_failed', 'SM2 decryption failed: wrong key or altered ciphertext', 'ciphertext');
  }
  return Uint8Array.from(out);
}
