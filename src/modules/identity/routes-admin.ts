// Administration routes under /api/identity: accounts, units, roles, API keys, the audit log.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/index.ts';
import { who } from './routes-self.ts';
import {
  AccountDetailSchema, AccountIdParams, AccountListQuery, AccountSchema, ApiKeySchema, AuditEntrySchema, AuditQuerySchema, AuditVerifySchema,
  CreateStaffBody, CreatedStaffSchema, CreateUnitBody, GrantBody, KeyIdParams, RoleBody, RoleParams, RoleSchema, UnitQuery, UnitSchema,
} from './schemas.ts';
import type { IdentityService } from './service.ts';

const tags = ['identity'];
const Ok = Type.Object({ ok: Type.Boolean() });

export function adminRoutes(service: IdentityService) {
  return (app: HttpApp): void => {
    app.get('/accounts', { config: { audit: 'self', permission: 'identity.account.read' }, schema: { tags, summary: 'Accounts (people, legal persons, staff)', querystring: AccountListQuery, response: { 200: Type.Array(AccountSchema) } } },
      (request) => service.listAccounts(request.query));
    app.get('/accounts/:id', { config: { audit: 'self', permission: 'identity.account.read' }, schema: { tags, summary: 'An account with its roles and units', params: AccountIdParams, response: { 200: AccountDetailSchema } } },
      (request) => service.accountDetail(request.params.id));
    app.post('/accounts', { config: { audit: 'self', permission: 'identity.account.write', idempotent: true }, schema: { tags, summary: 'Create a staff account (one-time password shown once)', body: CreateStaffBody, response: { 201: CreatedStaffSchema } } },
      async (request, reply) => reply.status(201).send(await service.accounts.createStaff(request.body, who(request).accountId)));
    app.post('/accounts/:id/unlock', { config: { audit: 'self', permission: 'identity.account.lock' }, schema: { tags, summary: 'Unlock an account locked after failed sign-ins', params: AccountIdParams, response: { 200: AccountSchema } } },
      (request) => service.unlock(who(request), request.params.id));
    app.post('/accounts/:id/status', { config: { audit: 'self', permission: 'identity.account.write' }, schema: { tags, summary: 'Disable (sessions, API keys and single sign-on tokens stop working) or re-enable an account', params: AccountIdParams, body: Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]) }, { additionalProperties: false }), response: { 200: AccountSchema } } },
      (request) => service.setStatus(who(request), request.params.id, request.body.status));
    app.post('/accounts/:id/grants', { config: { audit: 'self', permission: 'identity.role.grant' }, schema: { tags, summary: 'Grant a role, optionally scoped to a unit (三员分立 enforced)', params: AccountIdParams, body: GrantBody, response: { 200: AccountDetailSchema } } },
      async (request) => { await service.directory.grant(who(request), { accountId: request.params.id, ...request.body }); return service.accountDetail(request.params.id); });
    app.delete('/accounts/:id/grants', { config: { audit: 'self', permission: 'identity.role.grant' }, schema: { tags, summary: 'Revoke a role grant', params: AccountIdParams, body: GrantBody, response: { 200: AccountDetailSchema } } },
      async (request) => { await service.directory.revoke(who(request), { accountId: request.params.id, ...request.body }); return service.accountDetail(request.params.id); });

    app.get('/units', { config: { audit: 'self', permission: 'identity.unit.read' }, schema: { tags, summary: 'Units under a parent (org tree: departments, districts, towns, communities)', querystring: UnitQuery, response: { 200: Type.Array(UnitSchema) } } },
      (request) => service.directory.units(request.query.parent ?? null));
    app.post('/units', { config: { audit: 'self', permission: 'identity.unit.write', idempotent: true }, schema: { tags, summary: 'Add a department', body: CreateUnitBody, response: { 201: Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]) }) } } },
      async (request, reply) => reply.status(201).send(await service.directory.createUnit(who(request), request.body)));
    app.post('/units/sync-regions', { config: { audit: 'self', permission: 'identity.unit.write' }, schema: { tags, summary: 'Mirror the city’s districts, towns and communities into the org tree', response: { 200: Type.Object({ units: Type.Integer() }) } } },
      (request) => service.directory.syncRegions(who(request).accountId));

    app.get('/roles', { config: { audit: 'self', permission: 'identity.role.read' }, schema: { tags, summary: 'Roles and their permissions', response: { 200: Type.Array(RoleSchema) } } },
      () => service.directory.roles());
    app.post('/roles', { config: { audit: 'self', permission: 'identity.role.write', idempotent: true }, schema: { tags, summary: 'Create a role', body: RoleBody, response: { 201: RoleSchema } } },
      async (request, reply) => reply.status(201).send(await service.directory.saveRole(who(request), request.body, 'create')));
    app.put('/roles/:name', { config: { audit: 'self', permission: 'identity.role.write' }, schema: { tags, summary: 'Change a role’s titles and permissions', params: RoleParams, body: RoleBody, response: { 200: RoleSchema } } },
      (request) => service.directory.saveRole(who(request), { ...request.body, name: request.params.name }, 'update'));
    app.delete('/roles/:name', { config: { audit: 'self', permission: 'identity.role.write' }, schema: { tags, summary: 'Delete a custom role (and its grants)', params: RoleParams, response: { 200: Ok } } },
      async (request) => { await service.directory.deleteRole(who(request), request.params.name); return { ok: true }; });

    app.get('/api-keys', { config: { audit: 'self', permission: 'identity.apikey.admin' }, schema: { tags, summary: 'All API keys', response: { 200: Type.Array(ApiKeySchema) } } },
      () => service.apiKeys.list(undefined));
    app.delete('/api-keys/:id', { config: { audit: 'self', permission: 'identity.apikey.admin' }, schema: { tags, summary: 'Revoke any API key', params: KeyIdParams, response: { 200: ApiKeySchema } } },
      (request) => service.apiKeys.revoke(who(request), request.params.id, true));

    app.get('/audit', { config: { permission: 'audit.log.read' }, schema: { tags: ['audit'], summary: 'Search the audit log, newest first', querystring: AuditQuerySchema, response: { 200: Type.Array(AuditEntrySchema) } } },
      (request) => service.searchAudit(who(request), request.query));
    app.get('/audit.csv', { config: { audit: 'self', permission: 'audit.log.export' }, schema: { tags: ['audit'], summary: 'Export the audit log as CSV', querystring: AuditQuerySchema, produces: ['text/csv'] } },
      async (request, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(Readable.from(await service.exportAudit(who(request), request.query))));
    app.get('/audit/verify', { config: { permission: 'audit.log.read' }, schema: { tags: ['audit'], summary: 'Verify the SM3 hash chain of the audit log', response: { 200: AuditVerifySchema } } },
      (request) => service.verifyAudit(who(request)));
  };
}
