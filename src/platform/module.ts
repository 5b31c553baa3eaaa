import type { Clock, Config, Logger } from '../kernel/index.ts';
import type { Bus, OutboxRelay } from './bus/index.ts';
import type { RateLimiter } from './cache/index.ts';
import type { Database, MigrationSource } from './db/index.ts';
import type { RoutePlugin } from './http/index.ts';
import type { MqttEngine } from './mqtt/index.ts';

/** What the composition root hands every module: the engines, chosen by the configuration. */
export interface ModuleContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Database;
  bus: Bus;
  relay: OutboxRelay;
  mqtt: MqttEngine;
  rateLimiter: RateLimiter;
}

/**
 * A capability plugged into the platform. `app.ts` applies every module's migrations in list
 * order, registers its routes under `routePrefix`, calls `start` (bus subscriptions, MQTT
 * consumers, timers) before the server listens and `stop` when it shuts down.
 */
export interface PlatformModule {
  name: string;
  migrations: MigrationSource;
  routes?: RoutePlugin;
  /** Where the routes are mounted; `/api/<name>` by default. Standard interfaces use their own (`/ngsi-ld/v1`). */
  routePrefix?: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
