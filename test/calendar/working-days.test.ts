import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, isoWeekday } from '../../src/calendar/dates';
import { isHoliday } from '../../src/calendar/holidays';
import { quietDayPredicate } from '../../src/calendar/quiet-days';
import { stockholmDate, stockholmInstant, stockholmTime } from '../../src/calendar/stockholm';
import { swedishWorkingDays as cal, workingCalendar } from '../../src/calendar/working-days';

const dateArb = fc.integer({ min: 0, max: 365 * 12 }).map((n) => addDays('2020-01-01', n));

describe('addWorkingDays', () => {
  it.each([
    ['2022-12-31', -5, '2022-12-23', 'annandag jul, juldagen, julafton skipped'],
    ['2022-12-31', -1, '2022-12-30', 'a Saturday deadline: the day before is Friday'],
    ['2022-06-27', -1, '2022-06-23', 'midsommarafton and midsommardagen skipped'],
    ['2022-06-27', -5, '2022-06-17', 'midsommar week'],
    ['2022-04-19', -1, '2022-04-14', 'annandag påsk, påskdagen, långfredagen skipped; skärtorsdagen works'],
    ['2022-05-27', -1, '2022-05-25', 'Kristi himmelsfärdsdag skipped'],
    ['2022-12-23', 5, '2023-01-02', 'forward over jul and nyår'],
    ['2023-01-05', 1, '2023-01-09', 'trettondedag jul on a Friday'],
    ['2022-03-04', 0, '2022-03-04', 'zero is the day itself'],
  ])('%s %+d → %s (%s)', (from, n, want) => {
    expect(cal.addWorkingDays(from, n)).toBe(want);
  });

  it('never lands on a weekend or a day off', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: -30, max: 30 }).filter((n) => n !== 0),
        (d, n) => {
          const r = cal.addWorkingDays(d, n);
          return isoWeekday(r) <= 5 && !isHoliday(r) && (n > 0 ? r > d : r < d);
        },
      ),
    );
  });

  it('adding then subtracting N returns to a working day', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 40 }), (d, n) => {
        const start = cal.onOrAfter(d);
        return cal.addWorkingDays(cal.addWorkingDays(start, n), -n) === start;
      }),
    );
  });

  it('counts quiet days as days off', () => {
    const summer = workingCalendar(quietDayPredicate([{ from: '07-01', to: '07-31' }, '2022-12-27']));
    expect(summer.addWorkingDays('2022-08-01', -1)).toBe('2022-06-30');
    expect(summer.addWorkingDays('2022-12-28', -1)).toBe('2022-12-23');
    expect(summer.isWorkingDay('2023-07-14')).toBe(false);
  });
});

describe('Stockholm time', () => {
  it.each([
    ['2022-03-25', '08:00', '2022-03-25T07:00:00.000Z', 'winter time, Friday before the change'],
    ['2022-03-28', '08:00', '2022-03-28T06:00:00.000Z', 'summer time, Monday after'],
    ['2022-10-28', '08:00', '2022-10-28T06:00:00.000Z', 'summer time, Friday before'],
    ['2022-10-31', '08:00', '2022-10-31T07:00:00.000Z', 'winter time, Monday after'],
    ['2022-03-27', '02:30', '2022-03-27T01:30:00.000Z', 'in the spring gap: an hour later'],
    ['2022-10-30', '02:30', '2022-10-30T00:30:00.000Z', 'ambiguous autumn hour: the first'],
  ])('%s %s → %s (%s)', (date, time, want) => {
    expect(stockholmInstant(date, time)).toBe(want);
  });

  it('round-trips every office time of the year', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 6, max: 20 }), fc.integer({ min: 0, max: 59 }), (d, h, m) => {
        const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        const at = stockholmInstant(d, time);
        return stockholmDate(at) === d && stockholmTime(at) === time;
      }),
    );
  });
});

describe('nextWorkingDayAt', () => {
  it.each([
    ['2022-03-25T06:59:00Z', '2022-03-25T07:00:00.000Z', 'before 08:00 on a working day: today'],
    ['2022-03-25T07:00:00Z', '2022-03-25T07:00:00.000Z', 'exactly at 08:00: now'],
    [
      '2022-03-25T07:00:01Z',
      '2022-03-28T06:00:00.000Z',
      'just after: Monday, across the DST weekend, still 08:00 local',
    ],
    ['2022-12-23T12:00:00Z', '2022-12-27T07:00:00.000Z', 'Friday before jul: Tuesday after annandag jul'],
    ['2022-06-23T23:30:00Z', '2022-06-27T06:00:00.000Z', 'midsommarafton night (already 24 June in Stockholm)'],
  ])('%s → %s (%s)', (now, want) => {
    expect(cal.nextWorkingDayAt(now, '08:00')).toBe(want);
  });

  it('is never before now and always a working day at the time', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2031, 0, 1) }), (ms) => {
        const now = new Date(ms).toISOString();
        const at = cal.nextWorkingDayAt(now, '08:00');
        return (
          at >= now &&
          cal.isWorkingDay(stockholmDate(at)) &&
          stockholmTime(at) === '08:00' &&
          Date.parse(at) - ms < 6 * 86_400_000
        );
      }),
    );
  });
});
