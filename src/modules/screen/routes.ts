// HTTP routes of the big screen, under /api/screen. One line per handler.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/index.ts';
import { KpisSchema, StreamQuerySchema } from './schemas.ts';
import type { ScreenService } from './service.ts';

const tags = ['screen'];
const RecentQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false });

export function screenRoutes(service: ScreenService) {
  /** The screen of the caller: the reach of their grant of the route's permission (the access hook guarantees a principal). */
  const scopeOf = (request: FastifyRequest) => (request.principal ? service.scopeOf(request.principal, request.routeOptions.config.permission ?? 'screen.kpi.read') : Promise.resolve(undefined));
  return (app: HttpApp): void => {
    // Open streams never end by themselves: end them before the server waits for its connections.
    app.addHook('preClose', (done) => {
      service.hub.closeAll();
      done();
    });
    // Every screen is of its viewer's scope (城市/区县 两级大屏): the reach of their screen grant.
    app.get('/kpis', { config: { permission: 'screen.kpi.read' }, schema: { tags, summary: "运行监测 KPIs, trends and rankings of the big screen, of the viewer's scope (the city, a district, a department)", response: { 200: KpisSchema } } }, async (request) => service.kpis(await scopeOf(request)));
    app.get('/recent', { config: { permission: 'screen.kpi.read' }, schema: { tags, summary: "The newest events of the viewer's scope, for the stream list when the screen opens", querystring: RecentQuery } }, async (request) => service.recent(request.query.limit, await scopeOf(request)));
    app.get(
      '/stream',
      {
        config: { permission: 'screen.stream.read' },
        schema: {
          tags,
          summary: "实时推送 server-sent events of the viewer's scope: event, alarm, kpi and reset messages; resume with the Last-Event-ID header (or ?lastEventId)",
          querystring: StreamQuerySchema,
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const header = request.headers['last-event-id'];
        const scope = await scopeOf(request);
        reply.hijack();
        await service.attach(reply.raw, (typeof header === 'string' ? header : undefined) ?? request.query.lastEventId, scope);
      },
    );
  };
}
