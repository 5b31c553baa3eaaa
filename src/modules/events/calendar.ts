// 工作日历 working calendar: deadlines in working time (weekdays 08:30–12:00 and 13:30–17:30,
// China Standard Time by default). Pure functions, so they are tested without a database.

export interface WorkingCalendar {
  /** Offset of local time from UTC in minutes (China Standard Time: +480, no daylight saving). */
  utcOffsetMinutes: number;
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  workdays: readonly number[];
  /** Working periods of a day as [start, end) minutes after local midnight, ascending. */
  periods: ReadonlyArray<readonly [number, number]>;
  /** Local dates (YYYY-MM-DD) that are not worked although their weekday is (法定节假日). */
  holidays?: readonly string[];
  /** Local dates (YYYY-MM-DD) that are worked although their weekday is not (调休上班, make-up working days). */
  makeupDays?: readonly string[];
}

const hm = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export const DEFAULT_CALENDAR: WorkingCalendar = {
  utcOffsetMinutes: 480,
  workdays: [1, 2, 3, 4, 5],
  periods: [
    [hm('08:30'), hm('12:00')],
    [hm('13:30'), hm('17:30')],
  ],
};

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar with no working day would never end a deadline; stop looking after ten years. */
const MAX_DAYS = 3_660;

/** `minutes` of working time after `start` (a start outside working hours counts from the next period). */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkingCalendar = DEFAULT_CALENDAR): Date {
  const offset = cal.utcOffsetMinutes * MINUTE;
  const local = start.getTime() + offset;
  let remaining = minutes * MINUTE;
  let dayStart = Math.floor(local / DAY) * DAY;
  const holidays = new Set(cal.holidays ?? []);
  const makeup = new Set(cal.makeupDays ?? []);
  for (let i = 0; i < MAX_DAYS; i++, dayStart += DAY) {
    const day = new Date(dayStart);
    const date = day.toISOString().slice(0, 10);
    if (!makeup.has(date) && (!cal.workdays.includes(day.getUTCDay()) || holidays.has(date))) continue;
    for (const [ps, pe] of cal.periods) {
      const from = Math.max(local, dayStart + ps * MINUTE);
      const to = dayStart + pe * MINUTE;
      if (from >= to) continue;
      if (remaining <= to - from) return new Date(from + remaining - offset);
      remaining -= to - from;
    }
  }
  throw new Error('working calendar has no working time');
}

/** The moment a time limit ends: working minutes when the category counts working hours, else clock minutes. */
export function deadlineAfter(start: Date, minutes: number, workingHours: boolean, cal: WorkingCalendar = DEFAULT_CALENDAR): Date {
  return workingHours ? addWorkingMinutes(start, minutes, cal) : new Date(start.getTime() + minutes * MINUTE);
}
