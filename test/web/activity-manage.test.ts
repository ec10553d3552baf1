/**
 * The activity page's forms for HR and the activity's avdelningschef (issue 19), over HTTP:
 * "Ändra ansvariga" (a named person), "Pausa", "Avsluta" (Klar, Avbruten), "Öppna igen" and "Lägg
 * till en aktivitet". Each needs a reason, which the timeline shows with who; a wrong form changes
 * nothing and says why; an owner may not use them. A later import of the same plan lists the
 * owners changed and the activity added in Planvakt apart and keeps both.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId } from '../../src/domain';
import { nextEventQuery, stateQuery, timelineQuery } from '../../src/lifecycle';
import { assignIds } from '../../src/plan';
import { mayReportOnActivity } from '../../src/organisation';
import { importSeedPlan, seedPlanPath, Session, startWebHarness, type WebHarness } from '../helpers/web-app';

let h: WebHarness;
let hr: Session;
let id: string;
let goal: string;
let section: string;

const handle = (activityId = id) => h.env.client.workflow.getHandle(lifecycleWorkflowId(activityId));
/** Where a saved form leads: the page with what it says after the change. */
const follow = async (who: Session, res: { headers: Record<string, unknown> }) =>
  (await who.get(res.headers.location as string)).body;
/** The activity's page as HR sees it now. */
const page = async (who = hr, activityId = id) => (await who.get(`/aktivitet/${activityId}`)).body;

beforeAll(async () => {
  h = await startWebHarness();
  hr = await new Session(h.app).signIn('hanna-hrchef');
  await importSeedPlan(h, hr);
  // A förskola activity with a later Måldatum, without delmål, that Rut Rektor reports on.
  const org = await h.ctx.organisation();
  const rut = org.people.find((p) => p.id === 'rut-rektor')!;
  for await (const wf of h.env.client.workflow.list({
    query: `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktDepartment = 'forskola'`,
  })) {
    const a = (await h.env.client.workflow.getHandle(wf.workflowId).query(stateQuery)).activity;
    if (a.deadline && a.deadline > '2022-10-01' && a.milestones.length === 0 && mayReportOnActivity(org, rut, a)) {
      ({ id, goal, section } = a);
      break;
    }
  }
  if (!id) throw new Error('no förskola activity with a later Måldatum in the seed plan');
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('Ändra ansvariga', () => {
  it('refuses a person outside the avdelning, no owner at all, and an owner who tries; nothing changes', async () => {
    const csrf = Session.csrf(await page());
    const outside = await hr.post(`/aktivitet/${id}/ansvariga`, {
      _csrf: csrf,
      owner: 'person:frida-forvaltare',
      reason: 'x',
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.body).toContain('En vald ansvarig finns inte i avdelningen. De ansvariga är inte ändrade.');
    const none = await hr.post(`/aktivitet/${id}/ansvariga`, { _csrf: csrf, reason: 'x' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Välj minst en ansvarig.');
    const rut = await new Session(h.app).signIn('rut-rektor');
    const own = await page(rut);
    expect(own).not.toContain('<h2>Ändra ansvariga</h2>');
    const byOwner = await rut.post(`/aktivitet/${id}/ansvariga`, {
      _csrf: Session.csrf(own),
      owner: 'person:rut-rektor',
      reason: 'x',
    });
    expect(byOwner.statusCode).toBe(403);
    expect((await handle().query(timelineQuery)).some((e) => e.type === 'changed')).toBe(false);
  });

  it('HR names Sven Rektor: the page, the next message and the timeline say so; Rut no longer owns it', async () => {
    const before = await page();
    expect(before).toContain('<h2>Ändra ansvariga</h2>');
    const saved = await hr.post(`/aktivitet/${id}/ansvariga`, {
      _csrf: Session.csrf(before),
      owner: ['person:sven-rektor'],
      reason: 'Rut Rektor är föräldraledig <hösten>',
    });
    expect(saved.statusCode).toBe(303);
    const after = await follow(hr, saved);
    expect(after).toContain('De ansvariga är ändrade.');
    expect(after).toContain(
      '<td>Ändrad i Planvakt</td><td>Ansvariga ändrat av Hanna HR-chef<br>Skäl: Rut Rektor är föräldraledig &lt;hösten&gt;</td>',
    );
    expect(after).toMatch(/<p id="next-event">.*till Rektor Sven Rektor\.<\/p>/);
    const sven = await new Session(h.app).signIn('sven-rektor');
    expect(await page(sven)).toContain('<h2>Rapportera status</h2>');
    const rut = await new Session(h.app).signIn('rut-rektor');
    expect((await rut.get(`/aktivitet/${id}`)).statusCode).toBe(403);
  });
});

describe('Pausa', () => {
  it('a passed day is refused; a pause holds the reminders until its date and the timeline says who and why', async () => {
    const csrf = Session.csrf(await page());
    const passed = await hr.post(`/aktivitet/${id}/pausa`, { _csrf: csrf, until: '2022-06-01', reason: 'x' });
    expect(passed.statusCode).toBe(400);
    expect(passed.body).toContain('Pausen måste vara till ett datum efter i dag (2022-06-01).');
    const saved = await hr.post(`/aktivitet/${id}/pausa`, {
      _csrf: csrf,
      until: '2022-09-01',
      reason: 'Förskolorna har sommarstängt',
    });
    expect(saved.statusCode).toBe(303);
    const after = await follow(hr, saved);
    expect(after).toContain('Aktiviteten är pausad.');
    expect(after).toMatch(/<dd class="status" id="status">Ej rapporterad \(pausad till 2022-09-01\)/);
    expect(after).toContain(
      '<td>Pausad</td><td>till 2022-09-01 av Hanna HR-chef<br>Skäl: Förskolorna har sommarstängt</td>',
    );
    // Reminders wait; only the follow-up cycle's status requests are not paused.
    const next = await handle().query(nextEventQuery);
    expect(next && (next.kind === 'statusRequest' || next.localDate >= '2022-09-01')).toBe(true);
  });
});

describe('Avsluta and Öppna igen', () => {
  it('HR closes it as Klar, sees it closed, and opens it again', async () => {
    const closed = await hr.post(`/aktivitet/${id}/avsluta`, {
      _csrf: Session.csrf(await page()),
      outcome: 'klar',
      reason: 'Genomförd på APT i maj',
    });
    expect(closed.statusCode).toBe(303);
    const after = await follow(hr, closed);
    expect(after).toContain('Aktiviteten är avslutad som Klar.');
    expect(after).toMatch(/<dd class="status" id="status">Klar/);
    expect(after).toContain('<p id="next-event">Ingen planerad händelse: aktiviteten är klar.</p>');
    expect(after).toContain('<td>Avslutad som Klar</td><td>av Hanna HR-chef<br>Skäl: Genomförd på APT i maj</td>');
    expect(after).toContain('<h2>Öppna igen</h2>');
    expect(after).not.toContain('<h2>Ändra ansvariga</h2>');

    const opened = await hr.post(`/aktivitet/${id}/oppna`, {
      _csrf: Session.csrf(after),
      reason: 'Klarmarkerad av misstag',
    });
    expect(opened.statusCode).toBe(303);
    const again = await follow(hr, opened);
    expect(again).toContain('Aktiviteten är öppnad igen.');
    expect(again).toMatch(/<dd class="status" id="status">Ej rapporterad/);
    expect(again).toContain(
      '<td>Öppnad igen</td><td>av Hanna HR-chef (var Klar)<br>Skäl: Klarmarkerad av misstag</td>',
    );
    // The closed run's timeline is carried: Klar, the pause and the owners are all still there.
    expect(again).toContain('<td>Avslutad som Klar</td>');
    expect(again).toContain('<td>Pausad</td>');
    const twice = await hr.post(`/aktivitet/${id}/oppna`, { _csrf: Session.csrf(again), reason: 'x' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('Aktiviteten följs redan upp.');
  });

  it('the avdelningschef closes it as Avbruten with a reason, and opens it again', async () => {
    const anna = await new Session(h.app).signIn('anna-avdelning');
    const noReason = await anna.post(`/aktivitet/${id}/avsluta`, {
      _csrf: Session.csrf(await page(anna)),
      outcome: 'avbruten',
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Skriv varför aktiviteten avslutas. Aktiviteten är inte avslutad.');
    const closed = await anna.post(`/aktivitet/${id}/avsluta`, {
      _csrf: Session.csrf(await page(anna)),
      outcome: 'avbruten',
      reason: 'Ersätts av den nya introduktionen',
    });
    expect(closed.statusCode).toBe(303);
    const after = await follow(anna, closed);
    expect(after).toContain('Aktiviteten är avbruten.');
    expect(after).toMatch(/<dd class="status" id="status">Avbruten/);
    expect(after).toContain('<td>Avbruten</td><td>av Anna Avdelning<br>Skäl: Ersätts av den nya introduktionen</td>');
    const opened = await anna.post(`/aktivitet/${id}/oppna`, { _csrf: Session.csrf(after), reason: 'Behövs ändå' });
    expect(opened.statusCode).toBe(303);
    expect(await page(anna)).toContain(
      '<td>Öppnad igen</td><td>av Anna Avdelning (var Avbruten)<br>Skäl: Behövs ändå</td>',
    );
  });
});

const NEW_TEXT = 'Introduktion för sommarvikarier';
let added = '';

describe('Lägg till en aktivitet', () => {
  it('HR adds one to the same avsnitt and mål; it gets the import’s id and starts with who and why', async () => {
    const res = await hr.post(`/aktivitet/${id}/ny-aktivitet`, {
      _csrf: Session.csrf(await page()),
      text: NEW_TEXT,
      deadline: '2022-09-30',
      owner: ['roll:rektor'],
      reason: 'Beslut i ledningsgruppen 1 juni',
    });
    expect(res.statusCode).toBe(303);
    // The plan importer's id for this text in this avdelning (src/plan/ids.ts).
    added = assignIds('kompetensforsorjningsplan', 'forskola', [{ goal, text: NEW_TEXT }])[0]!;
    expect(res.headers.location).toBe(`/aktivitet/${added}?sparat=tillagd`);
    const body = await follow(hr, res);
    expect(body).toContain('Aktiviteten är tillagd och följs upp.');
    expect(body).toContain(`<dt>Avsnitt</dt><dd>${section}</dd>`);
    expect(body).toContain('<dt>Måldatum</dt><dd>2022-09-30');
    expect(body).toContain(
      '<td>Tillagd i Planvakt</td><td>av Hanna HR-chef<br>Skäl: Beslut i ledningsgruppen 1 juni</td>',
    );
    const again = await hr.post(`/aktivitet/${id}/ny-aktivitet`, {
      _csrf: Session.csrf(body),
      text: NEW_TEXT,
      owner: 'roll:rektor',
      reason: 'igen',
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('En aktivitet med samma text finns redan i avdelningen.');
  });
});

describe('a later import of the same plan', () => {
  it('lists the owners changed and the activity added in Planvakt apart, and keeps both', async () => {
    const form = await hr.get('/importera');
    const preview = await hr.upload(
      '/importera',
      { _csrf: Session.csrf(form.body) },
      { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content: readFileSync(seedPlanPath, 'utf8') },
    );
    expect(preview.body).toContain(
      '0 nya, 0 ändrade, 0 borttagna, 72 oförändrade, 0 redan avslutade, 1 ändrad i Planvakt, 1 tillagd i Planvakt.',
    );
    expect(preview.body).toMatch(
      /ansvariga Sven Rektor satta i Planvakt av Hanna HR-chef \(skäl: Rut Rektor är föräldraledig &lt;hösten&gt;\); planen säger [^<]+<\/li>/,
    );
    expect(preview.body).toContain(
      `${NEW_TEXT}: tillagd i Planvakt av Hanna HR-chef (skäl: Beslut i ledningsgruppen 1 juni); finns inte i planen</li>`,
    );
    const pending = /name="pending" value="([^"]+)"/.exec(preview.body)![1]!;
    const done = await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending });
    expect(done.body).toContain('Behöll ändringarna i Planvakt för 1 aktivitet.');
    expect(done.body).toContain('1 aktivitet som lagts till i Planvakt fortsätter.');
    expect((await handle().query(stateQuery)).activity.owners.map((o) => o.person)).toEqual(['sven-rektor']);
    expect((await handle(added).describe()).status.name).toBe('RUNNING');
  });
});
