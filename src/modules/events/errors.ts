import { AppError, type ErrorDetails } from '../../kernel/index.ts';

/** Error codes of the events module (事件中心 / 协同指挥调度), each with the AppError kind it is thrown with. */
export const EVENTS_ERRORS = {
  /** The action is not allowed in the event's current state (details: state, action, allowed). */
  transition_not_allowed: 'conflict',
  event_not_found: 'not_found',
  attachment_not_found: 'not_found',
  rule_not_found: 'not_found',
  /** A category code that is not in the catalogue (or is inactive). */
  category_unknown: 'invalid',
  /** A department code that is not in the department list. */
  department_unknown: 'invalid',
  /** A video-analytics scenario the platform does not know. */
  scenario_unknown: 'invalid',
  scenario_not_found: 'not_found',
  /** A required reason or note is missing or empty. */
  reason_required: 'invalid',
  /** Joint handling: lead among partners, duplicates, or no partner. */
  partners_invalid: 'invalid',
  /** The lead reports while partner units have not reported their parts (details: pending). */
  partners_pending: 'conflict',
  /** An attachment with neither or both of content and url, or content that is not base64. */
  attachment_invalid: 'invalid',
  /** No signed-in principal on a route that acts on someone's behalf. */
  unauthenticated: 'unauthenticated',
  /** The actor's role does not include the action (details: action, permission). */
  action_not_permitted: 'forbidden',
  /** The event's lead/partner unit (or place) is outside the actor's units or region (details: departmentCode, yourUnits). */
  event_out_of_scope: 'forbidden',
  /** A category code, parent, name or time limits that do not fit the catalogue. */
  category_invalid: 'invalid',
  category_exists: 'conflict',
  category_not_found: 'not_found',
  /** The category has events, rules or sub-classes: disable it instead. */
  category_in_use: 'conflict',
  /** A calendar date or kind that is not valid. */
  calendar_day_invalid: 'invalid',
  calendar_day_not_found: 'not_found',
} as const;

export type EventsErrorCode = keyof typeof EVENTS_ERRORS;

export function eventsError(code: EventsErrorCode, message: string, details?: ErrorDetails): AppError {
  return new AppError(EVENTS_ERRORS[code], code, message, details);
}
