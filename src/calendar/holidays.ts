import Holidays from 'date-holidays';
import type { IsoDate } from '../plan/vocabulary';
import { yearOf } from './dates';

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
 * Deterministic: the result depends only on the year; the per-year table is cached because the
 * library's rule engine is slow compared with a Map lookup inside tight working-day loops.
 */

const DAY_OFF_TYPES = new Set(['public', 'bank']);

let library: Holidays | undefined;
const byYear = new Map<number, ReadonlyMap<IsoDate, string>>();

/** Every day off in `year`, date → Swedish name. */
export function daysOff(year: number): ReadonlyMap<IsoDate, string> {
  let table = byYear.get(year);
  if (!table) {
    // Created on first use so importing the calendar (e.g. into a workflow bundle) costs nothing.
    library ??= new Holidays('SE');
    const entries = new Map<IsoDate, string>();
    for (const h of library.getHolidays(year, 'sv')) {
      if (!DAY_OFF_TYPES.has(h.type)) continue;
      const date = h.date.slice(0, 10);
      // Two names on one date (nationaldagen on pingstdagen's Monday in old years): keep both.
      const prior = entries.get(date);
      entries.set(date, prior ? `${prior}, ${h.name}` : h.name);
    }
    table = entries;
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
