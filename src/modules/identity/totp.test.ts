import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchTotp, totp, totpStep, type TotpAlgorithm } from './totp.ts';

// RFC 6238 Appendix B: the seeds are the ASCII strings below, 8-digit codes.
const seeds: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const vectors: Array<[number, string, TotpAlgorithm]> = [
  [59, '94287082', 'sha1'],
  [59, '46119246', 'sha256'],
  [59, '90693936', 'sha512'],
  [1111111109, '07081804', 'sha1'],
  [1111111109, '68084774', 'sha256'],
  [1111111109, '25091201', 'sha512'],
  [1111111111, '14050471', 'sha1'],
  [1111111111, '67062674', 'sha256'],
  [1111111111, '99943326', 'sha512'],
  [1234567890, '89005924', 'sha1'],
  [1234567890, '91819424', 'sha256'],
  [1234567890, '93441116', 'sha512'],
  [2000000000, '69279037', 'sha1'],
  [2000000000, '90698825', 'sha256'],
  [2000000000, '38618901', 'sha512'],
  [20000000000, '65353130', 'sha1'],
  [20000000000, '77737706', 'sha256'],
  [20000000000, '47863826', 'sha512'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('at %i s gives %s with %s', (seconds, code, algorithm) => {
    expect(totp(seeds[algorithm], new Date(seconds * 1000), 8, algorithm)).toBe(code);
  });

  it('round-trips base32 secrets', () => {
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890');
  });

  it('accepts one step of drift, refuses older codes and replays', () => {
    const secret = base32Encode(seeds.sha1);
    const at = new Date(1_234_567_890_000);
    const previous = totp(seeds.sha1, new Date(at.getTime() - 30_000));
    expect(matchTotp(secret, previous, at, 0)).toBe(totpStep(at) - 1);
    expect(matchTotp(secret, totp(seeds.sha1, new Date(at.getTime() - 90_000)), at, 0)).toBeUndefined();
    const now = totp(seeds.sha1, at);
    expect(matchTotp(secret, now, at, totpStep(at))).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', at, 0)).toBeUndefined();
  });
});
