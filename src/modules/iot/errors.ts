import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the IoT module (物联感知平台), each with the AppError kind it is thrown with. */
export const IOT_ERRORS = {
  /** A device field that fails validation (details.field names it). */
  device_invalid: 'invalid',
  /** 权属部门: the caller's grant does not cover the device's owner department. */
  department_out_of_scope: 'forbidden',
  /** The device type id is not in the registry. */
  device_type_unknown: 'invalid',
  /** The parent device (e.g. the smart pole carrying this sensor) does not exist. */
  parent_unknown: 'invalid',
  /** A bulk registration file that cannot be read at all (not CSV / JSON, no rows, too many rows). */
  bulk_file_invalid: 'invalid',
  /** A telemetry payload that is not the documented JSON shape (details.field says where). */
  payload_invalid: 'invalid',
  /** A reading time too far in the future or older than the retention window. */
  observed_at_out_of_range: 'invalid',
  /** A history query with a bad range, attribute or bucket. */
  query_invalid: 'invalid',
  /** A rule whose scope, attribute or kind-specific fields do not fit together. */
  rule_invalid: 'invalid',
  device_not_found: 'not_found',
  rule_not_found: 'not_found',
  alarm_not_found: 'not_found',
  command_not_found: 'not_found',
  /** Acknowledging an alarm that is not active, or clearing a cleared one. */
  alarm_state_conflict: 'conflict',
  device_exists: 'conflict',
  /** The device is referenced as parent by other devices. */
  device_has_children: 'conflict',
  /** No or wrong device token. */
  device_token_invalid: 'unauthenticated',
  /** The device is disabled. */
  device_disabled: 'forbidden',
  /** Ingestion has too many readings waiting to be stored: retry later. */
  ingest_overloaded: 'unavailable',
  /** The external MQTT broker did not take a device's new credential (Mosquitto dynamic security): retry. */
  broker_sync_failed: 'unavailable',
} as const;

export type IotErrorCode = keyof typeof IOT_ERRORS;

/** An AppError of this module; the kind follows from the code. */
export function iotError(code: IotErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(IOT_ERRORS[code], code, message, details);
}
