-- 单点登录 single sign-on: the OpenID Connect provider's state, its registered clients and its keys.

-- Everything oidc-provider persists (sessions, grants, interactions, authorization codes, access
-- and refresh tokens, …), one row per artefact. expires_at is honoured on read; consumed_at marks
-- a used authorization code (a second use is refused and revokes the grant).
CREATE TABLE identity_oidc_state (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX identity_oidc_state_grant_idx ON identity_oidc_state (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX identity_oidc_state_uid_idx ON identity_oidc_state (uid) WHERE uid IS NOT NULL;
CREATE INDEX identity_oidc_state_expiry_idx ON identity_oidc_state (expires_at);

-- 应用接入 relying parties: a department's application registered by an administrator.
-- scopes is the allow-list (id_number and uscc release personal identifiers). The secret of a
-- confidential client is stored because the provider compares it (client_secret_basic/post).
CREATE TABLE identity_oidc_clients (
  client_id text PRIMARY KEY,
  name text NOT NULL,
  owner_unit text NOT NULL REFERENCES identity_units (code),
  confidential boolean NOT NULL,
  secret text,
  redirect_uris text[] NOT NULL,
  post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
  backchannel_logout_uri text,
  scopes text[] NOT NULL,
  first_party boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  secret_rotated_at timestamptz
);

-- Signing keys (JWKS), cookie keys and the pairwise-subject salt: generated on first start, kept.
CREATE TABLE identity_oidc_keys (
  name text PRIMARY KEY,
  value jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
