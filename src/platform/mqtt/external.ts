import { hostname } from 'node:os';
import { connect, type IPublishPacket, type IStream, type MqttClient } from 'mqtt';
import { Dispatcher, InOrder } from './dispatch.ts';
import { createDynsecAccess } from './dynsec.ts';
import { mqttError } from './errors.ts';
import type { MqttAuthHooks, MqttEngine, MqttEngineOptions, MqttLimits, MqttMessage } from './types.ts';

/**
 * mqtt.js runs `handleMessage` one message at a time and sends the PUBACK when its callback is
 * called without an error; called with an error it sends nothing and goes on with the next
 * message (lib/handlers/publish.js). We use that to run handlers concurrently and send each
 * PUBACK ourselves once the message is stored.
 */
const ackDeferred = new Error('PUBACK deferred until the message is stored');

/**
 * PUBACKs with Remaining Length 2: success, no properties (MQTT 5 §3.4.2.1, same bytes in 3.1.1),
 * in order. Written in one call on the connection the PUBLISHes came from, so they cannot split
 * another packet.
 */
function pubacks(messageIds: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(messageIds.length * 4);
  messageIds.forEach((id, i) => {
    out[i * 4] = 0x40;
    out[i * 4 + 1] = 0x02;
    out.writeUInt16BE(id, i * 4 + 2);
  });
  return out;
}

/**
 * Client of an external broker (Mosquitto, EMQX): persistent MQTT 5 session (fixed client id,
 * `clean: false`, session expiry) so messages not acknowledged before a crash are redelivered,
 * and shared subscriptions so the nodes of one group split the load. Receive Maximum tells the
 * broker how many unacknowledged QoS 1 messages we take at once.
 */
export function createExternalEngine(url: string, opts: MqttEngineOptions, limits: MqttLimits): MqttEngine {
  const log = opts.logger.child({ component: 'mqtt', mode: 'external' });
  const dispatcher = new Dispatcher(limits, log);
  const { counters } = dispatcher;
  const shareGroup = opts.shareGroup ?? 'citybrain';
  const clientId = opts.clientId ?? `citybrain-${hostname()}`;
  const pending = new WeakMap<IStream, InOrder>();
  const subscribed = new WeakMap<MqttClient, Set<string>>();
  const consumers = Math.max(1, opts.consumers ?? 1);
  /** Unacknowledged QoS 1 messages each session announces it takes, its share of the handler slots. */
  const receiveMaximum = Math.min(Math.ceil(limits.maxInFlight / consumers), 65_535);
  /** PUBACKs released but not yet written, per connection: those of one commit leave in one write. */
  const unsentAcks = new Map<IStream, { mqtt: MqttClient; ids: number[] }>();
  /** The consumer sessions; the first also publishes. */
  let clients: MqttClient[] = [];
  let onRefused: MqttAuthHooks['onRefused'];
  const dynsec = opts.dynsec
    ? createDynsecAccess(url, { ...opts.dynsec, clientId: `${clientId}-dynsec`, logger: opts.logger, timeoutMs: limits.connectTimeoutMs })
    : undefined;
  let closing = false;
  let closed: Promise<void> | undefined;

  const shared = (filter: string): string => `$share/${shareGroup}/${filter}`;

  async function subscribe(mqtt: MqttClient, filter: string): Promise<void> {
    let done = subscribed.get(mqtt);
    if (!done) subscribed.set(mqtt, (done = new Set()));
    if (done.has(filter)) return;
    const granted = await mqtt.subscribeAsync(shared(filter), { qos: 1 });
    const refused = granted.find((g) => g.qos > 2);
    if (refused) throw mqttError('mqtt_subscribe_refused', `broker refused subscription ${shared(filter)} (reason ${refused.qos})`);
    done.add(filter);
  }

  /**
   * One persistent session. A broker keeps only so many unacknowledged QoS 1 messages in flight
   * per session (Mosquitto: max_inflight_messages, 20 by default), and a PUBACK waits for the
   * commit, so one session caps a node at ≈ window / commit latency: several sessions in the same
   * share group let one node consume in parallel.
   */
  async function openSession(index: number): Promise<MqttClient> {
    const id = index === 0 ? clientId : `${clientId}-${index}`;
    const mqtt = connect(url, {
      manualConnect: true,
      clientId: id,
      clean: false,
      protocolVersion: 5,
      properties: {
        sessionExpiryInterval: opts.sessionExpirySeconds ?? 86_400,
        receiveMaximum,
        maximumPacketSize: limits.maxPacketBytes,
      },
      connectTimeout: limits.connectTimeoutMs,
      reconnectPeriod: 1_000,
    });
    mqtt.handleMessage = (packet, callback) => onMessage(mqtt, packet, callback);
    mqtt.on('error', (err) => log.warn({ err: err.message, clientId: id }, 'mqtt client error'));
    mqtt.on('offline', () => log.warn({ clientId: id }, 'mqtt broker link down; reconnecting'));
    mqtt.on('connect', (connack) => log.info({ url, clientId: id, sessionPresent: connack.sessionPresent }, 'mqtt connected to broker'));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out')), limits.connectTimeoutMs);
        mqtt.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        mqtt.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        mqtt.connect();
      });
      for (const filter of dispatcher.filters) await subscribe(mqtt, filter);
      return mqtt;
    } catch (err) {
      await mqtt.endAsync(true);
      throw err;
    }
  }

  function sendAck(mqtt: MqttClient, stream: IStream, messageId: number): void {
    const unsent = unsentAcks.get(stream);
    if (unsent) return void unsent.ids.push(messageId);
    unsentAcks.set(stream, { mqtt, ids: [messageId] });
    setImmediate(() => flushAcks(stream));
  }

  function flushAcks(stream: IStream): void {
    const unsent = unsentAcks.get(stream);
    if (!unsent) return;
    unsentAcks.delete(stream);
    // An ack on a newer connection could hit another message with the same id: skip it, the
    // broker redelivers this one (at least once).
    if (unsent.mqtt.stream === stream && !stream.destroyed) stream.write(pubacks(unsent.ids));
  }

  /** The broker redelivers an unacknowledged message only when the session resumes: reconnect. */
  function redeliver(mqtt: MqttClient, stream: IStream, reason: string): void {
    if (closing || mqtt.stream !== stream || stream.destroyed) return;
    flushAcks(stream);
    dispatcher.warn(`reconnect_${reason}`, { reason }, 'mqtt message not stored; reconnecting so the broker redelivers it');
    stream.destroy();
  }

  function onMessage(mqtt: MqttClient, packet: IPublishPacket, callback: (error?: Error) => void): void {
    const handlers = dispatcher.match(packet.topic);
    if (handlers.length > 0) counters.received++;
    const msg: MqttMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      qos: packet.qos,
      dup: packet.dup ?? false,
    };
    if (packet.qos === 0) {
      if (handlers.length > 0 && (closing || !dispatcher.dispatch(msg, handlers, () => undefined))) {
        counters.refused++;
        dispatcher.warn('refused_qos0', { topic: packet.topic, refused: counters.refused }, closing ? 'mqtt QoS 0 message refused: shutting down' : 'mqtt QoS 0 message refused: handler queue full');
        try {
          onRefused?.({ reason: closing ? 'shutting_down' : 'queue_full', topic: msg.topic, payload: msg.payload, qos: 0 });
        } catch (err) {
          log.error({ err }, 'mqtt onRefused hook threw');
        }
      }
      return callback();
    }
    // Subscriptions are QoS 1, so the broker sends at most QoS 1.
    const stream = mqtt.stream;
    const messageId = packet.messageId ?? 0;
    if (handlers.length === 0 || closing) {
      // Left unacknowledged: the broker keeps it in this node's session and redelivers it later.
      if (!closing) dispatcher.warn('no_consumer', { topic: packet.topic }, 'mqtt message without a consumer left unacknowledged');
      return callback(ackDeferred);
    }
    let order = pending.get(stream);
    if (!order) pending.set(stream, (order = new InOrder()));
    const complete = order.reserve();
    const accepted = dispatcher.dispatch(msg, handlers, (error) =>
      complete(() => {
        if (error) return redeliver(mqtt, stream, 'handler_failed');
        sendAck(mqtt, stream, messageId);
      }),
    );
    if (!accepted) {
      complete(() => redeliver(mqtt, stream, 'queue_full'));
    }
    // A broker may send more than our Receive Maximum: Mosquitto before 2.0.13 moves up to Receive
    // Maximum queued messages into flight on each PUBACK of its oldest in-flight message
    // (eclipse/mosquitto#2306), and we acknowledge in order. Then stop reading this connection
    // (mqtt.js parses the next packet only after this callback) until the excess is acknowledged:
    // TCP pushes back and the broker keeps the rest, instead of our queue filling up.
    if (order.size > receiveMaximum) {
      counters.receiveMaximumExceeded++;
      dispatcher.warn('receive_maximum_exceeded', { receiveMaximum, pending: order.size }, 'mqtt broker sent more unacknowledged messages than Receive Maximum; reading paused until some are stored');
      order.whenBelow(receiveMaximum + 1, () => callback(ackDeferred));
      return;
    }
    callback(ackDeferred);
  }

  return {
    mode: 'external',
    port: undefined,

    async start() {
      if (clients.length > 0) return;
      await dynsec?.start();
      const opened = await Promise.allSettled(Array.from({ length: consumers }, (_, i) => openSession(i)));
      const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        await Promise.all(opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value.endAsync(true)] : [])));
        await dynsec?.close();
        throw mqttError('mqtt_connect_failed', `cannot connect to MQTT broker ${url}`, failed.reason);
      }
      clients = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    },

    async consume(topicFilter, handler) {
      dispatcher.add(topicFilter, handler);
      for (const c of clients) await subscribe(c, topicFilter);
    },

    async publish(topic, payload, publishOpts) {
      const client = clients[0];
      if (!client || closing) throw mqttError(closing ? 'mqtt_closed' : 'mqtt_not_started', 'mqtt engine is not running');
      try {
        await client.publishAsync(topic, payload, { qos: publishOpts?.qos ?? 0, retain: publishOpts?.retain ?? false });
      } catch (err) {
        throw mqttError('mqtt_publish_failed', `publish to ${topic} failed`, err);
      }
      counters.published++;
    },

    // The external broker authenticates devices and enforces topic ACLs (Mosquitto's dynamic
    // security, kept by `deviceAccess`, or a hand-kept password file and acl_file); only the
    // refusal report applies here.
    setAuthHooks(hooks) {
      if (hooks.onRefused) onRefused = hooks.onRefused;
    },

    deviceAccess: dynsec,

    stats() {
      return { mode: 'external', clients: clients.filter((c) => c.connected).length, ...counters, inFlight: dispatcher.inFlight, queued: dispatcher.queued };
    },

    close() {
      closed ??= (async () => {
        closing = true;
        await dynsec?.close();
        if (clients.length === 0) return;
        // The subscriptions stay in the session: while this node is away the broker queues its share
        // of the messages (up to its own limits) instead of dropping them when no node is subscribed.
        const drained = await dispatcher.drain(limits.closeTimeoutMs);
        if (!drained) log.warn({ inFlight: dispatcher.inFlight, queued: dispatcher.queued }, 'mqtt close: handlers still running after timeout; closing anyway');
        for (const stream of [...unsentAcks.keys()]) flushAcks(stream);
        await Promise.all(clients.map((c) => c.endAsync(!drained)));
        log.info('mqtt broker link closed');
      })();
      return closed;
    },
  };
}
