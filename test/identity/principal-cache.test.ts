// The access hook's principal cache: a session or an API key is served from memory for a few
// seconds, yet sign-out, a revoked session, a disabled account, a revoked key, a removed grant or a
// changed role is refused on the very next request — on the node that made the change and, through
// the outbox and the bus, on another API node sharing the database.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../src/app.ts';
import { fixedClock } from '../../src/kernel/index.ts';
import { orgDirectory, type Principal } from '../../src/modules/identity/index.ts';
import type { PrincipalChange } from '../../src/modules/identity/principal-cache.ts';
import { testPlatformOptions } from '../support/platform.ts';
import { Client, cityPeople, STRONG, startIdentityPlatform, type IdentityHarness } from './support.ts';

const SYSTEM: Principal = { accountId: 'system', kind: 'staff', login: 'system', displayName: 'system', via: 'session', grants: [], restriction: null };

/** A staff account holding a custom role of `permissions`, and an API key of it. */
async function staffWithKey(platform: Platform, permissions: string[]) {
  const { directory, accounts, apiKeys } = platform.modules.identity.service;
  const tag = randomBytes(4).toString('hex');
  const role = `cache_${tag}`;
  await directory.saveRole(SYSTEM, { name: role, titleZh: '缓存测试', titleEn: 'Cache test', permissions }, 'create');
  const staff = await accounts.createStaff({ login: `cache-${tag}`, name: '缓存测试', units: ['D01'] }, 'system');
  await directory.grant(SYSTEM, { accountId: staff.account.id, role });
  const owner: Principal = { ...SYSTEM, accountId: staff.account.id, login: staff.account.login, grants: [{ role, scopeUnit: '', permissions }] };
  const created = await apiKeys.create(owner, { name: 'cache test', permissions, expiresInDays: 30 });
  return { accountId: staff.account.id, role, key: created.key, keyId: created.apiKey.id };
}

/**
 * Call until an answer comes from the cache (the hit count moves). A load is not kept when any
 * invalidation arrives meanwhile — the earlier tests' changes reach this node through the bus a few
 * milliseconds after their commits — so a first pair of calls may both go to the database.
 */
async function warm(platform: Platform, client: Client, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    expect((await client.call('GET', url)).status).toBe(200);
    const before = platform.modules.identity.principalCacheStats().hits;
    expect((await client.call('GET', url)).status).toBe(200);
    const hit = platform.modules.identity.principalCacheStats().hits > before;
    if (hit || attempt === 5) {
      expect(hit).toBe(true);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('principal cache: a revoked credential is refused on the very next request', () => {
  let h: IdentityHarness;
  let people: Array<{ idNumber: string; name: string }> = [];

  beforeAll(async () => {
    h = await startIdentityPlatform();
    people = (await cityPeople(h.platform)).residents.slice(0, 6);
    for (const p of people) expect((await h.client().call('POST', '/api/identity/register/person', { ...p, password: STRONG })).status).toBe(201);
  }, 180_000);
  afterAll(() => h?.dispose());

  const signedIn = async (i: number, password = STRONG) => {
    const c = h.client();
    expect((await c.call('POST', '/api/identity/session', { login: people[i]?.idNumber, password })).status).toBe(200);
    return c;
  };
  const accountId = async (i: number) => (await h.platform.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [people[i]?.idNumber])).rows[0]?.id ?? '';

  it('serves a session from the cache, and refuses it at once after sign-out', async () => {
    const c = await signedIn(0);
    await warm(h.platform, c, '/api/identity/me');
    const copy = new Client(h.platform.url);
    copy.cookie = c.cookie;
    expect((await c.call('DELETE', '/api/identity/session')).status).toBe(200);
    expect((await copy.call('GET', '/api/identity/me')).status).toBe(401);
  });

  it('ends the other sessions of an account at once when its password changes', async () => {
    const first = await signedIn(1);
    const second = await signedIn(1);
    await warm(h.platform, first, '/api/identity/me');
    await warm(h.platform, second, '/api/identity/me');
    expect((await first.call('POST', '/api/identity/me/password', { currentPassword: STRONG, newPassword: 'An0ther-passw0rd' })).status).toBe(200);
    expect((await second.call('GET', '/api/identity/me')).status).toBe(401);
    expect((await first.call('GET', '/api/identity/me')).status).toBe(200);
  });

  it('refuses the session and the API keys of a disabled account at once', async () => {
    const c = await signedIn(2);
    await warm(h.platform, c, '/api/identity/me');
    const staff = await staffWithKey(h.platform, ['identity.unit.read']);
    const machine = h.client(staff.key);
    await warm(h.platform, machine, '/api/identity/units');
    const { service } = h.platform.modules.identity;
    await service.setStatus(SYSTEM, await accountId(2), 'disabled');
    await service.setStatus(SYSTEM, staff.accountId, 'disabled');
    expect((await c.call('GET', '/api/identity/me')).status).toBe(401);
    expect((await machine.call('GET', '/api/identity/units')).status).toBe(401);
  });

  it('refuses a revoked API key at once', async () => {
    const staff = await staffWithKey(h.platform, ['identity.unit.read']);
    const machine = h.client(staff.key);
    await warm(h.platform, machine, '/api/identity/units');
    await h.platform.modules.identity.service.apiKeys.revoke(SYSTEM, staff.keyId, true);
    expect((await machine.call('GET', '/api/identity/units')).status).toBe(401);
  });

  it('applies a removed grant and a changed role at once, to API keys and sessions', async () => {
    const { directory } = h.platform.modules.identity.service;
    // (A staff account also holds the built-in staff role, with identity.unit.read: the keys test another permission.)
    const a = await staffWithKey(h.platform, ['identity.account.read']);
    await warm(h.platform, h.client(a.key), '/api/identity/accounts?limit=1');
    await directory.revoke(SYSTEM, { accountId: a.accountId, role: a.role });
    expect((await h.client(a.key).call('GET', '/api/identity/accounts?limit=1')).body).toMatchObject({ code: 'permission_denied' });

    const b = await staffWithKey(h.platform, ['identity.account.read']);
    await warm(h.platform, h.client(b.key), '/api/identity/accounts?limit=1');
    await directory.saveRole(SYSTEM, { name: b.role, titleZh: '缓存测试', titleEn: 'Cache test', permissions: ['identity.role.read'] }, 'update');
    expect((await h.client(b.key).call('GET', '/api/identity/accounts?limit=1')).body).toMatchObject({ code: 'permission_denied' });

    const person = await accountId(3);
    await directory.grant(SYSTEM, { accountId: person, role: 'staff' });
    const c = await signedIn(3);
    await warm(h.platform, c, '/api/identity/units');
    await directory.revoke(SYSTEM, { accountId: person, role: 'staff' });
    const refused = await c.call('GET', '/api/identity/units');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'permission_denied' });
  });

  it('keeps an account’s grants and memberships in the org directory until a change names the account', async () => {
    // The mechanism, with the invalidations in the test's hands (on the platform, other tests' changes arrive through the bus at any moment).
    let invalidate: (change: PrincipalChange) => void = () => undefined;
    const org = orgDirectory(h.platform.db, { epoch: () => 0, ttlMs: 60_000, onInvalidate: (l) => void (invalidate = l) });
    const a = await staffWithKey(h.platform, ['events.event.read']);
    const roles = async () => (await org.grantsOf(a.accountId)).map((g) => `${g.role}@${g.scopeUnit}`).sort();
    expect(await roles()).toContain(`${a.role}@`);
    expect(await org.membershipsOf(a.accountId)).toEqual(['D01']);
    // Kept: a grant written behind the platform's back is not read again …
    await h.platform.db.query("INSERT INTO identity_role_grants (account_id, role, scope_unit, granted_at, granted_by) VALUES ($1, $2, 'D02', now(), 'test')", [a.accountId, a.role]);
    expect(await roles()).not.toContain(`${a.role}@D02`);
    invalidate({ kind: 'account', accountId: 'someone-else' });
    expect(await roles()).not.toContain(`${a.role}@D02`);
    // … until a change names the account (or all of them).
    invalidate({ kind: 'account', accountId: a.accountId });
    expect(await roles()).toContain(`${a.role}@D02`);
  });

  it('narrows an event scope on the very next request after a revoke (the platform’s directory)', async () => {
    const { directory } = h.platform.modules.identity.service;
    const org = h.platform.modules.identity.directory;
    const a = await staffWithKey(h.platform, ['events.event.read']);
    expect((await org.grantsOf(a.accountId)).map((g) => g.role)).toContain(a.role);
    await directory.revoke(SYSTEM, { accountId: a.accountId, role: a.role });
    expect((await org.grantsOf(a.accountId)).map((g) => g.role)).not.toContain(a.role);
  });

  it('keeps a principal a few seconds, and writes a session’s last-seen time at most once a minute', async () => {
    const c = await signedIn(4);
    const lastSeen = async () => new Date((await h.platform.db.query<{ at: Date }>('SELECT last_seen_at AS at FROM identity_sessions WHERE account_id = $1', [await accountId(4)])).rows[0]?.at ?? 0).getTime();
    const signedInAt = h.clock.now().getTime();
    await warm(h.platform, c, '/api/identity/me');
    const stats = () => h.platform.modules.identity.principalCacheStats();
    h.clock.advance(4_000);
    let misses = stats().misses;
    expect((await c.call('GET', '/api/identity/me')).status).toBe(200);
    expect(stats().misses).toBe(misses);
    h.clock.advance(2_000);
    misses = stats().misses;
    expect((await c.call('GET', '/api/identity/me')).status).toBe(200);
    expect(stats().misses).toBe(misses + 1);
    expect(await lastSeen()).toBe(signedInAt);

    h.clock.advance(55_000);
    expect((await c.call('GET', '/api/identity/me')).status).toBe(200);
    expect(await lastSeen()).toBe(h.clock.now().getTime());
    const touched = h.clock.now().getTime();
    h.clock.advance(20_000);
    expect((await c.call('GET', '/api/identity/me')).status).toBe(200);
    expect(await lastSeen()).toBe(touched);

    // 30 minutes without a request: the session ends.
    h.clock.advance(30 * 60_000 + 1_000);
    expect((await c.call('GET', '/api/identity/me')).status).toBe(401);
  });
});

// One process owns an embedded database, and the in-process bus reaches one node: two API nodes
// need PostgreSQL and NATS.
describe.skipIf(!process.env.DATABASE_URL || !process.env.NATS_URL)('principal cache on two API nodes (needs DATABASE_URL and NATS_URL)', () => {
  let a: Platform;
  let b: Platform;
  let dispose: () => Promise<void>;
  let dataDirB = '';
  const clock = fixedClock('2026-11-24T02:00:00.000Z');
  let people: Array<{ idNumber: string; name: string }> = [];

  beforeAll(async () => {
    const made = await testPlatformOptions();
    dispose = made.dispose;
    // One field key for both nodes, as CITYBRAIN_FIELD_KEY on every node of a deployment.
    const fieldKey = randomBytes(16).toString('hex');
    a = await startPlatform({ ...made.options, clock, fieldKey });
    dataDirB = await fs.mkdtemp(path.join(os.tmpdir(), 'citybrain-node-b-'));
    b = await startPlatform({ ...made.options, clock, fieldKey, dataDir: dataDirB, nodeId: `${made.options.nodeId ?? 'test'}-b`, buildDemo: false });
    people = (await cityPeople(a)).residents.slice(0, 3);
    for (const p of people) expect((await new Client(a.url).call('POST', '/api/identity/register/person', { ...p, password: STRONG })).status).toBe(201);
  }, 300_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await dispose?.();
    if (dataDirB) await fs.rm(dataDirB, { recursive: true, force: true });
  });

  /** A client of node B holding the session cookie `signedIn` got from node A. */
  const onB = (cookie: string | undefined) => {
    const c = new Client(b.url);
    c.cookie = cookie;
    return c;
  };
  /** Wait until node B has applied what node A just committed (outbox → NATS → B's own durable consumer). */
  async function delivered(before: number): Promise<void> {
    await a.relay.flush();
    await expect.poll(() => b.modules.identity.principalCacheStats().invalidations).toBeGreaterThan(before);
  }

  it('a sign-out on one node is refused by the other on its next request', async () => {
    const c = new Client(a.url);
    expect((await c.call('POST', '/api/identity/session', { login: people[0]?.idNumber, password: STRONG })).status).toBe(200);
    const viaB = onB(c.cookie);
    await warm(b, viaB, '/api/identity/me');
    const before = b.modules.identity.principalCacheStats().invalidations;
    expect((await c.call('DELETE', '/api/identity/session')).status).toBe(200);
    await delivered(before);
    expect((await viaB.call('GET', '/api/identity/me')).status).toBe(401);
  });

  it('a disabled account, a revoked key and a removed grant on one node are refused by the other on its next request', async () => {
    const c = new Client(a.url);
    expect((await c.call('POST', '/api/identity/session', { login: people[1]?.idNumber, password: STRONG })).status).toBe(200);
    const viaB = onB(c.cookie);
    await warm(b, viaB, '/api/identity/me');
    const person = (await a.db.query<{ id: string }>('SELECT id::text FROM identity_accounts WHERE login = $1', [people[1]?.idNumber])).rows[0]?.id ?? '';
    let before = b.modules.identity.principalCacheStats().invalidations;
    await a.modules.identity.service.setStatus(SYSTEM, person, 'disabled');
    await delivered(before);
    expect((await viaB.call('GET', '/api/identity/me')).status).toBe(401);

    const revoked = await staffWithKey(a, ['identity.unit.read']);
    await warm(b, new Client(b.url, revoked.key), '/api/identity/units');
    before = b.modules.identity.principalCacheStats().invalidations;
    await a.modules.identity.service.apiKeys.revoke(SYSTEM, revoked.keyId, true);
    await delivered(before);
    expect((await new Client(b.url, revoked.key).call('GET', '/api/identity/units')).status).toBe(401);

    const narrowed = await staffWithKey(a, ['identity.account.read']);
    await warm(b, new Client(b.url, narrowed.key), '/api/identity/accounts?limit=1');
    before = b.modules.identity.principalCacheStats().invalidations;
    await a.modules.identity.service.directory.revoke(SYSTEM, { accountId: narrowed.accountId, role: narrowed.role });
    await delivered(before);
    expect((await new Client(b.url, narrowed.key).call('GET', '/api/identity/accounts?limit=1')).body).toMatchObject({ code: 'permission_denied' });
  });
});
