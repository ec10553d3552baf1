import { describe, expect, it } from 'vitest';
import {
  schedule,
  type ScheduleActivity,
  type ScheduleEvent,
  type ScheduleInput,
  type ScheduleState,
} from '../../src/calendar/schedule';
import { RulesSchema, rulesFor, type Rules } from '../../src/rules';
import { parseRules } from '../../src/rules/load';

const defaults: Rules = RulesSchema.parse({});
const owners = [{ role: 'enhetschef' as const, raw: 'Enhetschef' }];

function activity(over: Partial<ScheduleActivity> = {}): ScheduleActivity {
  return { id: 'a1', department: 'forskola', deadline: '2022-12-31', owners, cadences: [], ...over };
}

function run(over: Partial<Omit<ScheduleInput, 'state'>> & { state?: Partial<ScheduleState> } = {}): ScheduleEvent[] {
  return schedule({
    activity: activity(),
    rules: defaults,
    now: '2022-01-01T00:00:00Z',
    ...over,
    state: { sent: [], ...over.state },
  });
}

const brief = (events: ScheduleEvent[]) =>
  events.map((e) => `${e.at} ${e.kind}${e.level ? `:${e.level}` : ''} ${e.to}`);

describe('schedule: deadline reminders (the acceptance table)', () => {
  it('2022-12-31 (Saturday): 5 working days before is Friday 23 Dec 08:00, on-the-day on Friday 30 Dec', () => {
    const rules = RulesSchema.parse({ reminders: { beforeDeadline: [5, 0] }, escalation: [] });
    const events = run({ rules, horizon: '2022-12-31T23:00:00Z' });
    expect(events.map((e) => [e.localDate, e.at, e.kind])).toEqual([
      ['2022-12-23', '2022-12-23T07:00:00.000Z', 'reminder'],
      ['2022-12-30', '2022-12-30T07:00:00.000Z', 'deadline'],
    ]);
    expect(events[0]?.reason).toBe('påminnelse 5 arbetsdagar före måldatum 2022-12-31');
    expect(events[1]?.deadline).toBe('2022-12-31');
  });

  it.each([
    // [deadline, offsets, expected local dates, case]
    ['2022-06-27', [1, 0], ['2022-06-23', '2022-06-27'], 'midsommar: 1 before Monday 27 June is Thursday 23'],
    ['2022-06-24', [0], ['2022-06-23'], 'deadline on midsommarafton: on-the-day moves to Thursday'],
    ['2022-04-19', [2, 1], ['2022-04-13', '2022-04-14'], 'påsk: långfredag to annandag påsk skipped'],
    [
      '2022-05-26',
      [2, 1, 0],
      ['2022-05-24', '2022-05-25'],
      'Kristi himmelsfärd deadline: on-the-day on Wednesday, with the 1-day reminder',
    ],
    [
      '2022-12-31',
      [20, 5, 1, 0],
      ['2022-12-02', '2022-12-23', '2022-12-30'],
      'default offsets: 1 and 0 fall on one day, one message',
    ],
  ] as [string, number[], string[], string][])('%s %j → %j (%s)', (deadline, offsets, dates) => {
    const rules = RulesSchema.parse({ reminders: { beforeDeadline: [...offsets] } });
    const events = run({ activity: activity({ deadline }), rules, horizon: `${deadline}T23:00:00Z` });
    expect(events.map((e) => e.localDate)).toEqual(dates);
  });

  it('keeps 08:00 Stockholm time across the March DST change', () => {
    const rules = RulesSchema.parse({ reminders: { beforeDeadline: [1, 0] } });
    const events = run({ activity: activity({ deadline: '2022-03-28' }), rules, horizon: '2022-03-28T12:00:00Z' });
    expect(events.map((e) => e.at)).toEqual(['2022-03-25T07:00:00.000Z', '2022-03-28T06:00:00.000Z']);
  });

  it('keeps 08:00 Stockholm time across the October DST change', () => {
    const rules = RulesSchema.parse({ reminders: { beforeDeadline: [1, 0] } });
    const events = run({ activity: activity({ deadline: '2022-10-31' }), rules, horizon: '2022-10-31T12:00:00Z' });
    expect(events.map((e) => e.at)).toEqual(['2022-10-28T06:00:00.000Z', '2022-10-31T07:00:00.000Z']);
  });
});

describe('schedule: overdue and escalation', () => {
  const before = ['reminder:2022-12-31:20', 'reminder:2022-12-31:5', 'deadline:2022-12-31'];
  const after = (now: string, state: Partial<ScheduleState> = {}, horizon?: string) =>
    run({ now, state: { ...state, sent: [...before, ...(state.sent ?? [])] }, ...(horizon ? { horizon } : {}) });

  it('repeats overdue reminders every 5 working days, at most 3, and escalates after 10 and 10 more', () => {
    // README "Eskaleringstrappan" row 2: at most 3 overdue reminders when the rules do not say
    // (maxReminders defaults to 3), then only the ladder (rows 3–4) goes on.
    const events = after('2022-12-31T12:00:00Z', {}, '2023-02-01T00:00:00Z');
    expect(brief(events)).toEqual([
      '2023-01-02T07:00:00.000Z overdue:1 owners',
      '2023-01-10T07:00:00.000Z overdue:2 owners', // trettondedag jul (Friday 6 Jan) is skipped
      '2023-01-16T07:00:00.000Z escalation:1 avdelningschef',
      '2023-01-17T07:00:00.000Z overdue:3 owners',
      '2023-01-30T07:00:00.000Z escalation:2 forvaltningschef',
    ]);
  });

  it('acknowledgement stops the escalation ladder but not the overdue reminders', () => {
    // README row 5: the ladder stops; the overdue reminders go out up to the maximum (3, row 2).
    const events = after('2022-12-31T12:00:00Z', { acknowledgedAt: '2023-01-03T09:00:00Z' }, '2023-02-01T00:00:00Z');
    expect(events.every((e) => e.kind === 'overdue')).toBe(true);
    expect(events).toHaveLength(3);
  });

  it('without a horizon returns only the next instant', () => {
    expect(
      brief(
        after('2023-01-10T07:00:01Z', { sent: ['overdue:2022-12-31:2023-01-02', 'overdue:2022-12-31:2023-01-10'] }),
      ),
    ).toEqual(['2023-01-16T07:00:00.000Z escalation:1 avdelningschef']);
  });

  it('catches up with the latest missed event of each chain, once', () => {
    const due = after('2023-01-18T10:00:00Z');
    expect(brief(due)).toEqual([
      '2023-01-16T07:00:00.000Z escalation:1 avdelningschef',
      '2023-01-17T07:00:00.000Z overdue:3 owners',
    ]);
    // The third overdue reminder was the last (README row 2): next is the ladder's second step.
    const next = after('2023-01-18T10:00:00Z', { sent: due.map((e) => e.key) });
    expect(brief(next)).toEqual(['2023-01-30T07:00:00.000Z escalation:2 forvaltningschef']);
  });

  it('since: a plan imported late does not fire old reminders or escalations', () => {
    // With the default of 3 (README row 2) everything was before the import: nothing is left.
    expect(after('2023-02-01T10:00:00Z', { since: '2023-02-01T10:00:00Z' })).toEqual([]);
    // With room for more repeats, the next one after the import goes out, and nothing older.
    const rules = RulesSchema.parse({ overdue: { maxReminders: 6 } });
    const events = run({ rules, now: '2023-02-01T10:00:00Z', state: { since: '2023-02-01T10:00:00Z', sent: before } });
    expect(brief(events)).toEqual(['2023-02-07T07:00:00.000Z overdue:6 owners']);
  });

  it('a snooze defers reminders and escalations to its date, collapsing each chain', () => {
    const events = after(
      '2023-01-09T12:00:00Z',
      { snoozedUntil: '2023-01-25', sent: ['overdue:2022-12-31:2023-01-02'] },
      '2023-01-26T00:00:00Z',
    );
    expect(brief(events)).toEqual([
      '2023-01-25T07:00:00.000Z escalation:1 avdelningschef',
      // The chain's latest due reminder; the third is the last (README row 2).
      '2023-01-25T07:00:00.000Z overdue:3 owners',
    ]);
  });

  it('done activities yield nothing', () => {
    expect(run({ state: { status: 'done' }, horizon: '2024-01-01T00:00:00Z' })).toEqual([]);
  });

  it('pre-deadline reminders are caught up on the deadline day, not after it', () => {
    expect(run({ now: '2022-12-30T09:00:00Z' }).map((e) => e.key)).toEqual(['deadline:2022-12-31']);
    expect(run({ now: '2023-01-02T06:00:00Z' }).map((e) => e.key)).toEqual(['overdue:2022-12-31:2023-01-02']);
  });

  it('a snooze past the deadline drops the pre-deadline reminders', () => {
    const events = run({
      now: '2022-12-20T12:00:00Z',
      state: { snoozedUntil: '2023-01-03', sent: ['reminder:2022-12-31:20'] },
    });
    expect(brief(events)).toEqual(['2023-01-03T07:00:00.000Z overdue:1 owners']);
  });

  it('keys are unique and stable', () => {
    const input = {
      activity: activity({ cadences: ['tertial', 'vb', 'apt'] }),
      rules: defaults,
      state: { sent: [] },
      now: '2022-01-01T00:00:00Z',
      horizon: '2023-06-01T00:00:00Z',
    };
    const a = schedule(input);
    expect(new Set(a.map((e) => e.key)).size).toBe(a.length);
    expect(schedule(input)).toEqual(a);
  });
});

describe('schedule: milestones', () => {
  it('each milestone has its own reminders, keyed by its id', () => {
    const rules = RulesSchema.parse({ reminders: { beforeDeadline: [0] }, escalation: [] });
    const events = run({
      activity: activity({
        deadline: undefined,
        milestones: [
          { id: 'm1', deadline: '2022-04-29', owners },
          { id: 'm2', deadline: '2022-12-30', owners },
        ],
      }),
      rules,
      state: { milestones: { m2: { status: 'done' } } },
      horizon: '2022-05-03T00:00:00Z',
    });
    expect(events.map((e) => [e.localDate, e.kind, e.milestoneId, e.key])).toEqual([
      ['2022-04-29', 'deadline', 'm1', 'milestone:m1:deadline:2022-04-29'],
      ['2022-05-02', 'overdue', 'm1', 'milestone:m1:overdue:2022-04-29:2022-05-02'],
    ]);
    expect(events[0]?.reason).toBe('delmål m1: måldatum 2022-04-29 är idag');
  });
});

describe('schedule: follow-up requests', () => {
  const file = parseRules(
    'rules.yaml',
    [
      'followUp:',
      '  periods:',
      '    T1: { every: year, opens: "04-20", due: "05-10", remindWorkingDaysBeforeDue: 3 }',
      'departments:',
      '  forskola:',
      '    followUp:',
      '      periods:',
      '        T1: { opens: "04-11", due: "05-03", years: { 2023: { due: "2023-04-28" } } }',
    ].join('\n'),
  );
  const statusOnly = (dept: string, now: string, horizon: string, state: Partial<ScheduleState> = {}) =>
    run({
      activity: activity({ department: dept, deadline: undefined, cadences: ['tertial'] }),
      rules: rulesFor(file, dept),
      now,
      horizon,
      state,
    }).map((e) => `${e.localDate} ${e.key} due ${e.due}`);

  it('Löpande with tertial: T1 and T2 requests, with a reminder before the due date', () => {
    expect(statusOnly('stadsutveckling', '2022-01-01T00:00:00Z', '2022-12-31T00:00:00Z')).toEqual([
      '2022-04-20 status:T1:2022 due 2022-05-10',
      '2022-05-05 status:T1:2022:reminder due 2022-05-10',
      '2022-08-22 status:T2:2022 due 2022-09-10', // 20 August 2022 is a Saturday
      '2022-09-07 status:T2:2022:reminder due 2022-09-10',
    ]);
  });

  it('tertial due dates overridden for one department, and for one year of it', () => {
    expect(
      statusOnly('forskola', '2022-01-01T00:00:00Z', '2023-05-31T00:00:00Z').filter((s) => s.includes('T1')),
    ).toEqual([
      '2022-04-11 status:T1:2022 due 2022-05-03',
      '2022-04-28 status:T1:2022:reminder due 2022-05-03',
      '2023-04-11 status:T1:2023 due 2023-04-28',
      '2023-04-25 status:T1:2023:reminder due 2023-04-28',
    ]);
  });

  it('a report after the window opened cancels the second request', () => {
    expect(
      statusOnly('stadsutveckling', '2022-04-21T00:00:00Z', '2022-05-31T00:00:00Z', {
        reportedAt: '2022-04-21T00:00:00Z',
        sent: ['status:T1:2022'],
      }),
    ).toEqual([]);
  });

  it('APT monthly on the first Tuesday, asked two working days before; none in July', () => {
    const events = run({
      activity: activity({ deadline: undefined, cadences: ['apt'] }),
      horizon: '2022-09-30T00:00:00Z',
      now: '2022-05-15T00:00:00Z',
    });
    expect(events.map((e) => `${e.localDate}→${e.due}`)).toEqual([
      '2022-06-02→2022-06-07',
      '2022-07-29→2022-08-02',
      '2022-09-02→2022-09-06',
    ]);
  });

  it('activities with a deadline get the periods that begin before it, the VB included', () => {
    const events = run({
      activity: activity({ deadline: '2022-06-30', cadences: ['tertial', 'vb'] }),
      rules: RulesSchema.parse({ reminders: { beforeDeadline: [] }, escalation: [], overdue: { maxReminders: 1 } }),
      horizon: '2023-12-31T00:00:00Z',
      state: { sent: [], since: '2022-01-01T00:00:00Z' },
    });
    expect(events.filter((e) => e.kind === 'statusRequest').map((e) => e.key)).toEqual([
      'status:T1:2022',
      'status:T1:2022:reminder',
      'status:T2:2022',
      'status:T2:2022:reminder',
      'status:VB:2022',
      'status:VB:2022:reminder',
    ]);
  });

  it('Löpande yields only follow-up requests', () => {
    const events = run({
      activity: activity({ deadline: undefined, cadences: ['vb'] }),
      horizon: '2025-01-01T00:00:00Z',
    });
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['statusRequest']));
    expect(run({ activity: activity({ deadline: undefined, cadences: [] }), horizon: '2025-01-01T00:00:00Z' })).toEqual(
      [],
    );
  });
});
