import { describe, expect, it } from 'vitest';
import { safeCell, sheetName } from '../../src/follow-up/report/excel';
import { buildDepartmentReport } from '../../src/follow-up/report/model';
import { lightFor } from '../../src/domain/traffic-light';
import { renderReportHtml } from '../../src/follow-up/report/html';
import { loadRules, rulesFor } from '../../src/rules';
import { planCycles } from '../../src/follow-up';
import { makeActivity, rulesPath } from '../helpers/lifecycle';

describe('report', () => {
  it('neutralises formula prefixes and keeps sheet names valid', () => {
    expect(['=1+1', '+46', '-x', '@SUM(A1)', 'ok'].map(safeCell)).toEqual(["'=1+1", "'+46", "'-x", "'@SUM(A1)", 'ok']);
    const taken = new Set<string>();
    const first = sheetName('Avdelning [förskola]: norr/söder', taken);
    const second = sheetName('Avdelning [förskola]: norr/söder', taken);
    expect(first).toBe('Avdelning  förskola   norr söde'); // 31 characters, no : / [ ]
    expect(second).toBe('Avdelning  förskola   norr sö 2');
    expect(second.length).toBeLessThanOrEqual(31);
  });
  it('traffic light: grön ≥ 80 %, gul ≥ 50 %, röd below; Pågår past its deadline is not in time (overdue), Löpande never is; plan text is escaped', () => {
    expect([lightFor(0.8), lightFor(0.79), lightFor(0.5), lightFor(0.49)]).toEqual(['grön', 'gul', 'gul', 'röd']);
    const at = '2022-04-20T08:00:00Z';
    const r = buildDepartmentReport({
      cycleId: 'c',
      department: 'd',
      departmentName: 'Avd',
      closedAt: '2022-05-04T06:00:00Z',
      occasion: { period: 'T1', id: 'T1:2022', label: 'Tertial 1 2022', requestOn: '2022-04-11', due: '2022-05-03' },
      activities: [
        {
          activity: {
            id: 'a',
            section: 'S',
            goal: 'G',
            text: '<script>x</script>',
            deadline: '2022-03-31',
            deadlineRaw: '2022-03-31',
          },
          owners: ['A'],
          answer: { status: 'inProgress', by: 'A', at },
        },
        {
          activity: { id: 'b', section: 'S', goal: 'G', text: 'b', deadline: '2022-12-31', deadlineRaw: '2022' },
          owners: ['B'],
          answer: { status: 'done', by: 'B', at },
        },
        { activity: { id: 'c', section: 'S', goal: 'G', text: 'c', deadlineRaw: 'Löpande' }, owners: ['C'] },
      ],
      indicators: [],
    });
    expect(r.sections[0]!.counts).toMatchObject({ total: 3, onTrack: 1, overdue: 1, notReported: 1, light: 'röd' });
    expect(r.nonResponders.map((n) => n.activityId)).toEqual(['c']);
    const html = renderReportHtml(r);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });
});

describe('planCycles', () => {
  it('förskola 2022: T1 04-11 → closes 05-04, T2 08-15 → 09-05, VB 12-01 → 2023-01-23; VB includes tertial-only and Löpande activities', async () => {
    const rules = rulesFor(await loadRules(rulesPath), 'forskola');
    const cycles = planCycles({
      department: 'forskola',
      year: 2022,
      rules,
      indicators: [],
      activities: [
        makeActivity({ id: 't', department: 'forskola', cadences: ['tertial'], deadline: '2022-12-31' }),
        makeActivity({ id: 'l', department: 'forskola', cadences: ['tertial'] }),
      ],
    });
    expect(
      cycles.map(
        (c) =>
          `${c.cycleId} ${c.occasion.openAt} ${c.occasion.remindAt} ${c.occasion.closeAt} ${c.activities.map((a) => `${a.activity.id}:${a.askedByLifecycle}`).join(',')}`,
      ),
    ).toEqual([
      'cycle-forskola-2022-T1 2022-04-11T06:00:00.000Z 2022-04-28T06:00:00.000Z 2022-05-04T06:00:00.000Z t:true,l:true',
      'cycle-forskola-2022-T2 2022-08-15T06:00:00.000Z 2022-08-30T06:00:00.000Z 2022-09-05T06:00:00.000Z t:true,l:true',
      'cycle-forskola-2022-VB 2022-12-01T07:00:00.000Z 2023-01-13T07:00:00.000Z 2023-01-23T07:00:00.000Z t:false,l:false',
    ]);
    expect(cycles[1]!.previous?.cycleId).toBe('cycle-forskola-2022-T1');
  });
});
