// 告警 alarms: rules evaluated on every stored batch (threshold, rate of change) and on a timer
// (device offline); alarms raised and cleared in the batch's transaction, with their events in
// the outbox of that same transaction.
import type { Clock } from '../../kernel/index.ts';
import type { Database, Queryable } from '../../platform/db/index.ts';
import { enqueueEvents } from '../../platform/bus/index.ts';
import type { Alarm, AlarmEvent, AlarmListQuery, Operator, Rule, RuleInput, RulePatch } from './alarm-schemas.ts';
import { createAlarmStore, type Trigger } from './alarm-store.ts';
import { iotError } from './errors.ts';
import type { DeviceRegistry } from './registry.ts';
import type { Reading } from './telemetry-store.ts';

export const ALARM_RAISED = 'iot.alarm.raised';
export const ALARM_CLEARED = 'iot.alarm.cleared';
const RULES_TTL_MS = 10_000;
/** First key of the advisory locks taken per device while its alarms change. */
const ALARM_LOCK_SPACE = 3715;

export interface AlarmService {
  listRules(): Promise<Rule[]>;
  createRule(input: RuleInput): Promise<Rule>;
  updateRule(id: number, patch: RulePatch): Promise<Rule>;
  deleteRule(id: number): Promise<void>;
  listAlarms(query: AlarmListQuery): Promise<Alarm[]>;
  /** How many alarms are open (active or acknowledged), counted in SQL. */
  countAlarms(query: { status: 'open' }): Promise<number>;
  acknowledge(id: number, by: string): Promise<void>;
  clear(id: number): Promise<void>;
  /**
   * Evaluate threshold, rate and offline-clearing rules on readings about to be stored. Looks up
   * rules and devices first (outside any transaction: PGlite has one connection) and answers the
   * step to run inside the readings' transaction, which resolves to the number of events enqueued.
   */
  evaluate(readings: readonly Reading[]): Promise<(tx: Queryable) => Promise<number>>;
  /** Raise offline alarms for silent devices. Returns the alarms raised. */
  sweepOffline(): Promise<number>;
}

const compare = (op: Operator, a: number, b: number): boolean => (op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b);

export function createAlarmService(deps: { db: Database; clock: Clock; registry: DeviceRegistry }): AlarmService {
  const store = createAlarmStore(deps.db);
  let cached: { at: number; rules: Rule[] } | undefined;

  async function rules(): Promise<Rule[]> {
    if (!cached || Date.now() - cached.at > RULES_TTL_MS) cached = { at: Date.now(), rules: (await store.rules()).filter((r) => r.enabled) };
    return cached.rules;
  }

  async function publish(tx: Queryable, events: readonly AlarmEvent[]): Promise<void> {
    await enqueueEvents(tx, events.map((e) => ({ subject: e.status === 'cleared' ? ALARM_CLEARED : ALARM_RAISED, data: e })));
  }

  async function validate(input: RuleInput): Promise<void> {
    if ((input.deviceId === undefined) === (input.typeId === undefined)) throw iotError('rule_invalid', 'give either deviceId or typeId', { field: '/body/deviceId' });
    let typeId = input.typeId;
    if (input.deviceId !== undefined) {
      const device = await deps.registry.lookup(input.deviceId);
      if (!device) throw iotError('rule_invalid', `no device ${input.deviceId}`, { field: '/body/deviceId' });
      typeId = device.typeId;
    }
    const type = (await deps.registry.deviceTypes()).find((t) => t.id === typeId);
    if (!type) throw iotError('rule_invalid', `unknown device type ${typeId}`, { field: '/body/typeId' });
    if (input.kind === 'offline') {
      if (input.offlineSeconds === undefined) throw iotError('rule_invalid', 'an offline rule needs offlineSeconds', { field: '/body/offlineSeconds' });
      return;
    }
    for (const field of ['attribute', 'operator', 'threshold'] as const) {
      if (input[field] === undefined) throw iotError('rule_invalid', `a ${input.kind} rule needs ${field}`, { field: `/body/${field}` });
    }
    if (!type.attributes.some((a) => a.name === input.attribute)) {
      throw iotError('rule_invalid', `${type.id} has no attribute ${input.attribute} (${type.attributes.map((a) => a.name).join(', ')})`, { field: '/body/attribute' });
    }
  }

  return {
    listRules: () => store.rules(),

    async createRule(input) {
      await validate(input);
      const rule = await store.insertRule(input, deps.clock.now());
      cached = undefined;
      return rule;
    },

    async updateRule(id, patch) {
      const set: Record<string, unknown> = {};
      const columns = { name: 'name', operator: 'operator', threshold: 'threshold', offlineSeconds: 'offline_seconds', severity: 'severity', enabled: 'enabled' } as const;
      for (const [key, column] of Object.entries(columns)) {
        const value = patch[key as keyof RulePatch];
        if (value !== undefined) set[column] = value;
      }
      const rule = Object.keys(set).length > 0 ? await store.updateRule(id, set, deps.clock.now()) : (await store.rules()).find((r) => r.id === id);
      if (!rule) throw iotError('rule_not_found', `no rule ${id}`, { field: '/params/id' });
      cached = undefined;
      return rule;
    },

    async deleteRule(id) {
      if (!(await store.deleteRule(id))) throw iotError('rule_not_found', `no rule ${id}`, { field: '/params/id' });
      cached = undefined;
    },

    listAlarms: (query) => store.listAlarms(query),
    countAlarms: () => store.countOpen(),

    async acknowledge(id, by) {
      if (await store.acknowledge(id, by, deps.clock.now())) return;
      const status = await store.alarmStatus(id);
      if (!status) throw iotError('alarm_not_found', `no alarm ${id}`, { field: '/params/id' });
      throw iotError('alarm_state_conflict', `alarm ${id} is ${status}; only an active alarm can be acknowledged`, { field: '/params/id' });
    },

    async clear(id) {
      const cleared = await deps.db.transaction(async (tx) => {
        const event = await store.clearOne(tx, id, deps.clock.now());
        if (event) await publish(tx, [event]);
        return event;
      });
      if (cleared) return;
      const status = await store.alarmStatus(id);
      if (!status) throw iotError('alarm_not_found', `no alarm ${id}`, { field: '/params/id' });
      throw iotError('alarm_state_conflict', `alarm ${id} is already cleared`, { field: '/params/id' });
    },

    async evaluate(readings) {
      const all = await rules();
      if (all.length === 0) return () => Promise.resolve(0);
      // The verdict of the newest reading decides, per (rule, device).
      const verdicts = new Map<string, { at: number; attribute: string | null; trigger: Trigger | null; pair: { ruleId: number; deviceId: string } }>();
      const decide = (rule: Rule, r: Reading, fired: boolean, value: number, message: string): void => {
        const key = `${rule.id}\u0000${r.deviceId}`;
        const seen = verdicts.get(key);
        if (seen && seen.at > r.observedAt.getTime()) return;
        const pair = { ruleId: rule.id, deviceId: r.deviceId };
        verdicts.set(key, { at: r.observedAt.getTime(), attribute: rule.kind === 'offline' ? null : r.attribute, pair, trigger: fired ? { ...pair, severity: rule.severity, value, message } : null });
      };
      const rateChecks: Array<{ rule: Rule; reading: Reading }> = [];
      for (const r of readings) {
        const device = await deps.registry.lookup(r.deviceId);
        if (!device) continue;
        for (const rule of all) {
          if (rule.deviceId !== null ? rule.deviceId !== r.deviceId : rule.typeId !== device.typeId) continue;
          // A reading is a sign of life: it clears the device's offline alarm.
          if (rule.kind === 'offline') decide(rule, r, false, 0, '');
          else if (rule.attribute !== r.attribute || rule.operator === null || rule.threshold === null) continue;
          else if (rule.kind === 'threshold') decide(rule, r, compare(rule.operator, r.value, rule.threshold), r.value, `${r.attribute} = ${r.value} ${rule.operator} ${rule.threshold}`);
          else rateChecks.push({ rule, reading: r });
        }
      }
      return async (tx) => {
        if (rateChecks.length > 0) {
          const { rows } = await tx.query<{ i: number; pv: number | null; pt: string | Date | null }>(
            `SELECT u.i, p.value AS pv, p.observed_at AS pt FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS u(d, a, t, i)
             LEFT JOIN LATERAL (SELECT value, observed_at FROM iot_telemetry WHERE device_id = u.d AND attribute = u.a AND observed_at < u.t ORDER BY observed_at DESC LIMIT 1) p ON true`,
            [rateChecks.map((c) => c.reading.deviceId), rateChecks.map((c) => c.reading.attribute), rateChecks.map((c) => c.reading.observedAt.toISOString())],
          );
          for (const row of rows) {
            const check = rateChecks[Number(row.i) - 1];
            if (!check || row.pv === null || row.pt === null || check.rule.operator === null || check.rule.threshold === null) continue;
            const minutes = (check.reading.observedAt.getTime() - new Date(row.pt).getTime()) / 60_000;
            if (minutes <= 0) continue;
            const rate = (check.reading.value - Number(row.pv)) / minutes;
            const rounded = Math.round(rate * 1000) / 1000;
            decide(check.rule, check.reading, compare(check.rule.operator, rate, check.rule.threshold), check.reading.value, `${check.reading.attribute} changes ${rounded}/min ${check.rule.operator} ${check.rule.threshold}/min`);
          }
        }
        let decided = [...verdicts.values()];
        if (decided.length === 0) return 0;
        // Fast path (most batches change no alarm): one read of the open alarms of these pairs keeps
        // only the verdicts that would change something — a trigger without an open alarm, or a
        // clearing verdict with one. Skipping the rest is safe with concurrent writers: this
        // transaction already upserted iot_latest for every measured (device, attribute), and that
        // row lock made any other batch with the same pair either commit before this read or wait
        // for this commit (and then see its own verdict as stale below).
        const { rows: open } = await tx.query<{ r: string | number; d: string }>(
          `SELECT a.rule_id AS r, a.device_id AS d FROM iot_alarms a
           WHERE a.status <> 'cleared' AND (a.device_id, a.rule_id) IN (SELECT d, r FROM unnest($1::text[], $2::bigint[]) AS u(d, r))`,
          [decided.map((v) => v.pair.deviceId), decided.map((v) => v.pair.ruleId)],
        );
        const isOpen = new Set(open.map((o) => `${Number(o.r)}\u0000${o.d}`));
        decided = decided.filter((v) => (v.trigger !== null) !== isOpen.has(`${v.pair.ruleId}\u0000${v.pair.deviceId}`));
        if (decided.length === 0) return 0;
        // Concurrent batches raise and clear alarms of overlapping devices: lock the devices in
        // one global order first, so two transactions never wait on each other (no deadlock).
        // PGlite runs one transaction at a time: nothing to order.
        if (deps.db.engine !== 'pglite') {
          await tx.query(
            `SELECT pg_advisory_xact_lock(${ALARM_LOCK_SPACE}, k) FROM (SELECT DISTINCT hashtext(d) AS k FROM unnest($1::text[]) AS d ORDER BY 1) s`,
            [[...new Set(decided.map((v) => v.pair.deviceId))]],
          );
        }
        // Batches may commit out of order (several consumer sessions, parallel writers): a verdict
        // on a reading older than the device's latest committed one is stale and must not flip the
        // alarm back. iot_latest only moves forward, and its row lock orders the writers.
        const measured = decided.filter((v) => v.attribute !== null);
        if (measured.length > 0) {
          const { rows: stale } = await tx.query<{ i: number }>(
            `SELECT u.i FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS u(d, a, t, i)
             JOIN iot_latest l ON l.device_id = u.d AND l.attribute = u.a AND l.observed_at > u.t`,
            [measured.map((v) => v.pair.deviceId), measured.map((v) => v.attribute), measured.map((v) => new Date(v.at).toISOString())],
          );
          const skip = new Set(stale.map((r) => measured[Number(r.i) - 1]));
          if (skip.size > 0) decided = decided.filter((v) => !skip.has(v));
        }
        const now = deps.clock.now();
        const raised = await store.raise(tx, decided.flatMap((v) => (v.trigger ? [v.trigger] : [])), now);
        const cleared = await store.clearPairs(tx, decided.filter((v) => !v.trigger).map((v) => v.pair), now);
        await publish(tx, [...raised, ...cleared]);
        return raised.length + cleared.length;
      };
    },

    async sweepOffline() {
      const silent = await store.silentDevices(deps.clock.now());
      if (silent.length === 0) return 0;
      return deps.db.transaction(async (tx) => {
        const raised = await store.raise(tx, silent, deps.clock.now());
        await publish(tx, raised);
        return raised.length;
      });
    },
  };
}
