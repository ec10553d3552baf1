/**
 * Översikt's counts from one shared snapshot of the listed lifecycles (issue: the dashboard within
 * a real cluster's visibility limit). The rules first, without Temporal; then, on the dev server
 * with the seed plan, the snapshot's counts against one count query per avdelning and category
 * (the way they were counted before), and the number of visibility calls a page view costs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActivityTexts, categoryOf, countByDepartment } from '../../src/web/app/overview-snapshot';
import { departmentCounts, invalidateCounts } from '../../src/web/app/dashboard';
import { CATEGORIES, categoryQuery, LISTED, type ListedActivity } from '../../src/web/app/visibility';
import { importSeedPlan, Session, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';

function row(over: Partial<ListedActivity>): ListedActivity {
  return { workflowId: 'activity-x', activityId: 'x', running: true, ownerRoles: [], overdue: false, ...over };
}

describe('where an activity counts (the dashboard categories)', () => {
  it('Klar counts as Klar, also while its lifecycle is still open for an undo', () => {
    expect(categoryOf(row({ status: 'done', running: false }))).toBe('done');
    expect(categoryOf(row({ status: 'done', running: true }))).toBe('done');
  });

  it('an open activity is Försenad when reported so or past its Måldatum, whatever else it reported', () => {
    expect(categoryOf(row({ status: 'late' }))).toBe('late');
    expect(categoryOf(row({ status: 'inProgress', overdue: true }))).toBe('late');
    expect(categoryOf(row({ overdue: true }))).toBe('late');
  });

  it('otherwise as reported, and Ej rapporterad when nothing is', () => {
    expect(categoryOf(row({ status: 'inProgress' }))).toBe('inProgress');
    expect(categoryOf(row({ status: 'notStarted' }))).toBe('notStarted');
    expect(categoryOf(row({}))).toBe('notReported');
  });

  it('a finished lifecycle that is not Klar (removed from the plan) does not count', () => {
    expect(categoryOf(row({ running: false, status: 'inProgress' }))).toBeUndefined();
  });

  it('counts per avdelning, the coming 30 days inclusive, and the light from the share Klar or Pågår', () => {
    const rows = [
      row({ department: 'a', status: 'done', running: false, deadline: '2022-06-10' }),
      row({ department: 'a', status: 'inProgress', deadline: '2022-06-01' }),
      row({ department: 'a', status: 'inProgress', deadline: '2022-07-01' }),
      row({ department: 'a', deadline: '2022-07-02' }),
      row({ department: 'a', status: 'notStarted', deadline: '2022-05-31' }),
      row({ department: 'b', status: 'late', deadline: '2022-06-15' }),
      row({ department: 'c', status: 'done' }),
    ];
    const counts = countByDepartment(rows, ['a', 'b', 'd'], '2022-06-01', '2022-07-01');
    expect(counts.get('a')).toEqual({
      done: 1,
      inProgress: 2,
      notStarted: 1,
      late: 0,
      notReported: 1,
      // 06-01 and 07-01 are inside; the finished one, 07-02 and 05-31 are not.
      upcoming: 2,
      total: 5,
      // 3 of 5 Klar or Pågår: 60 %, yellow (50–79 %).
      light: 'gul',
    });
    expect(counts.get('b')).toMatchObject({ late: 1, total: 1, upcoming: 1, light: 'röd' });
    // An avdelning with nothing has no light; one not asked for is not there.
    expect(counts.get('d')).toEqual({
      done: 0,
      inProgress: 0,
      notStarted: 0,
      late: 0,
      notReported: 0,
      upcoming: 0,
      total: 0,
    });
    expect(counts.has('c')).toBe(false);
  });
});

describe('Översikt on the dev server with the seed plan', () => {
  const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;
  let h: WebHarness;
  let hr: Session;

  beforeAll(async () => {
    h = await startWebHarness();
    hr = await new Session(h.app).signIn('hanna-hrchef');
    await importSeedPlan(h, hr);
    // A few reports, so more than one category has something in it.
    const reported: [string, string][] = [
      ['forskola', 'inProgress'],
      ['forskola', 'notStarted'],
      ['aldreomsorg', 'done'],
      ['individ-och-familj', 'inProgress'],
    ];
    // Each by the avdelningschef who answers for it (HR may read, not report).
    const chiefs: Record<string, Session> = {
      forskola: await new Session(h.app).signIn('anna-avdelning'),
      aldreomsorg: await new Session(h.app).signIn('clara-avdelning'),
      'individ-och-familj': await new Session(h.app).signIn('david-avdelning'),
    };
    const used = new Set<string>();
    for (const [department, status] of reported) {
      let id = '';
      for await (const wf of h.env.client.workflow.list({
        query: `${PLAN} AND PlanvaktDepartment = '${department}'`,
      })) {
        if (used.has(wf.workflowId)) continue;
        used.add(wf.workflowId);
        id = wf.workflowId.replace(/^activity-/, '');
        break;
      }
      const chief = chiefs[department]!;
      const form = await chief.get(`/aktivitet/${id}`);
      const saved = await chief.post(`/aktivitet/${id}/status`, { _csrf: Session.csrf(form.body), status });
      expect(saved.statusCode).toBe(303);
    }
    await waitForCount(
      h.env,
      `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktStatus = 'inProgress'`,
      2,
    );
    await waitForCount(h.env, `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktStatus = 'done'`, 1);
  }, 180_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('the snapshot counts what one count query per avdelning and category counts', async () => {
    const org = await h.ctx.organisation();
    const departments = org.departments.map((d) => d.id);
    invalidateCounts(h.ctx);
    const { counts } = await departmentCounts(h.ctx, departments);
    for (const d of departments) {
      const where = ` AND PlanvaktDepartment = '${d}'`;
      for (const c of CATEGORIES) {
        const expected = (await h.env.client.workflow.count(categoryQuery(c) + where)).count;
        expect(counts.get(d)![c], `${d} ${c}`).toBe(expected);
      }
    }
    const total = [...counts.values()].reduce((sum, c) => sum + c.total, 0);
    expect(total).toBe(73);
    expect(counts.get('aldreomsorg')!.done).toBe(1);
    expect(counts.get('forskola')!.inProgress).toBe(1);
  });

  it("an avdelningschef's export holds only her avdelning, whatever the link asks for", async () => {
    const anna = await new Session(h.app).signIn('anna-avdelning');
    const forskola = (await h.ctx.organisation()).departments.find((d) => d.id === 'forskola')!.name;
    for (const url of ['/oversikt.csv', '/oversikt.csv?avdelning=aldreomsorg']) {
      const res = await anna.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="oversikt-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = res.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('Aktivitet;Avdelning;Enhet;Ansvariga roller;Ansvariga personer;Status;Måldatum');
      const departments = new Set(lines.slice(1).map((l) => /;([^;]*);[^;]*;[^;]*;[^;]*;[^;]*;[^;]*$/.exec(l)?.[1]));
      expect([...departments], url).toEqual([forskola]);
      // Every listed förskola activity, from all pages.
      const counted = (await h.env.client.workflow.count(`${LISTED} AND PlanvaktDepartment = 'forskola'`)).count;
      expect(lines.length - 1).toBe(counted);
    }
  });

  it('a page view, a search, a sort, another page and an export cost no visibility call of their own; viewers share one snapshot', async () => {
    const service = h.ctx.client.workflowService;
    const lists = vi.spyOn(service, 'listWorkflowExecutions');
    const counts = vi.spyOn(service, 'countWorkflowExecutions');
    const before = h.ctx.settings.countsCacheMs;
    h.ctx.settings.countsCacheMs = 60_000;
    try {
      invalidateCounts(h.ctx);
      // First look: the snapshot (73 activities fit one page of 1,000), nothing else.
      const first = await hr.get('/');
      expect(first.statusCode).toBe(200);
      expect(first.body).toMatch(/Siffrorna gäller kl \d\d:\d\d:\d\d\./);
      expect(lists).toHaveBeenCalledTimes(1);
      expect(counts).toHaveBeenCalledTimes(0);

      // Eight people at once within the freshness window, then filtered, searched, sorted, paged
      // and exported lists: all from the same snapshot.
      lists.mockClear();
      const eight = await Promise.all(Array.from({ length: 8 }, () => hr.get('/')));
      expect(eight.every((r) => r.statusCode === 200)).toBe(true);
      for (const url of [
        '/?avdelning=forskola',
        '/?sok=kompetens&sortera=aktivitet&ordning=fallande',
        '/?sida=2',
        '/oversikt.xlsx?avdelning=forskola&sok=kompetens',
        '/oversikt.csv',
      ]) {
        expect((await hr.get(url)).statusCode, url).toBe(200);
      }
      expect(lists).toHaveBeenCalledTimes(0);
      expect(counts).toHaveBeenCalledTimes(0);
    } finally {
      h.ctx.settings.countsCacheMs = before;
      lists.mockRestore();
      counts.mockRestore();
    }
  });
});

describe('the activities’ texts, kept and asked for within a budget', () => {
  const text = (id: string) => ({ text: `Text ${id}`, deadlineRaw: '' });

  it('asks once per id, keeps the answers, and asks again for what changed in the app while still searching the old text', async () => {
    const asked: string[][] = [];
    const texts = new ActivityTexts(async (ids) => {
      asked.push(ids);
      return new Map(ids.map((id) => [id, text(id)]));
    });
    expect(await texts.get(['a', 'b'], 1_000)).toEqual({
      texts: new Map([
        ['a', text('a')],
        ['b', text('b')],
      ]),
      missing: 0,
    });
    expect((await texts.get(['a', 'b'], 1_000)).missing).toBe(0);
    expect(asked).toEqual([['a', 'b']]);
    texts.markStale();
    await texts.get(['a'], 1_000);
    expect(asked).toEqual([['a', 'b'], ['a']]);
  });

  it('a page waits no longer than its budget: it gets what is known, the questions go on, and nobody asks twice meanwhile', async () => {
    vi.useFakeTimers();
    try {
      let answer: (m: Map<string, ReturnType<typeof text>>) => void = () => undefined;
      const asked: string[][] = [];
      const texts = new ActivityTexts(
        (ids) =>
          new Promise((resolve) => {
            asked.push(ids);
            answer = resolve;
          }),
      );
      const first = texts.get(['a', 'b'], 4_000);
      const second = texts.get(['a', 'b'], 4_000);
      await vi.advanceTimersByTimeAsync(4_000);
      expect(await first).toEqual({ texts: new Map(), missing: 2 });
      expect(await second).toEqual({ texts: new Map(), missing: 2 });
      expect(asked).toEqual([['a', 'b']]);
      answer(
        new Map([
          ['a', text('a')],
          ['b', text('b')],
        ]),
      );
      await vi.advanceTimersByTimeAsync(0);
      expect((await texts.get(['a', 'b'], 4_000)).missing).toBe(0);
      expect(asked).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('25 questions at a time, one batch after the other', async () => {
    const asked: number[] = [];
    const texts = new ActivityTexts(async (ids) => {
      asked.push(ids.length);
      return new Map(ids.map((id) => [id, text(id)]));
    });
    const ids = Array.from({ length: 60 }, (_, i) => `x${i}`);
    expect((await texts.get(ids, 1_000)).missing).toBe(0);
    expect(asked).toEqual([25, 25, 10]);
  });
});
