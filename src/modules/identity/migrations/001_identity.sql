-- 一号通行 identity: accounts (natural persons, legal persons, staff), server-side sessions,
-- API keys, the org tree, roles and role grants.

-- Accounts. login is what the person types: the resident ID number (person), the unified social
-- credit code (legal person) or a user name (staff). assurance: L2 = name and number matched
-- against the city's base data (实名核验); L3 = L2 plus an enrolled second factor.
CREATE TABLE identity_accounts (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('person', 'legal', 'staff')),
  login text NOT NULL UNIQUE,
  display_name text NOT NULL,
  id_number text,
  uscc text,
  acting_id_number text,
  acting_name text,
  acting_role text CHECK (acting_role IN ('legal_rep', 'agent')),
  phone text,
  assurance text NOT NULL CHECK (assurance IN ('L1', 'L2', 'L3')),
  password_hash text NOT NULL,
  password_must_change boolean NOT NULL DEFAULT false,
  failed_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  totp_last_step bigint NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at timestamptz NOT NULL
);
CREATE INDEX identity_accounts_kind_idx ON identity_accounts (kind, display_name);

-- Sessions: only the SHA-256 of the cookie token is stored. restriction: what must happen before
-- the session may do anything but manage itself (change a one-time password, enrol TOTP).
CREATE TABLE identity_sessions (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  restriction text CHECK (restriction IN ('password_change', 'totp_enrolment', 'totp'))
);
CREATE INDEX identity_sessions_account_idx ON identity_sessions (account_id);

-- One-time codes sent over a message channel (password reset); only the hash is kept.
CREATE TABLE identity_otp_codes (
  account_id uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
  purpose text NOT NULL,
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, purpose)
);

-- API keys for machine clients. The key is `cbk_<id>_<secret>`; only SHA-256(secret) is stored.
CREATE TABLE identity_api_keys (
  id text PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  secret_hash text NOT NULL,
  permissions text[] NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX identity_api_keys_owner_idx ON identity_api_keys (owner_id);

-- 组织机构 org tree: departments (委办局) and the city's divisions (区县, 镇街, 村社区).
CREATE TABLE identity_units (
  code text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('city', 'department', 'district', 'town', 'community', 'grid')),
  parent_code text REFERENCES identity_units (code)
);
CREATE INDEX identity_units_parent_idx ON identity_units (parent_code);

CREATE TABLE identity_memberships (
  account_id uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
  unit_code text NOT NULL REFERENCES identity_units (code),
  PRIMARY KEY (account_id, unit_code)
);

-- Roles hold permission patterns (`iot.device.write`, `city.*.read`, `catalog.*`). duty marks
-- the three built-in administrator roles of 三员分立 (separation of duties).
CREATE TABLE identity_roles (
  name text PRIMARY KEY,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  permissions text[] NOT NULL,
  duty text UNIQUE CHECK (duty IN ('system', 'security', 'audit')),
  builtin boolean NOT NULL DEFAULT false
);

-- A grant of a role to an account, optionally scoped to a unit (department or region).
CREATE TABLE identity_role_grants (
  account_id uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
  role text NOT NULL REFERENCES identity_roles (name),
  scope_unit text NOT NULL DEFAULT '',
  granted_at timestamptz NOT NULL,
  granted_by text NOT NULL,
  PRIMARY KEY (account_id, role, scope_unit)
);
