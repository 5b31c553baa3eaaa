import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the notifications module (消息中心), each with the AppError kind it is thrown with. */
export const NOTIFICATIONS_ERRORS = {
  /** No caller (the access hook lets no route of the module through without one). */
  unauthenticated: 'unauthenticated',
  notification_not_found: 'not_found',
  /** The notification is addressed to a unit (or an account) outside the caller's reach. */
  notification_forbidden: 'forbidden',
} as const;

export type NotificationsErrorCode = keyof typeof NOTIFICATIONS_ERRORS;

export function notificationsError(code: NotificationsErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(NOTIFICATIONS_ERRORS[code], code, message, details);
}
