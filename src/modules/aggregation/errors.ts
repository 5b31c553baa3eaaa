import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the aggregation module (大汇聚), each with the AppError kind it is thrown with. */
export const AGGREGATION_ERRORS = {
  /** The upload's format is not csv, xlsx or json (from ?format, the file name or the content type). */
  format_unknown: 'invalid',
  /** The upload is empty. */
  upload_empty: 'invalid',
  /** A column mapping names no data item, maps two columns to one item, or a column the file does not have. */
  mapping_invalid: 'invalid',
  /** An XLSX file is too large to preview (a preview reads the whole workbook). */
  preview_too_large: 'invalid',
  /** The file lacks a column for a key or required data item, or no column matches any. */
  columns_missing: 'invalid',
  /** The resource's data lives in another module's table (a base library backed by the demo city). */
  resource_backed_elsewhere: 'conflict',
  /** 一数一源: the caller's grant does not cover the resource's source department. */
  department_out_of_scope: 'forbidden',
  /** The data table has a column whose type differs from the resource's data item now. */
  column_type_changed: 'conflict',
  /** A load that is not done, or a later load must be rolled back first. */
  rollback_refused: 'conflict',
  /** The stored file of the load is gone, so it cannot be loaded again. */
  replay_unavailable: 'conflict',
  load_not_found: 'not_found',
  /** An upload's Idempotency-Key was used before for another resource. */
  idempotency_key_reused: 'conflict',
  /** Pushed records could not be loaded at all (no field matches a data item). */
  push_refused: 'invalid',
  /** A strict push (`?strict=true`) carries a field that is no data item of the resource (details.field points at it). */
  fields_unknown: 'invalid',
  /** A data source's settings are wrong (details.field names the setting). */
  source_invalid: 'invalid',
  /** A run of this source is under way (on this or another node). */
  source_busy: 'conflict',
  source_not_found: 'not_found',
} as const;

export type AggregationErrorCode = keyof typeof AGGREGATION_ERRORS;

export function aggregationError(code: AggregationErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(AGGREGATION_ERRORS[code], code, message, details);
}
