import { FOLLOW_UP_PERIODS, type FollowUpPeriod, type IsoDate } from '../domain/vocabulary';
import type { MonthlyMeeting, PeriodRule, WEEKDAYS, YearlyWindow } from '../rules/schema';
import { daysInMonth, isoWeekday, makeDate } from './dates';
import type { WorkingCalendar } from './working-days';

/**
 * Follow-up periods turned into dated occasions. A tertial covers four months (T1 jan–apr,
 * T2 maj–aug; tertial 3 is reported in the VB, which covers the year); the other yearly periods
 * cover the calendar year and a monthly meeting covers its month. What is configurable (report
 * windows, meeting days) comes from the rules; what a period covers is fixed by the glossary.
 */
export interface PeriodOccasion {
  period: FollowUpPeriod;
  /** Unique per period: `T1:2022`, `APT:2022-03-01`. */
  id: string;
  /** Swedish, for messages: `Tertial 1 2022`, `APT 2022-03-01`. */
  label: string;
  /** The time the report is about; an activity finished before `coversFrom` is not asked. */
  coversFrom: IsoDate;
  /** The day the status request goes out (the report window opens, or before the meeting). */
  requestOn: IsoDate;
  /** The last day to report (the window closes, or the meeting day). */
  due: IsoDate;
}

const TERTIAL_START_MONTH: Partial<Record<FollowUpPeriod, number>> = { T1: 1, T2: 5 };

export function periodOccasions(
  period: FollowUpPeriod,
  rule: PeriodRule,
  year: number,
  cal: WorkingCalendar,
): PeriodOccasion[] {
  return rule.every === 'year' ? [yearlyOccasion(period, rule, year)] : monthlyOccasions(period, rule, year, cal);
}

function yearlyOccasion(period: FollowUpPeriod, rule: YearlyWindow, year: number): PeriodOccasion {
  const pinned = rule.years[String(year)];
  const due = pinned?.due ?? `${rule.due < rule.opens ? year + 1 : year}-${rule.due}`;
  return {
    period,
    id: `${period}:${year}`,
    label: `${FOLLOW_UP_PERIODS[period]} ${year}`,
    coversFrom: makeDate(year, TERTIAL_START_MONTH[period] ?? 1, 1),
    requestOn: pinned?.opens ?? `${year}-${rule.opens}`,
    due,
  };
}

const WEEKDAY_NUMBER: Record<(typeof WEEKDAYS)[number], number> = {
  måndag: 1,
  tisdag: 2,
  onsdag: 3,
  torsdag: 4,
  fredag: 5,
};

function monthlyOccasions(
  period: FollowUpPeriod,
  rule: MonthlyMeeting,
  year: number,
  cal: WorkingCalendar,
): PeriodOccasion[] {
  return [...new Set(rule.months)]
    .sort((a, b) => a - b)
    .map((month) => {
      // A meeting day that is a holiday (APT on trettondedag jul) is held on the next working day.
      const meeting = cal.onOrAfter(nthWeekday(year, month, WEEKDAY_NUMBER[rule.weekday], rule.week));
      return {
        period,
        id: `${period}:${meeting}`,
        label: `${FOLLOW_UP_PERIODS[period]} ${meeting}`,
        coversFrom: makeDate(year, month, 1),
        requestOn:
          rule.requestWorkingDaysBefore === 0
            ? cal.onOrBefore(meeting)
            : cal.addWorkingDays(meeting, -rule.requestWorkingDaysBefore),
        due: meeting,
      };
    });
}

/** The n:th (1–4) or last given ISO weekday of a month. */
export function nthWeekday(year: number, month: number, weekday: number, week: number | 'last'): IsoDate {
  if (week === 'last') {
    const last = makeDate(year, month, daysInMonth(year, month));
    const back = (isoWeekday(last) - weekday + 7) % 7;
    return makeDate(year, month, daysInMonth(year, month) - back);
  }
  const first = isoWeekday(makeDate(year, month, 1));
  return makeDate(year, month, 1 + ((weekday - first + 7) % 7) + (week - 1) * 7);
}
