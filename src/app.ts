/**
 * The composition root: opens the engines chosen by the configuration, applies migrations,
 * wires the modules' routes into one HTTP server and starts it. `citybrain start` and the
 * end-to-end tests both start the platform through `startPlatform`.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, loadConfig, systemClock, type Clock, type Config, type Logger } from './kernel/index.ts';
import {
  createHttpServer,
  createMetrics,
  createMqttEngine,
  migrate,
  openBus,
  openDatabase,
  openRateLimiter,
  opsRoutes,
  platformMigrations,
  startOutboxRelay,
  type Bus,
  type Database,
  type HttpApp,
  type MigrationSource,
  type MqttEngine,
  type OutboxRelay,
  type RateLimiter,
} from './platform/index.ts';
import { buildDemoCity, type DemoBuildProgress } from './modules/city/index.ts';
import { createModules, moduleMigrations, type Modules } from './modules.ts';

export { buildDemoCity };

const packageJson = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The platform's version, from package.json. */
export const platformVersion = packageJson.version;

/** Where the built web console lives (Vite output). */
export const webDistDir = fileURLToPath(new URL('../web/dist', import.meta.url));

function mqttReady(mqtt: MqttEngine): Promise<void> {
  if (mqtt.mode === 'external' && mqtt.stats().clients === 0) return Promise.reject(new Error('not connected to the MQTT broker'));
  if (mqtt.mode === 'embedded' && mqtt.port === undefined) return Promise.reject(new Error('embedded broker is not listening'));
  return Promise.resolve();
}

export interface PlatformOptions extends Partial<Config> {
  env?: NodeJS.ProcessEnv;
  /** Build the demo city if none exists (default true). */
  buildDemo?: boolean;
  /** Resolve only once the demo city is built (default true; the CLI serves while it builds). */
  waitForDemo?: boolean;
  clock?: Clock;
  onDemoProgress?: (p: DemoBuildProgress) => void;
}

export interface Platform {
  url: string;
  config: Config;
  logger: Logger;
  db: Database;
  bus: Bus;
  relay: OutboxRelay;
  mqtt: MqttEngine;
  rateLimiter: RateLimiter;
  http: HttpApp;
  modules: Modules;
  /** Settles when the demo city is built (or immediately if it was not asked for). */
  demoReady: Promise<void>;
  stop(): Promise<void>;
}

/** Every migration, platform first, then the modules in dependency order. */
export const allMigrations: readonly MigrationSource[] = [platformMigrations, ...moduleMigrations];

/** Open the database and apply migrations without starting anything else (`citybrain migrate`, `demo`). */
export async function openEngines(config: Config, logger: Logger) {
  const db = await openDatabase(config);
  const applied = await migrate(db, allMigrations);
  if (applied.length > 0) logger.info({ applied: applied.map((m) => `${m.module}/${m.name}`) }, 'migrations applied');
  return { db, applied };
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const { env, buildDemo = true, waitForDemo = true, clock = systemClock, onDemoProgress, ...overrides } = options;
  const config = loadConfig(env ?? process.env, overrides);
  const logger = createLogger({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      await c().catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
    }
  };
  try {
    const { db } = await openEngines(config, logger);
    cleanups.push(() => db.close());
    const bus = await openBus({ natsUrl: config.natsUrl, logger, prefix: config.namespace, stream: config.namespace.toUpperCase() });
    cleanups.push(() => bus.close());
    const relay = startOutboxRelay(db, bus, logger);
    cleanups.push(async () => {
      await relay.flush().catch(() => 0);
      await relay.stop();
    });
    const rateLimiter = await openRateLimiter(config);
    cleanups.push(() => rateLimiter.close());
    const mqtt = createMqttEngine({
      url: config.mqttUrl,
      port: config.mqttPort,
      host: config.mqttHost,
      clientId: `${config.namespace}-${config.nodeId}`,
      shareGroup: config.namespace,
      consumers: config.iotMqttConsumers,
      dynsec: config.mqttDynsecUser && config.mqttDynsecPassword ? { username: config.mqttDynsecUser, password: config.mqttDynsecPassword } : undefined,
      logger,
    });

    const { modules, list } = createModules({ config, logger, clock, db, bus, relay, mqtt, rateLimiter });
    // Modules start before the broker so their MQTT consumers exist when a resumed session's backlog arrives.
    for (const m of list) {
      if (!m.start) continue;
      await m.start();
      if (m.stop) cleanups.push(() => m.stop?.() ?? Promise.resolve());
    }
    await mqtt.start();
    cleanups.push(() => mqtt.close());

    const metrics = createMetrics();
    modules.iot.registerMetrics(metrics.registry);
    modules.map.registerMetrics(metrics.registry);
    const http = await createHttpServer({ logger, db, metrics, rateLimiter, rateLimitPerMinute: config.rateLimitPerMinute, version: platformVersion, webDir: webDistDir });
    cleanups.push(() => http.close());
    // The access hook goes on the root server before any route: it authenticates and enforces `config.permission`.
    modules.identity.installAccess(http);
    http.register(
      opsRoutes({
        metrics,
        checks: { database: () => db.ping(), bus: () => bus.ping(), mqtt: () => mqttReady(mqtt), cache: () => rateLimiter.ping() },
        info: {
          name: 'OpenCityBrain',
          version: platformVersion,
          engines: { database: db.engine, bus: bus.engine, mqtt: mqtt.mode, cache: rateLimiter.engine },
          startedAt: clock.now(),
        },
      }),
    );
    for (const m of list) if (m.routes) await http.register(m.routes, { prefix: m.routePrefix ?? `/api/${m.name}` });
    await http.listen({ host: config.host, port: config.port });
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    let demoReady: Promise<void> = Promise.resolve();
    if (buildDemo) {
      demoReady = buildDemoCity(db, { people: config.demoPeople, seed: config.demoSeed }, onDemoProgress).then(
        async (r) => {
          logger.info({ people: r.people, seed: r.seed, reused: r.reused }, 'demo city ready');
          await modules.identity.syncRegions();
          const sensors = await modules.iot.registerDemoSensors();
          if (sensors.created > 0) logger.info(sensors, 'demo city sensors registered');
        },
        (err: unknown) => {
          logger.error({ err }, 'demo city build failed');
          throw err;
        },
      );
      if (waitForDemo) await demoReady;
      else demoReady.catch(() => undefined);
    }

    let stopping: Promise<void> | null = null;
    return {
      url,
      config,
      logger,
      db,
      bus,
      relay,
      mqtt,
      rateLimiter,
      http,
      modules,
      demoReady,
      stop() {
        // Let a running demo build settle, then close in reverse order of opening: the HTTP server
        // drains in-flight requests, the broker its handlers, the relay publishes what is pending.
        stopping ??= (async () => {
          await demoReady.catch(() => undefined);
          await stopAll();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
