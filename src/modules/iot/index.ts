/**
 * IoT perception platform (物联感知平台): the device registry (FIWARE Smart Data Model types, owner
 * department, location, access tier, per-device credentials), ingestion from MQTT and HTTP with
 * ack-after-store group commit and a dead-letter store, and time-partitioned telemetry with the
 * latest state. This file is the module's whole public surface.
 */
import { fileURLToPath } from 'node:url';
import { Counter, type Registry } from 'prom-client';
import type { MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { alarmRoutes } from './alarm-routes.ts';
import { createBrokerAccess } from './broker-access.ts';
import { createDeadLetterSink } from './dead-letters.ts';
import { createAlarmService, type AlarmService } from './alarms.ts';
import { commandRoutes } from './command-routes.ts';
import { COMMAND_ACK_TOPIC, createCommandService, type CommandService } from './commands.ts';
import { registerDemoSensors, type DemoRegistration } from './demo-sensors.ts';
import { createIngestion, TELEMETRY_TOPIC, type Ingestion } from './ingest.ts';
import { createDeviceRegistry, type DeviceRegistry } from './registry.ts';
import { iotRoutes } from './routes.ts';
import { createTelemetryService, deviceAuthHooks, type TelemetryService } from './service.ts';
import { createTelemetryStore } from './telemetry-store.ts';
import { GroupCommitWriter, type WriterOptions } from './writer.ts';
import type { BrokerAccessStatus } from './schemas.ts';
import { createNgsiLd, type NgsiLdModule, type NgsiLdOptions } from './ngsi-ld/index.ts';

/** The iot_* tables. */
export const iotMigrations: MigrationSource = { module: 'iot', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

export interface IotOptions {
  /** Days of history kept; older daily partitions are dropped (default 400). */
  retentionDays?: number;
  /** Days of the hourly rollup (min/max/sum/count per hour) kept (default 1 100). */
  rollupHourRetentionDays?: number;
  /** Days of the daily rollup kept (default 3 650). */
  rollupDayRetentionDays?: number;
  /** Days dead letters are kept (default 30). */
  deadLetterRetentionDays?: number;
  writer?: Partial<WriterOptions>;
  /** How often devices are checked against offline rules (default 30 s). */
  offlineSweepMs?: number;
  ngsiLd?: NgsiLdOptions;
}

export interface IotModule extends PlatformModule {
  name: 'iot';
  registry: DeviceRegistry;
  ingestion: Ingestion;
  telemetry: TelemetryService;
  alarms: AlarmService;
  /** 下行指令 commands to devices over MQTT. */
  commands: CommandService;
  /** The NGSI-LD API (/ngsi-ld/v1), a platform module of its own listed after this one; readings update its entities. */
  ngsiLd: NgsiLdModule;
  /** Resolves when every accepted reading is committed and shown in its NGSI-LD entity. */
  drain(): Promise<void>;
  /** Register the demo city's sensors and default rules; idempotent. */
  registerDemoSensors(): Promise<DemoRegistration>;
  /** Add the module's counters (dead letters by reason, readings stored, overload refusals) to the Prometheus registry. */
  registerMetrics(registry: Registry): void;
  /** Run retention now: drop telemetry partitions and delete rollups and dead letters past their retention. */
  maintain(): Promise<void>;
  /**
   * Device accounts in the external broker (Mosquitto dynamic security): reconcile them with the
   * registry now (when configured), and answer the status with the devices still lacking a password.
   */
  reconcileBrokerAccounts(): Promise<BrokerAccessStatus>;
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
  const deadLetters = createDeadLetterSink({ store, clock: ctx.clock, logger });
  const ingestion = createIngestion({ registry, deadLetters, writer, clock: ctx.clock, logger, retentionDays });
  const deviceAccess = ctx.mqtt.deviceAccess;
  const brokerAccess = deviceAccess
    ? createBrokerAccess({
        access: deviceAccess,
        logger,
        devices: () => registry.states(),
        passwordMissing: { mark: (ids) => registry.markBrokerPasswordMissing(ids), count: () => registry.countBrokerPasswordMissing() },
      })
    : undefined;
  registry.setAccessSync(brokerAccess);
  const telemetry = createTelemetryService({
    registry,
    store,
    clock: ctx.clock,
    retentionDays,
    rollupHourRetentionDays: options.rollupHourRetentionDays ?? 1_100,
    rollupDayRetentionDays: options.rollupDayRetentionDays ?? 3_650,
  });
  const alarms = createAlarmService({ db: ctx.db, clock: ctx.clock, registry });
  const commands = createCommandService({ db: ctx.db, clock: ctx.clock, logger, mqtt: ctx.mqtt, registry, deadLetter: deadLetters.put });
  const ngsiLd = createNgsiLd({ db: ctx.db, clock: ctx.clock, logger, migrations: iotMigrations }, options.ngsiLd);
  let raisedOrCleared = false;
  writer.onBatch(
    async (readings) => {
      const step = await alarms.evaluate(readings);
      return async (tx) => {
        if ((await step(tx)) > 0) raisedOrCleared = true;
      };
    },
    (readings) => {
      // NGSI-LD entities follow iot_latest after the commit, coalesced (ADR 008).
      ngsiLd.devices.committed(readings);
      if (!raisedOrCleared) return;
      raisedOrCleared = false;
      ctx.relay?.kick();
    },
  );
  let timer: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let expirer: NodeJS.Timeout | undefined;

  const brokerStatus = async (): Promise<BrokerAccessStatus> =>
    brokerAccess ? brokerAccess.status() : { configured: false, lastReconciledAt: null, lastReconciliation: null, devicesWithoutBrokerPassword: await registry.countBrokerPasswordMissing() };

  const maintain = async (): Promise<void> => {
    const dropped = await telemetry.maintainPartitions();
    if (dropped.length > 0) {
      writer.forgetPartitions();
      logger.info({ dropped }, 'iot telemetry partitions past retention dropped');
    }
    const rollups = await telemetry.maintainRollups();
    if (rollups.hour + rollups.day > 0) logger.info(rollups, 'iot telemetry rollups past retention deleted');
    const deleted = await store.deleteDeadLettersBefore(new Date(ctx.clock.now().getTime() - (options.deadLetterRetentionDays ?? 30) * 86_400_000));
    if (deleted > 0) logger.info({ deleted }, 'iot dead letters past retention deleted');
  };

  return {
    name: 'iot',
    migrations: iotMigrations,
    routes: async (app) => {
      await app.register(
        iotRoutes({
          registry,
          ingestion,
          telemetry,
          registerDemo: () => registerDemoSensors({ registry, alarms }),
          brokerAccess: brokerStatus,
        }),
      );
      await app.register(alarmRoutes(alarms));
      await app.register(commandRoutes(commands));
    },
    registry,
    ingestion,
    telemetry,
    alarms,
    commands,
    ngsiLd,
    async drain() {
      await writer.drain();
      await ngsiLd.devices.settle();
    },
    registerDemoSensors: () => registerDemoSensors({ registry, alarms }),
    maintain,
    async reconcileBrokerAccounts() {
      await brokerAccess?.reconcile();
      return brokerStatus();
    },
    registerMetrics(prom) {
      new Counter({
        name: 'citybrain_iot_dead_letters_total',
        help: 'Device messages refused and kept as dead letters, by source (mqtt, http) and reason',
        labelNames: ['source', 'reason'] as const,
        registers: [prom],
        collect() {
          this.reset();
          for (const [key, n] of deadLetters.counts().bySourceReason) {
            const [source = '', reason = ''] = key.split('/');
            this.inc({ source, reason }, n);
          }
        },
      });
      new Counter({
        name: 'citybrain_iot_dead_letters_dropped_total',
        help: 'Refused device messages counted but not kept because the dead-letter buffer was full',
        registers: [prom],
        collect() {
          this.reset();
          this.inc(deadLetters.counts().dropped);
        },
      });
      new Counter({
        name: 'citybrain_iot_readings_stored_total',
        help: 'Readings stored by this node',
        registers: [prom],
        collect() {
          this.reset();
          this.inc(ingestion.stats().readings);
        },
      });
      new Counter({
        name: 'citybrain_iot_ingest_overloaded_total',
        help: 'Device messages refused because too many readings were waiting to be stored (HTTP 503, QoS 1 not acknowledged, QoS 0 dead-lettered)',
        registers: [prom],
        collect() {
          this.reset();
          this.inc(ingestion.stats().overloaded);
        },
      });
    },
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
      ctx.mqtt.setAuthHooks({ ...deviceAuthHooks(registry), onRefused: (r) => ingestion.refused(r) });
      brokerAccess?.start();
      await ctx.mqtt.consume(TELEMETRY_TOPIC, (msg) => ingestion.handleMqtt(msg));
      await ctx.mqtt.consume(COMMAND_ACK_TOPIC, (msg) => commands.handleAck(msg));
      expirer = setInterval(() => void commands.expire().catch((err: unknown) => logger.error({ err }, 'iot command expiry failed')), 5_000);
      expirer.unref();
    },
    async stop() {
      clearInterval(timer);
      clearInterval(sweeper);
      clearInterval(expirer);
      brokerAccess?.stop();
      await writer.drain();
      await ngsiLd.devices.settle();
      await deadLetters.drain();
    },
  };
}

export { IOT_ERRORS, type IotErrorCode } from './errors.ts';
export { demoRules, demoSensors, type DemoRegistration, type DemoSensor } from './demo-sensors.ts';
export { parseTelemetry, TELEMETRY_TOPIC, type Ingestion } from './ingest.ts';
export type { DeviceRegistry, DeviceAuth } from './registry.ts';
export { ALARM_CLEARED, ALARM_RAISED, type AlarmService } from './alarms.ts';
export type { Alarm, AlarmEvent, AlarmStatus, Rule, RuleInput, Severity } from './alarm-schemas.ts';
export type { TelemetryService } from './service.ts';
export { COMMAND_ACK_TOPIC, type CommandService } from './commands.ts';
export type { Command, CommandInput, CommandStatus } from './command-schemas.ts';
export type { Reading } from './telemetry-store.ts';
export type {
  AccessTier,
  BrokerAccessStatus,
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
