import { isIsoDate, type IsoDate } from '../domain/vocabulary';

/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings. Dates are civil dates (no time, no zone), so
 * all arithmetic runs in UTC where every day has 24 hours; Stockholm time enters only when a date
 * gets a clock time (see stockholm.ts).
 */

export { isIsoDate } from '../domain/vocabulary';

function toUtcMidnight(date: IsoDate): Date {
  if (!isIsoDate(date)) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  return new Date(`${date}T00:00:00Z`);
}

function fromUtcMidnight(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

export function makeDate(year: number, month: number, day: number): IsoDate {
  return fromUtcMidnight(new Date(Date.UTC(year, month - 1, day)));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = toUtcMidnight(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtcMidnight(d);
}

/** ISO weekday: 1 = Monday … 7 = Sunday (the Swedish week starts on Monday). */
export function isoWeekday(date: IsoDate): number {
  const js = toUtcMidnight(date).getUTCDay();
  return js === 0 ? 7 : js;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}
