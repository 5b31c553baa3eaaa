// HTTP routes of the aggregation module, registered under /api/aggregation. One line per handler.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/index.ts';
import { scopedActorOf } from '../catalog/index.ts';
import type { SourcesService } from './data-sources.ts';
import {
  LoadListSchema, LoadSchema, PageQuery, PreviewQuery, PreviewSchema, PushBodySchema, PushQuery, PushResultSchema, RejectListSchema, RowsSchema, SourceInputSchema, SourceListSchema, SourceRunSchema, SourceSchema,
  UploadQuery,
} from './schemas.ts';
import type { AggregationService } from './service.ts';

const tags = ['aggregation'];
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const SourceQuery = Type.Object({ resource: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
const ListQuery = Type.Object({ resource: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }, { additionalProperties: false });

/** Upload bodies are passed on as streams and written to disk, never buffered. */
const UPLOAD_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', 'application/x-ndjson', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

const idempotencyKey = (h: string | string[] | undefined): string | undefined => (typeof h === 'string' && h !== '' ? h.slice(0, 200) : undefined);

export function aggregationRoutes(service: AggregationService, sources: SourcesService) {
  return (app: HttpApp): void => {
    app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
    app.post(
      '/resources/:code/loads',
      {
        config: { permission: 'aggregation.load.write' },
        bodyLimit: Number.MAX_SAFE_INTEGER,
        schema: {
          tags,
          summary: 'Upload a CSV, XLSX or JSON file into a resource; answers 202 once stored, then loads (poll the load)',
          consumes: UPLOAD_TYPES,
          params: CodeParams,
          querystring: UploadQuery,
          response: { 202: LoadSchema },
        },
      },
      async (request, reply) => {
        const { replayed, ...load } = await service.upload(request.params.code, request.body as Readable, { ...request.query, contentType: request.headers['content-type'], idempotencyKey: idempotencyKey(request.headers['idempotency-key']) }, await scopedActorOf(request));
        return reply.status(202).headers(replayed ? { 'idempotent-replayed': 'true' } : {}).send(load);
      },
    );
    app.post(
      '/resources/:code/preview',
      {
        config: { permission: 'aggregation.load.write' },
        bodyLimit: 65 << 20,
        schema: {
          tags,
          summary: '列映射 preview: the columns of a file (CSV/JSON: its first megabyte is enough) with inferred types, samples and the suggested data item of each',
          consumes: UPLOAD_TYPES,
          params: CodeParams,
          querystring: PreviewQuery,
          response: { 200: PreviewSchema },
        },
      },
      (request) => service.preview(request.params.code, request.body as Readable, { ...request.query, contentType: request.headers['content-type'] }),
    );
    app.post(
      '/resources/:code/records',
      {
        config: { permission: 'aggregation.push.write', idempotent: true },
        schema: {
          tags,
          summary: '实时推送 push JSON records into a resource: good ones land now, refused ones come back with index and reason, fields that are no data item in unknownFields',
          params: CodeParams,
          querystring: PushQuery,
          body: PushBodySchema,
          response: { 200: PushResultSchema },
        },
      },
      async (request) => service.push(request.params.code, request.body.records, await scopedActorOf(request), request.query),
    );
    app.get(
      '/sources',
      { config: { permission: 'aggregation.source.read' }, schema: { tags, summary: 'Data sources (scheduled pulls), optionally of one resource', querystring: SourceQuery, response: { 200: SourceListSchema } } },
      (request) => sources.list(request.query.resource),
    );
    app.post(
      '/sources',
      { config: { permission: 'aggregation.source.write', idempotent: true }, schema: { tags, summary: 'Add a data source: an HTTP API or a PostgreSQL query, on a cron schedule or on demand', body: SourceInputSchema, response: { 201: SourceSchema } } },
      async (request, reply) => reply.status(201).send(await sources.create(request.body, await scopedActorOf(request))),
    );
    app.get(
      '/sources/:id',
      { config: { permission: 'aggregation.source.read' }, schema: { tags, summary: 'A data source with its last run', params: IdParams, response: { 200: SourceSchema } } },
      (request) => sources.get(request.params.id),
    );
    app.put(
      '/sources/:id',
      { config: { permission: 'aggregation.source.write' }, schema: { tags, summary: 'Change a data source; credentials left out are kept', params: IdParams, body: SourceInputSchema, response: { 200: SourceSchema } } },
      async (request) => sources.update(request.params.id, request.body, await scopedActorOf(request)),
    );
    app.delete(
      '/sources/:id',
      { config: { permission: 'aggregation.source.write' }, schema: { tags, summary: 'Remove a data source (its loads stay)', params: IdParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        await sources.remove(request.params.id, await scopedActorOf(request));
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/sources/:id/run',
      { config: { permission: 'aggregation.source.write' }, schema: { tags, summary: 'Run a data source now (409 while a run is under way)', params: IdParams, response: { 200: SourceRunSchema } } },
      async (request) => sources.run(request.params.id, await scopedActorOf(request)),
    );
    app.get(
      '/loads',
      { config: { permission: 'aggregation.load.read' }, schema: { tags, summary: 'Loads, newest first', querystring: ListQuery, response: { 200: LoadListSchema } } },
      (request) => service.listLoads(request.query.resource, request.query.limit),
    );
    app.get(
      '/loads/:id',
      { config: { permission: 'aggregation.load.read' }, schema: { tags, summary: 'A load with its progress and counts', params: IdParams, response: { 200: LoadSchema } } },
      (request) => service.getLoad(request.params.id),
    );
    app.get(
      '/loads/:id/rejects',
      { config: { permission: 'aggregation.load.read', audit: 'read' }, schema: { tags, summary: 'Quarantined rows of a load with line and reason', params: IdParams, querystring: PageQuery, response: { 200: RejectListSchema } } },
      (request) => service.rejects(request.params.id, request.query.limit, request.query.offset),
    );
    app.get(
      '/loads/:id/rejects.csv',
      { config: { permission: 'aggregation.load.read', audit: 'read' }, schema: { tags, summary: 'Download the quarantined rows as CSV', params: IdParams, produces: ['text/csv'] } },
      async (request, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="load-${request.params.id}-rejects.csv"`).send(Readable.from(await service.rejectsCsv(request.params.id))),
    );
    app.post(
      '/loads/:id/rollback',
      { config: { permission: 'aggregation.load.write' }, schema: { tags, summary: 'Roll a load back: its rows go, the rows it replaced return', params: IdParams, response: { 200: LoadSchema } } },
      async (request) => service.rollback(request.params.id, await scopedActorOf(request)),
    );
    app.post(
      '/loads/:id/replay',
      { config: { permission: 'aggregation.load.write', idempotent: true }, schema: { tags, summary: 'Load the stored file of a load again, as a new load', params: IdParams, response: { 202: LoadSchema } } },
      async (request, reply) => reply.status(202).send(await service.replay(request.params.id, await scopedActorOf(request))),
    );
    app.get(
      '/resources/:code/rows',
      { config: { permission: 'aggregation.load.read', audit: 'read' }, schema: { tags, summary: "Rows of a resource's data table", params: CodeParams, querystring: PageQuery, response: { 200: RowsSchema } } },
      (request) => service.rows(request.params.code, request.query.limit, request.query.offset),
    );
  };
}
