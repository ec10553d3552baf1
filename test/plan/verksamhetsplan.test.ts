import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlan, placedActivities, type Plan, type PlanError } from '../../src/plan';
import { readSeed, VERKSAMHETSPLAN } from './seeds';

/*
 * Counted by hand in verksamhetsplan-2020-resursenheten.txt (line numbers of the file):
 * KF-mål (sections): 1.3 (134), 2.4 (263), 2.5 (290), 3.1 (333), 3.2 (378) = 5.
 * Goals: 1.3 → nämndmål 138, enhetsmål 158, enhetsmål 195, nämndmål 237; 2.4 → nämndmål 267;
 *        2.5 → the KF-mål itself (indicators 293–295 come before any nämndmål), nämndmål 299,
 *        enhetsmål 315; 3.1 → nämndmål 337, enhetsmål 356; 3.2 → nämndmål 382, enhetsmål 429,
 *        nämndmål 445 = 13.
 * Activity rows ("Aktivitet\tStartdatum\tSlutdatum" tables): 152 153 154 | 255 | 352 |
 *        421 422 423 424 425 | 460 = 11.
 * Indicator rows: 149 | 252 | 293 294 295 = 5.
 * The tab-separated table of contents (lines 14–26) is not a table.
 */
let plan: Plan;
let warnings: PlanError[];

beforeAll(() => {
  ({ plan, warnings } = parsePlan(VERKSAMHETSPLAN, readSeed(VERKSAMHETSPLAN)));
});

describe('verksamhetsplan 2020 för Resursenheten', () => {
  it('is the unit resursenheten in the department förskola', () => {
    expect(plan.kind).toBe('verksamhetsplan');
    expect(plan.title).toBe('Verksamhetsplan 2020 för Resursenheten');
    expect(plan.departments).toHaveLength(1);
    expect(plan.departments[0]).toMatchObject({ id: 'forskola', name: 'Förskola', unit: 'resursenheten' });
  });

  it('reads the goal hierarchy: KF-mål → nämndmål / enhetsmål', () => {
    const sections = plan.departments[0]?.sections ?? [];
    expect(sections.map((s) => [s.name.slice(0, 4), s.source.line])).toEqual([
      ['1.3.', 134],
      ['2.4.', 263],
      ['2.5.', 290],
      ['3.1.', 333],
      ['3.2.', 378],
    ]);
    expect(sections[0]?.parent).toBe('1. En modern storstad med möjligheter och valfrihet för alla');
    expect(sections[4]?.parent).toBe('3. En ekonomiskt hållbar och innovativ storstad för framtiden');
    expect(sections.map((s) => s.goals.map((g) => `${g.level}@${g.source.line}`))).toEqual([
      ['namnd@138', 'enhet@158', 'enhet@195', 'namnd@237'],
      ['namnd@267'],
      ['kf@290', 'namnd@299', 'enhet@315'],
      ['namnd@337', 'enhet@356'],
      ['namnd@382', 'enhet@429', 'namnd@445'],
    ]);
    expect(sections[0]?.goals[0]?.text).toBe(
      'Alla barn i förskolan utvecklar sin förståelse för grundläggande demokratiska värden',
    );
  });

  it('reads every activity with Slutdatum as deadline and the unit head as owner', () => {
    const placed = placedActivities(plan);
    expect(placed.map((p) => p.activity.source.line)).toEqual([152, 153, 154, 255, 352, 421, 422, 423, 424, 425, 460]);
    for (const { activity } of placed) {
      expect(activity.deadline).toEqual({ kind: 'date', date: '2020-12-31', checkpoints: [], raw: '2020-12-31' });
      expect(activity.start).toMatchObject({ kind: 'date', date: '2020-01-01' });
      expect(activity.owners).toEqual([{ role: 'enhetschef', unit: 'resursenheten', raw: '' }]);
      expect(activity.cadences).toEqual(['tertial']);
      expect(activity.id).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(placed[0]?.goal.text).toBe(
      'Alla barn i förskolan utvecklar sin förståelse för grundläggande demokratiska värden',
    );
    expect(placed[1]?.activity.text).toBe(
      'Förskolans medarbetare ska erbjudas kompetensutveckling om Barnkonventionen för att säkerställa att barns rättigheter tas till vara.',
    );
    expect(placed[10]?.goal.text).toBe(
      'Stadsdelsnämndens verksamheter arbetar kostnadseffektivt med fokus på kärnverksamheterna',
    );
  });

  it('reads indicators with Årsmål, KF:s årsmål and Periodicitet', () => {
    const goals = plan.departments[0]?.sections.flatMap((s) => s.goals) ?? [];
    const indicators = goals.flatMap((g) => g.indicators);
    expect(indicators.map((i) => i.source.line)).toEqual([149, 252, 293, 294, 295]);
    expect(indicators[0]).toEqual({
      name: 'Andelen vårdnadshavare som anser att förskolans medarbetare bemöter deras barn med respekt',
      periodicity: { raw: 'År', periods: ['VB'] },
      source: { file: VERKSAMHETSPLAN, line: 149 },
    });
    expect(indicators[2]).toMatchObject({
      name: 'Klimatpåverkan från upphandlade livsmedel och måltider',
      annualTarget: '1,9',
      kfAnnualTarget: '1,9 kg CO2 per kg livsmedel',
    });
    expect(indicators[3]?.annualTarget).toBeUndefined();
    expect(indicators[4]).toMatchObject({ annualTarget: '3,3 GWh', kfAnnualTarget: '1945 GWh' });
    // Indicators 293–295 measure the KF-mål 2.5 itself.
    expect(goals.find((g) => g.indicators.length === 3)?.level).toBe('kf');
  });

  it('has nothing to warn about', () => {
    expect(warnings).toEqual([]);
  });
});
