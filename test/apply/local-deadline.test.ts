/**
 * What an import reads as a Måldatum changed in Planvakt (issue 19): the lifecycle's last
 * Måldatum change, when the activity page made it (it carries a reason); an import's correction
 * after it hands the Måldatum back to the plan.
 */
import { describe, expect, it } from 'vitest';
import { localDeadlineChange } from '../../src/apply';
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

describe('localDeadlineChange', () => {
  it('is the page’s change while it is the last Måldatum change, whatever came after it', () => {
    expect(localDeadlineChange([byPage])).toBe(byPage);
    expect(localDeadlineChange([byPage, textOnly, ack])).toBe(byPage);
  });
  it('is none once an import changed the Måldatum after it, or when only imports changed it', () => {
    expect(localDeadlineChange([byPage, byImport])).toBeUndefined();
    expect(localDeadlineChange([byImport, textOnly])).toBeUndefined();
    expect(localDeadlineChange([])).toBeUndefined();
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
