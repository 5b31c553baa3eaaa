// SM3 密码杂凑算法 hash (GB/T 32905-2016, GM/T 0004-2012), through Node's OpenSSL.
import { createHash, createHmac } from 'node:crypto';
import { binaryBytes, dataBytes, plain, type BinaryInput, type DataInput } from './encoding.ts';

/** SM3 digest (32 bytes). */
export function sm3(data: DataInput): Uint8Array {
  return plain(createHash('sm3').update(dataBytes(data)).digest());
}

/** HMAC-SM3 (RFC 2104 with SM3, 64-byte blocks): 32 bytes. The key is bytes or hex. */
export function hmacSm3(key: BinaryInput, data: DataInput): Uint8Array {
  return plain(createHmac('sm3', binaryBytes(key, 'key')).update(dataBytes(data)).digest());
}
