/**
 * Issue 19's Swedish on the activity page, pure (no server): a reminder for an activity whose
 * plan names no owner, and owners narrowed to an enhet, read as a person would say them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleActivity } from '../../src/lifecycle';
import { loadOrganisation, type Organisation } from '../../src/organisation';
import { nextEventText, recipientsText } from '../../src/web/app/activity';

let org: Organisation;
beforeAll(async () => {
  org = await loadOrganisation('config/organisation.yaml');
});

const activity = (owners: LifecycleActivity['owners']): LifecycleActivity => ({
  id: 'kfp-test-1',
  plan: 'kompetensforsorjningsplan-2021-2023',
  department: 'forskola',
  section: 'Attrahera',
  goal: 'Behålla medarbetare',
  text: 'Erbjuda chefer utbildning',
  deadline: '2026-06-30',
  deadlineRaw: '2026-06-30',
  milestones: [],
  owners,
  cadences: [],
  followUp: '',
  source: { file: 'plan.docx', line: 1 },
});

describe('who the next event goes to, in Swedish', () => {
  it('says a reminder for an activity with no owners goes to nobody, never "till ."', () => {
    const text = recipientsText(org, activity([]), { to: 'owners' });
    expect(text).toMatch(/^utan mottagare/);
    expect(`Påminnelse 5 arbetsdagar före måldatum 2026-06-30, ${text}.`).not.toMatch(/till \./);
  });

  it('names the people of each role, joined "A och B"', () => {
    const owners = [
      { role: 'rektor' as const, raw: 'Rektor' },
      { role: 'avdelningschef' as const, raw: 'Avdelningschef' },
    ];
    expect(recipientsText(org, activity(owners), { to: 'owners' })).toBe(
      'till Rektor Rut Rektor och Sven Rektor; Avdelningschef Anna Avdelning',
    );
  });
});

describe('the next event in words', () => {
  it('says the kind once: never "Påminnelse – påminnelse …"', () => {
    expect(nextEventText({ kind: 'reminder', reason: 'påminnelse 5 arbetsdagar före måldatum 2026-06-30' })).toBe(
      'Påminnelse 5 arbetsdagar före måldatum 2026-06-30',
    );
  });

  it('keeps the kind where the reason does not say it, and the follow-up period', () => {
    expect(nextEventText({ kind: 'escalation', reason: '10 arbetsdagar efter måldatum' })).toBe(
      'Eskalering – 10 arbetsdagar efter måldatum',
    );
    expect(nextEventText({ kind: 'statusRequest', reason: 'status för tertial 1', period: 'T1' })).toMatch(
      /^Statusförfrågan \(.+\) – status för tertial 1$/,
    );
  });
});
