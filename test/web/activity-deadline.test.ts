/**
 * "Ändra måldatum" on the activity page (issue 19): HR or the avdelningschef of the activity's
 * avdelning gives an activity a new Måldatum with a reason; the lifecycle (changeDeadline signal)
 * plans its reminders from the new date, and the timeline says who changed it and why. A wrong
 * date or a missing reason changes nothing; an avdelningschef of another avdelning and an owner
 * may not change it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId } from '../../src/domain';
import { nextEventQuery, stateQuery, timelineQuery } from '../../src/lifecycle';
import { mayReportOnActivity } from '../../src/organisation';
import { importSeedPlan, seedPlanPath, Session, startWebHarness, type WebHarness } from '../helpers/web-app';

let h: WebHarness;
let hr: Session;
let id: string;
let before: string;

/**
 * An earlier Måldatum, a Saturday three and a half weeks after the plan's today (2022-06-01).
 * config/rules.yaml reminds 20, 5, 1 and 0 arbetsdagar before it: 20 falls before today, so the
 * next is 5 arbetsdagar before, counting back over Midsommarafton (Fri 24 June, not a working
 * day): 23, 22, 21, 20 and Friday 17 June.
 */
const NEW_DEADLINE = '2022-06-25';
const FIRST_REMINDER = '2022-06-17';

beforeAll(async () => {
  h = await startWebHarness();
  hr = await new Session(h.app).signIn('hanna-hrchef');
  await importSeedPlan(h, hr);
  // A förskola activity whose Måldatum is well after the plan's today (2022-06-01), without delmål,
  // that Rut Rektor reports on (the list's order is not fixed, so ask, not assume).
  const org = await h.ctx.organisation();
  const rut = org.people.find((p) => p.id === 'rut-rektor')!;
  for await (const wf of h.env.client.workflow.list({
    query: `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktDepartment = 'forskola'`,
  })) {
    const view = await h.env.client.workflow.getHandle(wf.workflowId).query(stateQuery);
    const a = view.activity;
    if (a.deadline && a.deadline > '2022-08-01' && a.milestones.length === 0 && mayReportOnActivity(org, rut, a)) {
      id = a.id;
      before = a.deadline;
      break;
    }
  }
  if (!id) throw new Error('no förskola activity with a later Måldatum in the seed plan');
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('Ändra måldatum on the activity page', () => {
  it('HR changes the Måldatum with a reason: the next reminder moves and the timeline says who and why', async () => {
    const page = await hr.get(`/aktivitet/${id}`);
    expect(page.body).toContain('<h2>Ändra måldatum</h2>');
    const nextBefore = await h.env.client.workflow.getHandle(lifecycleWorkflowId(id)).query(nextEventQuery);
    expect(nextBefore?.localDate).not.toBe(FIRST_REMINDER);

    const saved = await hr.post(`/aktivitet/${id}/maldatum`, {
      _csrf: Session.csrf(page.body),
      deadline: NEW_DEADLINE,
      reason: 'Upphandlingen är försenad <till hösten>',
    });
    expect(saved.statusCode).toBe(303);
    const after = await hr.get(saved.headers.location as string);
    expect(after.body).toContain('Måldatumet är ändrat.');
    expect(after.body).toMatch(new RegExp(`<dt>Måldatum</dt><dd>${NEW_DEADLINE}`));
    expect(after.body).toMatch(
      new RegExp(
        `<p id="next-event"><strong>${FIRST_REMINDER} kl\\. \\d\\d:\\d\\d</strong>: Påminnelse 5 arbetsdagar före måldatum ${NEW_DEADLINE}, till `,
      ),
    );
    expect(after.body).toContain(
      '<td>Ändrad i Planvakt</td><td>Måldatum ändrat av Hanna HR-chef<br>Skäl: Upphandlingen är försenad &lt;till hösten&gt;</td>',
    );
    const view = await h.env.client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery);
    expect(view.activity.deadline).toBe(NEW_DEADLINE);
  });

  it('a day that does not exist, a passed day, or no reason changes nothing and the page says why', async () => {
    const page = await hr.get(`/aktivitet/${id}`);
    const csrf = Session.csrf(page.body);
    const badDay = await hr.post(`/aktivitet/${id}/maldatum`, { _csrf: csrf, deadline: '2023-02-30', reason: 'x' });
    expect(badDay.statusCode).toBe(400);
    expect(badDay.body).toContain('Det nya måldatumet måste vara ett datum som finns');
    const noReason = await hr.post(`/aktivitet/${id}/maldatum`, { _csrf: csrf, deadline: '2023-01-31', reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Skriv varför måldatumet ändras.');
    // The plan's today is 2022-06-01: a passed date would start the escalation at once.
    const passed = await hr.post(`/aktivitet/${id}/maldatum`, { _csrf: csrf, deadline: '2022-05-31', reason: 'x' });
    expect(passed.statusCode).toBe(400);
    expect(passed.body).toContain('Det nya måldatumet 2022-05-31 har redan passerat (i dag 2022-06-01).');
    const view = await h.env.client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery);
    expect(view.activity.deadline).toBe(NEW_DEADLINE);
  });

  it('the avdelningschef of the avdelning may change it; another avdelning’s head and an owner may not', async () => {
    const anna = await new Session(h.app).signIn('anna-avdelning');
    const page = await anna.get(`/aktivitet/${id}`);
    expect(page.body).toContain('<h2>Ändra måldatum</h2>');
    const back = await anna.post(`/aktivitet/${id}/maldatum`, {
      _csrf: Session.csrf(page.body),
      deadline: before,
      reason: 'Tillbaka till planens datum',
    });
    expect(back.statusCode).toBe(303);

    const clara = await new Session(h.app).signIn('clara-avdelning');
    const overview = await clara.get('/');
    const refused = await clara.post(`/aktivitet/${id}/maldatum`, {
      _csrf: Session.csrf(overview.body),
      deadline: '2023-01-31',
      reason: 'Försök',
    });
    expect(refused.statusCode).toBe(403);
    // Rut Rektor owns the activity ("Rektorerna"): she reports on it but does not re-date it.
    const rut = await new Session(h.app).signIn('rut-rektor');
    const own = await rut.get(`/aktivitet/${id}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('<h2>Ändra måldatum</h2>');
    const byOwner = await rut.post(`/aktivitet/${id}/maldatum`, {
      _csrf: Session.csrf(own.body),
      deadline: '2023-01-31',
      reason: 'Försök',
    });
    expect(byOwner.statusCode).toBe(403);
    const view = await h.env.client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery);
    expect(view.activity.deadline).toBe(before);
  });

  it('re-importing the same plan shows the Planvakt Måldatum apart and keeps it, unless HR chooses the plan’s', async () => {
    const page = await hr.get(`/aktivitet/${id}`);
    const saved = await hr.post(`/aktivitet/${id}/maldatum`, {
      _csrf: Session.csrf(page.body),
      deadline: '2022-07-15',
      reason: 'Flyttat på ledningsgruppens möte',
    });
    expect(saved.statusCode).toBe(303);

    /** HR uploads the unchanged seed plan again; `planDeadlines`: ticks "Använd planens måldatum". */
    async function reimport(planDeadlines: boolean) {
      const form = await hr.get('/importera');
      const preview = await hr.upload(
        '/importera',
        { _csrf: Session.csrf(form.body) },
        { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: readFileSync(seedPlanPath, 'utf8') },
      );
      const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
      const done = await hr.post('/importera/bekrafta', {
        _csrf: Session.csrf(preview.body),
        pending,
        ...(planDeadlines ? { planValues: 'ja' } : {}),
      });
      expect(done.statusCode).toBe(200);
      return { preview: preview.body, done: done.body };
    }

    const kept = await reimport(false);
    expect(kept.preview).toMatch(
      /0 nya, 0 ändrade, 0 borttagna, 72 oförändrade, 0 redan avslutade, 1 ändrad i Planvakt\./,
    );
    expect(kept.preview).toContain(
      `måldatum 2022-07-15 satt i Planvakt av Hanna HR-chef (skäl: Flyttat på ledningsgruppens möte); planen säger ${before}</li>`,
    );
    expect(kept.preview).toContain('Använd planens måldatum');
    expect(kept.done).toContain('Behöll ändringarna i Planvakt för 1 aktivitet.');
    const handle = h.env.client.workflow.getHandle(lifecycleWorkflowId(id));
    expect((await handle.query(stateQuery)).activity.deadline).toBe('2022-07-15');
    const imported = (await handle.query(timelineQuery)).filter((e) => e.type === 'changed' && !e.reason);
    expect(imported).toEqual([]);

    const planWins = await reimport(true);
    expect(planWins.done).toContain('Planens värden gäller nu för 1 aktivitet som hade ändrats i Planvakt.');
    expect((await handle.query(stateQuery)).activity.deadline).toBe(before);
    const after = await hr.get(`/aktivitet/${id}`);
    expect(after.body).toContain('<td>Ändrad i planen</td><td>måldatum (webbimport (Hanna HR-chef))</td>');
  });
});
