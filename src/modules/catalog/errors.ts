import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the catalog module (政务信息资源目录), each with the AppError kind it is thrown with. */
export const CATALOG_ERRORS = {
  /** A field of a resource breaks a catalog rule (details.field names it). */
  resource_invalid: 'invalid',
  /** Two data items with the same column name. */
  data_item_duplicate: 'invalid',
  /** A data element claimed by a second source resource (一数一源), or a source that does not own it. */
  element_source_conflict: 'conflict',
  resource_exists: 'conflict',
  /** The resource changed since the version the caller edited. */
  version_conflict: 'conflict',
  resource_not_found: 'not_found',
  /** 一数一源: the caller's grant does not cover the resource's source department. */
  department_out_of_scope: 'forbidden',
  version_not_found: 'not_found',
  template_not_found: 'not_found',
  /** 三张清单: nothing changed since the latest published version of the list. */
  list_unchanged: 'conflict',
  list_version_not_found: 'not_found',
} as const;

export type CatalogErrorCode = keyof typeof CATALOG_ERRORS;

export function catalogError(code: CatalogErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(CATALOG_ERRORS[code], code, message, details);
}
