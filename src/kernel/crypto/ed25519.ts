// Ed25519 signatures (RFC 8032) through node:crypto, for peers that do not speak SM2.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { binaryBytes, dataBytes, type BinaryInput, type DataInput } from './encoding.ts';
import { cryptoError } from './errors.ts';

export interface Ed25519KeyPair {
  /** The 32-byte seed as 64 lower-case hex digits. */
  readonly privateKey: string;
  /** 32 bytes as 64 lower-case hex digits. */
  readonly publicKey: string;
}

// DER headers that wrap a raw 32-byte key as PKCS#8 / SPKI (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function raw32(key: BinaryInput, field: string): Buffer {
  const bytes = binaryBytes(key, field);
  if (bytes.length !== 32) throw cryptoError('crypto.invalid_key', `an Ed25519 ${field} has 32 bytes, got ${bytes.length}`, field);
  return bytes;
}

function privateKeyObject(key: BinaryInput): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw32(key, 'privateKey')]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(key: BinaryInput): KeyObject {
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw32(key, 'publicKey')]), format: 'der', type: 'spki' });
  } catch (e) {
    throw cryptoError('crypto.invalid_key', 'not an Ed25519 public key', 'publicKey', e);
  }
}

function rawPublic(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length).toString('hex');
}

export function ed25519GenerateKeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length).toString('hex'),
    publicKey: rawPublic(publicKey),
  };
}

export function ed25519PublicKeyFromPrivate(privateKey: BinaryInput): string {
  return rawPublic(createPublicKey(privateKeyObject(privateKey)));
}

/** Signs the message (deterministic, RFC 8032): 64 bytes as 128 lower-case hex digits. */
export function ed25519Sign(privateKey: BinaryInput, message: DataInput): string {
  return sign(null, dataBytes(message), privateKeyObject(privateKey)).toString('hex');
}

/** A malformed signature gives false; a malformed public key throws 'crypto.invalid_key'. */
export function ed25519Verify(publicKey: BinaryInput, message: DataInput, signature: BinaryInput): boolean {
  const key = publicKeyObject(publicKey);
  let sig: Buffer;
  try {
    sig = binaryBytes(signature, 'signature');
  } catch {
    return false;
  }
  return sig.length === 64 && verify(null, dataBytes(message), key, sig);
}
