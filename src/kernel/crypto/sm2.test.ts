import { describe, it, expect } from 'vitest';
import { sm2 as reference } from 'sm-crypto-v2';
import { AppError } from '../errors.ts';
import {
  SM2_DEFAULT_USER_ID,
  bytesToHex,
  hexToBytes,
  sm2Decrypt,
  sm2Encrypt,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2Verify,
  sm2ZValue,
  sm3,
} from './index.ts';

// GB/T 32918.2-2016 / GM/T 0003.5 example on the recommended curve sm2p256v1
// (message "message digest", ID 1234567812345678) and the matching encryption example
// (message "encryption standard", same k).
const V = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  publicKey:
    '04' +
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
    'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  za: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  e: 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640',
  k: '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21',
  x1: '04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73',
  y1: 'E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
  c3: '59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766',
  c2: '21886CA989CA9C7D58087307CA93092D651EFA',
};
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not AppError';
  }
  return undefined;
}

describe('SM2 published example', () => {
  it('derives the published public key and Z_A', () => {
    expect(sm2PublicKeyFromPrivate(V.d)).toBe(V.publicKey.toLowerCase());
    expect(bytesToHex(sm2ZValue(V.publicKey, SM2_DEFAULT_USER_ID))).toBe(V.za.toLowerCase());
    const za = hexToBytes(V.za);
    const m = new TextEncoder().encode('message digest');
    expect(bytesToHex(sm3(new Uint8Array([...za, ...m])))).toBe(V.e.toLowerCase());
  });

  it('verifies the published signature (r, s) with the published public key', () => {
    expect(sm2Verify(V.publicKey, 'message digest', V.r + V.s)).toBe(true);
    expect(sm2Verify(V.publicKey, 'message digest', hexToBytes(V.r + V.s), { userId: SM2_DEFAULT_USER_ID })).toBe(true);
    expect(sm2Verify(V.publicKey, 'message digest!', V.r + V.s)).toBe(false);
    expect(sm2Verify(V.publicKey, 'message digest', V.r + V.s, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
  });

  it('reproduces the published signature from the published k (library check)', () => {
    const sig = reference.doSignature('message digest', V.d.toLowerCase(), {
      hash: true,
      publicKey: V.publicKey.toLowerCase(),
      userId: SM2_DEFAULT_USER_ID,
      pointPool: [{ k: BigInt(`0x${V.k}`), x1: BigInt(`0x${V.x1}`) }],
    });
    expect(sig).toBe((V.r + V.s).toLowerCase());
  });

  it('decrypts the published C1 ‖ C3 ‖ C2 ciphertext', () => {
    const ciphertext = `04${V.x1}${V.y1}${V.c3}${V.c2}`;
    expect(Buffer.from(sm2Decrypt(V.d, ciphertext)).toString()).toBe('encryption standard');
  });
});

describe('sm2Sign / sm2Verify', () => {
  it('round-trips with fresh keys, randomized, and detects tampering', () => {
    for (let i = 0; i < 10; i++) {
      const { privateKey, publicKey } = sm2GenerateKeyPair();
      expect(privateKey).toMatch(/^[0-9a-f]{64}$/);
      expect(publicKey).toMatch(/^04[0-9a-f]{128}$/);
      expect(sm2PublicKeyFromPrivate(privateKey)).toBe(publicKey);
      const message = `事项 ${i}`;
      const sig = sm2Sign(privateKey, message);
      expect(sig).toMatch(/^[0-9a-f]{128}$/);
      expect(sig).not.toBe(sm2Sign(privateKey, message, { publicKey }));
      expect(sm2Verify(publicKey, message, sig)).toBe(true);
      expect(sm2Verify(publicKey, new TextEncoder().encode(message), hexToBytes(sig))).toBe(true);
      expect(sm2Verify(publicKey, `${message}.`, sig)).toBe(false);
      expect(sm2Verify(V.publicKey, message, sig)).toBe(false);
      const flipped = (sig.slice(0, 10) + (sig[10] === '0' ? '1' : '0') + sig.slice(11));
      expect(sm2Verify(publicKey, message, flipped)).toBe(false);
    }
  });

  it('signs under a custom user ID that verification must repeat', () => {
    const { privateKey, publicKey } = sm2GenerateKeyPair();
    const sig = sm2Sign(privateKey, 'x', { userId: 'liaocheng@citybrain' });
    expect(sm2Verify(publicKey, 'x', sig, { userId: 'liaocheng@citybrain' })).toBe(true);
    expect(sm2Verify(publicKey, 'x', sig)).toBe(false);
  });

  it('answers false for malformed signatures and r or s outside [1, n-1]', () => {
    const hex = (n: bigint): string => n.toString(16).padStart(64, '0');
    expect(sm2Verify(V.publicKey, 'message digest', V.r)).toBe(false);
    expect(sm2Verify(V.publicKey, 'message digest', 'zz')).toBe(false);
    expect(sm2Verify(V.publicKey, 'message digest', hex(0n) + V.s)).toBe(false);
    expect(sm2Verify(V.publicKey, 'message digest', V.r + hex(N))).toBe(false);
    expect(sm2Verify(V.publicKey, 'message digest', hex(BigInt(`0x${V.r}`) + N) + V.s)).toBe(false);
  });

  it('refuses malformed keys', () => {
    expect(errorCode(() => sm2Sign('00', 'x'))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm2Sign('00'.repeat(32), 'x'))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm2Sign((N - 1n).toString(16), 'x'))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm2Verify(V.publicKey.slice(2), 'x', V.r + V.s))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm2Verify(`04${'11'.repeat(64)}`, 'x', V.r + V.s))).toBe('crypto.invalid_key');
    expect(errorCode(() => sm2Sign(V.d, 'x', { userId: 'u'.repeat(8192) }))).toBe('crypto.invalid_input');
  });
});

describe('sm2Encrypt / sm2Decrypt', () => {
  it('round-trips and lays out C1 ‖ C3 ‖ C2', () => {
    const { privateKey, publicKey } = sm2GenerateKeyPair();
    const ciphertext = sm2Encrypt(publicKey, '密钥分发');
    const plain = new TextEncoder().encode('密钥分发');
    expect(ciphertext.length).toBe(65 + 32 + plain.length);
    expect(ciphertext[0]).toBe(4);
    expect(sm2Decrypt(privateKey, ciphertext)).toEqual(plain);
    expect(sm2Decrypt(privateKey, bytesToHex(ciphertext))).toEqual(plain);
    expect(sm2Encrypt(publicKey, '密钥分发')).not.toEqual(ciphertext);
  });

  it('fails on a wrong key, altered C3 or C2, or a malformed C1', () => {
    const { privateKey, publicKey } = sm2GenerateKeyPair();
    const ciphertext = sm2Encrypt(publicKey, 'payload');
    expect(errorCode(() => sm2Decrypt(V.d, ciphertext))).toBe('crypto.decrypt_failed');
    for (const at of [70, ciphertext.length - 1]) {
      const altered = Uint8Array.from(ciphertext);
      altered[at] = (altered[at] ?? 0) ^ 1;
      expect(errorCode(() => sm2Decrypt(privateKey, altered)), `byte ${at}`).toBe('crypto.decrypt_failed');
    }
    const badPoint = Uint8Array.from(ciphertext);
    badPoint[5] = (badPoint[5] ?? 0) ^ 1;
    expect(errorCode(() => sm2Decrypt(privateKey, badPoint))).toBe('crypto.decrypt_failed');
    expect(errorCode(() => sm2Decrypt(privateKey, ciphertext.subarray(1)))).toBe('crypto.decrypt_failed');
    expect(errorCode(() => sm2Encrypt(publicKey, ''))).toBe('crypto.invalid_input');
  });
});
