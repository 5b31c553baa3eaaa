// Calls to /api/identity. Cookies carry the session (same origin).
import { fetchJson } from '../../../app/api.ts';

export type Restriction = null | 'password_change' | 'totp_enrolment' | 'totp';

export interface Account {
  id: string;
  kind: 'person' | 'legal' | 'staff';
  login: string;
  displayName: string;
  assurance: 'L1' | 'L2' | 'L3';
  acting?: { idNumber: string; name: string; role: 'legal_rep' | 'agent' } | null;
  totpEnabled: boolean;
  locked: boolean;
  status: string;
  createdAt: string;
}
export interface Grant {
  role: string;
  scopeUnit: string;
  permissions: string[];
}
export interface MyApplication {
  clientId: string;
  name: string;
  ownerUnit: string;
  scopes: string[];
  grantedAt: string | null;
}
export interface Me {
  account: Account;
  restriction: Restriction;
  grants: Grant[];
  units: Array<{ code: string; name: string }>;
}
export interface Unit {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
  children: number;
  members: number;
}
export interface Role {
  name: string;
  titleZh: string;
  titleEn: string;
  permissions: string[];
  duty: 'system' | 'security' | 'audit' | null;
  builtin: boolean;
  holders?: number;
}
export interface ApiKey {
  id: string;
  name: string;
  permissions: string[];
  expiresAt: string;
  lastUsedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  details: Record<string, unknown>;
  hash: string;
}

export interface OidcClient {
  clientId: string;
  name: string;
  ownerUnit: string;
  confidential: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  scopes: string[];
  firstParty: boolean;
  status: 'active' | 'disabled';
  createdAt: string;
}
export interface ClientInput {
  name: string;
  ownerUnit: string;
  confidential: boolean;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string;
  scopes: string[];
}
export interface InteractionDetails {
  uid: string;
  /** 'login' or 'consent' */
  prompt: string;
  client: { clientId: string; name: string; ownerUnit: string };
  scopes: string[];
  signedIn: { displayName: string; login: string } | null;
}

/** Where the console's single sign-on starts (code + PKCE through the OpenID Connect provider). */
export const ssoStartUrl = (returnTo: string) => `/api/identity/sso/start?return=${encodeURIComponent(returnTo)}`;

const interaction = (uid: string, step: string) =>
  fetchJson<{ redirectTo: string }>(`/oidc/interaction/${encodeURIComponent(uid)}/${step}`, { method: 'POST' });

export const oidcApi = {
  details: (uid: string, signal?: AbortSignal) => fetchJson<InteractionDetails>(`/oidc/interaction/${encodeURIComponent(uid)}/details`, { signal }),
  login: (uid: string) => interaction(uid, 'login'),
  confirm: (uid: string) => interaction(uid, 'confirm'),
  abort: (uid: string) => interaction(uid, 'abort'),
};

const base = '/api/identity';
const send = <T>(method: string, path: string, body?: unknown) =>
  fetchJson<T>(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

export const identityApi = {
  me: (signal?: AbortSignal) => fetchJson<Me>(`${base}/me`, { signal }),
  signIn: (login: string, password: string) => send<{ restriction: Restriction }>('POST', '/session', { login, password }),
  signOut: () => send<{ ok: boolean }>('DELETE', '/session'),
  presentTotp: (code: string) => send<{ restriction: Restriction }>('POST', '/session/totp', { code }),
  changePassword: (currentPassword: string, newPassword: string) => send<{ restriction: Restriction }>('POST', '/me/password', { currentPassword, newPassword }),
  beginTotp: () => send<{ secret: string; uri: string }>('POST', '/me/totp'),
  confirmTotp: (code: string) => send<{ restriction: Restriction }>('POST', '/me/totp/confirm', { code }),
  units: (parent: string | undefined, signal?: AbortSignal) => fetchJson<Unit[]>(`${base}/units${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`, { signal }),
  accounts: (q: { unit?: string; q?: string }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ limit: '200' });
    if (q.unit) params.set('unit', q.unit);
    if (q.q) params.set('q', q.q);
    return fetchJson<Account[]>(`${base}/accounts?${params.toString()}`, { signal });
  },
  account: (id: string) => fetchJson<{ account: Account; grants: Grant[] }>(`${base}/accounts/${id}`),
  createStaff: (body: { login: string; name: string; idNumber?: string; units: string[] }) => send<{ account: Account; oneTimePassword: string }>('POST', '/accounts', body),
  unlock: (id: string) => send<Account>('POST', `/accounts/${id}/unlock`),
  setAccountStatus: (id: string, status: 'active' | 'disabled') => send<Account>('POST', `/accounts/${id}/status`, { status }),
  grant: (id: string, role: string, scopeUnit?: string) => send('POST', `/accounts/${id}/grants`, { role, ...(scopeUnit ? { scopeUnit } : {}) }),
  roles: (signal?: AbortSignal) => fetchJson<Role[]>(`${base}/roles`, { signal }),
  createRole: (body: { name: string; titleZh: string; titleEn: string; permissions: string[] }) => send<Role>('POST', '/roles', body),
  deleteRole: (name: string) => send('DELETE', `/roles/${name}`),
  myKeys: (signal?: AbortSignal) => fetchJson<ApiKey[]>(`${base}/me/api-keys`, { signal }),
  createKey: (body: { name: string; permissions: string[]; expiresInDays: number }) => send<{ key: string; apiKey: ApiKey }>('POST', '/me/api-keys', body),
  revokeKey: (id: string) => send<ApiKey>('DELETE', `/me/api-keys/${id}`),
  audit: (q: Record<string, string>, signal?: AbortSignal) => fetchJson<AuditEntry[]>(`${base}/audit?${new URLSearchParams(q).toString()}`, { signal }),
  auditCsvUrl: (q: Record<string, string>) => `${base}/audit.csv?${new URLSearchParams(q).toString()}`,
  clients: (signal?: AbortSignal) => fetchJson<OidcClient[]>(`${base}/clients`, { signal }),
  registerClient: (body: ClientInput) => send<{ client: OidcClient; clientSecret: string | null }>('POST', '/clients', body),
  rotateClientSecret: (id: string) => send<{ client: OidcClient; clientSecret: string | null }>('POST', `/clients/${id}/secret`),
  setClientStatus: (id: string, status: 'active' | 'disabled') => send<OidcClient>('POST', `/clients/${id}/status`, { status }),
  registerPerson: (body: { idNumber: string; name: string; password: string }) => send<Account>('POST', '/register/person', body),
  registerLegal: (body: { uscc: string; actingIdNumber: string; actingName: string; actingRole: 'legal_rep' | 'agent'; password: string }) => send<Account>('POST', '/register/legal', body),
  myApplications: (signal?: AbortSignal) => fetchJson<MyApplication[]>(`${base}/me/applications`, { signal }),
  revokeApplication: (clientId: string) => send<{ ok: boolean }>('DELETE', `/me/applications/${encodeURIComponent(clientId)}`),
  verifyAudit: () => fetchJson<{ ok: boolean; entries: number; message?: string }>(`${base}/audit/verify`),
};
