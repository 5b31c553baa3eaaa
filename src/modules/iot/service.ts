// Telemetry queries (raw or from the stored rollups), partition and rollup maintenance (create
// ahead, retention) and the MQTT device checks.
import type { Clock } from '../../kernel/index.ts';
import type { MqttAuthHooks } from '../../platform/mqtt/index.ts';
import { iotError } from './errors.ts';
import type { DeviceRegistry } from './registry.ts';
import type { DeadLetter, History, HistoryQuery } from './schemas.ts';
import { dayOf, type TelemetryStore } from './telemetry-store.ts';

const DAY_MS = 86_400_000;
/** Raw readings answered at most; longer ranges are downsampled automatically. */
const MAX_POINTS = 10_000;
const RAW_RANGE_MS = 6 * 3_600_000;
const TARGET_BUCKETS = 500;
const NICE_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

export interface TelemetryService {
  history(deviceId: string, query: HistoryQuery): Promise<History>;
  deadLetters(query: { limit: number; reason?: string | undefined }): Promise<DeadLetter[]>;
  /** Create the partitions of yesterday to `aheadDays` days ahead; drop those past retention. Returns the dropped days. */
  maintainPartitions(): Promise<string[]>;
  /** Delete hourly and daily rollup rows past their retention. Returns the rows deleted per table. */
  maintainRollups(): Promise<{ hour: number; day: number }>;
}

export interface TelemetryRetention {
  /** Days of raw readings kept (daily partitions dropped after). */
  retentionDays: number;
  /** Days of the hourly rollup kept. */
  rollupHourRetentionDays: number;
  /** Days of the daily rollup kept. */
  rollupDayRetentionDays: number;
}

export function createTelemetryService(deps: { registry: DeviceRegistry; store: TelemetryStore; clock: Clock; aheadDays?: number } & TelemetryRetention): TelemetryService {
  const { store, clock } = deps;
  return {
    async history(deviceId, query) {
      await deps.registry.get(deviceId);
      const from = new Date(query.from);
      const to = new Date(query.to);
      const range = to.getTime() - from.getTime();
      if (!(range > 0)) throw iotError('query_invalid', '`to` must be after `from`', { field: '/query/to' });
      let bucket = query.bucketSeconds ?? null;
      if (bucket === null && range > RAW_RANGE_MS) {
        const wanted = range / 1000 / TARGET_BUCKETS;
        bucket = NICE_BUCKETS.find((b) => b >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
      }
      // Whole hours are read from the rollups, which are kept longer than the raw readings.
      const kept = bucket !== null && bucket % 3600 === 0 ? Math.max(deps.retentionDays, deps.rollupDayRetentionDays) : deps.retentionDays;
      if (range > (kept + 1) * DAY_MS) throw iotError('query_invalid', `range longer than the ${kept}-day retention`, { field: '/query/from' });
      if (bucket !== null && range / 1000 / bucket > MAX_POINTS) {
        throw iotError('query_invalid', `more than ${MAX_POINTS} buckets: use a larger bucketSeconds`, { field: '/query/bucketSeconds' });
      }
      const { source, points } = await store.history(deviceId, query.attribute, from, to, bucket, MAX_POINTS);
      return { deviceId, attribute: query.attribute, bucketSeconds: bucket, source, points };
    },

    deadLetters: (query) => store.deadLetters(query.limit, query.reason),

    async maintainPartitions() {
      const today = dayOf(clock.now());
      for (let d = -1; d <= (deps.aheadDays ?? 3); d++) await store.ensurePartition(today + d * DAY_MS);
      // A partition is dropped once its whole day is older than the retention window.
      const cutoff = clock.now().getTime() - deps.retentionDays * DAY_MS;
      const dropped: string[] = [];
      for (const day of await store.partitionDays()) {
        if (day + DAY_MS > cutoff) continue;
        await store.dropPartition(day);
        dropped.push(new Date(day).toISOString().slice(0, 10));
      }
      return dropped;
    },

    async maintainRollups() {
      // A bucket goes once it ends before the retention window starts.
      const now = clock.now().getTime();
      const hour = await store.deleteRollupsBefore('iot_rollup_hour', new Date(now - deps.rollupHourRetentionDays * DAY_MS - 3_600_000));
      const day = await store.deleteRollupsBefore('iot_rollup_day', new Date(now - deps.rollupDayRetentionDays * DAY_MS - DAY_MS));
      return { hour, day };
    },
  };
}

/**
 * The embedded broker's checks: a device connects with user name = its id and password = its
 * token, may publish only its telemetry and its command answers, and subscribe only to its own
 * commands topic.
 */
export function deviceAuthHooks(registry: DeviceRegistry): MqttAuthHooks {
  return {
    async authenticate(_clientId, username, password) {
      if (!username || !password) return { ok: false };
      const device = await registry.lookup(username);
      if (!device?.enabled || !(await registry.verifyToken(username, password.toString('utf8')))) return { ok: false };
      return { ok: true, principal: username };
    },
    authorizePublish: (principal, topic) => topic === `devices/${principal}/telemetry` || topic === `devices/${principal}/commands/ack`,
    authorizeSubscribe: (principal, topic) => topic === `devices/${principal}/commands`,
  };
}
