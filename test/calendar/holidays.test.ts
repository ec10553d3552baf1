import { describe, expect, it } from 'vitest';
import { daysOff, holidayName, isHoliday } from '../../src/calendar/holidays';

describe('Swedish days off from date-holidays', () => {
  it('lists exactly the röda dagar and de-facto days off of 2022', () => {
    expect(Object.fromEntries(daysOff(2022))).toEqual({
      '2022-01-01': 'nyårsdagen',
      '2022-01-06': 'trettondedag jul',
      '2022-04-15': 'långfredagen',
      '2022-04-17': 'påskdagen',
      '2022-04-18': 'annandag påsk',
      '2022-05-01': 'första maj',
      '2022-05-26': 'Kristi himmelsfärdsdag',
      '2022-06-05': 'pingstdagen',
      '2022-06-06': 'nationaldagen',
      '2022-06-24': 'midsommarafton',
      '2022-06-25': 'midsommardagen',
      '2022-11-05': 'alla helgons dag',
      '2022-12-24': 'julafton',
      '2022-12-25': 'juldagen',
      '2022-12-26': 'annandag jul',
      '2022-12-31': 'nyårsafton',
    });
  });

  it.each([
    ['2023-04-07', 'långfredagen'],
    ['2023-04-10', 'annandag påsk'],
    ['2023-05-18', 'Kristi himmelsfärdsdag'],
    ['2023-06-23', 'midsommarafton'],
    ['2024-03-29', 'långfredagen'],
    ['2024-06-21', 'midsommarafton'],
    ['2024-11-02', 'alla helgons dag'],
    ['2025-05-29', 'Kristi himmelsfärdsdag'],
  ])('%s is %s', (date, name) => {
    expect(holidayName(date)).toBe(name);
  });

  it.each(['2022-01-05', '2022-04-14', '2022-04-30', '2022-06-07', '2022-11-04'])(
    'half days and name days are working days: %s',
    (date) => expect(isHoliday(date)).toBe(false),
  );
});

describe('the generated holiday table that workflows read', () => {
  it('equals date-holidays for every year it covers (regenerate after upgrading the library)', async () => {
    const { daysOffFromLibrary, HOLIDAY_TABLE_YEARS } = await import('../../src/calendar/holiday-source');
    const { daysOff } = await import('../../src/calendar/holidays');
    for (let year = HOLIDAY_TABLE_YEARS.first; year <= HOLIDAY_TABLE_YEARS.last; year++) {
      expect([...daysOff(year)], String(year)).toEqual([...daysOffFromLibrary(year)]);
    }
  });

  it('refuses a year outside the table instead of treating it as having no holidays', async () => {
    const { daysOff, NoHolidayTable } = await import('../../src/calendar/holidays');
    expect(() => daysOff(2076)).toThrow(NoHolidayTable);
  });
});
