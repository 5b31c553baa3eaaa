import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { sm3 as referenceSm3 } from 'sm-crypto-v2';
import { bytesToHex, hmacSm3, sm3 } from './index.ts';

describe('sm3', () => {
  it('matches the GB/T 32905 example vectors', () => {
    expect(bytesToHex(sm3('abc'))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(bytesToHex(sm3('abcd'.repeat(16)))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes a string as its UTF-8 bytes', () => {
    expect(sm3('城市大脑')).toEqual(sm3(new TextEncoder().encode('城市大脑')));
    expect(sm3(new Uint8Array(0))).toHaveLength(32);
  });

  it('agrees with an independent implementation at every length around the 64-byte block', () => {
    for (let n = 0; n <= 130; n++) {
      const data = randomBytes(n);
      expect(bytesToHex(sm3(data)), `length ${n}`).toBe(referenceSm3(Uint8Array.from(data)));
    }
  });
});

describe('hmacSm3', () => {
  it('agrees with an independent implementation for short, block-size and long keys', () => {
    for (const keyLength of [1, 16, 32, 63, 64, 65, 100]) {
      const key = Uint8Array.from(randomBytes(keyLength));
      const data = Uint8Array.from(randomBytes(77));
      expect(bytesToHex(hmacSm3(key, data)), `key ${keyLength}`).toBe(referenceSm3(data, { key, mode: 'hmac' }));
    }
  });

  it('takes a hex key and changes with key and data', () => {
    const key = '0123456789abcdeffedcba9876543210';
    expect(hmacSm3(key, 'x')).toEqual(hmacSm3(Uint8Array.from(Buffer.from(key, 'hex')), 'x'));
    expect(hmacSm3(key, 'x')).not.toEqual(hmacSm3(key, 'y'));
    expect(hmacSm3(key, 'x')).not.toEqual(hmacSm3('0123456789abcdeffedcba9876543211', 'x'));
  });
});
