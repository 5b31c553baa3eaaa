// HTTP routes of the catalog, registered under /api/catalog. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/index.ts';
import {
  FromTemplateSchema, LibraryListSchema, RESOURCE_CODE_PATTERN, ResourceInputSchema, ResourceListSchema, ResourceQuerySchema, ResourceSchema,
  ResourceUpdateSchema, TemplateListSchema, VersionDiffSchema, VersionListSchema,
} from './schemas.ts';
import type { Actor, CatalogService } from './service.ts';

const tags = ['catalog'];
const CodeParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }) });
const VersionParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }), version: Type.Integer({ minimum: 1 }) });
const DiffParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }), a: Type.Integer({ minimum: 1 }), b: Type.Integer({ minimum: 1 }) });

/** The caller as the identity module's access hook sets it (`request.principal`); `anonymous` without one. */
export function actorOf(request: FastifyRequest): Actor {
  const p = (request as unknown as { principal?: { accountId?: unknown; apiKeyId?: unknown } }).principal;
  if (typeof p?.apiKeyId === 'string') return { id: `apikey:${p.apiKeyId}` };
  return { id: typeof p?.accountId === 'string' && p.accountId !== '' ? p.accountId : 'anonymous' };
}

export function catalogRoutes(service: CatalogService) {
  return (app: HttpApp): void => {
    app.get(
      '/resources',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'Search the catalog (Chinese partial words) with filters', querystring: ResourceQuerySchema, response: { 200: ResourceListSchema } } },
      (request) => service.search(request.query),
    );
    app.post(
      '/resources',
      { config: { permission: 'catalog.resource.write', idempotent: true }, schema: { tags, summary: 'Catalogue a resource (version 1)', body: ResourceInputSchema, response: { 201: ResourceSchema } } },
      async (request, reply) => reply.status(201).send(await service.create(request.body, actorOf(request))),
    );
    app.get(
      '/resources/:code',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'A resource with its data items', params: CodeParams, response: { 200: ResourceSchema } } },
      (request) => service.get(request.params.code),
    );
    app.put(
      '/resources/:code',
      { config: { permission: 'catalog.resource.write' }, schema: { tags, summary: 'Change a resource; the change is kept as a new version', params: CodeParams, body: ResourceUpdateSchema, response: { 200: ResourceSchema } } },
      (request) => service.update(request.params.code, request.body, actorOf(request)),
    );
    app.get(
      '/resources/:code/versions',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'Every version of a resource', params: CodeParams, response: { 200: VersionListSchema } } },
      (request) => service.versions(request.params.code),
    );
    app.get(
      '/resources/:code/versions/:version',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'A resource as it was at a version', params: VersionParams, response: { 200: Type.Record(Type.String(), Type.Unknown()) } } },
      (request) => service.version(request.params.code, request.params.version),
    );
    app.get(
      '/resources/:code/versions/:a/diff/:b',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'Field-level difference between two versions', params: DiffParams, response: { 200: VersionDiffSchema } } },
      (request) => service.diff(request.params.code, request.params.a, request.params.b),
    );
    app.get(
      '/libraries',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'The six base libraries and the theme libraries with their resource counts', response: { 200: LibraryListSchema } } },
      () => service.libraries(),
    );
    app.get(
      '/templates',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'Theme-library templates', response: { 200: TemplateListSchema } } },
      () => service.templates(),
    );
    app.post(
      '/resources/from-template',
      { config: { permission: 'catalog.resource.write', idempotent: true }, schema: { tags, summary: 'Create a theme-library resource from a template', body: FromTemplateSchema, response: { 201: ResourceSchema } } },
      async (request, reply) => reply.status(201).send(await service.createFromTemplate(request.body, actorOf(request))),
    );
  };
}
