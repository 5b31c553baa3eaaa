// SM4 分组密码算法 block cipher (GB/T 32907-2016), through Node's OpenSSL. OpenSSL 3.0 has
// SM4-ECB/CBC/CTR but no SM4-GCM, so field encryption is SM4-CTR + HMAC-SM3, encrypt-then-MAC.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { binaryBytes, dataBytes, plain, type BinaryInput, type DataInput } from './encoding.ts';
import { cryptoError } from './errors.ts';

const KEY_BYTES = 16;
const BLOCK = 16;

function sm4Key(key: BinaryInput): Buffer {
  const bytes = binaryBytes(key, 'key');
  if (bytes.length !== KEY_BYTES) {
    throw cryptoError('crypto.invalid_key', `an SM4 key has 16 bytes (32 hex digits), got ${bytes.length} bytes`, 'key');
  }
  return bytes;
}

/** SM4-ECB over whole blocks, no padding. Only for known-answer tests; never for data. */
export function sm4EncryptBlocks(key: BinaryInput, blocks: Uint8Array): Uint8Array {
  const cipher = createCipheriv('sm4-ecb', sm4Key(key), null).setAutoPadding(false);
  return plain(Buffer.concat([cipher.update(blocks), cipher.final()]));
}

/** SM4-CBC with PKCS#7 padding and a random IV: returns IV (16 bytes) ‖ ciphertext. */
export function sm4Encrypt(key: BinaryInput, plaintext: DataInput): Uint8Array {
  const iv = randomBytes(BLOCK);
  const cipher = createCipheriv('sm4-cbc', sm4Key(key), iv);
  return plain(Buffer.concat([iv, cipher.update(dataBytes(plaintext)), cipher.final()]));
}

/**
 * Reverses sm4Encrypt. Throws 'crypto.decrypt_failed' on a bad length or bad padding. CBC is not
 * authenticated: a wrong key or altered data is usually, not always, caught; use sm4SealField
 * where tampering matters.
 */
export function sm4Decrypt(key: BinaryInput, data: BinaryInput): Uint8Array {
  const bytes = binaryBytes(data, 'data');
  if (bytes.length < 2 * BLOCK || bytes.length % BLOCK !== 0) {
    throw cryptoError('crypto.decrypt_failed', `SM4-CBC data should be a 16-byte IV and whole 16-byte blocks, got ${bytes.length} bytes`, 'data');
  }
  const decipher = createDecipheriv('sm4-cbc', sm4Key(key), bytes.subarray(0, BLOCK));
  try {
    return plain(Buffer.concat([decipher.update(bytes.subarray(BLOCK)), decipher.final()]));
  } catch (e) {
    throw cryptoError('crypto.decrypt_failed', 'SM4-CBC decryption failed: wrong key or corrupted data', 'data', e);
  }
}

// ---- authenticated field encryption --------------------------------------------------------

const TOKEN_PREFIX = 'sm4f1.';
const TAG_BYTES = 16; // HMAC-SM3 truncated to 128 bits (RFC 2104 §5 allows ≥ half the output)
const ENC_LABEL = 'opencitybrain/sm4-field/v1/enc';
const MAC_LABEL = 'opencitybrain/sm4-field/v1/mac';

/** Sub-keys derived once from a 16-byte master key; pass it instead of the key in hot loops. */
export interface Sm4FieldKey {
  readonly kind: 'sm4-field-key';
  readonly encKey: Buffer;
  readonly macKey: Buffer;
}

export interface FieldOptions {
  /**
   * Associated data bound to the token but not stored in it, e.g. `table.column:rowId`, so a
   * token copied to another row or column does not open.
   */
  readonly aad?: DataInput;
}

/** Derives the SM4-CTR key and the HMAC-SM3 key from a 16-byte master key (HMAC-SM3 with labels). */
export function sm4FieldKey(key: BinaryInput): Sm4FieldKey {
  const master = sm4Key(key);
  return {
    kind: 'sm4-field-key',
    encKey: createHmac('sm3', master).update(ENC_LABEL).digest().subarray(0, KEY_BYTES),
    macKey: createHmac('sm3', master).update(MAC_LABEL).digest(),
  };
}

function fieldKey(key: BinaryInput | Sm4FieldKey): Sm4FieldKey {
  return typeof key === 'object' && 'kind' in key ? key : sm4FieldKey(key);
}

function fieldTag(k: Sm4FieldKey, aad: Buffer, ivAndCiphertext: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(aad.length));
  return createHmac('sm3', k.macKey).update(TOKEN_PREFIX).update(len).update(aad).update(ivAndCiphertext).digest().subarray(0, TAG_BYTES);
}

const NO_AAD = Buffer.alloc(0);

/**
 * Encrypts a field value: `sm4f1.` + base64url(IV 16 ‖ SM4-CTR ciphertext ‖ HMAC-SM3 tag 16).
 * The token is 6 + ⌈4(n + 32)/3⌉ characters for n plaintext bytes; equal plaintexts give different tokens.
 */
export function sm4SealField(key: BinaryInput | Sm4FieldKey, plaintext: DataInput, options: FieldOptions = {}): string {
  const k = fieldKey(key);
  const iv = randomBytes(BLOCK);
  const cipher = createCipheriv('sm4-ctr', k.encKey, iv);
  const body = Buffer.concat([iv, cipher.update(dataBytes(plaintext)), cipher.final()]);
  const aad = options.aad === undefined ? NO_AAD : dataBytes(options.aad);
  return TOKEN_PREFIX + Buffer.concat([body, fieldTag(k, aad, body)]).toString('base64url');
}

function isBase64Url(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95)) return false;
  }
  return true;
}

/** Opens a token from sm4SealField. Throws 'crypto.decrypt_failed' if it was altered, or the key or aad differ. */
export function sm4OpenField(key: BinaryInput | Sm4FieldKey, token: string, options: FieldOptions = {}): Uint8Array {
  if (!token.startsWith(TOKEN_PREFIX) || !isBase64Url(token, TOKEN_PREFIX.length)) {
    throw cryptoError('crypto.invalid_encoding', 'not an sm4f1 field token', 'token');
  }
  const raw = Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url');
  if (raw.length < BLOCK + TAG_BYTES) throw cryptoError('crypto.invalid_encoding', 'sm4f1 field token is too short', 'token');
  const k = fieldKey(key);
  const body = raw.subarray(0, raw.length - TAG_BYTES);
  const aad = options.aad === undefined ? NO_AAD : dataBytes(options.aad);
  if (!timingSafeEqual(fieldTag(k, aad, body), raw.subarray(raw.length - TAG_BYTES))) {
    throw cryptoError('crypto.decrypt_failed', 'field token does not authenticate: altered, or wrong key or associated data', 'token');
  }
  const decipher = createDecipheriv('sm4-ctr', k.encKey, body.subarray(0, BLOCK));
  return plain(Buffer.concat([decipher.update(body.subarray(BLOCK)), decipher.final()]));
}

/** sm4OpenField, decoded as UTF-8 text. */
export function sm4OpenFieldText(key: BinaryInput | Sm4FieldKey, token: string, options: FieldOptions = {}): string {
  const bytes = sm4OpenField(key, token, options);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
