// Intake of machine sources: 视频智能识别 detections (de-duplicated in a time and distance window)
// and 物联感知告警 IoT alarms from the bus (one event per alarm, however often it is delivered).
import { createHash } from 'node:crypto';
import type { BusEvent, OutboxRelay } from '../../platform/bus/index.ts';
import type { CoreDeps, EventsCore } from './core.ts';
import { eventsError } from './errors.ts';
import type { DetectionInput, DetectionResult, Severity } from './schemas.ts';

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
     * A vendor's detection, always recorded. Below its scenario's minimum confidence it raises no
     * event. Otherwise the same scenario within the window (default 10 min since the event's last
     * detection) and radius (default 50 m) of an open event → merged into it; else a new event.
     * Serialised per category with a transaction-scoped advisory lock, so concurrent detections
     * cannot both create.
     */
    async detect(input: DetectionInput, actor: string): Promise<DetectionResult> {
      const scenario = (await core.catalogue()).scenarios.get(input.scenario);
      if (!scenario) throw eventsError('scenario_unknown', `no video scenario ${input.scenario}; see /api/events/scenarios`, { field: '/body/scenario', scenario: input.scenario });
      const categoryCode = scenario.category_code;
      const minConfidence = Number(scenario.min_confidence);
      const detectedAt = new Date(input.detectedAt);
      const receivedAt = clock.now();
      const place = await deps.locate(input.lon, input.lat);
      const snapshotUrls = [...new Set([...(input.snapshotUrl ? [input.snapshotUrl] : []), ...(input.snapshotUrls ?? [])])];
      const record = {
        cameraId: input.cameraId, scenario: input.scenario, detectedAt, confidence: input.confidence, minConfidence, snapshotUrls, lon: input.lon, lat: input.lat,
        districtCode: place?.districtCode ?? null, actor, receivedAt,
      };
      if (input.confidence < minConfidence) {
        const detectionId = await store.insertDetection(db, { ...record, eventId: null, outcome: 'below_confidence' });
        return { detectionId, outcome: 'below_confidence', eventId: null, created: false, detectionCount: 0 };
      }
      const note = `camera ${input.cameraId}, confidence ${input.confidence.toFixed(2)}`;
      const prep = await core.prepare();
      const result = await db.transaction(async (tx): Promise<DetectionResult> => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DETECTION_LOCK, categoryCode]);
        const since = new Date(detectedAt.getTime() - settings.dedupWindowMinutes * 60_000);
        const existing = await store.nearbyDetectionEvent(tx, { categoryCode, lon: input.lon, lat: input.lat, since, radiusM: settings.dedupRadiusMeters });
        if (existing !== undefined) {
          const detectionId = await store.insertDetection(tx, { ...record, eventId: existing, outcome: 'merged' });
          const count = await store.countDetection(tx, existing, detectedAt);
          await store.addTimeline(tx, existing, { at: receivedAt, actor, action: 'detected', fromState: null, toState: null, departmentCode: null, note });
          return { detectionId, outcome: 'merged', eventId: existing, created: false, detectionCount: count };
        }
        const created = await core.createIn(tx, {
          title: `${scenario.name_zh}（${input.cameraId}）`, description: `视频智能识别 video detection: ${note}`, categoryCode, severity: input.severity,
          source: 'video_ai', sourceRef: input.cameraId, lon: input.lon, lat: input.lat, address: '', place, detectedAt,
        }, actor, prep);
        if (created === undefined) throw new Error('video events have no unique source reference');
        const id = created.id;
        const detectionId = await store.insertDetection(tx, { ...record, eventId: id, outcome: 'created' });
        for (const [i, url] of snapshotUrls.entries()) {
          await store.insertAttachment(tx, id, { name: `snapshot-${input.cameraId}${i === 0 ? '' : `-${i + 1}`}.jpg`, mediaType: 'image/jpeg', sizeBytes: null, sha256: null, path: null, url, actor, at: receivedAt });
        }
        return { detectionId, outcome: 'created', eventId: id, created: true, detectionCount: 1 };
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
