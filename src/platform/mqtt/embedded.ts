import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { Dispatcher, InOrder, type Settled } from './dispatch.ts';
import { mqttError } from './errors.ts';
import { limitPacketSize } from './frame-limit.ts';
import type { MqttAuthHooks, MqttAuthorize, MqttEngine, MqttEngineOptions, MqttLimits, MqttMessage, MqttRefusal } from './types.ts';

type AuthorizePublishCallback = (error?: Error | null) => void;

/**
 * Embedded broker: Aedes on a TCP port, with the platform consuming in process.
 *
 * Aedes v1 writes the PUBACK of a QoS 1 PUBLISH right after `authorizePublish` calls back
 * (lib/handlers/publish.js), so the handlers run inside that hook and it calls back only once
 * they resolved; a rejection calls back with an error, which makes Aedes close the connection
 * without PUBACK (MQTT 3.1.1 has no negative ack) and the device resends. Aedes dispatches every
 * packet of a socket read at once and reads again only when all of them called back, so holding
 * the callback is also the TCP back-pressure.
 */
export function createEmbeddedEngine(opts: MqttEngineOptions, limits: MqttLimits): MqttEngine {
  const { logger } = opts;
  // Read on every call, so `setAuthHooks` takes effect for the next CONNECT / PUBLISH.
  const hooks: MqttAuthHooks = { authenticate: opts.authenticate, authorizePublish: opts.authorizePublish, authorizeSubscribe: opts.authorizeSubscribe };
  const log = logger.child({ component: 'mqtt', mode: 'embedded' });
  const dispatcher = new Dispatcher(limits, log);
  const { counters } = dispatcher;
  const principals = new WeakMap<Client, string>();
  const pending = new WeakMap<Client, InOrder>();
  const dropped = new WeakSet<Client>();
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let port: number | undefined;
  let closing = false;
  let closed: Promise<void> | undefined;

  /** A throwing hook would escape into Aedes's packet loop and crash the process: deny instead. */
  function allowed(hook: MqttAuthorize, principal: string, topic: string): boolean {
    try {
      return hook(principal, topic);
    } catch (err) {
      log.error({ err, principal, topic }, 'mqtt authorize hook threw; denying');
      return false;
    }
  }

  /** Close a device connection because of a limit; Aedes closes it when the callback gets an error. */
  function drop(client: Client, reason: string, callback: AuthorizePublishCallback): void {
    if (!dropped.has(client)) {
      dropped.add(client);
      counters.droppedClients++;
      dispatcher.warn(reason, { clientId: client.id }, `mqtt device disconnected: ${reason}`);
    }
    callback(new Error(reason));
  }

  const remote = (client: Client): { remoteAddress?: string } => {
    const address = (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress;
    return address === undefined ? {} : { remoteAddress: address };
  };

  /** Tell the owner of the hooks (dead-letter store) about a refused publish; never lets it break the packet loop. */
  function report(client: Client, packet: PublishPacket, reason: MqttRefusal['reason']): void {
    const hook = hooks.onRefused;
    if (!hook) return;
    const principal = principals.get(client);
    try {
      hook({
        reason,
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        clientId: client.id,
        ...(principal === undefined ? {} : { principal }),
        ...remote(client),
      });
    } catch (err) {
      log.error({ err }, 'mqtt onRefused hook threw');
    }
  }

  function refuse(client: Client, packet: PublishPacket, reason: 'queue_full' | 'client_limit' | 'shutting_down', callback: AuthorizePublishCallback): void {
    counters.refused++;
    dispatcher.warn(`refused_${reason}`, { clientId: client.id, topic: packet.topic, refused: counters.refused }, `mqtt QoS 0 message refused: ${reason}`);
    report(client, packet, reason);
    callback(null);
  }

  function authorizePublish(client: Client | null, packet: PublishPacket, callback: AuthorizePublishCallback): void {
    if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS topic is reserved'));
    // A stale will of a client no longer connected: nobody to attribute it to, let Aedes route it.
    if (client === null) return callback(null);
    const principal = principals.get(client) ?? client.id;
    if (hooks.authorizePublish && !allowed(hooks.authorizePublish, principal, packet.topic)) {
      counters.unauthorized++;
      dispatcher.warn('unauthorized', { clientId: client.id, principal, topic: packet.topic }, 'mqtt publish not authorized; device disconnected');
      report(client, packet, 'unauthorized');
      return callback(new Error('publish not authorized'));
    }
    const handlers = dispatcher.match(packet.topic);
    if (handlers.length === 0) return callback(null);
    counters.received++;

    if (closing) return packet.qos === 0 ? refuse(client, packet, 'shutting_down', callback) : drop(client, 'shutting_down', callback);
    let order = pending.get(client);
    if (!order) pending.set(client, (order = new InOrder()));
    if (order.size >= limits.maxPendingPerClient) {
      return packet.qos === 0 ? refuse(client, packet, 'client_limit', callback) : drop(client, 'client_pending_limit', callback);
    }

    const msg: MqttMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      qos: packet.qos,
      dup: packet.dup,
      clientId: client.id,
      principal,
      ...remote(client),
    };
    const complete = order.reserve();
    const settled: Settled = (error) => complete(() => (packet.qos === 0 ? callback(null) : callback(error)));
    if (!dispatcher.dispatch(msg, handlers, settled)) {
      complete(() => undefined);
      return packet.qos === 0 ? refuse(client, packet, 'queue_full', callback) : drop(client, 'queue_full', callback);
    }
  }

  function authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, ok: boolean | null) => void): void {
    const check = hooks.authenticate;
    if (!check) return done(null, true);
    const fail = (returnCode: 3 | 4, message: string): void => {
      counters.rejectedConnections++;
      done(Object.assign(new Error(message), { returnCode }), false);
    };
    check(client.id, username, password).then(
      (result) => {
        if (!result.ok) {
          dispatcher.warn('bad_credentials', { clientId: client.id, username }, 'mqtt connection refused: bad user name or password');
          return fail(4, 'bad user name or password');
        }
        principals.set(client, result.principal);
        done(null, true);
      },
      (err: unknown) => {
        log.error({ err, clientId: client.id }, 'mqtt authenticate hook failed');
        fail(3, 'server unavailable');
      },
    );
  }

  return {
    mode: 'embedded',
    get port() {
      return port;
    },

    async start() {
      if (broker) return;
      const aedes = await Aedes.createBroker({
        connectTimeout: limits.connectTimeoutMs,
        drainTimeout: 30_000,
        authenticate,
        authorizePublish,
        authorizeSubscribe: (client, sub, callback) => {
          const check = hooks.authorizeSubscribe;
          const ok = !check || allowed(check, principals.get(client) ?? client.id, sub.topic);
          if (!ok) dispatcher.warn('subscribe_refused', { clientId: client.id, topic: sub.topic }, 'mqtt subscription refused');
          callback(null, ok ? sub : null);
        },
      });
      broker = aedes;
      // mqemitter drains its queue recursively while the queued messages' listeners finish
      // synchronously (e.g. topics nobody subscribed to), which overflows the stack under load
      // (moscajs/aedes#193). A listener on every topic that answers on the next turn keeps that
      // stack flat.
      aedes.subscribe('#', (_packet, done) => setImmediate(done), () => undefined);
      aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
      aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));
      // Aedes emits 'error' when its persistence fails; without a listener that would crash the process.
      const emitter: EventEmitter = aedes; // its typings omit 'error'
      emitter.on('error', (err: Error) => log.error({ err }, 'mqtt broker error'));

      const tcp = createServer((socket) => {
        limitPacketSize(socket, limits.maxPacketBytes, (bytes) => {
          counters.droppedClients++;
          dispatcher.warn('packet_too_large', { remoteAddress: socket.remoteAddress, bytes, max: limits.maxPacketBytes }, 'mqtt device disconnected: packet too large');
        });
        aedes.handle(socket);
      });
      tcp.maxConnections = limits.maxConnections;
      tcp.on('drop', () => {
        counters.rejectedConnections++;
        dispatcher.warn('max_connections', { max: limits.maxConnections }, 'mqtt connection refused: maxConnections reached');
      });
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(opts.port ?? 1883, opts.host ?? '127.0.0.1', () => {
          tcp.off('error', reject);
          resolve();
        });
      }).catch(async (err: unknown) => {
        await new Promise<void>((resolve) => aedes.close(resolve));
        broker = undefined;
        throw mqttError('mqtt_connect_failed', `cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 1883}`, err);
      });
      tcp.on('error', (err) => log.error({ err }, 'mqtt server error'));
      server = tcp;
      const address = tcp.address();
      port = typeof address === 'object' && address ? address.port : undefined;
      log.info({ host: opts.host ?? '127.0.0.1', port }, 'mqtt embedded broker listening');
    },

    consume(topicFilter, handler) {
      dispatcher.add(topicFilter, handler);
      return Promise.resolve();
    },

    async publish(topic, payload, publishOpts) {
      if (!broker || closing) throw mqttError(closing ? 'mqtt_closed' : 'mqtt_not_started', 'mqtt engine is not running');
      const target = broker;
      const packet: PublishPacket = {
        cmd: 'publish',
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        qos: publishOpts?.qos ?? 0,
        retain: publishOpts?.retain ?? false,
        dup: false,
      };
      await new Promise<void>((resolve, reject) =>
        target.publish(packet, (err) => (err ? reject(mqttError('mqtt_publish_failed', `publish to ${topic} failed`, err)) : resolve())),
      );
      counters.published++;
    },

    setAuthHooks(next) {
      Object.assign(hooks, next);
    },

    deviceAccess: undefined,

    stats() {
      return { mode: 'embedded', clients: broker?.connectedClients ?? 0, ...counters, inFlight: dispatcher.inFlight, queued: dispatcher.queued };
    },

    close() {
      closed ??= (async () => {
        closing = true;
        const tcp = server;
        const aedes = broker;
        if (!tcp || !aedes) return;
        const serverClosed = new Promise<void>((resolve) => tcp.close(() => resolve()));
        if (!(await dispatcher.drain(limits.closeTimeoutMs))) {
          log.warn({ inFlight: dispatcher.inFlight, queued: dispatcher.queued }, 'mqtt close: handlers still running after timeout; closing anyway');
        }
        // Let the PUBACKs written by the last callbacks leave before the sockets are destroyed.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise<void>((resolve) => aedes.close(resolve));
        await serverClosed;
        log.info('mqtt embedded broker closed');
      })();
      return closed;
    },
  };
}
