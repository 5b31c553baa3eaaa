// 数据接入 ingestion: telemetry from MQTT (`devices/{id}/telemetry`) and HTTP push, validated,
// stored through the group-commit writer; what is refused goes to the dead-letter store.
import { isAppError, type Clock, type Logger } from '../../kernel/index.ts';
import type { MqttMessage, MqttRefusal } from '../../platform/mqtt/index.ts';
import type { DeadLetterSink } from './dead-letters.ts';
import { iotError } from './errors.ts';
import type { DeviceAuth, DeviceRegistry } from './registry.ts';
import type { IngestStats } from './schemas.ts';
import type { Reading } from './telemetry-store.ts';
import type { GroupCommitWriter } from './writer.ts';

export const TELEMETRY_TOPIC = 'devices/+/telemetry';
const topicShape = /^devices\/([A-Za-z0-9_-]{3,64})\/telemetry$/;
const attributeShape = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const FUTURE_SLACK_MS = 10 * 60_000;

/**
 * The payload: `{"observedAt": "2026-07-01T08:00:00Z" | 1782892800000, "values": {"height": 3.2}}`.
 * `observedAt` is optional (default: received). Every value must be a finite number of an attribute
 * of the device's type, inside the type's physical range.
 */
export function parseTelemetry(body: unknown, device: DeviceAuth, now: Date, retentionDays: number): Reading[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw iotError('payload_invalid', 'payload must be a JSON object', { field: '/' });
  const { observedAt, values, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw iotError('payload_invalid', `unknown member ${extra}; expected observedAt and values`, { field: `/${extra}` });
  let at = now;
  if (observedAt !== undefined) {
    at = typeof observedAt === 'number' ? new Date(observedAt) : typeof observedAt === 'string' ? new Date(observedAt) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw iotError('payload_invalid', 'observedAt must be an ISO 8601 time or epoch milliseconds', { field: '/observedAt' });
    if (at.getTime() > now.getTime() + FUTURE_SLACK_MS || at.getTime() < now.getTime() - retentionDays * 86_400_000) {
      throw iotError('observed_at_out_of_range', `observedAt ${at.toISOString()} is in the future or older than the ${retentionDays}-day retention`, { field: '/observedAt' });
    }
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) throw iotError('payload_invalid', 'values must be an object of attribute → number', { field: '/values' });
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 64) throw iotError('payload_invalid', 'values must hold 1 to 64 attributes', { field: '/values' });
  return entries.map(([attribute, value]) => {
    const field = `/values/${attribute}`;
    if (!attributeShape.test(attribute)) throw iotError('payload_invalid', `bad attribute name ${JSON.stringify(attribute.slice(0, 64))}`, { field });
    const spec = device.attributes.get(attribute);
    if (!spec) throw iotError('payload_invalid', `attribute ${attribute} is not one of the device type's (${[...device.attributes.keys()].join(', ')})`, { field });
    if (typeof value !== 'number' || !Number.isFinite(value)) throw iotError('payload_invalid', `${attribute} must be a finite number`, { field });
    if (value < spec.min || value > spec.max) throw iotError('payload_invalid', `${attribute} = ${value} is outside ${spec.min}…${spec.max}`, { field });
    return { deviceId: device.id, attribute, value, observedAt: at };
  });
}

export interface Ingestion {
  /** The MQTT consumer of `devices/+/telemetry`: resolves after the readings are committed. */
  handleMqtt(msg: MqttMessage): Promise<void>;
  /** HTTP push with the device token; resolves with the number of readings stored. */
  handleHttp(deviceId: string, token: string | undefined, body: unknown, sourceAddress?: string): Promise<number>;
  /** A publish the MQTT engine refused (topic not allowed, QoS 0 shed under overload): kept as a dead letter. */
  refused(refusal: MqttRefusal): void;
  stats(): IngestStats;
}

export function createIngestion(deps: {
  registry: DeviceRegistry;
  deadLetters: DeadLetterSink;
  writer: GroupCommitWriter;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
}): Ingestion {
  const { registry, writer, clock } = deps;
  let stored = 0;
  let readings = 0;
  let overloaded = 0;
  /** Count and keep a refused message. A dead letter that cannot be written fails the message (not acked). */
  const deadLetter = deps.deadLetters.put;

  async function storeReadings(rows: Reading[]): Promise<void> {
    try {
      await writer.submit(rows);
    } catch (err) {
      if (isAppError(err) && err.code === 'ingest_overloaded') overloaded++;
      throw err;
    }
    stored++;
    readings += rows.length;
  }

  return {
    async handleMqtt(msg) {
      const text = msg.payload.toString('utf8');
      const match = topicShape.exec(msg.topic);
      const deviceId = match?.[1] ?? null;
      const base = { source: 'mqtt' as const, topic: msg.topic, deviceId, payload: text, sourceAddress: msg.remoteAddress ?? null };
      // Embedded broker: authorizePublish already tied the topic to the connection's device.
      if (!deviceId || (msg.principal !== undefined && msg.principal !== deviceId)) {
        return deadLetter({ ...base, reason: 'topic_invalid', detail: `topic must be devices/{your device id}/telemetry` });
      }
      const device = await registry.lookup(deviceId);
      if (!device) return deadLetter({ ...base, reason: 'device_unknown', detail: `no device ${deviceId}` });
      if (!device.enabled) return deadLetter({ ...base, reason: 'device_disabled', detail: `device ${deviceId} is disabled` });
      let rows: Reading[];
      try {
        rows = parseTelemetry(JSON.parse(text), device, clock.now(), deps.retentionDays);
      } catch (err) {
        const reason = isAppError(err) ? err.code : 'payload_invalid';
        const field = isAppError(err) && typeof err.details?.field === 'string' ? ` (${err.details.field})` : '';
        return deadLetter({ ...base, reason, detail: `${(err as Error).message}${field}` });
      }
      try {
        await storeReadings(rows);
      } catch (err) {
        // QoS 1 is refused by not acknowledging it (the device resends); a QoS 0 message has no
        // second chance, so the refusal is kept with its reason instead of vanishing.
        if (msg.qos !== 0 || !isAppError(err) || err.code !== 'ingest_overloaded') throw err;
        deps.deadLetters.offer({ ...base, reason: 'ingest_overloaded', detail: err.message });
      }
    },

    async handleHttp(deviceId, token, body, sourceAddress) {
      const keep = (reason: string, detail: string): Promise<void> =>
        // The answer to the device does not wait on a full buffer: the refusal is counted either way.
        deadLetter({ source: 'http', topic: null, deviceId, reason, detail, payload: safeJson(body), sourceAddress: sourceAddress ?? null }).catch(() => undefined);
      const device = await registry.lookup(deviceId);
      if (!device) {
        await keep('device_unknown', `no device ${deviceId}`);
        throw iotError('device_token_invalid', 'missing or wrong device token (Authorization: Bearer <token>)', { field: '/headers/authorization' });
      }
      if (!token || !(await registry.verifyToken(deviceId, token))) {
        await keep('device_token_invalid', token ? 'wrong device token' : 'no device token (Authorization: Bearer <token>)');
        throw iotError('device_token_invalid', 'missing or wrong device token (Authorization: Bearer <token>)', { field: '/headers/authorization' });
      }
      if (!device.enabled) {
        await keep('device_disabled', `device ${deviceId} is disabled`);
        throw iotError('device_disabled', `device ${deviceId} is disabled`, { field: '/params/id' });
      }
      let rows: Reading[];
      try {
        rows = parseTelemetry(body, device, clock.now(), deps.retentionDays);
      } catch (err) {
        if (isAppError(err)) {
          const field = typeof err.details?.field === 'string' ? err.details.field : '/';
          await deadLetter({ source: 'http', topic: null, deviceId, reason: err.code, detail: `${err.message} (${field})`, payload: safeJson(body), sourceAddress: sourceAddress ?? null });
          throw iotError(err.code === 'observed_at_out_of_range' ? 'observed_at_out_of_range' : 'payload_invalid', err.message, { field: `/body${field === '/' ? '' : field}` });
        }
        throw err;
      }
      await storeReadings(rows);
      return rows.length;
    },

    refused(r) {
      const claimed = /^devices\/([^/]+)\//.exec(r.topic)?.[1] ?? null;
      const who = r.principal ?? r.clientId ?? 'a device';
      const detail = r.reason === 'unauthorized'
        ? `${who} may not publish to ${r.topic}; disconnected`
        : `QoS ${r.qos} message shed: ${r.reason.replace('_', ' ')}`;
      deps.deadLetters.offer({
        source: 'mqtt',
        topic: r.topic,
        deviceId: claimed,
        reason: r.reason === 'unauthorized' ? 'topic_not_allowed' : `refused_${r.reason}`,
        detail,
        payload: r.payload.toString('utf8'),
        sourceAddress: r.remoteAddress ?? null,
      });
    },

    stats() {
      const w = writer.stats();
      const dl = deps.deadLetters.counts();
      return { stored, readings, rejected: dl.byReason, overloaded, deadLettersDropped: dl.dropped, pendingReadings: w.pendingReadings, batches: w.batches };
    },
  };
}

/** The body as text for the dead-letter store; never throws (a circular or huge value is cut). */
function safeJson(body: unknown): string {
  try {
    return (typeof body === 'string' ? body : JSON.stringify(body) ?? '').slice(0, 4096);
  } catch {
    return String(body).slice(0, 4096);
  }
}
