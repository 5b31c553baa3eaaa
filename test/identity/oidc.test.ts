// Single sign-on against the running platform with a real OpenID Connect client (openid-client v6):
// discovery, code + PKCE, ID token validation, userinfo with and without the id_number scope,
// pairwise subjects, refresh-token rotation, RP-initiated and back-channel logout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyWith, cityPeople, STRONG, startIdentityPlatform, type Client, type IdentityHarness } from './support.ts';

/** A browser's cookie jar and redirects, enough to walk the provider's pages. */
class Browser {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async go(url: string, init: { method?: string; body?: unknown; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: this.base };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const res = await fetch(new URL(url, this.base), { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i < 0) continue;
      const value = pair.slice(i + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), value);
    }
    return res;
  }
  /** Follow redirects until a page of the platform or the application's redirect URI. */
  async follow(url: string, stopAt: string): Promise<string> {
    let next = url;
    for (let i = 0; i < 10; i++) {
      if (next.startsWith(stopAt)) return next;
      const res = await this.go(next);
      const location = res.headers.get('location');
      if (!location) return new URL(next, this.base).href;
      next = new URL(location, this.base).href;
    }
    throw new Error('too many redirects');
  }
}

interface Registered {
  client: { clientId: string };
  clientSecret: string | null;
}

describe('single sign-on: OpenID Connect provider', () => {
  let h: IdentityHarness;
  let sys: Client;
  let rpServer: Server;
  let rpBase = '';
  const backchannel: string[] = [];
  let person = { idNumber: '', name: '' };
  let appA: Registered;
  let appB: Registered;

  beforeAll(async () => {
    h = await startIdentityPlatform();
    sys = await h.admin('sysadmin');
    rpServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/backchannel') backchannel.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
    rpBase = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}`;
    const { residents } = await cityPeople(h.platform);
    person = residents[7] as typeof person;
    expect((await h.client().call('POST', '/api/identity/register/person', { ...person, password: STRONG })).status).toBe(201);
    const a = await sys.call<Registered>('POST', '/api/identity/clients', {
      name: '不动产登记系统', ownerUnit: 'D01', confidential: true, redirectUris: [`${rpBase}/cb`], postLogoutRedirectUris: [`${rpBase}/bye`],
      backchannelLogoutUri: `${rpBase}/backchannel`, scopes: ['openid', 'profile', 'id_number'],
    });
    expect(a.status).toBe(201);
    appA = a.body;
    const b = await sys.call<Registered>('POST', '/api/identity/clients', { name: '文旅小程序', ownerUnit: 'D01', confidential: false, redirectUris: [`${rpBase}/cb-b`], scopes: ['openid', 'profile'] });
    expect(b.status).toBe(201);
    appB = b.body;
  }, 300_000);
  afterAll(async () => {
    await new Promise((resolve) => rpServer?.close(resolve));
    await h?.dispose();
  });

  const discover = (app: Registered) =>
    oidc.discovery(new URL(h.platform.url), app.client.clientId, undefined, app.clientSecret ? oidc.ClientSecretBasic(app.clientSecret) : oidc.None(), { execute: [oidc.allowInsecureRequests] });

  /** Authorization request → (login) → (consent) → code at the redirect URI. */
  async function authorize(browser: Browser, config: oidc.Configuration, redirectUri: string, scope: string, signIn: boolean) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    let at = await browser.follow(url.href, redirectUri);
    for (let step = 0; step < 3 && !at.startsWith(redirectUri); step++) {
      const uid = new URL(at).pathname.split('/').pop() ?? '';
      const details = await browser.go(`/oidc/interaction/${uid}/details`);
      const d = (await details.json()) as { prompt: string; client: { name: string }; scopes: string[] };
      if (d.prompt === 'login') {
        expect(signIn).toBe(true);
        expect((await browser.go('/api/identity/session', { method: 'POST', body: { login: person.idNumber, password: STRONG } })).status).toBe(200);
        const done = await browser.go(`/oidc/interaction/${uid}/login`, { method: 'POST' });
        expect(done.status).toBe(200);
        at = await browser.follow(((await done.json()) as { redirectTo: string }).redirectTo, redirectUri);
      } else {
        expect(d.prompt).toBe('consent');
        const done = await browser.go(`/oidc/interaction/${uid}/confirm`, { method: 'POST' });
        expect(done.status).toBe(200);
        at = await browser.follow(((await done.json()) as { redirectTo: string }).redirectTo, redirectUri);
      }
    }
    expect(at.startsWith(redirectUri)).toBe(true);
    return { callback: new URL(at), verifier, state };
  }

  it('answers discovery at the root with the configured issuer and the persisted signing key', async () => {
    const res = await fetch(`${h.platform.url}/.well-known/openid-configuration`);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(h.platform.url);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.subject_types_supported).toEqual(['pairwise']);
    expect(meta.backchannel_logout_supported).toBe(true);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['id_number', 'uscc']));
    const jwks = (await (await fetch(String(meta.jwks_uri))).json()) as { keys: Array<{ kid: string; d?: string }> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]?.d).toBeUndefined();
    // The signing key is kept in the database sealed with the SM4 field key, not in the clear.
    const stored = (await h.platform.db.query<{ sealed: string | null; raw: string }>("SELECT value->>'sealed' AS sealed, value::text AS raw FROM identity_oidc_keys WHERE name = 'jwks'")).rows[0];
    expect(stored?.sealed).toMatch(/^sm4f1\./);
    expect(stored?.raw).not.toContain(jwks.keys[0]?.kid ?? 'kid');
  });

  it('refuses an authorization request without PKCE', async () => {
    const config = await discover(appA);
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: `${rpBase}/cb`, scope: 'openid', state: 'x' });
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('signs a person in to two applications: code + PKCE, pairwise sub, ID number only where granted, refresh, logout', async () => {
    const browser = new Browser(h.platform.url);
    const configA = await discover(appA);
    const a = await authorize(browser, configA, `${rpBase}/cb`, 'openid profile id_number', true);
    const tokensA = await oidc.authorizationCodeGrant(configA, a.callback, { pkceCodeVerifier: a.verifier, expectedState: a.state, idTokenExpected: true });
    const claimsA = tokensA.claims();
    expect(claimsA?.iss).toBe(h.platform.url);
    expect(claimsA?.aud).toBe(appA.client.clientId);
    const subA = claimsA?.sub ?? '';
    expect(subA).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const account = (await h.platform.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [person.idNumber])).rows[0]?.id;
    expect(subA).not.toBe(account);
    const infoA = await oidc.fetchUserInfo(configA, tokensA.access_token, subA);
    expect(infoA).toMatchObject({ sub: subA, name: person.name, id_number: person.idNumber });


    // Second application, same browser: no password again (single sign-on), only its consent.
    const configB = await discover(appB);
    // B was not granted id_number at registration: asking for it is refused outright.
    const refused = await authorize(browser, configB, `${rpBase}/cb-b`, 'openid profile id_number', false);
    expect(refused.callback.searchParams.get('error')).toBe('invalid_scope');
    const b = await authorize(browser, configB, `${rpBase}/cb-b`, 'openid profile', false);
    const tokensB = await oidc.authorizationCodeGrant(configB, b.callback, { pkceCodeVerifier: b.verifier, expectedState: b.state });
    const subB = tokensB.claims()?.sub ?? '';
    expect(subB).not.toBe(subA);
    const infoB = await oidc.fetchUserInfo(configB, tokensB.access_token, subB);
    expect(infoB.name).toBe(person.name);
    expect(infoB.id_number).toBeUndefined();

    // Refresh with rotation: the old refresh token is spent.
    expect(tokensA.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(configA, tokensA.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokensA.access_token);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokensA.refresh_token);
    expect((await oidc.fetchUserInfo(configA, refreshed.access_token, subA)).id_number).toBe(person.idNumber);
    // Replaying the spent refresh token is taken as theft: refused, and the grant's tokens are revoked.
    await expect(oidc.refreshTokenGrant(configA, tokensA.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(configA, refreshed.access_token, subA)).rejects.toMatchObject({ status: 401 });

    // The provider's state is in the database, not in memory.
    const models = (await h.platform.db.query<{ model: string }>('SELECT DISTINCT model FROM identity_oidc_state ORDER BY model')).rows.map((r) => r.model);
    expect(models).toEqual(expect.arrayContaining(['AccessToken', 'AuthorizationCode', 'Grant', 'RefreshToken', 'Session']));

    // RP-initiated logout from application A; the provider tells A over the back channel.
    const end = oidc.buildEndSessionUrl(configA, { id_token_hint: tokensA.id_token ?? '', post_logout_redirect_uri: `${rpBase}/bye`, state: 'bye-state' });
    const confirmPage = await browser.go(end.href);
    const html = await confirmPage.text();
    expect(html).toContain('退出登录');
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const confirmed = await browser.go('/oidc/session/end/confirm', { method: 'POST', form: { ...fields, logout: 'yes' } });
    expect(confirmed.status).toBe(303);
    const back = new URL(confirmed.headers.get('location') ?? '');
    expect(back.href.startsWith(`${rpBase}/bye`)).toBe(true);
    expect(back.searchParams.get('state')).toBe('bye-state');
    await expect.poll(() => backchannel.length).toBe(1);
    const [, payload] = (backchannel[0] ?? '').split('.');
    const logoutToken = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { sub: string; aud: string; events: Record<string, unknown>; sid?: string };
    expect(logoutToken.sub).toBe(subA);
    expect(logoutToken.aud).toBe(appA.client.clientId);
    expect(Object.keys(logoutToken.events)).toEqual(['http://schemas.openid.net/event/backchannel-logout']);
    expect(logoutToken.sid).toBeTruthy();
    // "Sign out of everything" ends this browser's platform session (console, big screen) as well.
    expect((await browser.go('/api/identity/me')).status).toBe(401);

    // Signed out of the provider: the next request asks for the password again.
    const again = oidc.buildAuthorizationUrl(configB, { redirect_uri: `${rpBase}/cb-b`, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const at = await browser.follow(again.href, `${rpBase}/cb-b`);
    const uid = new URL(at).pathname.split('/').pop() ?? '';
    expect(((await (await browser.go(`/oidc/interaction/${uid}/details`)).json()) as { prompt: string }).prompt).toBe('login');

    // A code is single-use.
    await expect(oidc.authorizationCodeGrant(configA, a.callback, { pkceCodeVerifier: a.verifier, expectedState: a.state })).rejects.toMatchObject({ error: 'invalid_grant' });

    const audit = (await h.platform.db.query<{ action: string }>("SELECT action FROM platform_audit_log WHERE action LIKE 'identity.oidc.%' ORDER BY seq")).rows.map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['identity.oidc.login', 'identity.oidc.consent', 'identity.oidc.logout']));
  });

  it('signing out of the console ends the single sign-on session and tells the applications over the back channel', async () => {
    const browser = new Browser(h.platform.url);
    const configA = await discover(appA);
    const a = await authorize(browser, configA, `${rpBase}/cb`, 'openid profile', true);
    const tokens = await oidc.authorizationCodeGrant(configA, a.callback, { pkceCodeVerifier: a.verifier, expectedState: a.state });
    const sub = tokens.claims()?.sub ?? '';
    expect((await oidc.fetchUserInfo(configA, tokens.access_token, sub)).name).toBe(person.name);
    const told = backchannel.length;
    expect((await browser.go('/api/identity/session', { method: 'DELETE' })).status).toBe(200);
    expect(backchannel.length).toBe(told + 1);
    const [, payload] = (backchannel.at(-1) ?? '').split('.');
    expect((JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { sub: string }).sub).toBe(sub);
    // The application's tokens are revoked, and the next sign-in asks for the password again.
    await expect(oidc.fetchUserInfo(configA, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    const again = oidc.buildAuthorizationUrl(configA, { redirect_uri: `${rpBase}/cb`, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const at = await browser.follow(again.href, `${rpBase}/cb`);
    const uid = new URL(at).pathname.split('/').pop() ?? '';
    expect(((await (await browser.go(`/oidc/interaction/${uid}/details`)).json()) as { prompt: string }).prompt).toBe('login');
  });

  it('lists the applications a person granted access to, and withdrawing consent stops their tokens', async () => {
    const browser = new Browser(h.platform.url);
    const configB = await discover(appB);
    const b = await authorize(browser, configB, `${rpBase}/cb-b`, 'openid profile', true);
    const tokens = await oidc.authorizationCodeGrant(configB, b.callback, { pkceCodeVerifier: b.verifier, expectedState: b.state });
    const sub = tokens.claims()?.sub ?? '';
    const listed = (await (await browser.go('/api/identity/me/applications')).json()) as Array<{ clientId: string; name: string; scopes: string[] }>;
    expect(listed).toContainEqual(expect.objectContaining({ clientId: appB.client.clientId, name: '文旅小程序', scopes: expect.arrayContaining(['openid', 'profile']) as unknown }));
    expect(listed.some((a) => a.clientId === 'citybrain-console')).toBe(false);
    expect((await browser.go(`/api/identity/me/applications/${appB.client.clientId}`, { method: 'DELETE' })).status).toBe(200);
    await expect(oidc.fetchUserInfo(configB, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    const after = (await (await browser.go('/api/identity/me/applications')).json()) as Array<{ clientId: string }>;
    expect(after.some((a) => a.clientId === appB.client.clientId)).toBe(false);
    const again = await browser.go(`/api/identity/me/applications/${appB.client.clientId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await h.platform.db.query("SELECT 1 FROM platform_audit_log WHERE action = 'identity.oidc.revoke' AND target = $1", [appB.client.clientId])).rows).toHaveLength(1);
    expect((await browser.go('/api/identity/session', { method: 'DELETE' })).status).toBe(200);
  });

  it('disables an account: no sign-in, and its session, API key and single sign-on tokens stop working', async () => {
    const browser = new Browser(h.platform.url);
    const configB = await discover(appB);
    const b = await authorize(browser, configB, `${rpBase}/cb-b`, 'openid profile', true);
    const tokens = await oidc.authorizationCodeGrant(configB, b.callback, { pkceCodeVerifier: b.verifier, expectedState: b.state });
    const sub = tokens.claims()?.sub ?? '';
    expect((await oidc.fetchUserInfo(configB, tokens.access_token, sub)).name).toBe(person.name);
    expect((await browser.go('/api/identity/me')).status).toBe(200);
    const key = await apiKeyWith(h.platform, ['identity.unit.read']);
    const machine = h.client(key);
    expect((await machine.call('GET', '/api/identity/units')).status).toBe(200);
    const ids = (await h.platform.db.query<{ id: string; login: string }>(
      `SELECT a.id::text, a.login FROM identity_accounts a WHERE a.login = $1 OR a.id = (SELECT owner_id FROM identity_api_keys ORDER BY created_at DESC LIMIT 1)`, [person.idNumber],
    )).rows;
    for (const { id } of ids) expect((await sys.call<{ status: string }>('POST', `/api/identity/accounts/${id}/status`, { status: 'disabled' })).body.status).toBe('disabled');

    await expect(oidc.fetchUserInfo(configB, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    await expect(oidc.refreshTokenGrant(configB, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await browser.go('/api/identity/me')).status).toBe(401);
    expect((await machine.call('GET', '/api/identity/units')).status).toBe(401);
    const refused = await h.client().call('POST', '/api/identity/session', { login: person.idNumber, password: STRONG });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'account_disabled' });

    const personId = ids.find((r) => r.login === person.idNumber)?.id ?? '';
    expect((await sys.call('POST', `/api/identity/accounts/${personId}/status`, { status: 'active' })).status).toBe(200);
    expect((await h.client().call('POST', '/api/identity/session', { login: person.idNumber, password: STRONG })).status).toBe(200);
    const audit = (await h.platform.db.query<{ action: string }>("SELECT action FROM platform_audit_log WHERE action LIKE 'identity.account.%able' ORDER BY seq")).rows.map((r) => r.action);
    expect(audit).toEqual(['identity.account.disable', 'identity.account.disable', 'identity.account.enable']);
  });

  it('refuses a cross-site state-changing request riding on the session cookie (CSRF), not a machine client', async () => {
    const res = await fetch(`${h.platform.url}/api/identity/me/api-keys`, {
      method: 'POST',
      headers: { cookie: sys.cookie ?? '', origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stolen', permissions: ['identity.unit.read'], expiresInDays: 1 }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'csrf_origin' });
    const same = await fetch(`${h.platform.url}/api/identity/me/api-keys`, {
      method: 'POST',
      headers: { cookie: sys.cookie ?? '', origin: h.platform.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mine', permissions: ['identity.unit.read'], expiresInDays: 1 }),
    });
    expect(same.status).toBe(201);
    const key = ((await same.json()) as { key: string }).key;
    const machine = await fetch(`${h.platform.url}/api/identity/me/api-keys`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, origin: 'https://elsewhere.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from a machine', permissions: ['identity.unit.read'], expiresInDays: 1 }),
    });
    expect(((await machine.json()) as { code?: string }).code).not.toBe('csrf_origin');
  });

  it('registers, rotates and disables clients with input checked field by field; a disabled client signs nobody in', async () => {
    const bad = await sys.call('POST', '/api/identity/clients', { name: 'x', ownerUnit: 'D01', confidential: true, redirectUris: ['https://a.example/cb', 'https://b.example/cb'], scopes: ['openid'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'client_invalid', field: 'redirectUris' });
    const badScope = await sys.call('POST', '/api/identity/clients', { name: 'x', ownerUnit: 'D01', confidential: true, redirectUris: ['https://a.example/cb'], scopes: ['openid', 'email'] });
    expect(badScope.status).toBe(400);
    const sec = await h.admin('secadmin');
    expect((await sec.call('POST', '/api/identity/clients', { name: 'x', ownerUnit: 'D01', confidential: false, redirectUris: ['https://a.example/cb'], scopes: ['openid'] })).status).toBe(403);

    const rotated = await sys.call<Registered>('POST', `/api/identity/clients/${appA.client.clientId}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).not.toBe(appA.clientSecret);
    const disabled = await sys.call<{ status: string }>('POST', `/api/identity/clients/${appA.client.clientId}/status`, { status: 'disabled' });
    expect(disabled.body.status).toBe('disabled');
    const config = await discover(appB);
    const url = new URL(oidc.buildAuthorizationUrl(config, { redirect_uri: `${rpBase}/cb`, scope: 'openid', state: 'x', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }));
    url.searchParams.set('client_id', appA.client.clientId);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_client');
    const list = await sys.call<Array<{ clientId: string; status: string }>>('GET', '/api/identity/clients');
    expect(list.body.find((c) => c.clientId === appA.client.clientId)?.status).toBe('disabled');
    const audit = (await h.platform.db.query<{ action: string }>("SELECT action FROM platform_audit_log WHERE action LIKE 'identity.client.%' ORDER BY seq")).rows.map((r) => r.action);
    expect(audit).toEqual(['identity.client.create', 'identity.client.create', 'identity.client.rotate_secret', 'identity.client.disable']);
  });
});
