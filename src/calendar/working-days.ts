import type { IsoDate } from '../domain/vocabulary';
import { addDays, isoWeekday } from './dates';
import { isHoliday } from './holidays';
import { stockholmDate, stockholmInstant, stockholmTime, type LocalTime } from './stockholm';

/**
 * Working days: Monday–Friday that are not Swedish days off (holidays.ts) and not one of HR's
 * quiet days (tysta dagar, from rules.yaml). One definition for counting and for sending, so a
 * reminder never lands on a day that the counting skipped.
 *
 * "N working days before D" counts back N working days, not counting D itself; "N after" counts
 * forward the same way. N = 0 is D itself, whatever kind of day it is.
 */
export interface WorkingCalendar {
  isWorkingDay(date: IsoDate): boolean;
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** `date` if it is a working day, else the nearest working day before it. */
  onOrBefore(date: IsoDate): IsoDate;
  /** `date` if it is a working day, else the nearest working day after it. */
  onOrAfter(date: IsoDate): IsoDate;
  /** The first instant at or after `now` that is `time` Stockholm time on a working day. */
  nextWorkingDayAt(now: string, time: LocalTime): string;
}

/** Sweden never has more than four days off in a row; only quiet days spanning a year get near this. */
const MAX_DAYS_OFF_IN_A_ROW = 400;

export function workingCalendar(isQuietDay: (date: IsoDate) => boolean = () => false): WorkingCalendar {
  const isWorkingDay = (date: IsoDate) => isoWeekday(date) <= 5 && !isHoliday(date) && !isQuietDay(date);

  const step = (date: IsoDate, direction: 1 | -1): IsoDate => {
    let d = date;
    for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
      d = addDays(d, direction);
      if (isWorkingDay(d)) return d;
    }
    throw new RangeError(`No working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${date}: check the quiet days`);
  };

  const addWorkingDays = (date: IsoDate, n: number): IsoDate => {
    if (!Number.isInteger(n)) throw new RangeError(`Working days must be a whole number: ${n}`);
    let d = date;
    for (let i = 0; i < Math.abs(n); i++) d = step(d, n > 0 ? 1 : -1);
    return d;
  };

  const onOrBefore = (date: IsoDate) => (isWorkingDay(date) ? date : step(date, -1));
  const onOrAfter = (date: IsoDate) => (isWorkingDay(date) ? date : step(date, 1));

  const nextWorkingDayAt = (now: string, time: LocalTime): string => {
    const today = stockholmDate(now);
    const first = onOrAfter(today);
    if (first !== today || stockholmTime(now) <= time) {
      const candidate = stockholmInstant(first, time);
      // Equal wall-clock strings can still differ in seconds; never return an instant before now.
      if (Date.parse(candidate) >= Date.parse(now)) return candidate;
    }
    return stockholmInstant(step(today, 1), time);
  };

  return { isWorkingDay, addWorkingDays, onOrBefore, onOrAfter, nextWorkingDayAt };
}

/** The calendar without quiet days: weekends and Swedish days off only. */
export const swedishWorkingDays: WorkingCalendar = workingCalendar();
