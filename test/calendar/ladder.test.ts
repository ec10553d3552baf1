/**
 * The escalation rules of README "Eskaleringstrappan", one test per row, through schedule() with
 * the shipped config/rules.yaml (stadsutveckling: the default ladder, quiet days 1–31 July and
 * 27–30 December). Expected dates are counted by hand from the rules: 08:00 Stockholm is 07:00Z
 * in winter and 06:00Z in summer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  schedule,
  type ScheduleActivity,
  type PassedDeadlines,
  type ScheduleEvent,
  type ScheduleFeatures,
  type ScheduleInput,
  type ScheduleState,
} from '../../src/calendar/schedule';
import { RulesSchema, rulesFor } from '../../src/rules';
import { parseRules } from '../../src/rules/load';
import { withRecordedDefaults } from '../../src/lifecycle/state';

const rules = rulesFor(
  parseRules('config/rules.yaml', readFileSync(new URL('../../config/rules.yaml', import.meta.url), 'utf8')),
  'stadsutveckling',
);
const owners = [{ role: 'enhetschef' as const, raw: 'Enhetschef' }];
const LADDER = { ladder: true, checkpoints: true };

function activity(over: Partial<ScheduleActivity> = {}): ScheduleActivity {
  return { id: 'a1', department: 'stadsutveckling', deadline: '2022-12-31', owners, cadences: [], ...over };
}

function all(
  over: Partial<Omit<ScheduleInput, 'state'>> & { state?: Partial<ScheduleState> } = {},
  horizon = '2023-06-30T00:00:00Z',
): ScheduleEvent[] {
  return schedule({
    activity: activity(),
    rules,
    now: '2022-01-03T00:00:00Z',
    features: LADDER,
    horizon,
    ...over,
    state: { sent: [], since: '2022-01-03T00:00:00Z', ...over.state },
  });
}

const line = (e: ScheduleEvent) => `${e.localDate} ${e.kind}${e.level ? `:${e.level}` : ''} ${e.to}`;
const after = (events: ScheduleEvent[], date: string) => events.filter((e) => e.localDate > date).map(line);

describe('README "Eskaleringstrappan", row by row (rules.yaml, stadsutveckling)', () => {
  it('rows 2–4: Försenad reminders 1 working day after the Måldatum, every 5, at most 3; avdelningschef after 10 working days, förvaltningschef 10 more', () => {
    // 2022-12-31 is a Saturday; 27–30 Dec are quiet, 6 Jan is trettondedag jul.
    expect(rules.overdue.maxReminders).toBe(3);
    expect(after(all(), '2022-12-31')).toEqual([
      '2023-01-02 overdue:1 owners',
      '2023-01-10 overdue:2 owners',
      '2023-01-16 escalation:1 avdelningschef',
      '2023-01-17 overdue:3 owners',
      '2023-01-30 escalation:2 forvaltningschef',
    ]);
    const escalation = all().find((e) => e.kind === 'escalation')!;
    expect(escalation.reason).toBe('eskalering till avdelningschef: 10 arbetsdagar efter måldatum 2022-12-31');
  });

  it('row 2: without maxReminders in the rules the overdue reminders stop after 3', () => {
    const defaults = RulesSchema.parse({ escalation: [] });
    const events = all({ rules: defaults }, '2025-12-31T00:00:00Z').filter((e) => e.kind === 'overdue');
    expect(events.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(events.every((e) => !/påminnelse (\d{2,})/.test(e.reason))).toBe(true);
  });

  it('row 5: an acknowledgement stops the ladder; the bounded reminders go on', () => {
    const events = all({ state: { acknowledgedAt: '2023-01-03T09:00:00Z' } });
    expect(after(events, '2022-12-31')).toEqual([
      '2023-01-02 overdue:1 owners',
      '2023-01-10 overdue:2 owners',
      '2023-01-17 overdue:3 owners',
    ]);
  });

  it('row 6: Klar ends everything', () => {
    expect(all({ state: { status: 'done' } })).toEqual([]);
  });

  it('row 7: Försenad with a new date moves the reminders, the overdue reminders and the ladder to the new date', () => {
    // The issue's case: Måldatum 2022-08-31, reported Försenad on 5 September with 2022-10-14.
    const events = all({
      activity: activity({ deadline: '2022-08-31' }),
      now: '2022-09-05T10:00:00Z',
      state: { status: 'late', proposedDate: '2022-10-14', reportedAt: '2022-09-05T09:00:00Z' },
    });
    expect(events.slice(0, 9).map(line)).toEqual([
      '2022-09-16 reminder owners', // 20 working days before 14 October
      '2022-10-07 reminder owners', // 5
      '2022-10-13 reminder owners', // 1
      '2022-10-14 deadline owners',
      '2022-10-17 overdue:1 owners',
      '2022-10-24 overdue:2 owners',
      '2022-10-28 escalation:1 avdelningschef', // 10 working days after 14 October
      '2022-10-31 overdue:3 owners',
      '2022-11-11 escalation:2 forvaltningschef',
    ]);
    const escalation = events.find((e) => e.kind === 'escalation')!;
    expect(escalation.reason).toBe(
      'eskalering till avdelningschef: 10 arbetsdagar efter nytt datum 2022-10-14 (måldatum 2022-08-31)',
    );
    expect(events.some((e) => /efter måldatum 2022-08-31/.test(e.reason))).toBe(false);
  });

  it('row 7, contrast: the owner who ignores every mail is escalated 10 working days after the Måldatum', () => {
    const events = all({ activity: activity({ deadline: '2022-08-31' }), now: '2022-09-05T10:00:00Z' });
    expect(events.find((e) => e.kind === 'escalation')?.localDate).toBe('2022-09-14');
  });

  describe('rows 8–10: a 2021–2023 plan imported on Friday 27 November 2026 at 11:00', () => {
    const since = '2026-11-27T10:00:00Z';
    const imported = (passed?: PassedDeadlines, features: ScheduleFeatures = LADDER, r = rules) =>
      schedule({
        activity: activity({ deadline: '2022-08-31' }),
        rules: r,
        now: since,
        horizon: '2028-12-31T00:00:00Z',
        features,
        ...(passed ? { passed } : {}),
        state: { sent: [], since },
      });

    it('row 8, historical: no message at all', () => {
      expect(imported('historical')).toEqual([]);
    });

    it('row 9, ask: one request for a final status on the next working day, to answer within 10 working days', () => {
      const events = imported('ask');
      expect(events.map(line)).toEqual(['2026-11-30 statusRequest owners']);
      expect(events[0]!.at).toBe('2026-11-30T07:00:00.000Z');
      expect(events[0]!.due).toBe('2026-12-14');
      expect(events[0]!.reason).toContain('slutstatus');
    });

    it('row 10, overdue: the bounded reminders and the whole ladder, counted from the import', () => {
      expect(imported('overdue').map(line)).toEqual([
        '2026-11-30 overdue:1 owners',
        '2026-12-07 overdue:2 owners',
        '2026-12-11 escalation:1 avdelningschef',
        '2026-12-14 overdue:3 owners',
        // julafton, juldagen, 28–30 quiet, nyårsafton and nyårsdagen are not working days
        '2027-01-05 escalation:2 forvaltningschef',
      ]);
      // A lifecycle without the import's choice (older starts) is treated as `overdue`.
      expect(imported(undefined).map(line)).toEqual(imported('overdue').map(line));
    });

    it('without the ladder (recorded histories): never reaches the avdelningschef, reminders without end', () => {
      // The rules those lifecycles began with had no maxReminders; the lifecycle completes them
      // as they were read then (no bound before the ladder).
      const recorded = { ...rules, overdue: { ...rules.overdue, maxReminders: undefined } };
      const old = imported('overdue', {}, withRecordedDefaults(recorded, false));
      expect(old.some((e) => e.to === 'avdelningschef')).toBe(false);
      expect(old.filter((e) => e.kind === 'overdue').length).toBeGreaterThan(3);
      // On the ladder, the same recorded rules stop after 3 (row 2's default), as a new rules file does.
      const onLadder = imported('overdue', LADDER, withRecordedDefaults(recorded, true));
      expect(onLadder.filter((e) => e.kind === 'overdue').map((e) => e.level)).toEqual([1, 2, 3]);
    });
  });

  it('row 11: a multi-year Måldatum (2022-2024) asks for status 10 working days before each year end', () => {
    const events = all(
      { activity: activity({ deadline: '2024-12-31', checkpoints: ['2022-12-31', '2023-12-31'] }) },
      '2024-01-31T00:00:00Z',
    ).filter((e) => e.kind === 'statusRequest');
    expect(events.map((e) => [e.localDate, e.due])).toEqual([
      ['2022-12-12', '2022-12-31'],
      ['2023-12-11', '2023-12-31'],
    ]);
    expect(events[0]!.reason).toContain('2022-12-31');
    // Without the patch the checkpoints ask nothing (recorded histories).
    const old = all(
      {
        activity: activity({ deadline: '2024-12-31', checkpoints: ['2022-12-31', '2023-12-31'] }),
        features: { ladder: true },
      },
      '2024-01-31T00:00:00Z',
    );
    expect(old.filter((e) => e.kind === 'statusRequest')).toEqual([]);
  });
});
