/** A running platform with a fixed clock, and an HTTP client that keeps the session cookie. */
import { startPlatform, type Platform, type PlatformOptions } from '../../src/app.ts';
import { fixedClock } from '../../src/kernel/index.ts';
import { base32Decode, totp } from '../../src/modules/identity/index.ts';
import { testPlatformOptions } from '../support/platform.ts';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class Client {
  cookie: string | undefined;
  constructor(
    readonly base: string,
    readonly bearer?: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const pair = set.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await res.text();
    const parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (text as T);
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

export const STRONG = 'Str0ng-passw0rd';

export interface IdentityHarness {
  platform: Platform;
  clock: ReturnType<typeof fixedClock>;
  client(bearer?: string): Client;
  /** Sign in an administrator created at first start: change the one-time password, enrol TOTP. */
  admin(login: 'sysadmin' | 'secadmin' | 'auditadmin'): Promise<Client>;
  /** The current TOTP code of an account's secret, one step ahead of any used before. */
  totpFor(secret: string): string;
  dispose(): Promise<void>;
}

export async function startIdentityPlatform(overrides: PlatformOptions = {}): Promise<IdentityHarness> {
  const { options, dispose } = await testPlatformOptions();
  const clock = fixedClock('2026-11-24T02:00:00.000Z');
  const platform = await startPlatform({ ...options, clock, ...overrides });
  const creds = platform.modules.identity.initialCredentials;
  const admins = new Map<string, Client>();
  const totpFor = (secret: string) => {
    clock.advance(30_000);
    return totp(base32Decode(secret), clock.now());
  };
  return {
    platform,
    clock,
    client: (bearer) => new Client(platform.url, bearer),
    totpFor,
    async admin(login) {
      const known = admins.get(login);
      if (known) return known;
      const c = new Client(platform.url);
      const once = creds.find((x) => x.login === login);
      if (!once) throw new Error(`no initial credentials for ${login}`);
      const signIn = await c.call('POST', '/api/identity/session', { login, password: once.oneTimePassword });
      if (signIn.status !== 200) throw new Error(`sign-in of ${login}: ${JSON.stringify(signIn.body)}`);
      await c.call('POST', '/api/identity/me/password', { currentPassword: once.oneTimePassword, newPassword: STRONG });
      const enrol = await c.call<{ secret: string }>('POST', '/api/identity/me/totp');
      const done = await c.call('POST', '/api/identity/me/totp/confirm', { code: totpFor(enrol.body.secret) });
      if (done.status !== 200) throw new Error(`TOTP enrolment of ${login}: ${JSON.stringify(done.body)}`);
      admins.set(login, c);
      return c;
    },
    async dispose() {
      await platform.stop();
      await dispose();
    },
  };
}

/** Residents and an enterprise of the demo city to register with. */
export async function cityPeople(platform: Platform) {
  const residents = (await platform.db.query<{ idNumber: string; name: string }>(
    `SELECT id_number AS "idNumber", name FROM city_residents WHERE phone IS NOT NULL ORDER BY id_number LIMIT 10`,
  )).rows;
  const ent = (await platform.db.query<{ uscc: string; repId: string; repName: string }>(
    `SELECT e.uscc, e.legal_rep_id AS "repId", r.name AS "repName" FROM city_enterprises e JOIN city_residents r ON r.id_number = e.legal_rep_id ORDER BY e.uscc LIMIT 1`,
  )).rows[0];
  if (residents.length < 10 || !ent) throw new Error('demo city has too few residents or no enterprise');
  return { residents, enterprise: ent };
}

/**
 * An API key holding `permissions`, for tests of other modules' protected routes: a staff account
 * with a custom role of exactly these permissions (duty-only permissions are refused, 三员分立),
 * granted everywhere or scoped to the unit `scopeUnit` (a department or a region).
 * Send it as `Authorization: Bearer <key>`.
 */
export async function apiKeyWith(platform: Platform, permissions: string[], scopeUnit = ''): Promise<string> {
  const { directory, accounts, apiKeys } = platform.modules.identity.service;
  const tag = Math.random().toString(36).slice(2, 10);
  const system = { accountId: 'system', kind: 'staff' as const, login: 'system', displayName: 'system', via: 'session' as const, grants: [], restriction: null };
  await directory.saveRole(system, { name: `test_${tag}`, titleZh: '测试', titleEn: 'Test', permissions }, 'create');
  const staff = await accounts.createStaff({ login: `test-${tag}`, name: '测试', units: ['D01'] }, 'system');
  await directory.grant(system, { accountId: staff.account.id, role: `test_${tag}`, scopeUnit });
  const owner = { ...system, accountId: staff.account.id, login: staff.account.login, grants: [{ role: `test_${tag}`, scopeUnit, permissions }] };
  return (await apiKeys.create(owner, { name: 'test', permissions, expiresInDays: 1 })).key;
}
