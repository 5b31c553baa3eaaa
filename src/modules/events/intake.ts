// Intake of machine sources: 视频智能识别 detections (de-duplicated in a time and distance window)
// and 物联感知告警 IoT alarms from the bus (one event per alarm, however often it is delivered).
import { createHash } from 'node:crypto';
import type { BusEvent, OutboxRelay } from '../../platform/bus/index.ts';
import type { CoreDeps, EventsCore } from './core.ts';
import { SCENARIOS, type DetectionInput, type DetectionResult, type Severity } from './schemas.ts';

/** Device name and position for an alarm's device (the IoT registry), when known. */
export type DeviceLocator = (deviceId: string) => Promise<{ name: string; lon: number; lat: number } | undefined>;

/** The fields of `iot.alarm.raised` / `iot.alarm.cleared` this module reads (src/modules/iot AlarmEvent). */
interface AlarmData {
  alarmId: number;
  deviceId: string;
  severity: string;
  message: string;
  raisedAt: string;
  clearedAt?: string | null;
}

const ALARM_SEVERITY: Record<string, Severity> = { critical: 'urgent', major: 'major', minor: 'normal', warning: 'normal' };
export const IOT_ALARM_CATEGORY = 'SZ06';

const SCENARIO_NAMES: Record<keyof typeof SCENARIOS, string> = {
  muck_truck_uncovered: '渣土车未覆盖',
  exposed_garbage: '暴露垃圾',
  non_motor_disorder: '非机动车乱停放',
  piled_materials: '乱堆物料',
  crowd_gathering: '人群聚集',
  street_vending: '占道经营',
  overflowing_bin: '垃圾满溢',
  waterlogging: '积水',
};

/** Advisory-lock namespace of detection de-duplication (first key of pg_advisory_xact_lock). */
const DETECTION_LOCK = 6_000_001;

function isAlarm(d: unknown): d is AlarmData {
  const a = d as Partial<AlarmData> | null;
  return !!a && typeof a.alarmId === 'number' && typeof a.deviceId === 'string' && typeof a.severity === 'string' && typeof a.raisedAt === 'string';
}

export function createIntake(deps: CoreDeps & { core: EventsCore; relay?: Pick<OutboxRelay, 'kick'> | undefined; deviceLocator?: DeviceLocator | undefined }) {
  const { db, store, clock, core, settings, logger } = deps;

  return {
    /**
     * A vendor's detection. Same scenario within the window (default 10 min since the event's last
     * detection) and radius (default 50 m) of an open event → appended to it. Serialised per
     * scenario with a transaction-scoped advisory lock, so concurrent detections cannot both create.
     */
    async detect(input: DetectionInput, actor: string): Promise<DetectionResult> {
      const categoryCode = SCENARIOS[input.scenario];
      const detectedAt = new Date(input.detectedAt);
      const receivedAt = clock.now();
      const place = await deps.locate(input.lon, input.lat);
      const detection = { cameraId: input.cameraId, scenario: input.scenario, detectedAt, confidence: input.confidence, snapshotUrl: input.snapshotUrl ?? null, lon: input.lon, lat: input.lat, receivedAt };
      const note = `camera ${input.cameraId}, confidence ${input.confidence.toFixed(2)}`;
      const prep = await core.prepare();
      const result = await db.transaction(async (tx): Promise<DetectionResult> => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DETECTION_LOCK, categoryCode]);
        const since = new Date(detectedAt.getTime() - settings.dedupWindowMinutes * 60_000);
        const existing = await store.nearbyDetectionEvent(tx, { categoryCode, lon: input.lon, lat: input.lat, since, radiusM: settings.dedupRadiusMeters });
        if (existing !== undefined) {
          await store.insertDetection(tx, existing, detection);
          const count = await store.countDetection(tx, existing, detectedAt);
          await store.addTimeline(tx, existing, { at: receivedAt, actor, action: 'detected', fromState: null, toState: null, departmentCode: null, note });
          return { eventId: existing, created: false, detectionCount: count };
        }
        const id = await core.createIn(tx, {
          title: `${SCENARIO_NAMES[input.scenario]}（${input.cameraId}）`, description: `视频智能识别 video detection: ${note}`, categoryCode, severity: input.severity,
          source: 'video_ai', sourceRef: input.cameraId, lon: input.lon, lat: input.lat, address: '', place, detectedAt,
        }, actor, prep);
        if (id === undefined) throw new Error('video events have no unique source reference');
        await store.insertDetection(tx, id, detection);
        if (input.snapshotUrl) {
          await store.insertAttachment(tx, id, { name: `snapshot-${input.cameraId}.jpg`, mediaType: 'image/jpeg', sizeBytes: null, sha256: null, path: null, url: input.snapshotUrl, actor, at: receivedAt });
        }
        return { eventId: id, created: true, detectionCount: 1 };
      });
      deps.relay?.kick();
      return result;
    },

    /** `iot.alarm.raised`: one event per alarm (unique source reference), whatever the redeliveries. */
    async onAlarmRaised(e: BusEvent): Promise<void> {
      if (!isAlarm(e.data)) {
        logger.warn({ eventId: e.id, subject: e.subject }, 'events: alarm without alarmId/deviceId/severity/raisedAt ignored');
        return;
      }
      const a = e.data;
      const sourceRef = `alarm:${a.alarmId}`;
      if ((await store.eventIdBySource(db, 'iot_alarm', sourceRef)) !== undefined) return;
      const device = deps.deviceLocator ? await deps.deviceLocator(a.deviceId).catch(() => undefined) : undefined;
      const place = device ? await deps.locate(device.lon, device.lat) : null;
      const prep = await core.prepare();
      await db.transaction((tx) =>
        core.createIn(tx, {
          title: `${device?.name ?? a.deviceId}：${a.message || '物联感知告警'}`, description: `物联感知告警 IoT alarm ${a.alarmId} of device ${a.deviceId}, raised ${a.raisedAt}`,
          categoryCode: IOT_ALARM_CATEGORY, severity: ALARM_SEVERITY[a.severity] ?? 'normal', source: 'iot_alarm', sourceRef,
          lon: device?.lon ?? null, lat: device?.lat ?? null, address: device?.name ?? '', place,
        }, 'iot', prep),
      );
      deps.relay?.kick();
    },

    /** `iot.alarm.cleared`: noted on the alarm's event timeline once (the event stays for the department to close). */
    async onAlarmCleared(e: BusEvent): Promise<void> {
      if (!isAlarm(e.data)) return;
      const id = await store.eventIdBySource(db, 'iot_alarm', `alarm:${e.data.alarmId}`);
      if (id === undefined) return;
      const busEventId = createHash('sha256').update(e.id).digest('hex');
      await store.addTimeline(db, id, { at: clock.now(), actor: 'iot', action: 'alarm_cleared', fromState: null, toState: null, departmentCode: null, note: `alarm cleared ${e.data.clearedAt ?? ''}`.trim(), busEventId });
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
