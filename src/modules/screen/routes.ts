// HTTP routes of the big screen, under /api/screen. One line per handler.
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/http/index.ts';
import { eventScopeOf } from '../events/index.ts';
import { KpisSchema, StreamQuerySchema } from './schemas.ts';
import type { ScreenService } from './service.ts';

const tags = ['screen'];
const RecentQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false });

export function screenRoutes(service: ScreenService) {
  return (app: HttpApp): void => {
    // Open streams never end by themselves: end them before the server waits for its connections.
    app.addHook('preClose', (done) => {
      service.hub.closeAll();
      done();
    });
    app.get('/kpis', { config: { permission: 'screen.kpi.read' }, schema: { tags, summary: '运行监测 KPIs, trends and rankings of the big screen', response: { 200: KpisSchema } } }, () => service.kpis());
    app.get('/recent', { config: { permission: 'screen.kpi.read' }, schema: { tags, summary: 'The newest events, for the stream list when the screen opens', querystring: RecentQuery } }, async (request) =>
      service.recent(request.query.limit, request.principal ? await service.viewer(request.principal) : undefined),
    );
    app.get(
      '/stream',
      {
        config: { permission: 'screen.stream.read' },
        schema: {
          tags,
          summary: '实时推送 server-sent events: event, alarm, kpi and reset messages; resume with the Last-Event-ID header (or ?lastEventId)',
          querystring: StreamQuerySchema,
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const header = request.headers['last-event-id'];
        const lastEventId = (typeof header === 'string' ? header : undefined) ?? request.query.lastEventId;
        // Event messages reach the client only for events its principal may see (as in the event list).
        const viewer = request.principal ? await service.viewer(request.principal) : undefined;
        reply.hijack();
        const client = service.hub.attach(reply.raw, lastEventId, viewer ? eventScopeOf(viewer).sees : undefined);
        // A fresh screen gets the KPIs at once; a resumed one gets what it missed from the history.
        if (!lastEventId) client.send('kpi', await service.kpis().catch(() => null));
      },
    );
  };
}
