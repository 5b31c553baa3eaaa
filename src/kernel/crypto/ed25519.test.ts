import { describe, it, expect } from 'vitest';
import { AppError } from '../errors.ts';
import { ed25519GenerateKeyPair, ed25519PublicKeyFromPrivate, ed25519Sign, ed25519Verify } from './index.ts';

// RFC 8032 §7.1, TEST 1 and TEST 2
const T1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};
const T2 = {
  secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  message: new Uint8Array([0x72]),
  signature:
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
};

describe('ed25519', () => {
  it('matches the RFC 8032 test vectors', () => {
    expect(ed25519PublicKeyFromPrivate(T1.secret)).toBe(T1.public);
    expect(ed25519Sign(T1.secret, new Uint8Array(0))).toBe(T1.signature);
    expect(ed25519Verify(T1.public, '', T1.signature)).toBe(true);
    expect(ed25519Sign(T2.secret, T2.message)).toBe(T2.signature);
    expect(ed25519Verify(T2.public, T2.message, T2.signature)).toBe(true);
  });

  it('round-trips with fresh keys and detects tampering', () => {
    const { privateKey, publicKey } = ed25519GenerateKeyPair();
    expect(privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(ed25519PublicKeyFromPrivate(privateKey)).toBe(publicKey);
    const sig = ed25519Sign(privateKey, '开放城市大脑');
    expect(ed25519Verify(publicKey, '开放城市大脑', sig)).toBe(true);
    expect(ed25519Verify(publicKey, '开放城市大脑!', sig)).toBe(false);
    expect(ed25519Verify(T1.public, '开放城市大脑', sig)).toBe(false);
    expect(ed25519Verify(publicKey, '开放城市大脑', sig.slice(0, 126))).toBe(false);
    expect(ed25519Verify(publicKey, '开放城市大脑', 'zz')).toBe(false);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => ed25519Sign('00', 'x')).toThrow(AppError);
    expect(() => ed25519Verify('00', 'x', T1.signature)).toThrow(AppError);
  });
});
