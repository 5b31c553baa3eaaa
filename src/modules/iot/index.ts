/**
 * IoT perception platform (物联感知平台): the device registry (FIWARE Smart Data Model types, owner
 * department, location, access tier, per-device credentials), ingestion from MQTT and HTTP with
 * ack-after-store group commit and a dead-letter store, and time-partitioned telemetry with the
 * latest state. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { alarmRoutes } from './alarm-routes.ts';
import { createAlarmService, type AlarmService } from './alarms.ts';
import { createIngestion, TELEMETRY_TOPIC, type Ingestion } from './ingest.ts';
import { createDeviceRegistry, type DeviceRegistry } from './registry.ts';
import { iotRoutes } from './routes.ts';
import { createTelemetryService, deviceAuthHooks, type TelemetryService } from './service.ts';
import { createTelemetryStore } from './telemetry-store.ts';
import { GroupCommitWriter, type WriterOptions } from './writer.ts';

/** The iot_* tables. */
export const iotMigrations: MigrationSource = { module: 'iot', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface IotOptions {
  /** Days of history kept; older daily partitions are dropped (default 400). */
  retentionDays?: number;
  writer?: Partial<WriterOptions>;
  /** How often devices are checked against offline rules (default 30 s). */
  offlineSweepMs?: number;
}

export interface IotModule extends PlatformModule {
  name: 'iot';
  registry: DeviceRegistry;
  ingestion: Ingestion;
  telemetry: TelemetryService;
  alarms: AlarmService;
  /** Resolves when every accepted reading is committed. */
  drain(): Promise<void>;
}

const MAINTENANCE_INTERVAL_MS = 3_600_000;

/** Wire the IoT module. `start` installs the broker's device checks and consumes `devices/+/telemetry`. */
export function createIotModule(ctx: Pick<ModuleContext, 'db' | 'clock' | 'logger' | 'mqtt'> & Partial<Pick<ModuleContext, 'relay'>>, options: IotOptions = {}): IotModule {
  const retentionDays = options.retentionDays ?? 400;
  const logger = ctx.logger.child({ module: 'iot' });
  const registry = createDeviceRegistry({ db: ctx.db, clock: ctx.clock });
  const store = createTelemetryStore(ctx.db);
  const writer = new GroupCommitWriter(ctx.db, store, ctx.clock, {
    maxPendingReadings: 60_000,
    maxBatchReadings: 3_000,
    concurrency: ctx.db.engine === 'pglite' ? 1 : 3,
    ...options.writer,
  });
  const ingestion = createIngestion({ registry, store, writer, clock: ctx.clock, logger, retentionDays });
  const telemetry = createTelemetryService({ registry, store, clock: ctx.clock, retentionDays });
  const alarms = createAlarmService({ db: ctx.db, clock: ctx.clock, registry });
  let raisedOrCleared = false;
  writer.onBatch(
    async (readings) => {
      const step = await alarms.evaluate(readings);
      return async (tx) => {
        if ((await step(tx)) > 0) raisedOrCleared = true;
      };
    },
    () => {
      if (!raisedOrCleared) return;
      raisedOrCleared = false;
      ctx.relay?.kick();
    },
  );
  let timer: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const maintain = async (): Promise<void> => {
    const dropped = await telemetry.maintainPartitions();
    if (dropped.length > 0) {
      writer.forgetPartitions();
      logger.info({ dropped }, 'iot telemetry partitions past retention dropped');
    }
  };

  return {
    name: 'iot',
    migrations: iotMigrations,
    routes: async (app) => {
      await app.register(iotRoutes({ registry, ingestion, telemetry }));
      await app.register(alarmRoutes(alarms));
    },
    registry,
    ingestion,
    telemetry,
    alarms,
    drain: () => writer.drain(),
    async start() {
      await maintain();
      timer = setInterval(() => void maintain().catch((err: unknown) => logger.error({ err }, 'iot partition maintenance failed')), MAINTENANCE_INTERVAL_MS);
      timer.unref();
      sweeper = setInterval(() => {
        alarms.sweepOffline().then(
          (n) => n > 0 && ctx.relay?.kick(),
          (err: unknown) => logger.error({ err }, 'iot offline sweep failed'),
        );
      }, options.offlineSweepMs ?? 30_000);
      sweeper.unref();
      ctx.mqtt.setAuthHooks(deviceAuthHooks(registry));
      await ctx.mqtt.consume(TELEMETRY_TOPIC, (msg) => ingestion.handleMqtt(msg));
    },
    async stop() {
      clearInterval(timer);
      clearInterval(sweeper);
      await writer.drain();
    },
  };
}

export { IOT_ERRORS, type IotErrorCode } from './errors.ts';
export { parseTelemetry, TELEMETRY_TOPIC, type Ingestion } from './ingest.ts';
export type { DeviceRegistry, DeviceAuth } from './registry.ts';
export { ALARM_CLEARED, ALARM_RAISED, type AlarmService } from './alarms.ts';
export type { Alarm, AlarmEvent, AlarmStatus, Rule, RuleInput, Severity } from './alarm-schemas.ts';
export type { TelemetryService } from './service.ts';
export type { Reading } from './telemetry-store.ts';
export type {
  AccessTier,
  BulkRegisterResult,
  DeadLetter,
  Device,
  DeviceDetail,
  DeviceInput,
  DeviceList,
  DeviceType,
  DeviceWithToken,
  History,
  IngestStats,
  LatestValue,
} from './schemas.ts';
