/**
 * Device messages over MQTT: an embedded Aedes broker by default, a client of an external broker
 * (`MQTT_URL`: Mosquitto, EMQX) with shared subscriptions at scale. In both modes a QoS 1 message
 * is acknowledged only after its handler stored it, and every queue is bounded (see `MqttLimits`).
 */
import { resolveLimits } from './dispatch.ts';
import { createEmbeddedEngine } from './embedded.ts';
import { createExternalEngine } from './external.ts';
import type { MqttEngine, MqttEngineOptions } from './types.ts';

export type {
  MqttAuthHooks,
  MqttAuthenticate,
  MqttAuthorize,
  MqttDeviceAccess,
  MqttDeviceGrant,
  MqttDeviceReconcileResult,
  MqttEngine,
  MqttEngineOptions,
  MqttHandler,
  MqttLimits,
  MqttMessage,
  MqttMode,
  MqttRefusal,
  MqttStats,
} from './types.ts';
export type { MqttErrorCode } from './errors.ts';
export { defaultLimits as defaultMqttLimits } from './dispatch.ts';
export { topicMatches } from './topic.ts';

/** Create the configured engine: external when `url` is set, else embedded. Call `start()` next. */
export function createMqttEngine(opts: MqttEngineOptions): MqttEngine {
  const limits = resolveLimits(opts.limits);
  return opts.url ? createExternalEngine(opts.url, opts, limits) : createEmbeddedEngine(opts, limits);
}
