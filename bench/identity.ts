/**
 * Identity: password sign-ins per second (argon2id at the stated cost) next to bare argon2id
 * verifications; session and API-key verifications per second over HTTP next to the bare HTTP
 * round trip (/healthz), the credential served by the principal cache (ADR 007) after the first
 * request; single sign-on token verifications (ID token with jose against the
 * provider's JWKS, userinfo with an access token over HTTP) next to a bare RS256 signature check
 * (node:crypto); audit appends per second next to a plain INSERT of the same row.
 * All measured in the same run, on the database the environment chose (DATABASE_URL or PGlite).
 */
import { createPublicKey, verify as verifySignature, type JsonWebKey } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oidc from 'openid-client';
import { startPlatform } from '../src/app.ts';
import { ARGON2_COST, describeArgon2Cost, base32Decode, totp } from '../src/modules/identity/index.ts';
import { testPlatformOptions } from '../test/support/platform.ts';
import { log, printTable } from './support.ts';

const SECONDS = 4;
const CONCURRENCY = 8;

/** Run `op` from `concurrency` workers for `seconds`; operations per second. */
async function rate(op: (i: number) => Promise<unknown>, seconds = SECONDS, concurrency = CONCURRENCY): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < until) await op(done++ * concurrency + w);
    }),
  );
  return Math.round(done / ((performance.now() - t0) / 1000));
}

export async function benchIdentity(): Promise<void> {
  const { options, dispose } = await testPlatformOptions({ demoPeople: 1000 });
  const platform = await startPlatform({ ...options, rateLimitPerMinute: 1_000_000_000 });
  try {
    const identity = platform.modules.identity;
    const engine = platform.db.engine === 'postgres' ? 'PostgreSQL' : 'PGlite';
    log(`identity bench on ${engine}, ${describeArgon2Cost()}, ${CONCURRENCY} concurrent clients, ${SECONDS} s per figure…`);
    const staff: Array<{ account: { login: string }; oneTimePassword: string }> = [];
    for (let i = 0; i < 16; i++) staff.push(await identity.service.accounts.createStaff({ login: `bench${i}`, name: `压测${i}`, units: ['D01'] }, 'system'));

    // Sign-ins through the service (each simulated client has its own address, as the throttle is per address).
    const signIns = await rate((i) => {
      const s = staff[i % staff.length];
      return identity.service.accounts.signIn({ login: s?.account.login ?? '', password: s?.oneTimePassword ?? '' }, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    });
    const stored = await hash('Str0ng-passw0rd', ARGON2_COST);
    const argon = await rate(() => verify(stored, 'Str0ng-passw0rd'));

    // A complete administrator session and an API key for the verification figures.
    const once = identity.initialCredentials.find((c) => c.login === 'sysadmin')?.oneTimePassword ?? '';
    const call = async (path: string, init: RequestInit = {}, cookie?: string) => {
      const res = await fetch(`${platform.url}${path}`, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}), ...init.headers } });
      const body = await res.text();
      return { res, body, cookie: res.headers.get('set-cookie')?.split(';')[0] };
    };
    const first = await call('/api/identity/session', { method: 'POST', body: JSON.stringify({ login: 'sysadmin', password: once }) });
    const cookie = first.cookie ?? '';
    await call('/api/identity/me/password', { method: 'POST', body: JSON.stringify({ currentPassword: once, newPassword: 'Str0ng-passw0rd' }) }, cookie);
    const secret = (JSON.parse((await call('/api/identity/me/totp', { method: 'POST' }, cookie)).body) as { secret: string }).secret;
    await call('/api/identity/me/totp/confirm', { method: 'POST', body: JSON.stringify({ code: totp(base32Decode(secret), new Date()) }) }, cookie);
    const key = (JSON.parse((await call('/api/identity/me/api-keys', { method: 'POST', body: JSON.stringify({ name: 'bench', permissions: ['identity.account.read'], expiresInDays: 1 }) }, cookie)).body) as { key: string }).key;
    const expect200 = async (p: Promise<Response>) => {
      const r = await p;
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`bench request answered ${r.status}`);
    };
    const sessions = await rate(() => expect200(fetch(`${platform.url}/api/identity/me`, { headers: { cookie } })));
    const apiKeys = await rate(() => expect200(fetch(`${platform.url}/api/identity/accounts?limit=1`, { headers: { authorization: `Bearer ${key}` } })));
    const bare = await rate(() => expect200(fetch(`${platform.url}/healthz`)));

    // Single sign-on: a real code + PKCE flow for the administrator, then verify what it yielded.
    const system = { accountId: 'system', kind: 'staff' as const, login: 'system', displayName: 'system', via: 'session' as const, grants: [], restriction: null };
    const app = await identity.clients.register(system, { name: 'bench', ownerUnit: 'D01', confidential: true, redirectUris: ['http://127.0.0.1:9/cb'], scopes: ['openid', 'profile'] });
    const config = await oidc.discovery(new URL(platform.url), app.client.clientId, undefined, oidc.ClientSecretBasic(app.clientSecret ?? ''), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const jar = new Map<string, string>([['cb_session', cookie.split('=')[1] ?? '']]);
    const go = async (url: string, method = 'GET') => {
      const r = await fetch(new URL(url, platform.url), { method, redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of r.headers.getSetCookie()) {
        const pair = c.split(';')[0] ?? '';
        const i = pair.indexOf('=');
        if (i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
      return r;
    };
    let at = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid profile', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href;
    for (let i = 0; i < 12 && !at.startsWith('http://127.0.0.1:9/'); i++) {
      const uid = /\/oidc\/interaction\/([^/?]+)$/.exec(new URL(at, platform.url).pathname)?.[1];
      if (uid) {
        const step = JSON.parse(await (await go(`/oidc/interaction/${uid}/details`)).text()) as { prompt: string };
        at = (JSON.parse(await (await go(`/oidc/interaction/${uid}/${step.prompt === 'login' ? 'login' : 'confirm'}`, 'POST')).text()) as { redirectTo: string }).redirectTo;
        continue;
      }
      at = new URL((await go(at)).headers.get('location') ?? '', platform.url).href;
    }
    const tokens = await oidc.authorizationCodeGrant(config, new URL(at), { pkceCodeVerifier: verifier, expectedState: 's' });
    const idToken = tokens.id_token ?? '';
    const jwks = (await (await fetch(`${platform.url}/oidc/jwks`)).json()) as JSONWebKeySet;
    const keySet = createLocalJWKSet(jwks);
    const idTokens = await rate(() => jwtVerify(idToken, keySet, { issuer: platform.url, audience: app.client.clientId }), SECONDS, 1);
    const [h64, p64, s64] = idToken.split('.');
    const publicKey = createPublicKey({ key: jwks.keys[0] as JsonWebKey, format: 'jwk' });
    const signed = Buffer.from(`${h64}.${p64}`);
    const signature = Buffer.from(s64 ?? '', 'base64url');
    const bareJwt = await rate(async () => {
      if (!verifySignature('RSA-SHA256', signed, publicKey, signature)) throw new Error('signature');
    }, SECONDS, 1);
    const userinfo = await rate(() => expect200(fetch(`${platform.url}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })));

    // Audit appends (chained, serialised on the head row) next to a plain INSERT of the same row.
    await platform.db.exec('CREATE TABLE bench_audit_plain (LIKE platform_audit_log INCLUDING DEFAULTS)');
    await platform.db.exec('CREATE SEQUENCE bench_audit_seq');
    const entry = { actor: 'bench', action: 'bench.append', target: 'bench', outcome: 'success' as const, details: { ip: '10.0.0.1', n: 1 } };
    const appends = await rate(() => identity.audit.append(entry));
    const inserts = await rate(() =>
      platform.db.query(
        `INSERT INTO bench_audit_plain (seq, at, actor, action, target, outcome, details, prev_hash, hash) VALUES (nextval('bench_audit_seq'), now(), $1, $2, $3, $4, $5, $6, $6)`,
        [entry.actor, entry.action, entry.target, entry.outcome, JSON.stringify(entry.details), '0'.repeat(64)],
      ),
    );
    const verified = await identity.audit.verify();

    printTable(`Identity on ${engine} (${describeArgon2Cost()}; ${CONCURRENCY} concurrent clients, 2 cores shared)`, ['figure', 'per second', 'ceiling', 'per second', 'ratio'], [
      ['password sign-ins (service)', signIns, 'bare argon2id verify', argon, `${Math.round((signIns / argon) * 100)}%`],
      ['session verifications (GET /me)', sessions, 'bare HTTP (GET /healthz)', bare, `${Math.round((sessions / bare) * 100)}%`],
      ['API-key verifications (GET /accounts)', apiKeys, 'bare HTTP (GET /healthz)', bare, `${Math.round((apiKeys / bare) * 100)}%`],
      ['SSO ID-token verifications (jose, 1 thread)', idTokens, 'bare RS256 verify (node:crypto)', bareJwt, `${Math.round((idTokens / bareJwt) * 100)}%`],
      ['SSO userinfo (access token, GET /oidc/me)', userinfo, 'bare HTTP (GET /healthz)', bare, `${Math.round((userinfo / bare) * 100)}%`],
      ['audit appends (SM3 chain)', appends, 'plain INSERT, same row', inserts, `${Math.round((appends / inserts) * 100)}%`],
    ]);
    process.stdout.write(`audit chain after the run: ${verified.ok ? `intact, ${verified.entries} entries` : `BROKEN: ${verified.message}`}\n`);
    const cache = identity.principalCacheStats();
    process.stdout.write(`principal cache (ADR 007) after the run: ${cache.hits} hits, ${cache.misses} misses, ${cache.entries} entries\n`);
  } finally {
    await platform.stop();
    await dispose();
  }
}
