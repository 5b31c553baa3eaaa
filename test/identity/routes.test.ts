// Deny by default and the whole route table: every route of the running platform (read from the
// Fastify instance, so routes other modules add are covered without editing this test) is called
// by an anonymous caller and by a signed-in holder of every built-in role; allow/deny must match
// the route's declared permission and the role's grants.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, permissionMatches } from '../../src/modules/identity/index.ts';
import { cityPeople, STRONG, startIdentityPlatform, type Client, type IdentityHarness } from './support.ts';

interface Actor {
  name: string;
  roles: string[];
  client: Client;
}

const DENIALS = new Set(['unauthenticated', 'permission_denied', 'session_restricted', 'permission_undeclared']);

describe('deny by default: every route × every built-in role', () => {
  let h: IdentityHarness;
  const actors: Actor[] = [];
  let table: ReturnType<IdentityHarness['platform']['modules']['identity']['routeTable']> = [];

  beforeAll(async () => {
    h = await startIdentityPlatform({ rateLimitPerMinute: 1_000_000 });
    table = [...h.platform.modules.identity.routeTable()];
    actors.push({ name: 'anonymous', roles: [], client: h.client() });
    actors.push({ name: 'system_admin', roles: ['system_admin'], client: await h.admin('sysadmin') });
    actors.push({ name: 'security_admin', roles: ['security_admin'], client: await h.admin('secadmin') });
    actors.push({ name: 'audit_admin', roles: ['audit_admin'], client: await h.admin('auditadmin') });
    const { residents } = await cityPeople(h.platform);
    const { directory } = h.platform.modules.identity.service;
    const system = { accountId: 'system', kind: 'staff' as const, login: 'system', displayName: 'system', via: 'session' as const, grants: [], restriction: null };
    const others = BUILTIN_ROLES.filter((r) => r.duty === null);
    for (const [i, role] of others.entries()) {
      const person = residents[i] ?? residents[0];
      if (!person) throw new Error('no resident');
      const reg = await h.client().call<{ id: string }>('POST', '/api/identity/register/person', { ...person, password: STRONG });
      expect(reg.status).toBe(201);
      if (role.name !== 'citizen') await directory.grant(system, { accountId: reg.body.id, role: role.name });
      const c = h.client();
      expect((await c.call('POST', '/api/identity/session', { login: person.idNumber, password: STRONG })).status).toBe(200);
      actors.push({ name: role.name, roles: role.name === 'citizen' ? ['citizen'] : ['citizen', role.name], client: c });
    }
  }, 300_000);
  afterAll(() => h?.dispose());

  it('refuses a route that declares no permission (403 permission_undeclared), even to administrators', async () => {
    // Every route of the running platform declares one.
    const undeclared = table.filter((r) => r.permission === undefined);
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // A server with the same access hook and a route added the way a module would, minus config.permission.
    const app = Fastify();
    h.platform.modules.identity.service.access.install(app);
    app.get('/api/forgotten', () => ({ secret: true }));
    app.get('/api/declared', { config: { permission: 'identity.account.read' } }, () => ({ ok: true }));
    const cookie = actors.find((a) => a.name === 'system_admin')?.client.cookie ?? '';
    const forgotten = await app.inject({ method: 'GET', url: '/api/forgotten', headers: { cookie } });
    expect(forgotten.statusCode).toBe(403);
    expect(forgotten.json()).toMatchObject({ code: 'permission_undeclared' });
    expect((await app.inject({ method: 'GET', url: '/api/declared', headers: { cookie } })).statusCode).toBe(200);
    await app.close();
    // /openapi.json and the console's files are the server's own, registered before the access hook.
    expect((await fetch(`${h.platform.url}/openapi.json`)).status).toBe(200);
  });

  it('allows exactly what each role’s grants cover, on every route', async () => {
    expect(table.length).toBeGreaterThan(40);
    const patterns = (a: Actor) => BUILTIN_ROLES.filter((r) => a.roles.includes(r.name)).flatMap((r) => r.permissions);
    const mismatches: string[] = [];
    const check = async (route: (typeof table)[number]) => {
      const url = route.url.replace(/:[A-Za-z_]+/g, 'AAAAAAAAAAAA').replace(/\*/g, 'x');
      // A public route's answer does not depend on roles: anonymous and one signed-in caller suffice.
      const callers = route.permission === 'public' ? actors.filter((a) => a.name === 'anonymous' || a.name === 'citizen') : actors;
      await Promise.all(
        callers.map(async (actor) => {
          const expected =
            route.permission !== undefined &&
            (route.permission === 'public' || (actor.name !== 'anonymous' && (route.permission === 'identity.self' || patterns(actor).some((p) => permissionMatches(p, route.permission ?? '')))));
          const unsafe = route.method !== 'GET' && route.method !== 'OPTIONS';
          // Unsafe methods carry a malformed JSON body: an allowed call stops at the body parser (400)
          // before its handler, so walking the table changes nothing.
          const res = await fetch(`${h.platform.url}${url}`, {
            method: route.method,
            redirect: 'manual',
            headers: { ...(actor.client.cookie ? { cookie: actor.client.cookie } : {}), ...(unsafe ? { 'content-type': 'application/json', origin: h.platform.url } : {}) },
            body: unsafe ? '{' : undefined,
          });
          let code: string | undefined;
          if ((res.status === 401 || res.status === 403) && (res.headers.get('content-type') ?? '').includes('json')) code = ((await res.json()) as { code?: string }).code;
          else await res.body?.cancel();
          const allowed = !((res.status === 401 || res.status === 403) && code !== undefined && DENIALS.has(code));
          if (allowed !== expected) mismatches.push(`${route.method} ${route.url} [${route.permission ?? 'none'}] as ${actor.name}: got ${res.status} ${code ?? ''}`);
        }),
      );
    };
    for (let i = 0; i < table.length; i += 6) await Promise.all(table.slice(i, i + 6).map(check));
    expect(mismatches).toEqual([]);
  }, 300_000);
});
