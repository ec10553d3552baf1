import Holidays from 'date-holidays';
import type { IsoDate } from '../domain';

/**
 * Swedish public holidays and the de-facto days off, from `date-holidays` (maintained, rule based,
 * covers Easter-relative and "Saturday after 20 June"-style rules) rather than rules of our own.
 *
 * The library types Swedish days as `public` (röda dagar: nyårsdagen, trettondedag jul,
 * långfredagen, påskdagen, annandag påsk, första maj, Kristi himmelsfärdsdag, pingstdagen,
 * nationaldagen, midsommardagen, alla helgons dag, juldagen, annandag jul) and `bank`
 * (midsommarafton, julafton, nyårsafton: not law, but nobody works). Half days (`optional`, e.g.
 * trettondagsafton) and name days (`observance`) are working days here.
 *
 * Not imported by workflow code: the library carries every country's rules and moment-timezone
 * (8 MB), which the workflow sandbox would initialise again for every workflow. Workflows read
 * holiday-table.ts, generated from this function by scripts/generate-holidays.ts and checked
 * against it by test/calendar/holidays.test.ts.
 */
const DAY_OFF_TYPES = new Set(['public', 'bank']);
let library: Holidays | undefined;

/** Every day off in `year`, date → Swedish name, as the library says. */
export function daysOffFromLibrary(year: number): Map<IsoDate, string> {
  library ??= new Holidays('SE');
  const entries = new Map<IsoDate, string>();
  for (const h of library.getHolidays(year, 'sv')) {
    if (!DAY_OFF_TYPES.has(h.type)) continue;
    const date = h.date.slice(0, 10);
    // Two names on one date (nationaldagen on pingstdagen's Monday in old years): keep both.
    const prior = entries.get(date);
    entries.set(date, prior ? `${prior}, ${h.name}` : h.name);
  }
  return entries;
}

export const HOLIDAY_TABLE_YEARS = { first: 2015, last: 2075 } as const;
