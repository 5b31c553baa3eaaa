// HTTP routes of the catalog, registered under /api/catalog. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/index.ts';
import type { ListsService } from './lists-service.ts';
import {
  FromTemplateSchema, ListCurrentSchema, ListDiffSchema, ListExportQuery, ListKindSchema, ListSummarySchema, ListVersionMetaSchema, ListVersionSchema, ListVersionsSchema,
  PublishListSchema, LibraryListSchema, RESOURCE_CODE_PATTERN, ResourceInputSchema, ResourceListSchema, ResourceQuerySchema, ResourceSchema,
  ResourceUpdateSchema, TemplateListSchema, VersionDiffSchema, VersionListSchema,
} from './schemas.ts';
import type { Actor, CatalogService } from './service.ts';

const tags = ['catalog'];
const CodeParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }) });
const VersionParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }), version: Type.Integer({ minimum: 1 }) });
const DiffParams = Type.Object({ code: Type.String({ pattern: RESOURCE_CODE_PATTERN }), a: Type.Integer({ minimum: 1 }), b: Type.Integer({ minimum: 1 }) });
const KindParams = Type.Object({ kind: ListKindSchema });
const ListVersionParams = Type.Object({ kind: ListKindSchema, version: Type.Integer({ minimum: 1 }) });
const ListDiffParams = Type.Object({ kind: ListKindSchema, a: Type.Integer({ minimum: 1 }), b: Type.Integer({ minimum: 1 }) });
const listTags = ['catalog', 'three lists'];

/** `attachment` with the UTF-8 file name (RFC 6266 / 5987) and an ASCII fallback. */
const attachment = (name: string) => `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** The caller as the identity module's access hook sets it (`request.principal`); `anonymous` without one. */
export function actorOf(request: FastifyRequest): Actor {
  const p = (request as unknown as { principal?: { accountId?: unknown; apiKeyId?: unknown } }).principal;
  if (typeof p?.apiKeyId === 'string') return { id: `apikey:${p.apiKeyId}` };
  return { id: typeof p?.accountId === 'string' && p.accountId !== '' ? p.accountId : 'anonymous' };
}

/** The caller with the departments whose data the route's permission lets them change (一数一源). */
export async function scopedActorOf(request: FastifyRequest): Promise<Actor> {
  const departments = await request.departmentScope?.();
  return departments ? { ...actorOf(request), departments } : actorOf(request);
}

export function catalogRoutes(service: CatalogService, lists: ListsService) {
  return (app: HttpApp): void => {
    app.get(
      '/resources',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'Search the catalog (Chinese partial words) with filters', querystring: ResourceQuerySchema, response: { 200: ResourceListSchema } } },
      (request) => service.search(request.query),
    );
    app.post(
      '/resources',
      { config: { permission: 'catalog.resource.write', idempotent: true }, schema: { tags, summary: 'Catalogue a resource (version 1)', body: ResourceInputSchema, response: { 201: ResourceSchema } } },
      async (request, reply) => reply.status(201).send(await service.create(request.body, await scopedActorOf(request))),
    );
    app.get(
      '/resources/:code',
      { config: { permission: 'catalog.resource.read' }, schema: { tags, summary: 'A resource with its data items', params: CodeParams, response: { 200: ResourceSchema } } },
      (request) => service.get(request.params.code),
    );
    app.put(
      '/resources/:code',
      { config: { permission: 'catalog.resource.write' }, schema: { tags, summary: 'Change a resource; the change is kept as a new version', params: CodeParams, body: ResourceUpdateSchema, response: { 200: ResourceSchema } } },
      async (request) => service.update(request.params.code, request.body, await scopedActorOf(request)),
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
      async (request, reply) => reply.status(201).send(await service.createFromTemplate(request.body, await scopedActorOf(request))),
    );

    // 三张清单 the sharing, open and e-licence lists
    app.get(
      '/lists',
      { config: { permission: 'catalog.list.read' }, schema: { tags: listTags, summary: 'The three lists: entries now, latest published version, changes pending', response: { 200: ListSummarySchema } } },
      () => lists.summary(),
    );
    app.get(
      '/lists/:kind/current',
      { config: { permission: 'catalog.list.read' }, schema: { tags: listTags, summary: 'A list generated from the catalog now, with its changes since the latest version', params: KindParams, response: { 200: ListCurrentSchema } } },
      (request) => lists.current(request.params.kind),
    );
    app.get(
      '/lists/:kind/versions',
      { config: { permission: 'catalog.list.read' }, schema: { tags: listTags, summary: 'Published versions of a list, newest first', params: KindParams, response: { 200: ListVersionsSchema } } },
      (request) => lists.versions(request.params.kind),
    );
    app.post(
      '/lists/:kind/versions',
      { config: { permission: 'catalog.list.publish', idempotent: true }, schema: { tags: listTags, summary: 'Publish the current generation as the next version (409 when unchanged)', params: KindParams, body: PublishListSchema, response: { 201: ListVersionMetaSchema } } },
      async (request, reply) => reply.status(201).send(await lists.publish(request.params.kind, request.body.note, actorOf(request))),
    );
    app.get(
      '/lists/:kind/versions/:version',
      { config: { permission: 'catalog.list.read' }, schema: { tags: listTags, summary: 'A published version with its entries', params: ListVersionParams, response: { 200: ListVersionSchema } } },
      (request) => lists.version(request.params.kind, request.params.version),
    );
    app.get(
      '/lists/:kind/versions/:a/diff/:b',
      { config: { permission: 'catalog.list.read' }, schema: { tags: listTags, summary: 'Entries added, removed and changed (with the fields) between two versions', params: ListDiffParams, response: { 200: ListDiffSchema } } },
      (request) => lists.diff(request.params.kind, request.params.a, request.params.b),
    );
    app.get(
      '/lists/:kind/versions/:version/export',
      {
        config: { permission: 'catalog.list.read' },
        schema: { tags: listTags, summary: 'Download a version as XLSX or CSV (UTF-8 with BOM)', params: ListVersionParams, querystring: ListExportQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
      },
      async (request, reply) => {
        const file = await lists.export(request.params.kind, request.params.version, request.query.format);
        return reply.type(file.contentType).header('content-disposition', attachment(file.fileName)).send(file.body);
      },
    );
  };
}
