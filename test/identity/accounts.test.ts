import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPeople, STRONG, startIdentityPlatform, type IdentityHarness } from './support.ts';

describe('identity accounts: 实名核验 registration, sign-in, lock-out, sessions', () => {
  let h: IdentityHarness;
  let people: Awaited<ReturnType<typeof cityPeople>>;

  beforeAll(async () => {
    h = await startIdentityPlatform();
    people = await cityPeople(h.platform);
  }, 180_000);
  afterAll(() => h?.dispose());

  const person = (i: number) => people.residents[i] as { idNumber: string; name: string };

  it('registers a resident whose name matches the population data, at assurance L2', async () => {
    const r = await h.client().call('POST', '/api/identity/register/person', { idNumber: person(0).idNumber, name: person(0).name, password: STRONG });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'person', login: person(0).idNumber, displayName: person(0).name, assurance: 'L2' });
    const again = await h.client().call('POST', '/api/identity/register/person', { idNumber: person(0).idNumber, name: person(0).name, password: STRONG });
    expect(again.status).toBe(409);
  });

  it('answers a failed real-name check with a 4xx naming the field', async () => {
    const wrongName = await h.client().call('POST', '/api/identity/register/person', { idNumber: person(1).idNumber, name: '王不对', password: STRONG });
    expect(wrongName.status).toBe(400);
    expect(wrongName.body).toMatchObject({ code: 'real_name_mismatch', field: 'name' });
    const unknown = await h.client().call('POST', '/api/identity/register/person', { idNumber: '11010519491231002X', name: '张三', password: STRONG });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'real_name_not_found', field: 'idNumber' });
    const badCheckDigit = await h.client().call('POST', '/api/identity/register/person', { idNumber: '110105194912310021', name: '张三', password: STRONG });
    expect(badCheckDigit.status).toBe(400);
    expect(badCheckDigit.body).toMatchObject({ code: 'resident_id_invalid', field: 'idNumber' });
    const weak = await h.client().call('POST', '/api/identity/register/person', { idNumber: person(1).idNumber, name: person(1).name, password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: 'password_too_weak', field: 'password' });
  });

  it('registers an enterprise by its legal representative, refuses a false legal-rep claim, accepts an agent', async () => {
    const { uscc, repId, repName } = people.enterprise;
    const impostor = await h.client().call('POST', '/api/identity/register/legal', { uscc, actingIdNumber: person(2).idNumber, actingName: person(2).name, actingRole: 'legal_rep', password: STRONG });
    expect(impostor.status).toBe(403);
    expect(impostor.body).toMatchObject({ code: 'not_legal_representative', field: 'actingRole' });
    const unknown = await h.client().call('POST', '/api/identity/register/legal', { uscc: '91350100M000100Y43', actingIdNumber: repId, actingName: repName, actingRole: 'legal_rep', password: STRONG });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'enterprise_not_found', field: 'uscc' });
    const ok = await h.client().call('POST', '/api/identity/register/legal', { uscc, actingIdNumber: repId, actingName: repName, actingRole: 'legal_rep', password: STRONG });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'legal', login: uscc, assurance: 'L2', acting: { idNumber: repId, role: 'legal_rep' } });
  });

  it('signs in with an HttpOnly session cookie, ends it on sign-out and after the idle timeout', async () => {
    const c = h.client();
    const r = await c.call('POST', '/api/identity/session', { login: person(0).idNumber, password: STRONG });
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/^cb_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200/);
    expect((await c.call('GET', '/api/identity/me')).body).toMatchObject({ account: { login: person(0).idNumber }, grants: [{ role: 'citizen' }] });
    h.clock.advance(29 * 60_000);
    expect((await c.call('GET', '/api/identity/me')).status).toBe(200);
    h.clock.advance(31 * 60_000);
    const idle = await c.call('GET', '/api/identity/me');
    expect(idle.status).toBe(401);
    expect(idle.body).toMatchObject({ code: 'unauthenticated' });

    const d = h.client();
    await d.call('POST', '/api/identity/session', { login: person(0).idNumber, password: STRONG });
    const cookie = d.cookie;
    expect((await d.call('DELETE', '/api/identity/session')).status).toBe(200);
    d.cookie = cookie;
    expect((await d.call('GET', '/api/identity/me')).status).toBe(401);
    expect((await h.client().call('GET', '/api/identity/me')).status).toBe(401);
  });

  it('locks an account after 5 failed sign-ins for 15 minutes, then lets it in', async () => {
    await h.client().call('POST', '/api/identity/register/person', { idNumber: person(3).idNumber, name: person(3).name, password: STRONG });
    const login = person(3).idNumber;
    for (let i = 1; i <= 4; i++) {
      const bad = await h.client().call('POST', '/api/identity/session', { login, password: `wrong-${i}` });
      expect(bad.status).toBe(401);
      expect(bad.body).toMatchObject({ code: 'credentials_invalid' });
    }
    const fifth = await h.client().call('POST', '/api/identity/session', { login, password: 'wrong-5' });
    expect(fifth.status).toBe(429);
    expect(fifth.body).toMatchObject({ code: 'account_locked' });
    const rightButLocked = await h.client().call('POST', '/api/identity/session', { login, password: STRONG });
    expect(rightButLocked.status).toBe(429);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await h.client().call('POST', '/api/identity/session', { login, password: STRONG })).status).toBe(200);

    const failures = await h.platform.modules.identity.audit.search({ actor: (await h.platform.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [login])).rows[0]?.id, action: 'identity.session.create' });
    expect(failures.filter((e) => e.outcome === 'failure')).toHaveLength(6);
    expect(failures.filter((e) => e.outcome === 'success')).toHaveLength(1);
  });

  it('answers an unknown login like a wrong password, and audits it', async () => {
    const r = await h.client().call('POST', '/api/identity/session', { login: 'nobody-here', password: STRONG });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'credentials_invalid' });
    const [entry] = await h.platform.modules.identity.audit.search({ target: 'login:nobody-here' });
    expect(entry).toMatchObject({ actor: 'anonymous', outcome: 'failure', details: { reason: 'unknown_login' } });
  });

  it('resets a password with a one-time code sent over the message channel', async () => {
    await h.client().call('POST', '/api/identity/register/person', { idNumber: person(4).idNumber, name: person(4).name, password: STRONG });
    expect((await h.client().call('POST', '/api/identity/password-reset', { login: person(4).idNumber })).status).toBe(202);
    const sent = h.platform.modules.identity.channel as unknown as { sent: Array<{ text: string }> };
    const code = /验证码 (\d{6})/.exec(sent.sent.at(-1)?.text ?? '')?.[1] ?? '';
    const wrong = await h.client().call('POST', '/api/identity/password-reset/confirm', { login: person(4).idNumber, code: code === '000000' ? '111111' : '000000', newPassword: 'An0ther-passw0rd' });
    expect(wrong.body).toMatchObject({ code: 'otp_invalid', field: 'code' });
    expect((await h.client().call('POST', '/api/identity/password-reset/confirm', { login: person(4).idNumber, code, newPassword: 'An0ther-passw0rd' })).status).toBe(200);
    expect((await h.client().call('POST', '/api/identity/session', { login: person(4).idNumber, password: 'An0ther-passw0rd' })).status).toBe(200);
    expect((await h.client().call('POST', '/api/identity/password-reset/confirm', { login: person(4).idNumber, code, newPassword: 'Yet-an0ther-pw' })).status).toBe(400);
  });

  it('keeps the audit chain intact through all of it', async () => {
    expect(await h.platform.modules.identity.audit.verify()).toMatchObject({ ok: true });
  });
});
