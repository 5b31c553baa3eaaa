import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.ts';
import { bytesToHex, digest, hexToBytes, hmac, sha256, sm3, type DigestAlgorithm } from './index.ts';

describe('sha256 and digest', () => {
  it('matches the FIPS 180-2 "abc" vector', () => {
    expect(bytesToHex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('dispatches by algorithm name', () => {
    expect(digest('sha256', 'abc')).toEqual(sha256('abc'));
    expect(digest('sm3', 'abc')).toEqual(sm3('abc'));
    expect(() => digest('md5' as DigestAlgorithm, 'abc')).toThrow(AppError);
  });

  it('computes HMAC-SHA256 per RFC 4231 test case 1', () => {
    const mac = hmac('sha256', '0b'.repeat(20), 'Hi There');
    expect(bytesToHex(mac)).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });
});

describe('hex encoding', () => {
  it('round-trips and refuses junk instead of truncating', () => {
    expect(bytesToHex(hexToBytes('00ffAB10'))).toBe('00ffab10');
    expect(() => hexToBytes('abc')).toThrow(AppError);
    expect(() => hexToBytes('zz')).toThrow(AppError);
    expect(() => hexToBytes('00\u001000')).toThrow(AppError);
  });
});
