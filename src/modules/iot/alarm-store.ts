// SQL for iot_rules and iot_alarms.
import type { Database, Queryable } from '../../platform/db/index.ts';
import type { Alarm, AlarmEvent, AlarmListQuery, AlarmStatus, Operator, Rule, RuleInput, RuleKind, Severity } from './alarm-schemas.ts';
import { isoColumn as iso } from './store.ts';

interface RuleRow {
  id: string | number;
  name: string;
  device_id: string | null;
  type_id: string | null;
  kind: RuleKind;
  attribute: string | null;
  operator: Operator | null;
  threshold: number | null;
  offline_seconds: number | null;
  severity: Severity;
  enabled: boolean;
}

const toRule = (r: RuleRow): Rule => ({
  id: Number(r.id),
  name: r.name,
  deviceId: r.device_id,
  typeId: r.type_id,
  kind: r.kind,
  attribute: r.attribute,
  operator: r.operator,
  threshold: r.threshold === null ? null : Number(r.threshold),
  offlineSeconds: r.offline_seconds,
  severity: r.severity,
  enabled: r.enabled,
});

interface AlarmEventRow {
  id: string | number;
  rule_id: string | number;
  device_id: string;
  severity: Severity;
  status: AlarmStatus;
  value: number | null;
  message: string;
  raised_at: string;
  cleared_at: string | null;
  owner_department?: string | null;
}

// The device's owner department rides along so bus consumers can route the alarm without a registry read.
const EVENT_COLUMNS = `id, rule_id, device_id, severity, status, value, message, ${iso('raised_at')}, ${iso('cleared_at')},
  (SELECT dev.owner_department FROM iot_devices dev WHERE dev.id = device_id) AS owner_department`;
const toEvent = (r: AlarmEventRow): AlarmEvent => ({
  alarmId: Number(r.id),
  ruleId: Number(r.rule_id),
  deviceId: r.device_id,
  severity: r.severity,
  status: r.status,
  value: r.value === null ? null : Number(r.value),
  message: r.message,
  raisedAt: r.raised_at,
  clearedAt: r.cleared_at,
  ...(typeof r.owner_department === 'string' ? { ownerDepartment: r.owner_department } : {}),
});

/** A rule that fired for a device, with the value that fired it. */
export interface Trigger {
  ruleId: number;
  deviceId: string;
  severity: Severity;
  value: number | null;
  message: string;
}

export function createAlarmStore(db: Database) {
  const RULE_COLUMNS = 'id, name, device_id, type_id, kind, attribute, operator, threshold, offline_seconds, severity, enabled';
  return {
    async insertRule(r: RuleInput, at: Date): Promise<Rule> {
      const { rows } = await db.query<RuleRow>(
        `INSERT INTO iot_rules (name, device_id, type_id, kind, attribute, operator, threshold, offline_seconds, severity, enabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ${RULE_COLUMNS}`,
        [r.name, r.deviceId ?? null, r.typeId ?? null, r.kind, r.attribute ?? null, r.operator ?? null, r.threshold ?? null, r.offlineSeconds ?? null, r.severity, r.enabled, at.toISOString()],
      );
      return toRule(rows[0] as RuleRow);
    },

    async rules(): Promise<Rule[]> {
      const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM iot_rules ORDER BY id`);
      return rows.map(toRule);
    },

    async updateRule(id: number, set: Record<string, unknown>, at: Date): Promise<Rule | undefined> {
      const columns = Object.keys(set);
      const { rows } = await db.query<RuleRow>(
        `UPDATE iot_rules SET ${[...columns.map((c, i) => `${c} = $${i + 2}`), `updated_at = $${columns.length + 2}`].join(', ')} WHERE id = $1 RETURNING ${RULE_COLUMNS}`,
        [id, ...columns.map((c) => set[c]), at.toISOString()],
      );
      return rows[0] ? toRule(rows[0]) : undefined;
    },

    async deleteRule(id: number): Promise<boolean> {
      return (await db.query('DELETE FROM iot_rules WHERE id = $1', [id])).rowCount === 1;
    },

    /** Open an alarm per trigger unless one is open for that (device, rule); returns the opened ones. */
    async raise(tx: Queryable, triggers: readonly Trigger[], at: Date): Promise<AlarmEvent[]> {
      if (triggers.length === 0) return [];
      const { rows } = await tx.query<AlarmEventRow>(
        `INSERT INTO iot_alarms (rule_id, device_id, severity, status, value, message, raised_at, updated_at)
         SELECT r, d, s, 'active', v, m, $6, $6 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::text[]) AS u(r, d, s, v, m)
         ON CONFLICT (device_id, rule_id) WHERE status <> 'cleared' DO NOTHING
         RETURNING ${EVENT_COLUMNS}`,
        [triggers.map((t) => t.ruleId), triggers.map((t) => t.deviceId), triggers.map((t) => t.severity), triggers.map((t) => t.value), triggers.map((t) => t.message), at.toISOString()],
      );
      return rows.map(toEvent);
    },

    /** Clear the open alarms of these (rule, device) pairs; returns the cleared ones. */
    async clearPairs(tx: Queryable, pairs: ReadonlyArray<{ ruleId: number; deviceId: string }>, at: Date): Promise<AlarmEvent[]> {
      if (pairs.length === 0) return [];
      const { rows } = await tx.query<AlarmEventRow>(
        `UPDATE iot_alarms a SET status = 'cleared', cleared_at = $3, updated_at = $3
         FROM unnest($1::bigint[], $2::text[]) AS u(r, d)
         WHERE a.rule_id = u.r AND a.device_id = u.d AND a.status <> 'cleared'
         RETURNING ${EVENT_COLUMNS}`,
        [pairs.map((p) => p.ruleId), pairs.map((p) => p.deviceId), at.toISOString()],
      );
      return rows.map(toEvent);
    },

    /** Devices silent longer than their offline rules allow, without an open alarm for that rule. */
    async silentDevices(at: Date): Promise<Trigger[]> {
      const { rows } = await db.query<{ rule_id: string | number; device_id: string; severity: Severity; offline_seconds: number; seen: string | null }>(
        `SELECT r.id AS rule_id, d.id AS device_id, r.severity, r.offline_seconds, ${iso('s.seen', 'seen')}
         FROM iot_rules r JOIN iot_devices d ON d.id = r.device_id OR d.type_id = r.type_id
         LEFT JOIN LATERAL (SELECT max(received_at) AS seen FROM iot_latest l WHERE l.device_id = d.id) s ON true
         WHERE r.kind = 'offline' AND r.enabled AND d.enabled
           AND coalesce(s.seen, d.created_at) < $1::timestamptz - make_interval(secs => r.offline_seconds)
           AND NOT EXISTS (SELECT 1 FROM iot_alarms a WHERE a.device_id = d.id AND a.rule_id = r.id AND a.status <> 'cleared')`,
        [at.toISOString()],
      );
      return rows.map((r) => ({
        ruleId: Number(r.rule_id),
        deviceId: r.device_id,
        severity: r.severity,
        value: null,
        message: r.seen ? `no reading since ${r.seen} (limit ${r.offline_seconds} s)` : `no reading since registration (limit ${r.offline_seconds} s)`,
      }));
    },

    async listAlarms(q: AlarmListQuery): Promise<Alarm[]> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.status === 'open') where.push("a.status <> 'cleared'");
      else if (q.status) where.push(`a.status = $${params.push(q.status)}`);
      if (q.deviceId) where.push(`a.device_id = $${params.push(q.deviceId)}`);
      if (q.severity) where.push(`a.severity = $${params.push(q.severity)}`);
      const { rows } = await db.query<AlarmEventRow & { rule_name: string; device_name: string; acknowledged_at: string | null; acknowledged_by: string | null }>(
        `SELECT a.id, a.rule_id, r.name AS rule_name, a.device_id, d.name AS device_name, a.severity, a.status, a.value, a.message,
           ${iso('a.raised_at', 'raised_at')}, ${iso('a.acknowledged_at', 'acknowledged_at')}, a.acknowledged_by, ${iso('a.cleared_at', 'cleared_at')}
         FROM iot_alarms a JOIN iot_rules r ON r.id = a.rule_id JOIN iot_devices d ON d.id = a.device_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.raised_at DESC, a.id DESC LIMIT $${params.length + 1}`,
        [...params, q.limit],
      );
      return rows.map((r) => ({
        ...toEvent(r),
        id: Number(r.id),
        ruleName: r.rule_name,
        deviceName: r.device_name,
        acknowledgedAt: r.acknowledged_at,
        acknowledgedBy: r.acknowledged_by,
      })).map(({ alarmId: _drop, ...rest }) => rest);
    },

    async countOpen(): Promise<number> {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM iot_alarms WHERE status <> 'cleared'");
      return Number(rows[0]?.n ?? 0);
    },

    async alarmStatus(id: number): Promise<AlarmStatus | undefined> {
      const { rows } = await db.query<{ status: AlarmStatus }>('SELECT status FROM iot_alarms WHERE id = $1', [id]);
      return rows[0]?.status;
    },

    async acknowledge(id: number, by: string, at: Date): Promise<boolean> {
      const r = await db.query("UPDATE iot_alarms SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, updated_at = $2 WHERE id = $1 AND status = 'active'", [id, at.toISOString(), by]);
      return r.rowCount === 1;
    },

    async clearOne(tx: Queryable, id: number, at: Date): Promise<AlarmEvent | undefined> {
      const { rows } = await tx.query<AlarmEventRow>(
        `UPDATE iot_alarms SET status = 'cleared', cleared_at = $2, updated_at = $2 WHERE id = $1 AND status <> 'cleared' RETURNING ${EVENT_COLUMNS}`,
        [id, at.toISOString()],
      );
      return rows[0] ? toEvent(rows[0]) : undefined;
    },
  };
}

export type AlarmStore = ReturnType<typeof createAlarmStore>;
