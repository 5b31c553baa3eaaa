import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, permissionMatches } from '../../src/modules/identity/index.ts';
import { apiKeyWith, cityPeople, STRONG, startIdentityPlatform, type Client, type IdentityHarness } from './support.ts';

describe('identity access: administrators, 三员分立, API keys, the access hook', () => {
  let h: IdentityHarness;
  let sys: Client;
  let sec: Client;
  let aud: Client;
  let citizen: Client;
  const ids: Record<string, string> = {};
  let citizenLogin = '';

  beforeAll(async () => {
    h = await startIdentityPlatform();
    expect(h.platform.modules.identity.initialCredentials.map((c) => c.login)).toEqual(['sysadmin', 'secadmin', 'auditadmin']);
    sys = await h.admin('sysadmin');
    sec = await h.admin('secadmin');
    aud = await h.admin('auditadmin');
    for (const login of ['sysadmin', 'secadmin', 'auditadmin']) {
      ids[login] = (await h.platform.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [login])).rows[0]?.id ?? '';
    }
    const { residents } = await cityPeople(h.platform);
    const p = residents[5] as { idNumber: string; name: string };
    citizenLogin = p.idNumber;
    await h.client().call('POST', '/api/identity/register/person', { idNumber: p.idNumber, name: p.name, password: STRONG });
    citizen = h.client();
    await citizen.call('POST', '/api/identity/session', { login: p.idNumber, password: STRONG });
  }, 180_000);
  afterAll(() => h?.dispose());

  it('creates the three administrators once, with one-time passwords that must be changed and TOTP', async () => {
    const once = h.platform.modules.identity.initialCredentials.find((c) => c.login === 'sysadmin')?.oneTimePassword ?? '';
    expect((await h.client().call('POST', '/api/identity/session', { login: 'sysadmin', password: once })).status).toBe(401);
    const c = h.client();
    const first = await c.call<{ restriction: string }>('POST', '/api/identity/session', { login: 'sysadmin', password: STRONG });
    expect(first.body.restriction).toBe('totp');
    const blocked = await c.call('GET', '/api/identity/accounts');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ code: 'session_restricted' });
    expect((await c.call('POST', '/api/identity/session/totp', { code: '000000' })).body).toMatchObject({ code: 'totp_invalid' });
    const secret = (await h.platform.db.query<{ s: string }>("SELECT totp_secret AS s FROM identity_accounts WHERE login = 'sysadmin'")).rows[0]?.s ?? '';
    expect((await c.call('POST', '/api/identity/session/totp', { code: h.totpFor(secret) })).body).toEqual({ restriction: null });
    expect((await c.call('GET', '/api/identity/accounts')).status).toBe(200);
  });

  it('seeds the org tree: the departments (委办局) and the city’s districts, towns and communities', async () => {
    const top = await sys.call<Array<{ code: string; name: string; kind: string; children: number }>>('GET', '/api/identity/units?parent=371500');
    expect(top.body.filter((u) => u.kind === 'department').map((u) => u.name)).toEqual(expect.arrayContaining(['大数据局', '公安局', '民政局', '12345热线']));
    const districts = top.body.filter((u) => u.kind === 'district');
    expect(districts).toHaveLength(8);
    const towns = await sys.call<Array<{ code: string; kind: string; children: number }>>('GET', `/api/identity/units?parent=${districts[0]?.code}`);
    expect(towns.body.length).toBeGreaterThan(0);
    expect(towns.body.every((u) => u.kind === 'town')).toBe(true);
  });

  it('三员分立: each administrator does only their own job', async () => {
    expect((await sys.call('GET', '/api/identity/audit')).status).toBe(403);
    expect((await sys.call('POST', '/api/identity/roles', { name: 'x_role', titleZh: '某', titleEn: 'X', permissions: [] })).status).toBe(403);
    expect((await sec.call('POST', '/api/identity/accounts', { login: 'clerk1', name: '某', units: ['D01'] })).status).toBe(403);
    expect((await sec.call('GET', '/api/identity/audit')).status).toBe(403);
    expect((await aud.call('GET', '/api/identity/accounts')).status).toBe(403);
    expect((await aud.call('POST', '/api/identity/accounts/' + ids.sysadmin + '/grants', { role: 'audit_admin' })).status).toBe(403);
    expect((await aud.call('GET', '/api/identity/audit')).status).toBe(200);
  });

  it('三员分立: one account cannot hold two administrator duties, nor grant itself anything', async () => {
    const two = await sec.call('POST', `/api/identity/accounts/${ids.auditadmin}/grants`, { role: 'system_admin' });
    expect(two.status).toBe(409);
    expect(two.body).toMatchObject({ code: 'separation_of_duties' });
    const self = await sec.call('POST', `/api/identity/accounts/${ids.secadmin}/grants`, { role: 'audit_admin' });
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ code: 'self_grant' });
    const sneaky = await sec.call('POST', '/api/identity/roles', { name: 'log_reader', titleZh: '日志', titleEn: 'Log reader', permissions: ['audit.*'] });
    expect(sneaky.status).toBe(409);
    expect(sneaky.body).toMatchObject({ code: 'separation_of_duties', field: 'permissions/0' });
    const builtin = await sec.call('PUT', '/api/identity/roles/system_admin', { name: 'system_admin', titleZh: '系统', titleEn: 'S', permissions: [] });
    expect(builtin.body).toMatchObject({ code: 'role_builtin' });
  });

  it('staff: the system administrator creates, the security administrator grants a scoped role', async () => {
    const created = await sys.call<{ account: { id: string; login: string }; oneTimePassword: string }>('POST', '/api/identity/accounts', { login: 'clerk1', name: '李文员', units: ['D03'] });
    expect(created.status).toBe(201);
    const role = await sec.call('POST', '/api/identity/roles', { name: 'civil_affairs', titleZh: '民政业务', titleEn: 'Civil affairs', permissions: ['city.*.read', 'identity.account.read'] });
    expect(role.status).toBe(201);
    const granted = await sec.call<{ grants: Array<{ role: string; scopeUnit: string }> }>('POST', `/api/identity/accounts/${created.body.account.id}/grants`, { role: 'civil_affairs', scopeUnit: 'D03' });
    expect(granted.status).toBe(200);
    expect(granted.body.grants).toContainEqual(expect.objectContaining({ role: 'civil_affairs', scopeUnit: 'D03' }));
    const entries = await h.platform.modules.identity.audit.search({ action: 'identity.role.grant', outcome: 'success' });
    expect(entries[0]).toMatchObject({ actor: ids.secadmin, target: created.body.account.id, details: { role: 'civil_affairs', scopeUnit: 'D03' } });
  });

  it('API keys: scoped to what the owner holds, shown once, stored hashed, expiring and revocable', async () => {
    const tooMuch = await sys.call('POST', '/api/identity/me/api-keys', { name: 'x', permissions: ['audit.log.read'], expiresInDays: 30 });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body).toMatchObject({ code: 'api_key_scope_exceeds_owner', field: 'permissions/0' });
    const made = await sys.call<{ key: string; apiKey: { id: string } }>('POST', '/api/identity/me/api-keys', { name: 'directory sync', permissions: ['identity.account.read'], expiresInDays: 2 });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^cbk_[A-Za-z0-9]{12}_/);
    const stored = JSON.stringify((await h.platform.db.query('SELECT * FROM identity_api_keys')).rows);
    expect(stored).not.toContain(made.body.key.slice(17));
    const machine = h.client(made.body.key);
    expect((await machine.call('GET', '/api/identity/accounts')).status).toBe(200);
    const outOfScope = await machine.call('GET', '/api/identity/units');
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body).toMatchObject({ code: 'permission_denied' });
    expect((await h.client(`${made.body.key.slice(0, -1)}x`).call('GET', '/api/identity/accounts')).status).toBe(401);
    expect((await machine.call('POST', '/api/identity/me/api-keys', { name: 'y', permissions: ['identity.account.read'], expiresInDays: 1 })).status).toBe(403);

    h.clock.advance(3 * 86_400_000);
    expect((await machine.call('GET', '/api/identity/accounts')).status).toBe(401);
    // Sessions also ended meanwhile (idle): sign the administrators in again for the next tests.
    for (const c of [sys, sec, aud]) {
      const login = c === sys ? 'sysadmin' : c === sec ? 'secadmin' : 'auditadmin';
      const r = await c.call('POST', '/api/identity/session', { login, password: STRONG });
      expect(r.status).toBe(200);
      const secret = (await h.platform.db.query<{ s: string }>('SELECT totp_secret AS s FROM identity_accounts WHERE login = $1', [login])).rows[0]?.s ?? '';
      expect((await c.call('POST', '/api/identity/session/totp', { code: h.totpFor(secret) })).status).toBe(200);
    }
    expect((await citizen.call('POST', '/api/identity/session', { login: citizenLogin, password: STRONG })).status).toBe(200);

    const fresh = await sys.call<{ key: string; apiKey: { id: string } }>('POST', '/api/identity/me/api-keys', { name: 'short', permissions: ['identity.account.read'], expiresInDays: 30 });
    const client2 = h.client(fresh.body.key);
    expect((await client2.call('GET', '/api/identity/accounts')).status).toBe(200);
    expect((await sys.call<{ state: string }>('DELETE', `/api/identity/me/api-keys/${fresh.body.apiKey.id}`)).body.state).toBe('revoked');
    expect((await client2.call('GET', '/api/identity/accounts')).status).toBe(401);
  });

  it('enforces other modules’ declared permissions: resident lookups need city.resident.read', async () => {
    const { residents } = await cityPeople(h.platform);
    const id = (residents[0] as { idNumber: string }).idNumber;
    expect((await h.client().call('GET', `/api/city/residents/${id}`)).status).toBe(401);
    expect((await citizen.call('GET', `/api/city/residents/${id}`)).status).toBe(403);
    const key = await apiKeyWith(h.platform, ['city.resident.read']);
    expect((await h.client(key).call('GET', `/api/city/residents/${id}`)).body).toMatchObject({ idNumber: id });
    expect((await h.client(key).call('GET', '/api/city/summary')).status).toBe(200);
  });

  it('every identity route × every role: allowed exactly when the role holds the route’s permission', async () => {
    const routes = h.platform.modules.identity.routeTable().filter((r) => r.url.startsWith('/api/identity/') && r.permission && r.permission !== 'public');
    expect(routes.length).toBeGreaterThan(20);
    const actors: Array<{ name: string; client: Client; roles: string[] }> = [
      { name: 'anonymous', client: h.client(), roles: [] },
      { name: 'citizen', client: citizen, roles: ['citizen'] },
      { name: 'sysadmin', client: sys, roles: ['system_admin'] },
      { name: 'secadmin', client: sec, roles: ['security_admin'] },
      { name: 'auditadmin', client: aud, roles: ['audit_admin'] },
    ];
    const fill = (url: string) => url.replace(':id', url.includes('api-keys') ? 'AAAAAAAAAAAA' : randomUUID()).replace(':name', 'no_such_role');
    const mismatches: string[] = [];
    for (const route of routes) {
      // Signing out would end the actor's session; it is covered in the accounts test.
      if (route.method === 'DELETE' && route.url === '/api/identity/session') continue;
      for (const actor of actors) {
        const permissions = BUILTIN_ROLES.filter((r) => actor.roles.includes(r.name)).flatMap((r) => r.permissions);
        const expected = actor.name !== 'anonymous' && (route.permission === 'identity.self' || permissions.some((p) => permissionMatches(p, route.permission ?? '')));
        const r = await actor.client.call(route.method, fill(route.url), ['POST', 'PUT', 'DELETE'].includes(route.method) ? {} : undefined);
        const allowed = !(r.status === 401 || (r.status === 403 && ['permission_denied', 'session_restricted'].includes(String((r.body as { code?: string }).code))));
        if (allowed !== expected) mismatches.push(`${route.method} ${route.url} as ${actor.name}: got ${r.status} ${JSON.stringify(r.body).slice(0, 80)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('lists every route of the running platform with its permission (for deny-by-default next)', () => {
    const table = h.platform.modules.identity.routeTable();
    const undeclared = table.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.url}`);
    // Printed so the next step (deny-by-default) knows what to declare.
    process.stdout.write(`${table.map((r) => `${r.method} ${r.url} ${r.permission ?? '(none)'}`).join('\n')}\n`);
    process.stdout.write(`routes without a declared permission (${undeclared.length}):\n  ${undeclared.join('\n  ')}\n`);
    expect(table.filter((r) => r.url.startsWith('/api/identity')).every((r) => r.permission !== undefined)).toBe(true);
    expect(table).toContainEqual({ method: 'GET', url: '/api/identity/audit', permission: 'audit.log.read' });
    expect(table).toContainEqual({ method: 'POST', url: '/api/identity/session', permission: 'public' });
  });

  it('audits denied requests and admin actions on an intact chain; the audit administrator exports CSV', async () => {
    const denied = await h.platform.modules.identity.audit.search({ action: 'access.denied' });
    expect(denied.length).toBeGreaterThan(5);
    const csv = await aud.call<string>('GET', '/api/identity/audit.csv?action=identity.role.*');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toContain('identity.role.grant');
    expect((await aud.call('GET', '/api/identity/audit/verify')).body).toMatchObject({ ok: true });
  });
});
