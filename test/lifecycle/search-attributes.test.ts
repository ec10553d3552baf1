import { describe, expect, it } from 'vitest';
import { searchAttributesAtStart, searchAttributeUpdates } from '../../src/lifecycle/search-attributes';
import { initialState, searchAttributeValues } from '../../src/lifecycle/state';
import { makeActivity } from '../helpers/lifecycle';

const names = (pairs: { key: { name: string } }[]) => pairs.map((p) => p.key.name);

describe('the lifecycle’s search attributes', () => {
  it('at start: every attribute that has a value, typed (a deadline as a date)', () => {
    const values = searchAttributeValues(
      makeActivity({ id: 'a', unit: 'u1', deadline: '2022-12-31' }),
      initialState('2022-03-01T00:00:00.000Z'),
      '2022-03-01',
    );
    const pairs = searchAttributesAtStart(values);
    expect(names(pairs)).toEqual([
      'PlanvaktPlan',
      'PlanvaktDepartment',
      'PlanvaktUnit',
      'PlanvaktOwnerRoles',
      'PlanvaktStatus',
      'PlanvaktDeadline',
      'PlanvaktOverdue',
    ]);
    expect(pairs.find((p) => p.key.name === 'PlanvaktDeadline')?.value).toEqual(new Date('2022-12-31T00:00:00.000Z'));
    expect(pairs.find((p) => p.key.name === 'PlanvaktStatus')?.value).toBe('notReported');
  });

  it('at start: no unit and no deadline are left out', () => {
    const values = searchAttributeValues(
      makeActivity({ id: 'a' }),
      initialState('2022-03-01T00:00:00.000Z'),
      '2022-03-01',
    );
    expect(names(searchAttributesAtStart(values))).toEqual([
      'PlanvaktPlan',
      'PlanvaktDepartment',
      'PlanvaktOwnerRoles',
      'PlanvaktStatus',
      'PlanvaktOverdue',
    ]);
  });

  it('in an upsert: an empty value removes the attribute (null)', () => {
    const values = searchAttributeValues(
      makeActivity({ id: 'a' }),
      initialState('2022-03-01T00:00:00.000Z'),
      '2022-03-01',
    );
    expect(
      searchAttributeUpdates(values, ['PlanvaktUnit', 'PlanvaktDeadline', 'PlanvaktLastReport']).map((p) => p.value),
    ).toEqual([null, null, null]);
  });

  it('a Måldatum already passed at import and kept *historisk* is not overdue; the other choices, and a Måldatum after the import, are', () => {
    // Imported 2022-06-01 (plan time); today 2022-06-02.
    const imported = initialState('2022-06-01T07:00:00.000Z');
    const overdue = (deadline: string, today: string, passed?: 'historical' | 'ask' | 'overdue') =>
      searchAttributeValues(makeActivity({ id: 'a', deadline }), imported, today, passed).PlanvaktOverdue;
    expect(overdue('2022-03-15', '2022-06-02', 'historical')).toBe(false);
    expect(overdue('2022-03-15', '2022-06-02', 'overdue')).toBe(true);
    expect(overdue('2022-03-15', '2022-06-02', 'ask')).toBe(true);
    expect(overdue('2022-03-15', '2022-06-02')).toBe(true);
    // A Måldatum after the import that then passes is a delay whatever was chosen for the old ones.
    expect(overdue('2022-06-10', '2022-06-20', 'historical')).toBe(true);
  });
});
