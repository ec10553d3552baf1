/**
 * What an import reads as a Måldatum changed in Planvakt (issue 19): the lifecycle's last
 * Måldatum change, when the activity page made it (it carries a reason); an import's correction
 * after it hands the Måldatum back to the plan.
 */
import { describe, expect, it } from 'vitest';
import { localChange, localText } from '../../src/apply';
import { timelineText, type TimelineEntry } from '../../src/lifecycle';

const byPage: TimelineEntry = {
  at: '2022-06-01T07:00:00.000Z',
  type: 'changed',
  fields: ['måldatum'],
  by: 'Hanna HR-chef',
  reason: 'Upphandlingen drar ut',
};
const byImport: TimelineEntry = {
  at: '2022-06-02T07:00:00.000Z',
  type: 'changed',
  fields: ['måldatum', 'text'],
  by: 'webbimport (Hanna HR-chef)',
};
const textOnly: TimelineEntry = { at: '2022-06-03T07:00:00.000Z', type: 'changed', fields: ['text'], by: 'import' };
const ack: TimelineEntry = { at: '2022-06-04T07:00:00.000Z', type: 'acknowledged', by: 'Anna Avdelning' };

describe('localChange of the Måldatum', () => {
  it('is the page’s change while it is the last Måldatum change, whatever came after it', () => {
    expect(localChange([byPage], 'måldatum')).toEqual({
      field: 'måldatum',
      by: 'Hanna HR-chef',
      at: byPage.at,
      reason: 'Upphandlingen drar ut',
    });
    expect(localChange([byPage, textOnly, ack], 'måldatum')).toEqual({
      field: 'måldatum',
      by: 'Hanna HR-chef',
      at: byPage.at,
      reason: 'Upphandlingen drar ut',
    });
  });
  it('is none once an import changed the Måldatum after it, or when only imports changed it', () => {
    expect(localChange([byPage, byImport], 'måldatum')).toBeUndefined();
    expect(localChange([byImport, textOnly], 'måldatum')).toBeUndefined();
    expect(localChange([], 'måldatum')).toBeUndefined();
  });
});

describe('timelineText of a change', () => {
  it('names who changed it in Planvakt and why; an import’s correction as before', () => {
    expect(timelineText(byPage, byPage.at)).toBe(
      'ändrad i Planvakt: måldatum av Hanna HR-chef, skäl: Upphandlingen drar ut',
    );
    expect(timelineText(byImport, byImport.at)).toBe('ändrad i planen: måldatum, text (webbimport (Hanna HR-chef))');
  });
});

describe('one local change per field', () => {
  const owners: TimelineEntry = {
    at: '2022-06-05T07:00:00.000Z',
    type: 'changed',
    fields: ['ansvariga'],
    by: 'Anna Avdelning',
    reason: 'Rektorn är föräldraledig',
  };
  it('an owners change made in Planvakt is its own record, beside the Måldatum’s', () => {
    const timeline = [byPage, owners];
    expect(localChange(timeline, 'ansvariga')).toEqual({
      field: 'ansvariga',
      by: 'Anna Avdelning',
      at: owners.at,
      reason: 'Rektorn är föräldraledig',
    });
    expect(localChange(timeline, 'måldatum')?.by).toBe('Hanna HR-chef');
    expect(localChange([byPage], 'ansvariga')).toBeUndefined();
  });
  it('the import text names each field with who, why and what the plan says', () => {
    const plan = {
      id: 'x',
      plan: 'p',
      department: 'forskola',
      section: 's',
      goal: 'g',
      text: 't',
      deadline: '2022-08-31',
      deadlineRaw: '2022-08-31',
      milestones: [],
      owners: [{ role: 'rektor' as const, raw: 'Rektorerna' }],
      cadences: [],
      followUp: '',
      source: { file: 'f', line: 1 },
    };
    const kept = {
      ...plan,
      deadline: '2022-06-25',
      owners: [{ role: 'rektor' as const, raw: 'Sven Rektor', person: 'sven-rektor' }],
    };
    expect(
      localText({
        activity: plan,
        kept,
        fields: ['text'],
        changes: [
          { field: 'måldatum', by: 'Hanna HR-chef', at: byPage.at, reason: 'Upphandlingen drar ut' },
          { field: 'ansvariga', by: 'Anna Avdelning', at: owners.at, reason: 'Rektorn är föräldraledig' },
        ],
      }),
    ).toBe(
      'måldatum 2022-06-25 satt i Planvakt av Hanna HR-chef (skäl: Upphandlingen drar ut); planen säger 2022-08-31; ' +
        'ansvariga Sven Rektor satta i Planvakt av Anna Avdelning (skäl: Rektorn är föräldraledig); planen säger Rektorerna; ' +
        'planen ändrar också text',
    );
  });
});
