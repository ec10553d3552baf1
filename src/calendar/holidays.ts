import type { IsoDate } from '../domain/vocabulary';
import { yearOf } from './dates';
import { DAYS_OFF } from './holiday-table';

/**
 * Swedish days off, from the table generated out of `date-holidays` (see holiday-source.ts for
 * which days count and why the workflow bundle reads a table instead of the library).
 * Deterministic: the result depends only on the year.
 */
const byYear = new Map<number, ReadonlyMap<IsoDate, string>>();

export class NoHolidayTable extends Error {
  override name = 'NoHolidayTable';
}

/** Every day off in `year`, date → Swedish name. */
export function daysOff(year: number): ReadonlyMap<IsoDate, string> {
  let table = byYear.get(year);
  if (!table) {
    const row = DAYS_OFF[year];
    if (row === undefined) {
      throw new NoHolidayTable(
        `No Swedish holiday table for ${year}: widen HOLIDAY_TABLE_YEARS and run scripts/generate-holidays.ts.`,
      );
    }
    table = new Map(row.split('|').map((entry) => [`${year}-${entry.slice(0, 5)}`, entry.slice(6)] as const));
    byYear.set(year, table);
  }
  return table;
}

/** The Swedish name of the holiday on `date`, or undefined on an ordinary day. */
export function holidayName(date: IsoDate): string | undefined {
  return daysOff(yearOf(date)).get(date);
}

export function isHoliday(date: IsoDate): boolean {
  return holidayName(date) !== undefined;
}
