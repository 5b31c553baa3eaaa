// Byte encodings shared by the crypto kernel (see index.ts for the conventions).
import { cryptoError } from './errors.ts';

/** Data to hash, sign or encrypt: bytes, or a string taken as UTF-8 text. */
export type DataInput = Uint8Array | string;
/** Keys, signatures, ciphertexts, digests handed back in: bytes, or a hex string. */
export type BinaryInput = Uint8Array | string;

/** A plain Uint8Array view of a Buffer (no copy), so results compare equal to other Uint8Arrays. */
export function plain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function dataBytes(data: DataInput): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
}

/** Strict hex decoding: even length, 0-9 a-f A-F only (Buffer.from(hex) silently stops at junk). */
export function hexToBytes(hex: string, field = 'hex'): Uint8Array {
  if (hex.length % 2 !== 0) throw cryptoError('crypto.invalid_encoding', `${field} should be hex with an even number of digits`, field);
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      throw cryptoError('crypto.invalid_encoding', `${field} has a non-hex character at position ${i + 1}`, field);
    }
  }
  return plain(Buffer.from(hex, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

export function binaryBytes(value: BinaryInput, field: string): Buffer {
  return typeof value === 'string' ? asBuffer(hexToBytes(value, field)) : asBuffer(value);
}
