import { describe, expect, it } from 'vitest';
import { allowedActions, EVENT_ACTIONS, EVENT_STATES, nextState } from './lifecycle.ts';

describe('event lifecycle state machine', () => {
  it('follows created → dispatched → accepted → handling → reported → verified → closed', () => {
    const path = [['created', 'dispatch'], ['dispatched', 'accept'], ['accepted', 'start'], ['handling', 'report'], ['reported', 'verify'], ['verified', 'close']] as const;
    const seen = path.map(([s, a]) => nextState(s, a));
    expect(seen).toEqual(['dispatched', 'accepted', 'handling', 'reported', 'verified', 'closed']);
  });

  it('returns, reopens, rejects, escalates and reassigns only where allowed', () => {
    expect(nextState('dispatched', 'return')).toBe('returned');
    expect(nextState('handling', 'return')).toBeUndefined();
    expect(nextState('returned', 'dispatch')).toBe('dispatched');
    expect(nextState('returned', 'escalate')).toBe('dispatched');
    expect(nextState('handling', 'escalate')).toBe('handling');
    expect(nextState('reported', 'reject')).toBe('handling');
    expect(nextState('closed', 'reopen')).toBe('dispatched');
    expect(nextState('closed', 'reassign')).toBeUndefined();
    expect(allowedActions('closed')).toEqual(['reopen']);
  });

  it('every state has at least one way out and no action leads to an unknown state', () => {
    for (const s of EVENT_STATES) {
      expect(allowedActions(s).length).toBeGreaterThan(0);
      for (const a of EVENT_ACTIONS) {
        const n = nextState(s, a);
        if (n !== undefined) expect(EVENT_STATES).toContain(n);
      }
    }
  });
});
