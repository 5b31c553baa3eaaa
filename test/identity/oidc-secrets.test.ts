// Single sign-on secrets at rest: the provider's signing key (and cookie keys, pairwise salt) and the
// secrets of confidential clients are sealed with the platform's SM4 field key. Rows an earlier
// version stored in the clear keep working and are sealed at the next start.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform, type PlatformOptions } from '../../src/app.ts';
import { fixedClock } from '../../src/kernel/index.ts';
import type { Principal } from '../../src/modules/identity/index.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { cityPeople, Client, STRONG } from './support.ts';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };
const REDIRECT = 'http://127.0.0.1:9/cb';

/** Code + PKCE through the provider's pages as `login`; the ID token checked against the published JWKS. */
async function signInThroughSso(platform: Platform, clientId: string, secret: string, login: string) {
  const config = await oidc.discovery(new URL(platform.url), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  const jar = new Map<string, string>();
  const go = async (url: string, method = 'GET', body?: unknown) => {
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), origin: platform.url };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(new URL(url, platform.url), { method, redirect: 'manual', headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of r.headers.getSetCookie()) {
      const pair = c.split(';')[0] ?? '';
      const i = pair.indexOf('=');
      if (i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return r;
  };
  const verifier = oidc.randomPKCECodeVerifier();
  let at = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href;
  for (let i = 0; i < 12 && !at.startsWith(REDIRECT); i++) {
    const uid = /\/oidc\/interaction\/([^/?]+)$/.exec(new URL(at, platform.url).pathname)?.[1];
    if (!uid) {
      at = new URL((await go(at)).headers.get('location') ?? '', platform.url).href;
      continue;
    }
    const step = (await (await go(`/oidc/interaction/${uid}/details`)).json()) as { prompt: string };
    if (step.prompt === 'login') expect((await go('/api/identity/session', 'POST', { login, password: STRONG })).status).toBe(200);
    const done = await go(`/oidc/interaction/${uid}/${step.prompt === 'login' ? 'login' : 'confirm'}`, 'POST');
    expect(done.status).toBe(200);
    at = ((await done.json()) as { redirectTo: string }).redirectTo;
  }
  expect(at.startsWith(REDIRECT)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(at), { pkceCodeVerifier: verifier, expectedState: 's' });
  const jwks = (await (await fetch(`${platform.url}/oidc/jwks`)).json()) as JSONWebKeySet;
  return jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), { issuer: platform.url, audience: clientId });
}

describe('single sign-on secrets at rest', () => {
  let options: PlatformOptions;
  let dispose: () => Promise<void>;
  let platform: Platform;
  const clock = fixedClock('2026-11-24T02:00:00.000Z');

  beforeAll(async () => {
    const made = await testPlatformOptions();
    options = { ...made.options, clock };
    dispose = made.dispose;
    platform = await startPlatform(options);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await dispose?.();
  });

  const rawKeys = async () => (await platform.db.query<{ name: string; raw: string }>('SELECT name, value::text AS raw FROM identity_oidc_keys ORDER BY name')).rows;
  const rawSecret = async (clientId: string) => (await platform.db.query<{ secret: string }>('SELECT secret FROM identity_oidc_clients WHERE client_id = $1', [clientId])).rows[0]?.secret ?? '';

  it('keeps keys and client secrets sealed; rows stored in the clear still work and are sealed at the next start', async () => {
    const person = (await cityPeople(platform)).residents[0] as { idNumber: string; name: string };
    expect((await new Client(platform.url).call('POST', '/api/identity/register/person', { ...person, password: STRONG })).status).toBe(201);
    const registered = await platform.modules.identity.clients.register(SYSTEM, { name: '档案查询', ownerUnit: 'D01', confidential: true, redirectUris: [REDIRECT], scopes: ['openid', 'profile'] });
    const clientId = registered.client.clientId;
    const secret = registered.clientSecret ?? '';
    expect(secret.length).toBeGreaterThan(20);

    const first = await signInThroughSso(platform, clientId, secret, person.idNumber);
    expect(first.payload.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const keys = await rawKeys();
    expect(keys.map((k) => k.name)).toEqual(['cookie_keys', 'jwks', 'pairwise_salt']);
    for (const k of keys) {
      expect(k.raw).toMatch(/^\{"sealed": "sm4f1\.[A-Za-z0-9_-]+"\}$/);
      expect(k.raw).not.toContain(first.protectedHeader.kid ?? 'kid');
    }
    expect(await rawSecret(clientId)).toMatch(/^sm4f1\./);
    expect(await rawSecret(clientId)).not.toContain(secret);
    // Bound to its row: a sealed secret copied to another client does not open there.
    const other = await platform.modules.identity.clients.register(SYSTEM, { name: '另一个应用', ownerUnit: 'D01', confidential: true, redirectUris: ['http://127.0.0.1:9/other'], scopes: ['openid'] });
    await platform.db.query('UPDATE identity_oidc_clients SET secret = $2 WHERE client_id = $1', [other.client.clientId, await rawSecret(clientId)]);
    await expect(platform.modules.identity.clients.rotateSecret(SYSTEM, other.client.clientId)).rejects.toThrow(/field key/);
    await platform.db.query('UPDATE identity_oidc_clients SET secret = $2 WHERE client_id = $1', [other.client.clientId, other.clientSecret]);

    // What an earlier version wrote: a signing key and a client secret in the clear.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const legacyKid = `legacy-${randomBytes(4).toString('hex')}`;
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: legacyKid, use: 'sig', alg: 'RS256' };
    await platform.db.query("UPDATE identity_oidc_keys SET value = $1 WHERE name = 'jwks'", [JSON.stringify({ v: { keys: [jwk] } })]);
    await platform.db.query('UPDATE identity_oidc_clients SET secret = $2 WHERE client_id = $1', [clientId, secret]);

    await platform.stop();
    platform = await startPlatform(options);
    const jwksRaw = (await rawKeys()).find((k) => k.name === 'jwks')?.raw ?? '';
    expect(jwksRaw).toMatch(/^\{"sealed": "sm4f1\./);
    expect(jwksRaw).not.toContain(legacyKid);
    expect(jwksRaw).not.toContain(String(jwk.d));
    expect(await rawSecret(clientId)).toMatch(/^sm4f1\./);

    // The key and the secret from the clear rows are the ones in use after the restart.
    const after = await signInThroughSso(platform, clientId, secret, person.idNumber);
    expect(after.protectedHeader.kid).toBe(legacyKid);
    expect(after.payload.sub).toBe(first.payload.sub);
  });
});
