// Accounts and sign-in: registration with 实名核验, passwords, lock-out, sessions, TOTP, one-time codes.
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../platform/index.ts';
import type { IdentityContext } from './context.ts';
import { identityError } from './errors.ts';
import { checkPasswordStrength, decoyHash, hashPassword, verifyPassword } from './password.ts';
import type { AccountRow, SessionRow } from './store.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

export const SESSION_COOKIE = 'cb_session';

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface PublicAccount {
  id: string;
  kind: AccountRow['kind'];
  login: string;
  displayName: string;
  assurance: AccountRow['assurance'];
  acting: { idNumber: string; name: string; role: 'legal_rep' | 'agent' } | null;
  totpEnabled: boolean;
  locked: boolean;
  status: AccountRow['status'];
  createdAt: string;
}

export function publicAccount(a: AccountRow, now: Date): PublicAccount {
  return {
    id: a.id,
    kind: a.kind,
    login: a.login,
    displayName: a.displayName,
    assurance: a.assurance,
    acting: a.actingIdNumber && a.actingName && a.actingRole ? { idNumber: a.actingIdNumber, name: a.actingName, role: a.actingRole } : null,
    totpEnabled: a.totpEnabled,
    locked: a.lockedUntil !== null && a.lockedUntil > now,
    status: a.status,
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

export interface SignInResult {
  token: string;
  expiresAt: Date;
  /** Cookie lifetime, from this module's clock. */
  maxAgeSeconds: number;
  restriction: SessionRow['restriction'];
  account: PublicAccount;
}

/** 实名核验 of a natural person; throws a 4xx naming the field when the base data disagree. */
export async function checkRealName(ctx: IdentityContext, idNumber: string, name: string, prefix = ''): Promise<{ idNumber: string; phone: string | null }> {
  const r = await ctx.city.verifyResidentName(idNumber, name);
  if (!r.verified) {
    if (r.reason === 'not_found') throw identityError('real_name_not_found', '实名核验未通过：人口库中没有这个身份证号码 (no resident has this ID number)', { field: `${prefix}idNumber` });
    throw identityError('real_name_mismatch', '实名核验未通过：姓名与身份证号码不一致 (the name does not match the ID number)', { field: `${prefix}name` });
  }
  return { idNumber: r.idNumber, phone: r.phone };
}

export function createAccounts(ctx: IdentityContext) {
  const { store, clock, audit, settings, principals } = ctx;

  async function insertWithRole(tx: Queryable, account: Parameters<typeof store.insertAccount>[0], role: string, actor: string, details: Record<string, unknown>) {
    if (await store.accountByLogin(account.login, tx)) throw identityError('account_exists', `an account with login ${account.login} already exists`, { field: account.kind === 'legal' ? 'uscc' : account.kind === 'person' ? 'idNumber' : 'login' });
    await store.insertAccount(account, tx);
    await store.insertGrant({ accountId: account.id, role, scopeUnit: '', grantedAt: account.createdAt, grantedBy: actor }, tx);
    await audit.appendIn(tx, { actor, action: 'identity.account.create', target: account.id, outcome: 'success', details: { kind: account.kind, login: account.login, assurance: account.assurance, ...details } });
  }

  async function startSession(tx: Queryable, account: AccountRow, restriction: SessionRow['restriction']): Promise<SignInResult> {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + settings.sessionHours * 3_600_000);
    await store.insertSession({ tokenHash: tokenHash(token), accountId: account.id, createdAt: now, expiresAt, lastSeenAt: now, restriction }, tx);
    return { token, expiresAt, maxAgeSeconds: settings.sessionHours * 3600, restriction, account: publicAccount(account, now) };
  }

  const nextRestriction = (a: AccountRow): SessionRow['restriction'] =>
    a.passwordMustChange ? 'password_change' : a.totpEnabled ? 'totp' : a.kind === 'staff' ? 'totp_enrolment' : null;

  return {
    /** 自然人注册: resident ID + name checked against the population base data. */
    async registerPerson(input: { idNumber: string; name: string; password: string }, ip: string): Promise<PublicAccount> {
      checkPasswordStrength(input.password);
      const person = await checkRealName(ctx, input.idNumber, input.name);
      const account = {
        id: randomUUID(), kind: 'person' as const, login: person.idNumber, displayName: input.name.trim(), idNumber: person.idNumber, uscc: null,
        actingIdNumber: null, actingName: null, actingRole: null, phone: person.phone, assurance: 'L2' as const,
        passwordHash: await hashPassword(input.password), passwordMustChange: false, createdAt: clock.now(),
      };
      await ctx.db.transaction((tx) => insertWithRole(tx, account, 'citizen', account.id, { ip, realNameCheck: 'population' }));
      return publicAccount({ ...account, failedCount: 0, lockedUntil: null, totpSecret: null, totpEnabled: false, totpLastStep: 0, status: 'active' }, clock.now());
    },

    /** 法人注册: USCC checked against the enterprise base data; the acting person is real-name checked. */
    async registerLegal(input: { uscc: string; actingIdNumber: string; actingName: string; actingRole: 'legal_rep' | 'agent'; password: string }, ip: string): Promise<PublicAccount> {
      checkPasswordStrength(input.password);
      const ent = await ctx.city.verifyEnterprise(input.uscc, input.actingIdNumber);
      if (!ent.verified) throw identityError('enterprise_not_found', '法人核验未通过：企业库中没有这个统一社会信用代码 (no enterprise has this credit code)', { field: 'uscc' });
      const acting = await checkRealName(ctx, input.actingIdNumber, input.actingName, 'acting');
      if (input.actingRole === 'legal_rep' && !ent.actingIsLegalRep) {
        throw identityError('not_legal_representative', '经办人不是该企业的法定代表人 (the acting person is not the legal representative; register as an authorised agent)', { field: 'actingRole' });
      }
      const account = {
        id: randomUUID(), kind: 'legal' as const, login: ent.uscc, displayName: ent.name, idNumber: null, uscc: ent.uscc,
        actingIdNumber: acting.idNumber, actingName: input.actingName.trim(), actingRole: input.actingRole, phone: acting.phone, assurance: 'L2' as const,
        passwordHash: await hashPassword(input.password), passwordMustChange: false, createdAt: clock.now(),
      };
      await ctx.db.transaction((tx) => insertWithRole(tx, account, 'enterprise', account.id, { ip, actingRole: input.actingRole, realNameCheck: 'enterprise+population' }));
      return publicAccount({ ...account, failedCount: 0, lockedUntil: null, totpSecret: null, totpEnabled: false, totpLastStep: 0, status: 'active' }, clock.now());
    },

    /** A staff account (工作人员) with a one-time password shown once; real-name checked when an ID number is given. */
    async createStaff(input: { login: string; name: string; idNumber?: string; units: string[] }, actor: string, opts: { role?: string; tx?: Queryable } = {}): Promise<{ account: PublicAccount; oneTimePassword: string }> {
      const person = input.idNumber ? await checkRealName(ctx, input.idNumber, input.name) : undefined;
      for (const [i, code] of input.units.entries()) if (!(await store.unit(code, opts.tx))) throw identityError('unit_not_found', `no unit ${code}`, { field: `units/${i}` });
      const oneTimePassword = `${randomBytes(9).toString('base64url')}-Aa1`;
      const account = {
        id: randomUUID(), kind: 'staff' as const, login: input.login, displayName: input.name.trim(), idNumber: person?.idNumber ?? null, uscc: null,
        actingIdNumber: null, actingName: null, actingRole: null, phone: person?.phone ?? null, assurance: person ? ('L2' as const) : ('L1' as const),
        passwordHash: await hashPassword(oneTimePassword), passwordMustChange: true, createdAt: clock.now(),
      };
      const write = async (tx: Queryable) => {
        await insertWithRole(tx, account, opts.role ?? 'staff', actor, { units: input.units });
        for (const u of input.units) await store.addMembership(account.id, u, tx);
      };
      if (opts.tx) await write(opts.tx);
      else await ctx.db.transaction(write);
      return { account: publicAccount({ ...account, failedCount: 0, lockedUntil: null, totpSecret: null, totpEnabled: false, totpLastStep: 0, status: 'active' }, clock.now()), oneTimePassword };
    },

    /** Password sign-in with lock-out after `maxFailures` failures in a row; every attempt is audited. */
    async signIn(input: { login: string; password: string }, ip: string): Promise<SignInResult> {
      const throttle = await ctx.rateLimiter.hit(`signin:${ip}`, settings.signInsPerMinutePerIp, 60_000);
      if (!throttle.allowed) throw identityError('sign_in_throttled', `too many sign-in attempts from ${ip}; wait a minute`, { retryAfterSeconds: Math.ceil(throttle.resetMs / 1000) });
      const login = input.login.trim();
      const account = (await store.accountByLogin(login)) ?? (await store.accountByLogin(login.toUpperCase()));
      const now = clock.now();
      const fail = async (target: string, reason: string, details: Record<string, unknown> = {}) =>
        audit.append({ actor: account?.id ?? 'anonymous', action: 'identity.session.create', target, outcome: 'failure', details: { ip, login, reason, ...details } });
      if (!account) {
        await verifyPassword(await decoyHash(), input.password);
        await fail(`login:${login}`, 'unknown_login');
        throw identityError('credentials_invalid', '账号或密码错误 (wrong login or password)', { field: 'password' });
      }
      if (account.status !== 'active') {
        await fail(account.id, 'disabled');
        throw identityError('account_disabled', '账号已停用 (this account is disabled)');
      }
      if (account.lockedUntil && account.lockedUntil > now) {
        await fail(account.id, 'locked');
        throw identityError('account_locked', `账号已锁定 (locked after ${settings.maxFailures} failed sign-ins) until ${account.lockedUntil.toISOString()}`, {
          lockedUntil: account.lockedUntil.toISOString(),
          retryAfterSeconds: Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 1000),
        });
      }
      if (!(await verifyPassword(account.passwordHash, input.password))) {
        const state = await store.recordFailure(account.id, now, settings.maxFailures, settings.lockMinutes * 60_000);
        const locked = state?.lockedUntil != null && state.lockedUntil > now;
        await fail(account.id, 'wrong_password', { locked });
        if (locked) await audit.append({ actor: 'system', action: 'identity.account.lock', target: account.id, outcome: 'success', details: { reason: 'failed_sign_ins', until: state.lockedUntil?.toISOString() } });
        if (locked) throw identityError('account_locked', `账号已锁定 ${settings.lockMinutes} 分钟 (locked for ${settings.lockMinutes} minutes after ${settings.maxFailures} failed sign-ins)`, { retryAfterSeconds: settings.lockMinutes * 60 });
        throw identityError('credentials_invalid', '账号或密码错误 (wrong login or password)', { field: 'password' });
      }
      return ctx.db.transaction(async (tx) => {
        await store.resetFailures(account.id, tx);
        const r = await startSession(tx, account, nextRestriction(account));
        await audit.appendIn(tx, { actor: account.id, action: 'identity.session.create', target: account.id, outcome: 'success', details: { ip, restriction: r.restriction } });
        return r;
      });
    },

    /** Second step of sign-in for accounts with TOTP; wrong codes count towards the lock-out. */
    async presentTotp(session: SessionRow, code: string, ip: string): Promise<SessionRow['restriction']> {
      const account = await store.accountById(session.accountId);
      if (!account?.totpEnabled || !account.totpSecret) throw identityError('totp_not_enrolled', 'this account has no TOTP authenticator');
      const now = clock.now();
      const step = matchTotp(account.totpSecret, code, now, account.totpLastStep);
      if (step === undefined || !(await store.useTotpStep(account.id, step))) {
        const state = await store.recordFailure(account.id, now, settings.maxFailures, settings.lockMinutes * 60_000);
        await audit.append({ actor: account.id, action: 'identity.session.totp', target: account.id, outcome: 'failure', details: { ip } });
        if (state?.lockedUntil && state.lockedUntil > now) {
          await principals.change([{ kind: 'account', accountId: account.id }], (tx) => store.deleteSessionsOf(account.id, null, tx));
          throw identityError('account_locked', `账号已锁定 ${settings.lockMinutes} 分钟 (locked after ${settings.maxFailures} failures)`, { retryAfterSeconds: settings.lockMinutes * 60 });
        }
        throw identityError('totp_invalid', '动态口令错误 (wrong or reused authenticator code)', { field: 'code' });
      }
      await principals.change([{ kind: 'session', tokenHash: session.tokenHash }], async (tx) => {
        await store.resetFailures(account.id, tx);
        await store.setSessionRestriction(session.tokenHash, null, tx);
        await audit.appendIn(tx, { actor: account.id, action: 'identity.session.totp', target: account.id, outcome: 'success', details: { ip } });
      });
      return null;
    },

    /**
     * A platform session for an account the OpenID Connect provider has just authenticated (the
     * console's single sign-on callback): complete, since password and TOTP were checked there.
     */
    async sessionAfterSso(accountId: string, clientId: string, ip: string): Promise<SignInResult> {
      const account = await store.accountById(accountId);
      if (!account) throw identityError('account_not_found', 'the signed-in account no longer exists');
      if (account.status !== 'active') throw identityError('account_disabled', '账号已停用 (this account is disabled)');
      return ctx.db.transaction(async (tx) => {
        const r = await startSession(tx, account, account.passwordMustChange ? 'password_change' : account.kind === 'staff' && !account.totpEnabled ? 'totp_enrolment' : null);
        await audit.appendIn(tx, { actor: account.id, action: 'identity.session.create', target: account.id, outcome: 'success', details: { ip, via: 'oidc', clientId, restriction: r.restriction } });
        return r;
      });
    },

    async signOut(token: string, actor: string): Promise<void> {
      const hash = tokenHash(token);
      await principals.change([{ kind: 'session', tokenHash: hash }], async (tx) => {
        await store.deleteSession(hash, tx);
        await audit.appendIn(tx, { actor, action: 'identity.session.delete', target: actor, outcome: 'success' });
      });
    },

    async changePassword(session: SessionRow, input: { currentPassword: string; newPassword: string }): Promise<SessionRow['restriction']> {
      const account = await store.accountById(session.accountId);
      if (!account) throw identityError('account_not_found', 'the account of this session no longer exists');
      if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
        await audit.append({ actor: account.id, action: 'identity.password.change', target: account.id, outcome: 'failure', details: { reason: 'wrong_password' } });
        throw identityError('credentials_invalid', '当前密码错误 (the current password is wrong)', { field: 'currentPassword' });
      }
      checkPasswordStrength(input.newPassword, 'newPassword');
      const restriction: SessionRow['restriction'] = session.restriction === 'password_change' ? (account.kind === 'staff' && !account.totpEnabled ? 'totp_enrolment' : null) : session.restriction;
      const hash = await hashPassword(input.newPassword);
      // The account's other sessions end; this one's restriction changes: every cached session of it goes.
      await principals.change([{ kind: 'account', accountId: account.id }], async (tx) => {
        await store.setPassword(account.id, hash, false, tx);
        await store.deleteSessionsOf(account.id, session.tokenHash, tx);
        await store.setSessionRestriction(session.tokenHash, restriction, tx);
        await audit.appendIn(tx, { actor: account.id, action: 'identity.password.change', target: account.id, outcome: 'success' });
      });
      return restriction;
    },

    /** Start TOTP enrolment: a new secret, active once a code from it is confirmed. */
    async beginTotp(session: SessionRow): Promise<{ secret: string; uri: string }> {
      const account = await store.accountById(session.accountId);
      if (!account) throw identityError('account_not_found', 'the account of this session no longer exists');
      if (account.totpEnabled && session.restriction !== null) throw identityError('session_restricted', 'present your current authenticator code first');
      const secret = newTotpSecret();
      await store.setTotp(account.id, secret, false);
      return { secret, uri: totpUri(secret, account.login) };
    },

    async confirmTotp(session: SessionRow, code: string): Promise<SessionRow['restriction']> {
      const account = await store.accountById(session.accountId);
      if (!account?.totpSecret) throw identityError('totp_not_enrolled', 'start enrolment first (POST /api/identity/me/totp)');
      const step = matchTotp(account.totpSecret, code, clock.now(), 0);
      if (step === undefined) throw identityError('totp_invalid', '动态口令错误 (the code does not match the new secret)', { field: 'code' });
      const restriction = session.restriction === 'totp_enrolment' || session.restriction === 'totp' ? null : session.restriction;
      await principals.change([{ kind: 'session', tokenHash: session.tokenHash }], async (tx) => {
        await store.setTotp(account.id, account.totpSecret, true, tx);
        await store.useTotpStep(account.id, step, tx);
        await store.setSessionRestriction(session.tokenHash, restriction, tx);
        await audit.appendIn(tx, { actor: account.id, action: 'identity.totp.enrol', target: account.id, outcome: 'success' });
      });
      return restriction;
    },

    /** Send a one-time code to the phone on record (no answer reveals whether the login exists). */
    async requestPasswordReset(login: string, ip: string): Promise<void> {
      const account = await store.accountByLogin(login.trim());
      if (!account?.phone) {
        await audit.append({ actor: 'anonymous', action: 'identity.password.reset_request', target: `login:${login}`, outcome: 'failure', details: { ip, reason: account ? 'no_phone' : 'unknown_login' } });
        return;
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await store.upsertOtp(account.id, 'password_reset', tokenHash(code), new Date(clock.now().getTime() + 10 * 60_000));
      await ctx.channel.send(account.phone, `【开放城市大脑】验证码 ${code}，10 分钟内有效，用于重置密码。Your password reset code is ${code}.`);
      await audit.append({ actor: account.id, action: 'identity.password.reset_request', target: account.id, outcome: 'success', details: { ip, channel: ctx.channel.name } });
    },

    async confirmPasswordReset(input: { login: string; code: string; newPassword: string }): Promise<void> {
      checkPasswordStrength(input.newPassword, 'newPassword');
      const account = await store.accountByLogin(input.login.trim());
      const otp = account ? await store.attemptOtp(account.id, 'password_reset') : undefined;
      const ok = otp !== undefined && otp.attempts < 5 && otp.expiresAt > clock.now() && timingSafeEqual(Buffer.from(otp.codeHash), Buffer.from(tokenHash(input.code)));
      if (!account || !ok) {
        await audit.append({ actor: account?.id ?? 'anonymous', action: 'identity.password.reset', target: account?.id ?? `login:${input.login}`, outcome: 'failure' });
        throw identityError('otp_invalid', '验证码错误或已过期 (the code is wrong, used up or expired)', { field: 'code' });
      }
      const hash = await hashPassword(input.newPassword);
      await principals.change([{ kind: 'account', accountId: account.id }], async (tx) => {
        await store.deleteOtp(account.id, 'password_reset', tx);
        await store.setPassword(account.id, hash, false, tx);
        await store.setLock(account.id, null, tx);
        await store.deleteSessionsOf(account.id, null, tx);
        await audit.appendIn(tx, { actor: account.id, action: 'identity.password.reset', target: account.id, outcome: 'success' });
      });
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
