// 下行指令 device commands: stored, published QoS 1 on devices/{id}/commands, answered by the
// device on devices/{id}/commands/ack; what is not answered in time expires.
import { isAppError, type Clock, type Logger } from '../../kernel/index.ts';
import type { Database } from '../../platform/db/index.ts';
import type { MqttEngine, MqttMessage } from '../../platform/mqtt/index.ts';
import type { Command, CommandInput, CommandStatus } from './command-schemas.ts';
import { iotError } from './errors.ts';
import type { DeviceRegistry } from './registry.ts';
import { isoColumn as iso } from './store.ts';
import type { DeadLetterInput } from './telemetry-store.ts';

export const COMMAND_ACK_TOPIC = 'devices/+/commands/ack';
const ackTopic = /^devices\/([A-Za-z0-9_-]{3,64})\/commands\/ack$/;
export const commandTopic = (deviceId: string): string => `devices/${deviceId}/commands`;

interface CommandRow {
  id: string | number;
  device_id: string;
  name: string;
  params: Record<string, unknown> | string;
  status: CommandStatus;
  created_by: string;
  created_at: string;
  sent_at: string | null;
  answered_at: string | null;
  expires_at: string;
  result: unknown;
  error: string | null;
}

const COLUMNS = `id, device_id, name, params, status, created_by, ${iso('created_at')}, ${iso('sent_at')}, ${iso('answered_at')}, ${iso('expires_at')}, result, error`;
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const toCommand = (r: CommandRow): Command => ({
  id: Number(r.id),
  deviceId: r.device_id,
  name: r.name,
  params: json(r.params),
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  answeredAt: r.answered_at,
  expiresAt: r.expires_at,
  result: r.result === null || r.result === undefined ? null : json(r.result),
  error: r.error,
});

export interface CommandService {
  /** Store the command and publish it to the device; answers it as `sent` (or `failed` when the broker refused it). */
  send(deviceId: string, input: CommandInput, by: string): Promise<Command>;
  list(deviceId: string, limit: number): Promise<Command[]>;
  get(id: number): Promise<Command>;
  /** The consumer of devices/+/commands/ack. */
  handleAck(msg: MqttMessage): Promise<void>;
  /** Mark unanswered commands past their deadline as expired; returns how many. */
  expire(): Promise<number>;
}

export function createCommandService(deps: { db: Database; clock: Clock; logger: Logger; mqtt: Pick<MqttEngine, 'publish'>; registry: DeviceRegistry; deadLetter: (d: DeadLetterInput) => Promise<void> }): CommandService {
  const { db, clock } = deps;

  async function get(id: number): Promise<Command> {
    const { rows } = await db.query<CommandRow>(`SELECT ${COLUMNS} FROM iot_commands WHERE id = $1`, [id]);
    if (!rows[0]) throw iotError('command_not_found', `no command ${id}`, { field: '/params/id' });
    return toCommand(rows[0]);
  }

  async function expire(): Promise<number> {
    const r = await db.query(
      "UPDATE iot_commands SET status = 'expired', error = 'no answer from the device before expiry' WHERE status IN ('pending', 'sent') AND expires_at < $1",
      [clock.now().toISOString()],
    );
    return r.rowCount;
  }

  return {
    async send(deviceId, input, by) {
      await deps.registry.get(deviceId);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + input.timeoutSeconds * 1000);
      const { rows } = await db.query<{ id: string | number }>(
        `INSERT INTO iot_commands (device_id, name, params, status, created_by, created_at, expires_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6) RETURNING id`,
        [deviceId, input.name, JSON.stringify(input.params ?? {}), by, now.toISOString(), expiresAt.toISOString()],
      );
      const id = Number(rows[0]?.id);
      const message = JSON.stringify({ id, name: input.name, params: input.params ?? {}, expiresAt: expiresAt.toISOString() });
      try {
        await deps.mqtt.publish(commandTopic(deviceId), message, { qos: 1 });
        // A fast device may answer before this update: keep its answer, record the send time anyway.
        await db.query("UPDATE iot_commands SET status = CASE status WHEN 'pending' THEN 'sent' ELSE status END, sent_at = COALESCE(sent_at, $2) WHERE id = $1", [id, clock.now().toISOString()]);
      } catch (err) {
        deps.logger.warn({ err, deviceId, id }, 'iot command could not be published');
        await db.query("UPDATE iot_commands SET status = 'failed', error = $2, answered_at = $3 WHERE id = $1", [id, `the broker refused the command: ${(err as Error).message}`, clock.now().toISOString()]);
      }
      return get(id);
    },

    async list(deviceId, limit) {
      await deps.registry.get(deviceId);
      await expire();
      const { rows } = await db.query<CommandRow>(`SELECT ${COLUMNS} FROM iot_commands WHERE device_id = $1 ORDER BY id DESC LIMIT $2`, [deviceId, limit]);
      return rows.map(toCommand);
    },

    async get(id) {
      await expire();
      return get(id);
    },

    async handleAck(msg) {
      const text = msg.payload.toString('utf8');
      const deviceId = ackTopic.exec(msg.topic)?.[1] ?? null;
      const reject = (reason: string, detail: string) => deps.deadLetter({ source: 'mqtt', topic: msg.topic, deviceId, reason, detail, payload: text });
      // Embedded broker: the hooks tie the topic to the connection's device already.
      if (!deviceId || (msg.principal !== undefined && msg.principal !== deviceId)) return reject('topic_invalid', 'topic must be devices/{your device id}/commands/ack');
      let body: { id?: unknown; status?: unknown; result?: unknown; error?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return reject('command_ack_invalid', 'payload is not JSON');
      }
      if (body === null || typeof body !== 'object' || !Number.isInteger(body.id) || (body.status !== 'ok' && body.status !== 'error')) {
        return reject('command_ack_invalid', 'expected {"id": <command id>, "status": "ok" | "error", "result"?, "error"?}');
      }
      const error = body.status === 'error' ? (typeof body.error === 'string' ? body.error.slice(0, 1000) : 'the device reported an error') : null;
      const r = await db.query(
        `UPDATE iot_commands SET status = $3, answered_at = $4, result = $5, error = $6
         WHERE id = $1 AND device_id = $2 AND status IN ('pending', 'sent')`,
        [body.id, deviceId, body.status === 'ok' ? 'acked' : 'failed', clock.now().toISOString(), body.result === undefined ? null : JSON.stringify(body.result), error],
      );
      if (r.rowCount === 0) {
        try {
          const found = await get(Number(body.id));
          if (found.deviceId !== deviceId) return reject('command_ack_invalid', `command ${String(body.id)} is not for device ${deviceId}`);
          // A redelivered or late answer to a command already settled: nothing to change.
        } catch (err) {
          if (isAppError(err) && err.code === 'command_not_found') return reject('command_ack_invalid', `no command ${String(body.id)}`);
          throw err;
        }
      }
    },

    expire,
  };
}
