import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, deadlineAfter } from './calendar.ts';

// China Standard Time is UTC+8: 10:00 CST = 02:00Z.
describe('working calendar (weekdays 08:30–12:00, 13:30–17:30 CST)', () => {
  it('counts inside one period', () => {
    expect(addWorkingMinutes(new Date('2026-03-02T02:00:00Z'), 60).toISOString()).toBe('2026-03-02T03:00:00.000Z');
  });
  it('skips the lunch break', () => {
    // Monday 11:30 + 60 working minutes = 30 before lunch + 30 after 13:30 → 14:00 CST.
    expect(addWorkingMinutes(new Date('2026-03-02T03:30:00Z'), 60).toISOString()).toBe('2026-03-02T06:00:00.000Z');
  });
  it('skips the night and the weekend', () => {
    // Friday 16:00 + 480: 90 on Friday, 210 + 180 on Monday → Monday 16:30 CST.
    expect(addWorkingMinutes(new Date('2026-03-06T08:00:00Z'), 480).toISOString()).toBe('2026-03-09T08:30:00.000Z');
  });
  it('starts counting at the next period when created outside working hours', () => {
    // Saturday 22:00 + 30 → Monday 09:00 CST.
    expect(addWorkingMinutes(new Date('2026-03-07T14:00:00Z'), 30).toISOString()).toBe('2026-03-09T01:00:00.000Z');
  });
  it('skips configured holidays', () => {
    const cal = { utcOffsetMinutes: 480, workdays: [1, 2, 3, 4, 5], periods: [[510, 720], [810, 1050]] as const, holidays: ['2026-03-09'] };
    expect(addWorkingMinutes(new Date('2026-03-07T14:00:00Z'), 30, cal).toISOString()).toBe('2026-03-10T01:00:00.000Z');
  });
  it('counts a make-up working Saturday (调休上班) and skips a holiday on a weekday', () => {
    const cal = { utcOffsetMinutes: 480, workdays: [1, 2, 3, 4, 5], periods: [[510, 720], [810, 1050]] as const, holidays: ['2026-10-08'], makeupDays: ['2026-10-10'] };
    // Wednesday 2026-10-07 16:00 CST + 120: 90 on Wednesday, Thursday is a holiday, 30 on Friday → Friday 09:00.
    expect(addWorkingMinutes(new Date('2026-10-07T08:00:00Z'), 120, cal).toISOString()).toBe('2026-10-09T01:00:00.000Z');
    // Friday 17:00 + 60: 30 on Friday, 30 on the make-up Saturday → Saturday 09:00 CST (not Monday).
    expect(addWorkingMinutes(new Date('2026-10-09T09:00:00Z'), 60, cal).toISOString()).toBe('2026-10-10T01:00:00.000Z');
  });
  it('clock-time limits ignore the calendar', () => {
    expect(deadlineAfter(new Date('2026-03-07T14:00:00Z'), 30, false).toISOString()).toBe('2026-03-07T14:30:00.000Z');
  });
});
