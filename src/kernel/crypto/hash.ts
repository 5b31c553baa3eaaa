// Digests by name, so stored data can say which algorithm made it (e.g. an audit chain).
import { createHash, createHmac } from 'node:crypto';
import { binaryBytes, dataBytes, plain, type BinaryInput, type DataInput } from './encoding.ts';
import { cryptoError } from './errors.ts';

export type DigestAlgorithm = 'sm3' | 'sha256';

const ALGORITHMS: ReadonlySet<string> = new Set<DigestAlgorithm>(['sm3', 'sha256']);

function checked(alg: DigestAlgorithm): DigestAlgorithm {
  // The type allows only two names, but the value often comes from configuration or stored rows.
  if (!ALGORITHMS.has(alg)) throw cryptoError('crypto.invalid_input', `digest algorithm ${JSON.stringify(alg)} is not sm3 or sha256`, 'alg');
  return alg;
}

/** SHA-256 digest (FIPS 180-4), 32 bytes. */
export function sha256(data: DataInput): Uint8Array {
  return plain(createHash('sha256').update(dataBytes(data)).digest());
}

/** Digest with the named algorithm; both give 32 bytes. */
export function digest(alg: DigestAlgorithm, data: DataInput): Uint8Array {
  return plain(createHash(checked(alg)).update(dataBytes(data)).digest());
}

/** HMAC with the named algorithm; the key is bytes or hex. */
export function hmac(alg: DigestAlgorithm, key: BinaryInput, data: DataInput): Uint8Array {
  return plain(createHmac(checked(alg), binaryBytes(key, 'key')).update(dataBytes(data)).digest());
}
