import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the map module (一张图 one map), each with the AppError kind it is thrown with. */
export const MAP_ERRORS = {
  /** No layer with this id in the registry. */
  layer_not_found: 'not_found',
  /** A tile address outside the zoom range or the tile grid of its zoom (details.field names z, x or y). */
  tile_invalid: 'invalid',
  /** A bbox that is not west,south,east,north in WGS 84 with west < east and south < north. */
  bbox_invalid: 'invalid',
  /** The caller lacks the permission of the layer's source (details.permission). */
  layer_forbidden: 'forbidden',
} as const;

export type MapErrorCode = keyof typeof MAP_ERRORS;

export function mapError(code: MapErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(MAP_ERRORS[code], code, message, details);
}
