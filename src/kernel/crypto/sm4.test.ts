import { createCipheriv } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { sm4 as referenceSm4 } from 'sm-crypto-v2';
import { AppError } from '../errors.ts';
import {
  bytesToHex,
  hexToBytes,
  sm4Decrypt,
  sm4Encrypt,
  sm4FieldKey,
  sm4OpenField,
  sm4OpenFieldText,
  sm4SealField,
} from './index.ts';
import { sm4EncryptBlocks } from './sm4.ts';

const KEY = '0123456789abcdeffedcba9876543210';

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not AppError';
  }
  return undefined;
}

describe('SM4 block cipher', () => {
  it('matches the GB/T 32907 example: one block', () => {
    expect(bytesToHex(sm4EncryptBlocks(KEY, hexToBytes(KEY)))).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('matches the GB/T 32907 example: 1 000 000 encryptions of the same block', () => {
    const cipher = createCipheriv('sm4-ecb', Buffer.from(KEY, 'hex'), null).setAutoPadding(false);
    let block = Buffer.from(KEY, 'hex');
    for (let i = 0; i < 1_000_000; i++) block = cipher.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it('refuses keys that are not 16 bytes', () => {
    expect(errorCode(() => sm4Encrypt('0123', 'x'))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm4Encrypt('xyz', 'x'))).toBe('crypto.invalid_encoding');
  });
});

describe('sm4Encrypt / sm4Decrypt (CBC)', () => {
  it('round-trips text and bytes of every length across a block, with a fresh IV each time', () => {
    for (let n = 0; n <= 40; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const sealed = sm4Encrypt(KEY, data);
      expect(sealed.length).toBe(16 + (Math.floor(n / 16) + 1) * 16);
      expect(sm4Decrypt(KEY, sealed)).toEqual(data);
    }
    expect(sm4Encrypt(KEY, '聊城')).not.toEqual(sm4Encrypt(KEY, '聊城'));
    expect(Buffer.from(sm4Decrypt(KEY, bytesToHex(sm4Encrypt(KEY, '聊城')))).toString()).toBe('聊城');
  });

  it('interoperates with an independent SM4-CBC implementation', () => {
    const sealed = sm4Encrypt(KEY, 'hello 城市大脑');
    const iv = sealed.subarray(0, 16);
    const text = referenceSm4.decrypt(sealed.subarray(16), KEY, { mode: 'cbc', iv });
    expect(text).toBe('hello 城市大脑');
  });

  it('reports a bad length or bad padding as decrypt_failed', () => {
    expect(errorCode(() => sm4Decrypt(KEY, new Uint8Array(31)))).toBe('crypto.decrypt_failed');
    // A fixed ciphertext whose padding is wrong under another key (checked deterministically).
    const iv = Buffer.alloc(16, 7);
    const c = createCipheriv('sm4-cbc', Buffer.from(KEY, 'hex'), iv);
    const sealed = Buffer.concat([iv, c.update('field value'), c.final()]);
    expect(errorCode(() => sm4Decrypt('00112233445566778899aabbccddeeff', sealed))).toBe('crypto.decrypt_failed');
  });
});

describe('sm4SealField / sm4OpenField (SM4-CTR + HMAC-SM3)', () => {
  it('round-trips, with a different token each time', () => {
    const a = sm4SealField(KEY, '370102199003071234');
    const b = sm4SealField(KEY, '370102199003071234');
    expect(a).toMatch(/^sm4f1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(sm4OpenFieldText(KEY, a)).toBe('370102199003071234');
    expect(sm4OpenFieldText(KEY, sm4SealField(KEY, ''))).toBe('');
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    expect(sm4OpenField(KEY, sm4SealField(KEY, bytes))).toEqual(bytes);
  });

  it('works the same with a prepared key', () => {
    const k = sm4FieldKey(KEY);
    expect(sm4OpenFieldText(KEY, sm4SealField(k, '张三'))).toBe('张三');
    expect(sm4OpenFieldText(k, sm4SealField(KEY, '张三'))).toBe('张三');
  });

  it('binds the associated data', () => {
    const token = sm4SealField(KEY, '13800000000', { aad: 'person.phone:42' });
    expect(sm4OpenFieldText(KEY, token, { aad: 'person.phone:42' })).toBe('13800000000');
    expect(errorCode(() => sm4OpenField(KEY, token, { aad: 'person.phone:43' }))).toBe('crypto.decrypt_failed');
    expect(errorCode(() => sm4OpenField(KEY, token))).toBe('crypto.decrypt_failed');
  });

  it('detects any altered byte and a wrong key', () => {
    const token = sm4SealField(KEY, 'secret');
    const raw = Buffer.from(token.slice(6), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const altered = Buffer.from(raw);
      altered[i] = (altered[i] ?? 0) ^ 1;
      expect(errorCode(() => sm4OpenField(KEY, `sm4f1.${altered.toString('base64url')}`)), `byte ${i}`).toBe('crypto.decrypt_failed');
    }
    expect(errorCode(() => sm4OpenField('00112233445566778899aabbccddeeff', token))).toBe('crypto.decrypt_failed');
  });

  it('refuses what is not a token', () => {
    expect(errorCode(() => sm4OpenField(KEY, 'hello'))).toBe('crypto.invalid_encoding');
    expect(errorCode(() => sm4OpenField(KEY, 'sm4f1.abc$'))).toBe('crypto.invalid_encoding');
    expect(errorCode(() => sm4OpenField(KEY, 'sm4f1.AAAA'))).toBe('crypto.invalid_encoding');
  });
});
