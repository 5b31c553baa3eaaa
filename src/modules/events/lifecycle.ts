// 事件生命周期 the lifecycle as an explicit state machine. The service consults this table before
// every change; an action not listed for the current state is refused with transition_not_allowed.

export const EVENT_STATES = ['created', 'dispatched', 'accepted', 'handling', 'reported', 'verified', 'closed', 'returned'] as const;
export type EventState = (typeof EVENT_STATES)[number];

export const EVENT_ACTIONS = ['dispatch', 'accept', 'return', 'start', 'report', 'verify', 'reject', 'close', 'reopen', 'reassign', 'escalate', 'joint'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

interface Transition {
  from: readonly EventState[];
  /** The state after the action; `null` keeps the state (escalate and joint in an open state). */
  to: EventState | null;
  /** The verb of the `events.event.<verb>` bus subject and of the timeline entry. */
  verb: string;
}

const OPEN_WORK: readonly EventState[] = ['dispatched', 'accepted', 'handling'];

export const TRANSITIONS: Record<EventAction, Transition> = {
  /** 派遣 send to the responsible department (new, or returned and routed again). */
  dispatch: { from: ['created', 'returned'], to: 'dispatched', verb: 'dispatched' },
  /** 签收 the department takes it. */
  accept: { from: ['dispatched'], to: 'accepted', verb: 'accepted' },
  /** 退单 the department refuses it, with a reason. */
  return: { from: ['dispatched', 'accepted'], to: 'returned', verb: 'returned' },
  /** 处置 work starts. */
  start: { from: ['accepted'], to: 'handling', verb: 'started' },
  /** 反馈 the department reports it done. */
  report: { from: ['handling'], to: 'reported', verb: 'reported' },
  /** 核查 the result is checked on site. */
  verify: { from: ['reported'], to: 'verified', verb: 'verified' },
  /** 核查不通过 the check failed: back to the department for rework. */
  reject: { from: ['reported'], to: 'handling', verb: 'rejected' },
  /** 结案 */
  close: { from: ['verified'], to: 'closed', verb: 'closed' },
  /** 重启 a closed event comes back (e.g. the problem recurred). */
  reopen: { from: ['closed'], to: 'dispatched', verb: 'reopened' },
  /** 改派 staff move it to another department. */
  reassign: { from: OPEN_WORK, to: 'dispatched', verb: 'reassigned' },
  /** 升级 up to the city command center: a new or returned event is dispatched there, an open one keeps its state. */
  escalate: { from: ['created', 'returned', ...OPEN_WORK], to: null, verb: 'escalated' },
  /** 联合处置 a lead department and partner departments. */
  joint: { from: OPEN_WORK, to: null, verb: 'joined' },
};

/** The permission each action needs (identity's permissions.ts: dispatcher holds events.*, handler events.event.handle). */
export const ACTION_PERMISSION: Record<EventAction, string> = {
  dispatch: 'events.event.dispatch', reassign: 'events.event.dispatch', escalate: 'events.event.dispatch', joint: 'events.event.dispatch', reopen: 'events.event.dispatch',
  accept: 'events.event.handle', return: 'events.event.handle', start: 'events.event.handle', report: 'events.event.handle',
  verify: 'events.event.verify', reject: 'events.event.verify', close: 'events.event.verify',
};

/** The actions allowed in a state (for the console's buttons and the 409 answer). */
export function allowedActions(state: EventState): EventAction[] {
  return EVENT_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state));
}

/** The state after `action`, or undefined when the action is not allowed in `state`. */
export function nextState(state: EventState, action: EventAction): EventState | undefined {
  const t = TRANSITIONS[action];
  if (!t.from.includes(state)) return undefined;
  if (action === 'escalate') return state === 'created' || state === 'returned' ? 'dispatched' : state;
  return t.to ?? state;
}

export const OPEN_STATES: readonly EventState[] = ['created', 'dispatched', 'accepted', 'handling', 'reported', 'verified', 'returned'];
