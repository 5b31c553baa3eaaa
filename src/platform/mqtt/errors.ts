import { AppError } from '../../kernel/index.ts';

/** Error codes of the MQTT engine. */
export type MqttErrorCode = 'mqtt_not_started' | 'mqtt_closed' | 'mqtt_connect_failed' | 'mqtt_subscribe_refused' | 'mqtt_publish_failed' | 'mqtt_dynsec_failed';

export function mqttError(code: MqttErrorCode, message: string, cause?: unknown): AppError {
  return new AppError('unavailable', code, message, undefined, cause === undefined ? undefined : { cause });
}
