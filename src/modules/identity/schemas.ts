// TypeBox schemas of the identity routes (they also produce the OpenAPI document).
import { Type, type Static } from '@sinclair/typebox';
import { PERMISSION_PATTERN } from './permissions.ts';

export const IdNumber = Type.String({ pattern: '^([0-9]{17}[0-9Xx]|[0-9]{15})$', description: '居民身份证号码' });
export const Uscc = Type.String({ pattern: '^[0-9A-Za-z]{18}$', description: '统一社会信用代码' });
const Name = Type.String({ minLength: 1, maxLength: 50 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
export const Permission = Type.String({ pattern: PERMISSION_PATTERN, maxLength: 100 });
const Login = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });

export const AccountSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('person'), Type.Literal('legal'), Type.Literal('staff')]),
  login: Type.String(),
  displayName: Type.String(),
  assurance: Type.Union([Type.Literal('L1'), Type.Literal('L2'), Type.Literal('L3')], { description: 'L2 实名核验 passed; L3 plus a second factor' }),
  acting: Type.Union([Type.Null(), Type.Object({ idNumber: Type.String(), name: Type.String(), role: Type.Union([Type.Literal('legal_rep'), Type.Literal('agent')]) })]),
  totpEnabled: Type.Boolean(),
  locked: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.String(),
});

export const GrantSchema = Type.Object({ role: Type.String(), scopeUnit: Type.String(), permissions: Type.Array(Type.String()) });
export const Restriction = Type.Union([Type.Null(), Type.Literal('password_change'), Type.Literal('totp_enrolment'), Type.Literal('totp')]);

export const MeSchema = Type.Object({
  account: AccountSchema,
  via: Type.Union([Type.Literal('session'), Type.Literal('api_key')]),
  restriction: Restriction,
  grants: Type.Array(GrantSchema),
  units: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
});

export const RegisterPersonBody = Type.Object({ idNumber: IdNumber, name: Name, password: Password }, { additionalProperties: false });
export const RegisterLegalBody = Type.Object(
  { uscc: Uscc, actingIdNumber: IdNumber, actingName: Name, actingRole: Type.Union([Type.Literal('legal_rep'), Type.Literal('agent')]), password: Password },
  { additionalProperties: false },
);
export const SignInBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }), password: Password }, { additionalProperties: false });
export const SessionSchema = Type.Object({ account: AccountSchema, restriction: Restriction, expiresAt: Type.String() });
export const CodeBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });
export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false });
export const TotpEnrolSchema = Type.Object({ secret: Type.String(), uri: Type.String() });
export const ResetRequestBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const ResetConfirmBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 64 }), code: Type.String({ pattern: '^[0-9]{6}$' }), newPassword: Password }, { additionalProperties: false });
export const RestrictionResult = Type.Object({ restriction: Restriction });

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  ownerId: Type.String(),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});
export const CreateApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), permissions: Type.Array(Permission, { minItems: 1, maxItems: 50 }), expiresInDays: Type.Integer({ minimum: 1, maximum: 366 }) },
  { additionalProperties: false },
);
export const CreatedApiKeySchema = Type.Object({ key: Type.String({ description: 'shown once; send as Authorization: Bearer <key>' }), apiKey: ApiKeySchema });
export const KeyIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9]{12}$' }) });

export const AccountListQuery = Type.Object({
  kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('legal'), Type.Literal('staff')])),
  unit: Type.Optional(Type.String({ maxLength: 20 })),
  q: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const AccountIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const CreateStaffBody = Type.Object(
  { login: Login, name: Name, idNumber: Type.Optional(IdNumber), units: Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
);
export const CreatedStaffSchema = Type.Object({ account: AccountSchema, oneTimePassword: Type.String({ description: 'shown once; must be changed at first sign-in' }) });
export const AccountDetailSchema = Type.Object({ account: AccountSchema, grants: Type.Array(GrantSchema), units: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) });
export const GrantBody = Type.Object({ role: Type.String({ minLength: 1, maxLength: 64 }), scopeUnit: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false });

export const UnitKind = Type.Union([Type.Literal('city'), Type.Literal('department'), Type.Literal('district'), Type.Literal('town'), Type.Literal('community'), Type.Literal('grid')]);
export const UnitSchema = Type.Object({ code: Type.String(), name: Type.String(), kind: UnitKind, parentCode: Type.Union([Type.String(), Type.Null()]), children: Type.Integer(), members: Type.Integer() });
export const UnitQuery = Type.Object({ parent: Type.Optional(Type.String({ maxLength: 20, description: 'children of this unit; the root when absent' })) });
export const CreateUnitBody = Type.Object(
  { code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }), name: Name, kind: Type.Literal('department'), parentCode: Type.String({ maxLength: 20 }) },
  { additionalProperties: false },
);
export const RoleSchema = Type.Object({
  name: Type.String(),
  titleZh: Type.String(),
  titleEn: Type.String(),
  permissions: Type.Array(Type.String()),
  duty: Type.Union([Type.Null(), Type.Literal('system'), Type.Literal('security'), Type.Literal('audit')]),
  builtin: Type.Boolean(),
  holders: Type.Optional(Type.Integer()),
});
export const RoleBody = Type.Object(
  { name: Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' }), titleZh: Name, titleEn: Name, permissions: Type.Array(Permission, { maxItems: 100 }) },
  { additionalProperties: false },
);
export const RoleParams = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' }) });

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(), at: Type.String(), actor: Type.String(), action: Type.String(), target: Type.String(),
  outcome: Type.String(), details: Type.Record(Type.String(), Type.Unknown()), prevHash: Type.String(), hash: Type.String(),
});
export const AuditQuerySchema = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'exact, or a prefix ending in *' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
  target: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
export const AuditVerifySchema = Type.Object({
  ok: Type.Boolean(), entries: Type.Integer(), headHash: Type.Optional(Type.String()),
  firstBadSeq: Type.Optional(Type.Integer()), problem: Type.Optional(Type.String()), message: Type.Optional(Type.String()),
});

export type AuditQueryInput = Static<typeof AuditQuerySchema>;
