// HTTP routes of the aggregation module, registered under /api/aggregation. One line per handler.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/index.ts';
import { actorOf } from '../catalog/index.ts';
import { LoadListSchema, LoadSchema, PageQuery, RejectListSchema, RowsSchema, UploadQuery } from './schemas.ts';
import type { AggregationService } from './service.ts';

const tags = ['aggregation'];
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ListQuery = Type.Object({ resource: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }, { additionalProperties: false });

/** Upload bodies are passed on as streams and written to disk, never buffered. */
const UPLOAD_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', 'application/x-ndjson', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

export function aggregationRoutes(service: AggregationService) {
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
      async (request, reply) =>
        reply.status(202).send(await service.upload(request.params.code, request.body as Readable, { ...request.query, contentType: request.headers['content-type'] }, actorOf(request))),
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
      { config: { permission: 'aggregation.load.read' }, schema: { tags, summary: 'Quarantined rows of a load with line and reason', params: IdParams, querystring: PageQuery, response: { 200: RejectListSchema } } },
      (request) => service.rejects(request.params.id, request.query.limit, request.query.offset),
    );
    app.get(
      '/loads/:id/rejects.csv',
      { config: { permission: 'aggregation.load.read' }, schema: { tags, summary: 'Download the quarantined rows as CSV', params: IdParams, produces: ['text/csv'] } },
      async (request, reply) => reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="load-${request.params.id}-rejects.csv"`).send(Readable.from(await service.rejectsCsv(request.params.id))),
    );
    app.post(
      '/loads/:id/rollback',
      { config: { permission: 'aggregation.load.write' }, schema: { tags, summary: 'Roll a load back: its rows go, the rows it replaced return', params: IdParams, response: { 200: LoadSchema } } },
      (request) => service.rollback(request.params.id, actorOf(request)),
    );
    app.post(
      '/loads/:id/replay',
      { config: { permission: 'aggregation.load.write', idempotent: true }, schema: { tags, summary: 'Load the stored file of a load again, as a new load', params: IdParams, response: { 202: LoadSchema } } },
      async (request, reply) => reply.status(202).send(await service.replay(request.params.id, actorOf(request))),
    );
    app.get(
      '/resources/:code/rows',
      { config: { permission: 'aggregation.load.read' }, schema: { tags, summary: "Rows of a resource's data table", params: CodeParams, querystring: PageQuery, response: { 200: RowsSchema } } },
      (request) => service.rows(request.params.code, request.query.limit, request.query.offset),
    );
  };
}
