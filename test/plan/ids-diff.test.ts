import { describe, expect, it } from 'vitest';
import { assignIds, diffPlans, parsePlan, placedActivities, type Plan } from '../../src/plan';
import { KOMPETENSPLAN, readSeed } from './seeds';

const seed = readSeed(KOMPETENSPLAN);
const original = parsePlan(KOMPETENSPLAN, seed).plan;
const idAt = (plan: Plan, text: RegExp) => placedActivities(plan).find((p) => text.test(p.activity.text))?.activity.id;

describe('stable ids', () => {
  it('survive a corrected deadline, owner, follow-up, row order and spelling of case and punctuation', () => {
    const corrected = seed
      .replace(
        '| Utbildning genom Mediateket. | 2022-08-31 | Pedagogisk utvecklingsledare. |',
        '| utbildning genom  Mediateket | 2022-10-31 | Rektorer |',
      )
      .replace(
        '| Avslut och avtackning, inklusive kompetensöverföring | 2022-12-31 | Enhetschef | |',
        '| Avslut och avtackning, inklusive kompetensöverföring | 2023 | Avdelningschef | Följs upp i VB |',
      );
    const plan = parsePlan(KOMPETENSPLAN, corrected).plan;
    expect(placedActivities(plan).map((p) => p.activity.id)).toEqual(
      placedActivities(original).map((p) => p.activity.id),
    );

    const diff = diffPlans(original, plan);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unchanged).toBe(71);
    const byId = new Map(diff.changed.map((c) => [c.id, c.fields.map((f) => f.field)]));
    expect(byId.get(idAt(original, /^Utbildning genom Mediateket/) ?? '')).toEqual(['text', 'deadline', 'owners']);
    expect(byId.get(idAt(original, /^Avslut och avtackning/) ?? '')).toEqual([
      'deadline',
      'owners',
      'followUp',
      'cadences',
    ]);
    const deadline = diff.changed.flatMap((c) => c.fields).find((f) => f.field === 'deadline');
    expect(deadline).toEqual({
      field: 'deadline',
      old: { kind: 'date', date: '2022-08-31', checkpoints: [] },
      new: { kind: 'date', date: '2022-10-31', checkpoints: [] },
    });
  });

  it('do not depend on the plan’s line numbers', () => {
    const plan = parsePlan(KOMPETENSPLAN, `Ny inledning\n\n${seed}`).plan;
    expect(diffPlans(original, plan)).toMatchObject({ added: [], removed: [], changed: [], unchanged: 73 });
  });

  it('report added and removed activities', () => {
    const removedRow =
      '| Bättre kompetens om konflikthantering | Konflikthantering inklusive lågaffektivt bemötande | 2022-12-31 | Enhetschef | |\n';
    const added = '| Ny kunskap | Ny utbildning i arbetsrätt | 2022-12-31 | HR | |\n';
    const plan = parsePlan(KOMPETENSPLAN, seed.replace(removedRow, added)).plan;
    const diff = diffPlans(original, plan);
    expect(diff.removed.map((a) => [a.department, a.text])).toEqual([
      ['stadsutveckling', 'Konflikthantering inklusive lågaffektivt bemötande'],
    ]);
    expect(diff.added.map((a) => [a.department, a.text])).toEqual([['stadsutveckling', 'Ny utbildning i arbetsrätt']]);
    expect(diff.changed).toEqual([]);
  });

  it('tell identical texts in one department apart, without moving the first one', () => {
    const one = assignIds('kompetensforsorjningsplan', 'forskola', [{ goal: 'Mål A', text: 'Utbildning' }]);
    const two = assignIds('kompetensforsorjningsplan', 'forskola', [
      { goal: 'Mål A', text: 'Utbildning' },
      { goal: 'Mål B', text: 'Utbildning' },
      { goal: 'Mål B', text: 'Utbildning' },
    ]);
    expect(two[0]).toBe(one[0]);
    expect(new Set(two).size).toBe(3);
    const other = assignIds('kompetensforsorjningsplan', 'aldreomsorg', [{ goal: 'Mål A', text: 'Utbildning' }]);
    expect(other[0]).not.toBe(one[0]);
    expect(two.every((id) => /^[0-9a-f]{12}$/.test(id))).toBe(true);
  });

  it('are all distinct in both seed plans together', () => {
    const vp = parsePlan('vp.txt', readSeed('verksamhetsplan-2020-resursenheten.txt')).plan;
    const ids = [...placedActivities(original), ...placedActivities(vp)].map((p) => p.activity.id);
    expect(new Set(ids).size).toBe(84);
  });
});
