import type { IsoDate } from '../domain/vocabulary';
import type { QuietDay } from '../rules/schema';

/**
 * HR's quiet days (tysta dagar): dates when nothing is sent and which do not count as working
 * days. Entries are a date (`2023-07-14`), a day every year (`12-27`), or a `{from, to}` range of
 * one of those kinds (a yearly range stays within one calendar year).
 */
export function quietDayPredicate(quietDays: readonly QuietDay[]): (date: IsoDate) => boolean {
  if (quietDays.length === 0) return () => false;
  const ranges = quietDays.map((q) => (typeof q === 'string' ? { from: q, to: q } : q));
  return (date) => {
    const monthDay = date.slice(5);
    return ranges.some(({ from, to }) => {
      const d = from.length === 5 ? monthDay : date;
      return from <= d && d <= to;
    });
  };
}
