import { stockholmWallClock } from '../domain/swedish';
import { isLocalTime, type IsoDate, type LocalTime } from '../domain/vocabulary';

/**
 * Europe/Stockholm wall-clock time ↔ UTC instants through Intl, which the Temporal workflow
 * sandbox provides (it is plain V8 with Node's ICU data). No library: Intl carries the IANA rules,
 * so the March and October DST changes need no code of our own.
 */

export const TIME_ZONE = 'Europe/Stockholm';

export { isLocalTime, type LocalTime } from '../domain/vocabulary';

interface WallClock {
  date: IsoDate;
  time: LocalTime;
  /** Milliseconds of this wall-clock reading as if it were UTC; used to measure the offset. */
  asUtcMs: number;
}

function wallClock(instantMs: number): WallClock {
  const { date, time, second } = stockholmWallClock(instantMs);
  return { date, time, asUtcMs: Date.parse(`${date}T${time}:${second}Z`) };
}

/** The Stockholm calendar date of an instant. */
export function stockholmDate(instant: string): IsoDate {
  return wallClock(parseInstant(instant)).date;
}

/** The Stockholm wall-clock time (`HH:MM`) of an instant. */
export function stockholmTime(instant: string): LocalTime {
  return wallClock(parseInstant(instant)).time;
}

/**
 * The UTC instant (ISO string) at which Stockholm clocks show `time` on `date`. A time skipped by
 * the spring-forward change (02:00–02:59 on the last Sunday of March) moves forward an hour; an
 * ambiguous autumn time takes its first (summer-time) occurrence. Reminders go out in office
 * hours, so neither case arises with sane settings, but the function stays total.
 */
export function stockholmInstant(date: IsoDate, time: LocalTime): string {
  if (!isLocalTime(time)) throw new RangeError(`Not a time (HH:MM): ${time}`);
  const wanted = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(wanted)) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  // Stockholm is UTC+1 or UTC+2: try both offsets and keep the earliest one that reads back right.
  for (const offsetHours of [2, 1]) {
    const candidate = wanted - offsetHours * 3_600_000;
    if (wallClock(candidate).asUtcMs === wanted) return new Date(candidate).toISOString();
  }
  // In the spring gap: the same wall time an hour later exists.
  return new Date(wanted - 3_600_000).toISOString();
}

export function parseInstant(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant: ${instant}`);
  return ms;
}
