// HTTP routes of the notifications module (消息中心), under /api/notifications. One line per handler.
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/index.ts';
import { notificationsError } from './errors.ts';
import { IdParamsSchema, MarkedSchema, NotificationListSchema, NotificationQuerySchema, NotificationSchema, UnreadCountSchema } from './schemas.ts';
import type { NotificationsService } from './service.ts';
import type { Recipient } from './store.ts';
import { NOTIFICATIONS_READ } from './units.ts';

const tags = ['notifications'];
const config = { permission: NOTIFICATIONS_READ };

export function notificationsRoutes(service: NotificationsService) {
  const recipient = (request: FastifyRequest): Promise<Recipient> => {
    if (!request.principal) return Promise.reject(notificationsError('unauthenticated', 'sign in first'));
    return service.recipientOf(request.principal);
  };
  return (app: HttpApp): void => {
    // Open streams never end by themselves: end them before the server waits for its connections.
    app.addHook('preClose', (done) => {
      service.hub.closeAll();
      done();
    });
    app.get('/', { config, schema: { tags, summary: "The caller's notifications (their units' and their own), newest first", querystring: NotificationQuerySchema, response: { 200: NotificationListSchema } } },
      async (request) => service.list(await recipient(request), request.query));
    app.get('/unread-count', { config, schema: { tags, summary: 'How many of the caller\'s notifications are unread', response: { 200: UnreadCountSchema } } },
      async (request) => ({ unread: await service.unreadCount(await recipient(request)) }));
    app.post('/:id/read', { config, schema: { tags, summary: 'Mark one notification read (for the caller only)', params: IdParamsSchema, response: { 200: NotificationSchema } } },
      async (request) => service.markRead(await recipient(request), request.params.id));
    app.post('/read-all', { config, schema: { tags, summary: '全部已读: mark every notification of the caller read', response: { 200: MarkedSchema } } },
      async (request) => service.markAllRead(await recipient(request)));
    app.get(
      '/stream',
      { config, schema: { tags, summary: '实时推送 server-sent events: `hello` with the unread count, then one `notification` per new notification', produces: ['text/event-stream'] } },
      async (request, reply) => {
        const to = await recipient(request);
        reply.hijack();
        const client = service.hub.attach(reply.raw, to);
        // Without its count the stream is of no use: end it, and the browser reconnects.
        await service.unreadCount(to).then((n) => client.hello(n), () => reply.raw.end());
      },
    );
  };
}
