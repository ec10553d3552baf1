import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceErrors } from '../../src/config/source-error';
import { loadRules, parseRules } from '../../src/rules/load';
import { rulesFor } from '../../src/rules/rules-for';
import { RulesSchema } from '../../src/rules/schema';

const DEPARTMENTS = ['forskola', 'stadsutveckling', 'aldreomsorg', 'individ-och-familj', 'funktionsnedsattning'];

function errorsOf(text: string, departments = DEPARTMENTS) {
  try {
    parseRules('rules.yaml', text, { departments });
  } catch (e) {
    expect(e).toBeInstanceOf(SourceErrors);
    return (e as SourceErrors).errors;
  }
  throw new Error('expected an error');
}

describe('rules defaults', () => {
  it('are the documented ones', () => {
    const r = RulesSchema.parse({});
    expect(r.reminders.beforeDeadline).toEqual([20, 5, 1, 0]);
    // README "Eskaleringstrappan" row 2: at most 3 overdue reminders unless the rules say otherwise.
    expect(r.overdue).toEqual({ firstAfterWorkingDays: 1, repeatEveryWorkingDays: 5, maxReminders: 3 });
    expect(r.escalation).toEqual([
      { to: 'avdelningschef', afterWorkingDays: 10 },
      { to: 'forvaltningschef', afterWorkingDays: 10 },
    ]);
    expect(r.delivery).toEqual({
      sendTime: '08:00',
      digest: true,
      preferredChannel: 'email',
      fallbackChannel: 'email',
    });
    expect(r.followUp.cadences.tertial).toEqual(['T1', 'T2']);
    expect(r.followUp.periods.APT).toMatchObject({ every: 'month', weekday: 'tisdag', week: 1 });
  });
});

describe('loadRules', () => {
  it('loads config/rules.yaml, and rulesFor applies the department overrides deeply', async () => {
    const file = await loadRules('config/rules.yaml', { departments: DEPARTMENTS });
    const forskola = rulesFor(file, 'forskola');
    const stadsutveckling = rulesFor(file, 'stadsutveckling');
    expect(forskola.followUp.periods.T1).toMatchObject({ opens: '04-11', due: '05-03', remindWorkingDaysBeforeDue: 3 });
    expect(stadsutveckling.followUp.periods.T1).toMatchObject({ opens: '04-20', due: '05-10' });
    expect(forskola.followUp.periods.VB).toEqual(stadsutveckling.followUp.periods.VB);
    // Lists replace: äldreomsorg has only the mellandagar as quiet days.
    expect(rulesFor(file, 'aldreomsorg').quietDays).toEqual([{ from: '12-27', to: '12-30' }]);
    expect(rulesFor(file, 'aldreomsorg').escalation[0]?.afterWorkingDays).toBe(5);
  });

  it('names the file it read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'rules.yaml'), 'delivery:\n  digest: ja\n');
    await expect(loadRules(join(dir, 'rules.yaml'))).rejects.toThrow(/^rules\.yaml, line 2, field delivery\.digest: /);
  });

  it.each([
    [
      'wrong type',
      'overdue:\n  repeatEveryWorkingDays: fem\n',
      2,
      'overdue.repeatEveryWorkingDays',
      /expected number/,
      /förväntade ett tal, fick text/,
    ],
    [
      'misspelt key',
      'reminders:\n  beforeDeadlin: [5]\n',
      2,
      'reminders',
      /Unrecognized key: "beforeDeadlin"/,
      /Okänd nyckel/,
    ],
    [
      'bad send time',
      'delivery:\n  sendTime: "8"\n',
      2,
      'delivery.sendTime',
      /expected a time HH:MM/,
      /förväntade en tid TT:MM/,
    ],
    [
      'unknown escalation target',
      'escalation:\n  - to: rektor\n    afterWorkingDays: 3\n',
      2,
      'escalation.0.to',
      /Invalid option/,
      /Ogiltig/,
    ],
    [
      'unknown department',
      'departments:\n  skolan:\n    quietDays: []\n',
      2,
      'departments.skolan',
      /unknown department "skolan"/,
      /okänd avdelning "skolan"/,
    ],
    [
      'an override that breaks the merged rules points into the override',
      'departments:\n  forskola:\n    followUp:\n      periods:\n        T1:\n          due: "13-01"\n',
      6,
      'departments.forskola.followUp.periods.T1.due',
      /expected a month and day MM-DD/,
      /förväntade månad och dag MM-DD/,
    ],
    [
      'a year override with a bad date',
      'followUp:\n  periods:\n    T1:\n      every: year\n      opens: "04-20"\n      due: "05-10"\n      years:\n        2023: { due: "2023-02-30" }\n',
      8,
      'followUp.periods.T1.years.2023.due',
      /expected a date/,
      /förväntade ett datum/,
    ],
  ])('%s: one error with its line and field', (_case, text, line, field, en, sv) => {
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.location).toMatchObject({ file: 'rules.yaml', line, field });
    expect(errors[0]?.detail).toMatch(en);
    expect(errors[0]?.detailSv).toMatch(sv);
  });
});
