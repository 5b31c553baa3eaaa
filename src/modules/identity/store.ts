// SQL of the identity_* tables, and nothing else.
import type { Database, Queryable } from '../../platform/index.ts';
import type { Grant } from './permissions.ts';

export type AccountKind = 'person' | 'legal' | 'staff';

export interface AccountRow {
  id: string;
  kind: AccountKind;
  login: string;
  displayName: string;
  idNumber: string | null;
  uscc: string | null;
  actingIdNumber: string | null;
  actingName: string | null;
  actingRole: 'legal_rep' | 'agent' | null;
  phone: string | null;
  assurance: 'L1' | 'L2' | 'L3';
  passwordHash: string;
  passwordMustChange: boolean;
  failedCount: number;
  lockedUntil: Date | null;
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number;
  status: 'active' | 'disabled';
  createdAt: Date;
}

export type NewAccount = Omit<AccountRow, 'failedCount' | 'lockedUntil' | 'totpSecret' | 'totpEnabled' | 'totpLastStep' | 'status'>;

const ACCOUNT_SELECT = `SELECT id::text, kind, login, display_name AS "displayName", id_number AS "idNumber", uscc,
  acting_id_number AS "actingIdNumber", acting_name AS "actingName", acting_role AS "actingRole", phone, assurance,
  password_hash AS "passwordHash", password_must_change AS "passwordMustChange", failed_count AS "failedCount",
  locked_until AS "lockedUntil", totp_secret AS "totpSecret", totp_enabled AS "totpEnabled",
  totp_last_step::float8 AS "totpLastStep", status, created_at AS "createdAt" FROM identity_accounts`;

export interface SessionRow {
  tokenHash: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  restriction: 'password_change' | 'totp_enrolment' | 'totp' | null;
}

export interface ApiKeyRow {
  id: string;
  ownerId: string;
  name: string;
  secretHash: string;
  permissions: string[];
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const API_KEY_SELECT = `SELECT id, owner_id::text AS "ownerId", name, secret_hash AS "secretHash", permissions, created_at AS "createdAt",
  expires_at AS "expiresAt", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt" FROM identity_api_keys`;

export interface UnitRow {
  code: string;
  name: string;
  kind: 'city' | 'department' | 'district' | 'town' | 'community' | 'grid';
  parentCode: string | null;
}

export interface RoleRow {
  name: string;
  titleZh: string;
  titleEn: string;
  permissions: string[];
  duty: 'system' | 'security' | 'audit' | null;
  builtin: boolean;
}

export interface GrantRow {
  accountId: string;
  role: string;
  scopeUnit: string;
  grantedAt: Date;
  grantedBy: string;
}

export function createIdentityStore(db: Database) {
  const one = async <T>(q: Queryable, sql: string, params: unknown[]): Promise<T | undefined> => (await q.query<T>(sql, params)).rows[0];
  return {
    async insertAccount(a: NewAccount, q: Queryable = db): Promise<void> {
      await q.query(
        `INSERT INTO identity_accounts (id, kind, login, display_name, id_number, uscc, acting_id_number, acting_name, acting_role, phone,
           assurance, password_hash, password_must_change, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
        [a.id, a.kind, a.login, a.displayName, a.idNumber, a.uscc, a.actingIdNumber, a.actingName, a.actingRole, a.phone, a.assurance, a.passwordHash, a.passwordMustChange, a.createdAt],
      );
    },
    accountByLogin: (login: string, q: Queryable = db) => one<AccountRow>(q, `${ACCOUNT_SELECT} WHERE login = $1`, [login]),
    accountById: (id: string, q: Queryable = db) => one<AccountRow>(q, `${ACCOUNT_SELECT} WHERE id = $1`, [id]),
    async listAccounts(f: { kind?: AccountKind; unit?: string; q?: string; limit: number; offset: number }): Promise<AccountRow[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.kind) where.push(`kind = $${params.push(f.kind)}`);
      if (f.unit) where.push(`id IN (SELECT account_id FROM identity_memberships WHERE unit_code = $${params.push(f.unit)})`);
      if (f.q) where.push(`(login LIKE $${params.push(`%${f.q.replace(/[%_\\]/g, '\\$&')}%`)} OR display_name LIKE $${params.length})`);
      const sql = `${ACCOUNT_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY kind, login LIMIT ${f.limit} OFFSET ${f.offset}`;
      return (await db.query<AccountRow>(sql, params)).rows;
    },
    /** Count a failed sign-in; lock when it reaches `max`. Returns the new state. */
    async recordFailure(id: string, now: Date, max: number, lockMs: number, q: Queryable = db) {
      return one<{ failedCount: number; lockedUntil: Date | null }>(
        q,
        `UPDATE identity_accounts SET failed_count = CASE WHEN failed_count + 1 >= $2 THEN 0 ELSE failed_count + 1 END,
           locked_until = CASE WHEN failed_count + 1 >= $2 THEN $3::timestamptz + ($4 || ' milliseconds')::interval ELSE locked_until END
         WHERE id = $1 RETURNING failed_count AS "failedCount", locked_until AS "lockedUntil"`,
        [id, max, now, String(lockMs)],
      );
    },
    async resetFailures(id: string, q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_accounts SET failed_count = 0, locked_until = NULL WHERE id = $1', [id]);
    },
    async setLock(id: string, until: Date | null, q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_accounts SET locked_until = $2, failed_count = 0 WHERE id = $1', [id, until]);
    },
    async setStatus(id: string, status: AccountRow['status'], q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_accounts SET status = $2 WHERE id = $1', [id, status]);
    },
    async setPassword(id: string, hash: string, mustChange: boolean, q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_accounts SET password_hash = $2, password_must_change = $3 WHERE id = $1', [id, hash, mustChange]);
    },
    async setTotp(id: string, secret: string | null, enabled: boolean, q: Queryable = db): Promise<void> {
      await q.query(
        `UPDATE identity_accounts SET totp_secret = $2, totp_enabled = $3, totp_last_step = 0,
           assurance = CASE WHEN $3 AND assurance = 'L2' THEN 'L3' ELSE assurance END WHERE id = $1`,
        [id, secret, enabled],
      );
    },
    /** Record the TOTP step just used; false if it was already used (a replay racing this one). */
    async useTotpStep(id: string, step: number, q: Queryable = db): Promise<boolean> {
      const r = await q.query('UPDATE identity_accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2', [id, step]);
      return r.rowCount === 1;
    },

    async insertSession(s: SessionRow, q: Queryable = db): Promise<void> {
      await q.query('INSERT INTO identity_sessions (token_hash, account_id, created_at, expires_at, last_seen_at, restriction) VALUES ($1,$2,$3,$4,$5,$6)', [
        s.tokenHash, s.accountId, s.createdAt, s.expiresAt, s.lastSeenAt, s.restriction,
      ]);
    },
    /** A session with its account and grants in one round trip (the access hook's hot path). */
    sessionWithAccount: async (tokenHash: string) => {
      const row = await one<SessionRow & { kind: AccountKind; login: string; displayName: string; status: string; grants: Grant[] | string }>(
        db,
        `SELECT s.token_hash AS "tokenHash", s.account_id::text AS "accountId", s.created_at AS "createdAt", s.expires_at AS "expiresAt",
           s.last_seen_at AS "lastSeenAt", s.restriction, a.kind, a.login, a.display_name AS "displayName", a.status,
           COALESCE((SELECT json_agg(json_build_object('role', g.role, 'scopeUnit', g.scope_unit, 'permissions', r.permissions) ORDER BY g.role, g.scope_unit)
             FROM identity_role_grants g JOIN identity_roles r ON r.name = g.role WHERE g.account_id = s.account_id), '[]'::json) AS grants
         FROM identity_sessions s JOIN identity_accounts a ON a.id = s.account_id WHERE s.token_hash = $1`,
        [tokenHash],
      );
      return row && { ...row, grants: typeof row.grants === 'string' ? (JSON.parse(row.grants) as Grant[]) : row.grants };
    },
    async touchSession(tokenHash: string, at: Date): Promise<void> {
      await db.query('UPDATE identity_sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, at]);
    },
    async setSessionRestriction(tokenHash: string, restriction: SessionRow['restriction'], q: Queryable = db): Promise<void> {
      await q.query('UPDATE identity_sessions SET restriction = $2 WHERE token_hash = $1', [tokenHash, restriction]);
    },
    async deleteSession(tokenHash: string, q: Queryable = db): Promise<void> {
      await q.query('DELETE FROM identity_sessions WHERE token_hash = $1', [tokenHash]);
    },
    async deleteSessionsOf(accountId: string, except: string | null, q: Queryable = db): Promise<void> {
      await q.query('DELETE FROM identity_sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2', [accountId, except]);
    },

    async upsertOtp(accountId: string, purpose: string, codeHash: string, expiresAt: Date): Promise<void> {
      await db.query(
        `INSERT INTO identity_otp_codes (account_id, purpose, code_hash, expires_at) VALUES ($1,$2,$3,$4)
         ON CONFLICT (account_id, purpose) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0`,
        [accountId, purpose, codeHash, expiresAt],
      );
    },
    /** Count an attempt and return the code (before this attempt's count). */
    attemptOtp: (accountId: string, purpose: string, q: Queryable = db) =>
      one<{ codeHash: string; expiresAt: Date; attempts: number }>(
        q,
        `UPDATE identity_otp_codes SET attempts = attempts + 1 WHERE account_id = $1 AND purpose = $2
         RETURNING code_hash AS "codeHash", expires_at AS "expiresAt", attempts - 1 AS attempts`,
        [accountId, purpose],
      ),
    async deleteOtp(accountId: string, purpose: string, q: Queryable = db): Promise<void> {
      await q.query('DELETE FROM identity_otp_codes WHERE account_id = $1 AND purpose = $2', [accountId, purpose]);
    },

    async insertApiKey(k: Omit<ApiKeyRow, 'revokedAt' | 'lastUsedAt'>, q: Queryable = db): Promise<void> {
      await q.query('INSERT INTO identity_api_keys (id, owner_id, name, secret_hash, permissions, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        k.id, k.ownerId, k.name, k.secretHash, k.permissions, k.createdAt, k.expiresAt,
      ]);
    },
    apiKey: (id: string, q: Queryable = db) => one<ApiKeyRow>(q, `${API_KEY_SELECT} WHERE id = $1`, [id]),
    apiKeys: async (ownerId: string | undefined) =>
      (await db.query<ApiKeyRow>(`${API_KEY_SELECT}${ownerId ? ' WHERE owner_id = $1' : ''} ORDER BY created_at DESC`, ownerId ? [ownerId] : [])).rows,
    async revokeApiKey(id: string, at: Date, q: Queryable = db): Promise<boolean> {
      return (await q.query('UPDATE identity_api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at])).rowCount === 1;
    },
    async touchApiKey(id: string, at: Date): Promise<void> {
      await db.query('UPDATE identity_api_keys SET last_used_at = $2 WHERE id = $1', [id, at]);
    },

    async upsertUnits(units: readonly UnitRow[], q: Queryable = db): Promise<void> {
      for (const u of units) {
        await q.query(
          'INSERT INTO identity_units (code, name, kind, parent_code) VALUES ($1,$2,$3,$4) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name',
          [u.code, u.name, u.kind, u.parentCode],
        );
      }
    },
    unit: (code: string, q: Queryable = db) => one<UnitRow>(q, 'SELECT code, name, kind, parent_code AS "parentCode" FROM identity_units WHERE code = $1', [code]),
    units: async (parent: string | null) =>
      (await db.query<UnitRow & { children: number; members: number }>(
        `SELECT u.code, u.name, u.kind, u.parent_code AS "parentCode",
           (SELECT count(*)::int FROM identity_units c WHERE c.parent_code = u.code) AS children,
           (SELECT count(*)::int FROM identity_memberships m WHERE m.unit_code = u.code) AS members
         FROM identity_units u WHERE u.parent_code IS NOT DISTINCT FROM $1 ORDER BY u.kind, u.code`,
        [parent],
      )).rows,
    async addMembership(accountId: string, unit: string, q: Queryable = db): Promise<void> {
      await q.query('INSERT INTO identity_memberships (account_id, unit_code) VALUES ($1,$2) ON CONFLICT DO NOTHING', [accountId, unit]);
    },
    membershipsOf: async (accountId: string) =>
      (await db.query<{ code: string; name: string }>(
        'SELECT u.code, u.name FROM identity_memberships m JOIN identity_units u ON u.code = m.unit_code WHERE m.account_id = $1 ORDER BY u.code',
        [accountId],
      )).rows,

    async upsertRole(r: RoleRow, q: Queryable = db): Promise<void> {
      await q.query(
        `INSERT INTO identity_roles (name, title_zh, title_en, permissions, duty, builtin) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (name) DO UPDATE SET title_zh = EXCLUDED.title_zh, title_en = EXCLUDED.title_en, permissions = EXCLUDED.permissions`,
        [r.name, r.titleZh, r.titleEn, r.permissions, r.duty, r.builtin],
      );
    },
    role: (name: string, q: Queryable = db) =>
      one<RoleRow>(q, 'SELECT name, title_zh AS "titleZh", title_en AS "titleEn", permissions, duty, builtin FROM identity_roles WHERE name = $1', [name]),
    roles: async () =>
      (await db.query<RoleRow & { holders: number }>(
        `SELECT name, title_zh AS "titleZh", title_en AS "titleEn", permissions, duty, builtin,
           (SELECT count(DISTINCT account_id)::int FROM identity_role_grants g WHERE g.role = r.name) AS holders
         FROM identity_roles r ORDER BY builtin DESC, name`,
      )).rows,
    async deleteRole(name: string, q: Queryable = db): Promise<void> {
      await q.query('DELETE FROM identity_role_grants WHERE role = $1', [name]);
      await q.query('DELETE FROM identity_roles WHERE name = $1', [name]);
    },

    /** The grants of an account with their roles' permissions (what the access hook needs). */
    grantsOf: async (accountId: string, q: Queryable = db): Promise<Grant[]> =>
      (await q.query<Grant>(
        `SELECT g.role, g.scope_unit AS "scopeUnit", r.permissions FROM identity_role_grants g JOIN identity_roles r ON r.name = g.role
         WHERE g.account_id = $1 ORDER BY g.role, g.scope_unit`,
        [accountId],
      )).rows,
    /** Duties (三员) the account holds, locking its grant rows so two concurrent grants cannot both pass. */
    dutiesOf: async (accountId: string, q: Queryable) =>
      (await q.query<{ duty: string }>(
        `SELECT r.duty FROM identity_accounts a LEFT JOIN identity_role_grants g ON g.account_id = a.id LEFT JOIN identity_roles r ON r.name = g.role
         WHERE a.id = $1 FOR UPDATE OF a`,
        [accountId],
      )).rows.map((r) => r.duty).filter((d): d is string => d !== null),
    async insertGrant(g: GrantRow, q: Queryable = db): Promise<boolean> {
      const r = await q.query('INSERT INTO identity_role_grants (account_id, role, scope_unit, granted_at, granted_by) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING', [
        g.accountId, g.role, g.scopeUnit, g.grantedAt, g.grantedBy,
      ]);
      return r.rowCount === 1;
    },
    async deleteGrant(accountId: string, role: string, scopeUnit: string, q: Queryable = db): Promise<boolean> {
      const r = await q.query('DELETE FROM identity_role_grants WHERE account_id = $1 AND role = $2 AND scope_unit = $3', [accountId, role, scopeUnit]);
      return r.rowCount === 1;
    },
    holdersOfDuty: async (duty: string) =>
      (await db.query<{ count: number }>('SELECT count(*)::int AS count FROM identity_role_grants g JOIN identity_roles r ON r.name = g.role WHERE r.duty = $1', [duty])).rows[0]?.count ?? 0,
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
