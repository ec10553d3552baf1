/**
 * The owner's journey, walked the way people walk it (issue 17): HR uploads the
 * kompetensförsörjningsplan on Importera in Chromium; time runs on Temporal's time-skipping server;
 * the reminders arrive over SMTP and in Teams; the check-in link taken out of the received email
 * opens in Chromium without signing in; an owner reports Pågår, later Klar; the activity, Översikt
 * and the tertial report show it; an owner who never answers is reminded again and again and the
 * avdelningschef is escalated to, follows the link, signs in and acknowledges; a multi-year
 * activity is asked at the year end; and every link in every message opens a page.
 *
 * Every assertion is on what a person sees: the received message, the page, the report. The steps
 * share one run and follow the plan's calendar (2022 → 2023), so they are ordered by plan time:
 * 1, 2, 3, 5 (Teams, autumn 2022), 4 (email, January 2023), 6 (the year end, read from what
 * arrived around it), and the link check over everything received.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { placedActivities, readPlanFile } from '../../src/plan';
import { toLifecycleActivity } from '../../src/lifecycle';
import { formatDateSv } from '../../src/domain';
import type { LifecycleActivity } from '../../src/lifecycle/messages';
import { seedPlanPath, startJourney, type Journey, type Mark, type ReceivedEmail } from './harness';

/** Plan time when HR imports: early 2022, the first year of the seed plan's Måldatum. */
const PLAN_START = '2022-01-10T09:00:00+01:00';
/** What an owner sees, photographed for the README (docs/screenshots only with PLANVAKT_UPDATE_SCREENSHOTS=1). */
const shots = fileURLToPath(
  new URL(
    process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../.data/screenshots/',
    import.meta.url,
  ),
);
const HR = 'Hanna HR-chef';

let j: Journey;
let plan: LifecycleActivity[];
const timings: string[] = [];
let stepStart = 0;
const startStep = () => (stepStart = Date.now());
const endStep = (name: string) => timings.push(`${name}: ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);

beforeAll(async () => {
  startStep();
  const read = await readPlanFile(seedPlanPath);
  plan = placedActivities(read.plan).map((p) => toLifecycleActivity(read.plan, p));
  j = await startJourney({ planStart: PLAN_START });
  endStep('harness start');
}, 180_000);

afterAll(async () => {
  await j?.stop();
  console.log(`[journey] timings (wall clock): ${timings.join('; ')}`);
}, 60_000);

// ---- what a person reads --------------------------------------------------------------------

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The first words of an activity's text, as a reader recognises it in a message. */
const head = (a: LifecycleActivity) => squash(a.text).slice(0, 40);
const byId = (id: string) => plan.find((a) => a.id === id)!;

const isCheckin = (url: string) => url.startsWith(`${j.web}/status/`);
/** The block of the text part (from "■ title" to the next blank line) about the activity. */
const blockAbout = (mail: ReceivedEmail, a: LifecycleActivity) => mail.blocks.find((b) => squash(b).includes(head(a)));
const about = (mails: ReceivedEmail[], a: LifecycleActivity) =>
  mails.filter((m) => blockAbout(m, a) !== undefined || squash(m.text).includes(head(a)));
/** A block that says the activity is overdue or escalated. */
const OVERDUE_OR_ESCALATED = /försenad|eskalering/i;

/** Opens a URL in Chromium; returns the response's status and what the page shows. */
async function open(page: Page, url: string) {
  const res = await page.goto(url);
  const status = res?.status() ?? 0;
  const body =
    (await page
      .locator('body')
      .textContent()
      .catch(() => '')) ?? '';
  return { status, body, path: new URL(page.url()).pathname };
}

/** An English JSON error instead of a page (Fastify's default 404 and error replies). */
const jsonError = (body: string) =>
  /^\s*\{.*"(statusCode|error|message)"/s.test(body) || /Route \w+:.* not found/.test(body);

/** The plan's date today (Stockholm), for messages. */
const stockholm = (d: Date) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);

// ---- what the steps pass on -----------------------------------------------------------------

let reported: { activity: LifecycleActivity; comment: string; after: Mark } | undefined;
let yearEnd: { from: Mark; to?: Mark } | undefined;

describe('the owner’s journey (issue 17)', () => {
  it('1. HR signs in, uploads the kompetensförsörjningsplan on Importera and confirms', async () => {
    startStep();
    const page = await j.browser();
    await page.goto(`${j.web}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await page.getByRole('button', { name: `Logga in som ${HR}`, exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    // The seed plan: 73 activities in five avdelningar (README, "Plans in"), none running yet.
    expect(await page.locator('#diff-summary').textContent()).toContain('73 nya, 0 ändrade, 0 borttagna');
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 73');
    await page.goto(`${j.web}/`);
    expect(await page.locator('tr[data-department]').count()).toBe(5);
    endStep('1 import');
  }, 120_000);

  it('2. the first reminder arrives over SMTP; its check-in link opens without signing in; Pågår, later Klar with a comment', async () => {
    startStep();
    // Time runs, a week at a time, until Rut Rektor's first email arrives.
    const rut = 'rut-rektor';
    let first: ReceivedEmail | undefined;
    for (
      let day = Date.parse('2022-01-17T12:00:00+01:00');
      !first && day < Date.parse('2022-09-01T12:00:00+02:00');
      day += 7 * 86_400_000
    ) {
      await j.skipTo(new Date(day).toISOString());
      first = j.inbox(rut)[0];
    }
    expect(first, 'Rut Rektor receives no email before September 2022').toBeDefined();
    const mail = first!;
    const firstAt = stockholm(await j.planNow());

    // The email names each activity's Måldatum as the plan has it.
    for (const b of mail.blocks) {
      const a = plan.find((x) => squash(b).includes(head(x)));
      if (a?.deadline)
        expect
          .soft(b, `the email shows the wrong Måldatum for ${a.id} (plan: ${a.deadlineRaw})`)
          .toContain(`Måldatum: ${formatDateSv(a.deadline)}`);
    }

    // The check-in link is in both parts of the received email.
    const inText = mail.textLinks.filter(isCheckin);
    const inHtml = mail.htmlLinks.filter(isCheckin);
    expect(inText, `no /status/… link in the text part of "${mail.subject}":\n${mail.text}`).not.toEqual([]);
    expect(inHtml, `no /status/… link in the HTML part of "${mail.subject}"`).not.toEqual([]);
    expect(inText.filter((u) => inHtml.includes(u))).not.toEqual([]);
    // The message's own link (no status chosen): one, and it covers every activity the email names.
    const whole = inText.filter((u) => !new URL(u).search && inHtml.includes(u));
    expect(whole, `"${mail.subject}" has no check-in link of its own, only per-status links`).toHaveLength(1);
    const link = whole[0]!;
    const named = [
      ...new Set(mail.blocks.flatMap((b) => plan.filter((x) => squash(b).includes(head(x))).map((x) => x.id))),
    ].sort();
    expect(named.length).toBeGreaterThan(0);

    // Opened in Chromium by someone who has not signed in: the check-in page, not the sign-in.
    const page = await j.browser();
    const opened = await open(page, link);
    expect(opened.status).toBeLessThan(400);
    expect(opened.path).toMatch(/^\/status\//);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    const form = page
      .locator('form')
      .filter({ has: page.locator('input[name=activity]') })
      .first();
    const id = await form.locator('input[name=activity]').getAttribute('value');
    const offered = await page
      .locator('input[name=activity]')
      .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')));
    expect([...new Set(offered)].sort()).toEqual(named);
    mkdirSync(shots, { recursive: true });
    // As on a phone, where a reminder is often opened.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(shots, 'agare-incheckning-fran-epost.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    const view = await j.browser();
    await view.setViewportSize({ width: 760, height: 900 });
    await view.setContent(mail.html);
    await view.screenshot({ path: join(shots, 'agare-paminnelse-epost.png'), fullPage: true });
    const activity = byId(id!);
    expect(activity, `the check-in page offers an activity the plan does not have: ${id}`).toBeDefined();
    // The activity the page asks about is one the email asked about.
    expect(squash(mail.text)).toContain(head(activity));
    await form.getByRole('button', { name: 'Pågår', exact: true }).click();
    expect(await page.locator('[role=status]').textContent()).toContain('Pågår');

    // Two weeks later she opens her latest message about it and reports Klar with a comment.
    await j.skipTo(new Date(Date.parse(`${firstAt}T12:00:00+02:00`) + 14 * 86_400_000).toISOString());
    const latest = about(j.inbox(rut), activity).at(-1) ?? mail;
    const later = latest.textLinks.find(isCheckin) ?? link;
    await open(page, later);
    const again = page.locator('form').filter({ has: page.locator(`input[name=activity][value="${id}"]`) });
    expect(await again.count()).toBe(1);
    const comment = 'Klart för alla förskoleenheter i norr; dokumenterat i ledningsgruppen.';
    await again.getByLabel('Kommentar').fill(comment);
    const after = j.mark();
    await again.getByRole('button', { name: 'Klar', exact: true }).click();
    // Klar is final for the lifecycle, so the page asks first and records nothing until confirmed.
    const confirm = page.getByRole('button', { name: /Bekräfta|Ja, klar/ });
    expect(await confirm.count(), 'Klar is recorded without being confirmed').toBeGreaterThan(0);
    await confirm.first().click();
    // A slip of the finger: "Ångra" on the thanks page takes Klar back, and the status is Pågår again.
    const undo = page.getByRole('button', { name: 'Ångra', exact: true });
    expect(await undo.count(), 'no Ångra after Klar').toBe(1);
    await undo.click();
    expect(await page.locator('h1').textContent()).toBe('Klar är ångrad');
    expect(await page.locator('[role=status]').textContent()).toContain('Status nu: Pågår');
    await page.getByRole('link', { name: 'Tillbaka till dina aktiviteter' }).click();
    const back = page.locator('form').filter({ has: page.locator(`input[name=activity][value="${id}"]`) });
    expect(await back.locator('.meta').textContent()).toContain('Nuvarande status: Pågår');
    // Then Klar for real.
    await back.getByLabel('Kommentar').fill(comment);
    await back.getByRole('button', { name: 'Klar', exact: true }).click();
    await page
      .getByRole('button', { name: /Bekräfta|Ja, klar/ })
      .first()
      .click();
    const confirmation = (await page.locator('[role=status]').textContent()) ?? '';
    expect(confirmation).toContain('Klar');
    expect(confirmation).toContain(squash(activity.text).slice(0, 30));
    expect(await page.locator('main').textContent()).toContain(comment);
    // While Klar can still be undone the lifecycle runs on, yet Översikt already counts it as Klar.
    const chief = await j.browser();
    await j.signIn(chief, 'Anna Avdelning', '/');
    const klarNow = await chief
      .locator('tr[data-department="forskola"] a[aria-label^="Avdelning förskola: Klar"]')
      .textContent();
    expect(Number(klarNow), 'Översikt does not count a Klar that can still be undone').toBe(1);
    reported = { activity, comment, after };
    endStep('2 first reminder and check-in');
  }, 240_000);

  it('3. the activity, Översikt and the tertial report show the report; no overdue reminder or escalation for it after the deadline', async () => {
    startStep();
    // Time runs past the Måldatum, the overdue reminders and the first escalation step
    // (10 working days; July is quiet), and past the closing of tertial 2 (förskola: 2 September).
    await j.skipTo('2022-09-15T12:00:00+02:00');

    // The department head finds förskola's tertial 2 report of 2022 on Rapporter, and it opens.
    const page = await j.browser();
    await j.signIn(page, 'Anna Avdelning', '/rapporter');
    const row = page.locator('tr', { hasText: '2022-T2' }).filter({ hasText: 'Avdelning förskola' });
    expect(await row.count(), 'Rapporter lists no tertial 2 report of 2022 for förskola').toBe(1);
    const reportHref = await row.getByRole('link', { name: /Visa rapporten/ }).getAttribute('href');
    const reportPage = await open(page, `${j.web}${reportHref}`);
    expect(
      reportPage.status,
      `${reportHref} answers ${reportPage.status}: ${reportPage.body.slice(0, 100)}`,
    ).toBeLessThan(400);

    expect(reported, 'step 2 did not report Klar through the check-in page, so there is nothing to show').toBeDefined();
    const { activity, comment, after } = reported!;
    expect(activity.deadline).toBeDefined();
    const since = after;
    const overdue = j.allEmails(since).filter((m) => {
      const b = blockAbout(m, activity);
      return b !== undefined && OVERDUE_OR_ESCALATED.test(b);
    });
    expect(overdue.map((m) => `${m.to.join(',')}: ${m.subject}`)).toEqual([]);
    const teams = j.organisation.people
      .filter((p) => p.teamsUpn)
      .flatMap((p) => j.teamsMessages(p.id, since))
      .filter((n) => n.title.includes(head(activity)) && OVERDUE_OR_ESCALATED.test(`${n.activityType} ${n.preview}`));
    expect(teams).toEqual([]);

    // The department head opens the activity: Klar, the comment, and the report in the timeline.
    // The lifecycle has ended (Klar, and its undo time is over), so the page's queries make the worker
    // replay its history. On the time-skipping server this once hung past 30 s in a clean-clone run
    // (2026-11-27, not seen in four other runs); the page is opened once more before the step fails,
    // and the hang is an open question in the note.
    await page.goto(`${j.web}/aktivitet/${activity.id}`).catch(async (err: unknown) => {
      if (!(err instanceof Error && err.name === 'TimeoutError')) throw err;
      await page.goto(`${j.web}/aktivitet/${activity.id}`);
    });
    expect(new URL(page.url()).pathname).toBe(`/aktivitet/${activity.id}`);
    expect(await page.locator('#status').textContent()).toContain('Klar');
    expect(await page.locator('#status').textContent()).toContain(comment);
    expect(await page.locator('main').textContent()).toMatch(/Status rapporterad\s*Klar av Rut Rektor/);

    // Översikt: förskola counts it as Klar, and the Klar list links to it.
    await page.goto(`${j.web}/`);
    const klar = await page
      .locator('tr[data-department="forskola"] a[aria-label^="Avdelning förskola: Klar"]')
      .textContent();
    expect(Number(klar)).toBeGreaterThanOrEqual(1);
    await page.goto(`${j.web}/?avdelning=forskola&status=done`);
    expect(await page.locator(`a[href="/aktivitet/${activity.id}"]`).count()).toBeGreaterThanOrEqual(1);

    // The tertial 2 report shows the activity as Klar with the comment.
    await page.goto(`${j.web}${reportHref}`);
    const report = await page.locator('body').textContent();
    expect(squash(report ?? '')).toContain(head(activity));
    expect(squash(report ?? '')).toContain(squash(comment));
    endStep('3 report shown, no overdue');
  }, 240_000);

  it('5. Teams: the avdelningschef’s activity-feed notification and the channel card link to pages; acknowledged from there, the ladder stops', async () => {
    startStep();
    // A förskola activity only rektorer own (Anna is their avdelningschef, on Teams), that nobody
    // answers: Måldatum 2022-08-31, escalated 10 working days later (rules.yaml).
    const activity = plan.find(
      (a) =>
        a.id !== reported?.activity.id &&
        a.department === 'forskola' &&
        a.deadline === '2022-08-31' &&
        a.owners.length === 1 &&
        a.owners[0]!.role === 'rektor',
    )!;
    expect(activity).toBeDefined();
    await j.skipTo('2022-09-15T12:00:00+02:00');
    const feed = j.teamsMessages('anna-avdelning').filter((n) => n.activityType === 'escalation');
    expect(feed.length, 'Anna Avdelning got no escalation in her Teams activity feed').toBeGreaterThan(0);
    const notification =
      feed.find((n) => n.title.includes(head(activity)) || n.title.startsWith('Eskalering')) ?? feed[0]!;

    // The notification's link opens in Chromium; she signs in when asked and acknowledges.
    const page = await j.browser();
    let opened = await open(page, notification.webUrl);
    expect(opened.status, `${notification.webUrl} answers ${opened.status}`).toBeLessThan(400);
    expect(jsonError(opened.body)).toBe(false);
    if (opened.path === '/logga-in') {
      await page.getByRole('button', { name: 'Logga in som Anna Avdelning', exact: true }).click();
      opened = {
        status: 200,
        body: (await page.locator('body').textContent()) ?? '',
        path: new URL(page.url()).pathname,
      };
    }
    // A notification about several activities may lead to a list; the activity is one click away.
    if (!opened.path.startsWith('/aktivitet/'))
      await page.locator(`a[href="/aktivitet/${activity.id}"]`).first().click();
    expect(new URL(page.url()).pathname).toBe(`/aktivitet/${activity.id}`);
    const ackMark = j.mark();
    await page.getByRole('button', { name: 'Kvittera förseningen' }).click();
    expect(await page.locator('[role=status]').textContent()).toContain('Förseningen är kvitterad');

    // After the acknowledgement, no further escalation about it (avdelningschef or förvaltningschef).
    await j.skipTo('2022-11-01T12:00:00+01:00');
    const further = ['anna-avdelning', 'frida-forvaltare'].flatMap((p) =>
      j.teamsMessages(p, ackMark).filter((n) => n.activityType === 'escalation' && n.title.includes(head(activity))),
    );
    const furtherMail = ['anna-avdelning', 'frida-forvaltare']
      .flatMap((p) => j.inbox(p, ackMark))
      .filter((m) => OVERDUE_OR_ESCALATED.test(blockAbout(m, activity) ?? ''));
    expect([...further.map((n) => n.title), ...furtherMail.map((m) => m.subject)]).toEqual([]);
    // A notification about several activities does not name them: the activity's timeline shows
    // what was sent. Nothing escalated after the acknowledgement (ages after it, in time order).
    await page.goto(`${j.web}/aktivitet/${activity.id}`);
    const rows = (await page.locator('table:has(caption:has-text("Varje meddelande")) tbody tr').allTextContents()).map(
      squash,
    );
    const acked = rows.findIndex((r) => r.includes('Kvitterad'));
    expect(acked, `no acknowledgement in the timeline:\n${rows.join('\n')}`).toBeGreaterThanOrEqual(0);
    const later = rows.filter(
      (r, i) => i !== acked && r.includes('Eskalering') && r.slice(0, 16) > rows[acked]!.slice(0, 16),
    );
    expect(later).toEqual([]);

    // The department's Teams channel gets the card (Workflows webhook): its Action.OpenUrl links open.
    const cards = j.channelCards();
    expect(cards.length, 'no Adaptive Card reached the Teams channel webhook').toBeGreaterThan(0);
    const actions = cards.flatMap((c) => c.actions);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions.slice(0, 10)) {
      const r = await open(await j.browser(), a.url);
      expect(r.status, `${a.title}: ${a.url}`).toBeLessThan(400);
    }
    endStep('5 Teams');
  }, 240_000);

  it('4. an owner who never answers is reminded again and again; the avdelningschef gets the escalation email, signs in from its link and acknowledges; the ladder stops', async () => {
    startStep();
    // Year-end marks for step 6: from 20 working days before the year end into January.
    await j.skipTo('2022-11-25T00:00:00+01:00');
    yearEnd = { from: j.mark() };
    // Fia Fritid (enhetschef, stadsutveckling, email only) never answers; Måldatum 2022-12-31.
    const activity = plan.find(
      (a) =>
        a.department === 'stadsutveckling' &&
        a.deadline === '2022-12-31' &&
        a.owners.length === 1 &&
        a.owners[0]!.role === 'enhetschef',
    )!;
    expect(activity).toBeDefined();
    const beforeDeadline = j.mark();
    // Overdue from the first working day after (2 January 2023), every 5 working days; the
    // avdelningschef 10 working days after the Måldatum (rules.yaml).
    await j.skipTo('2023-01-31T12:00:00+01:00');
    yearEnd.to = j.mark();

    const reminders = j
      .inbox('fia-fritid', beforeDeadline)
      .filter((m) => /försenad/i.test(blockAbout(m, activity) ?? ''));
    expect(reminders.length, 'Fia Fritid got fewer than two overdue reminders in January 2023').toBeGreaterThanOrEqual(
      2,
    );

    const escalations = j
      .inbox('bertil-avdelning', beforeDeadline)
      .filter((m) => /eskalering/i.test(`${m.kind} ${blockAbout(m, activity) ?? ''}`) && blockAbout(m, activity));
    expect(escalations.length, 'Bertil Avdelning got no escalation email about the activity').toBeGreaterThan(0);
    const escalation = escalations[0]!;
    const block = blockAbout(escalation, activity)!;
    // The activity's link in the escalation (text part), and the same in the HTML part.
    const activityLink = /Öppna aktiviteten:\s*(\S+)/.exec(block)?.[1];
    expect(activityLink, `no activity link in the escalation:\n${block}`).toBeDefined();
    expect(escalation.htmlLinks).toContain(activityLink);

    const page = await j.browser();
    let opened = await open(page, activityLink!);
    expect(opened.status, `${activityLink} answers ${opened.status}: ${opened.body.slice(0, 200)}`).toBeLessThan(400);
    expect(jsonError(opened.body)).toBe(false);
    if (opened.path === '/logga-in') {
      await page.getByRole('button', { name: 'Logga in som Bertil Avdelning', exact: true }).click();
      opened = { status: 200, body: '', path: new URL(page.url()).pathname };
    }
    expect(opened.path).toBe(`/aktivitet/${activity.id}`);
    expect(await page.locator('h1').textContent()).not.toContain('Ingen behörighet');
    const ackMark = j.mark();
    await page.getByRole('button', { name: 'Kvittera förseningen' }).click();
    expect(await page.locator('[role=status]').textContent()).toContain('Förseningen är kvitterad');

    // The ladder stops: no escalation about it to the avdelningschef or the förvaltningschef afterwards.
    await j.skipTo('2023-03-15T12:00:00+01:00');
    const further = ['bertil-avdelning', 'frida-forvaltare']
      .flatMap((p) => j.inbox(p, ackMark))
      .filter((m) => /eskalering/i.test(blockAbout(m, activity) ?? ''));
    expect(further.map((m) => `${m.to.join(',')}: ${m.subject}`)).toEqual([]);
    endStep('4 escalation by email');
  }, 300_000);

  it('6. a multi-year activity (Måldatum 2022-2024) is asked for status at the year end', async () => {
    startStep();
    expect(yearEnd?.to, 'step 4 did not run time past the year end').toBeDefined();
    // A 2022-2024 activity of funktionsnedsättning's enhetschefer whose cadence asks nothing in
    // December or January (internkontroll: October to November only).
    const activity = plan.find(
      (a) => a.deadlineRaw === '2022-2024' && a.cadences.length === 1 && a.cadences[0] === 'internkontroll',
    )!;
    expect(activity).toBeDefined();
    const owners = ['bella-bistand', 'linn-lss', 'dan-daglig'];
    const asked = owners
      .flatMap((p) => j.inbox(p, yearEnd!.from))
      .filter((m) => m.seq < yearEnd!.to!.mails && blockAbout(m, activity));
    const reasons = asked.map(
      (m) =>
        `${m.to.join(',')} "${m.subject}": ${squash(
          blockAbout(m, activity)!
            .split('\n')
            .filter((l) => l.startsWith('•'))
            .join(' '),
        )}`,
    );
    expect(
      asked.map((m) => m.subject),
      `no owner of "${head(activity)}…" was asked about it between late November 2022 and January 2023`,
    ).not.toEqual([]);
    // It is asked about the year-end checkpoint the plan implies (2022-12-31 of 2022-2024), not only
    // in the förvaltning's annual report round.
    const checkpoint = asked.filter((m) =>
      /2022-12-31|31 december 2022/.test(
        blockAbout(m, activity)!
          .split('\n')
          .filter((l) => l.startsWith('•'))
          .join(' '),
      ),
    );
    expect(
      checkpoint.length,
      `no message names the 2022 year-end checkpoint; what arrived:\n${reasons.join('\n')}`,
    ).toBeGreaterThan(0);
    // The request lets them answer: a check-in link in the message.
    expect(
      asked.some((m) => m.links.some(isCheckin)),
      `no check-in link in: ${asked.map((m) => m.subject).join('; ')}`,
    ).toBe(true);
    endStep('6 multi-year');
  }, 120_000);

  it('every link in every received message opens a page (over HTTP every kind and each person’s latest check-in link, two of each kind in Chromium as the person it was sent to)', async () => {
    startStep();
    type Link = { url: string; to: string; where: string; kind: string; latestCheckin: boolean };
    const people = j.organisation.people;
    const nameOf = (address: string) =>
      people.find(
        (p) => p.email.toLowerCase() === address.toLowerCase() || p.teamsUpn?.toLowerCase() === address.toLowerCase(),
      )?.name ?? address;
    const mails = j.allEmails();
    // The check-in links of each person's latest message must still open; older ones may have
    // expired, and then must say so on a page (not a 404).
    const latestSeq = new Map<string, number>();
    for (const m of mails) for (const t of m.to) latestSeq.set(t, m.seq);
    const all: Link[] = [];
    for (const m of mails) {
      const to = m.to[0] ?? '';
      for (const url of m.links)
        all.push({
          url,
          to,
          where: `email "${m.subject}" to ${to}`,
          kind: `email ${m.kind}`,
          latestCheckin: isCheckin(url) && latestSeq.get(to) === m.seq,
        });
    }
    for (const p of people.filter((x) => x.teamsUpn)) {
      for (const n of j.teamsMessages(p.id))
        all.push({
          url: n.webUrl,
          to: p.teamsUpn!,
          where: `Teams notification "${n.title}" to ${p.name}`,
          kind: `teams ${n.activityType}`,
          latestCheckin: false,
        });
    }
    for (const c of j.channelCards())
      for (const a of c.actions)
        all.push({ url: a.url, to: '', where: `Teams card action "${a.title}"`, kind: 'card', latestCheckin: false });
    expect(all.length).toBeGreaterThan(0);
    const distinct = new Map<string, Link>();
    for (const l of all) {
      const seen = distinct.get(l.url);
      if (!seen) distinct.set(l.url, { ...l });
      else seen.latestCheckin ||= l.latestCheckin;
    }
    const pattern = (url: string) => {
      const u = new URL(url);
      return `${u.origin === j.web ? '' : u.origin}${u.pathname
        .replace(/\/status\/[^/]+/, '/status/<token>')
        .replace(/\/cycle-[^/]+/g, '/<cycle id>')
        .replace(/\/[0-9a-f]{12}(?=\/|$)/g, '/<activity id>')}`;
    };
    const failures: string[] = [];
    const acceptable = async (l: Link, status: number, body: string, alert: boolean) =>
      !jsonError(body) &&
      status !== 404 &&
      (status < 400 || (isCheckin(l.url) && !l.latestCheckin && status < 500 && alert));

    // Over HTTP (a redirect to the sign-in page is a page): every distinct link that is not a
    // check-in link, each person's latest check-in links, and an even spread of 200 of the older
    // ones. Every token is distinct and each open queries the workflows, so all 12,000 took 3–5
    // minutes; the route of each kind is covered here and per message kind in
    // test/digest/message-links.test.ts.
    const checkins = [...distinct.values()].filter((l) => isCheckin(l.url) && !l.latestCheckin);
    const every = Math.max(1, Math.ceil(checkins.length / 200));
    const spread = new Set(checkins.filter((_, i) => i % every === 0));
    const overHttp = [...distinct.values()].filter((l) => !isCheckin(l.url) || l.latestCheckin || spread.has(l));
    for (const l of overHttp) {
      const res = await fetch(l.url, { redirect: 'manual' }).catch((e: Error) => ({
        status: 0,
        text: async () => e.message,
      }));
      const body = await res.text();
      if (!(await acceptable(l, res.status, body, /role="alert"/.test(body))))
        failures.push(
          `${res.status} ${pattern(l.url)}: ${body
            .replace(/<[^>]+>/g, ' ')
            .replace(/\s+/g, ' ')
            .slice(0, 100)} ← ${l.url} (${l.where})`,
        );
    }

    // Two of each kind of link and message in Chromium, signed in as the recipient when asked.
    const sample = new Map<string, Link[]>();
    for (const l of distinct.values()) {
      const k = `${l.kind} ${pattern(l.url)}`;
      const list = sample.get(k) ?? [];
      if (list.length < 2) sample.set(k, [...list, l]);
    }
    const pages = new Map<string, Page>();
    for (const l of [...sample.values()].flat()) {
      let page = pages.get(l.to);
      if (!page) pages.set(l.to, (page = await j.browser()));
      let r = await open(page, l.url);
      if (r.path === '/logga-in' && l.to) {
        const button = page.getByRole('button', { name: `Logga in som ${nameOf(l.to)}`, exact: true });
        if ((await button.count()) > 0) {
          await button.click();
          r = {
            status: 200,
            body: (await page.locator('body').textContent()) ?? '',
            path: new URL(page.url()).pathname,
          };
        }
      }
      const h1 =
        (await page
          .locator('h1')
          .first()
          .textContent({ timeout: 2_000 })
          .catch(() => '')) ?? '';
      const ok =
        (await acceptable(l, r.status, r.body, (await page.locator('[role=alert]').count()) > 0)) &&
        !/Ingen behörighet/.test(h1);
      if (!ok)
        failures.push(
          `Chromium ${r.status} ${h1 || r.body.slice(0, 80)} ${pattern(l.url)} ← ${l.url} (${l.where}, opened as ${nameOf(l.to)})`,
        );
    }

    const byKind = new Map<string, string[]>();
    for (const f of failures) {
      const k = f
        .split(' ← ')[0]!
        .replace(/^Chromium /, 'Chromium: ')
        .replace(/:.*$/, '');
      byKind.set(k, [...(byKind.get(k) ?? []), f]);
    }
    const summary = [...byKind].map(([k, fs]) => `${fs.length}× ${k} — e.g. ${fs[0]}`);
    endStep(
      `links (${all.length} in messages, ${distinct.size} distinct, ${overHttp.length} over HTTP, ${[...sample.values()].flat().length} in Chromium)`,
    );
    expect(summary, `${failures.length} failures over ${distinct.size} distinct links`).toEqual([]);
  }, 600_000);
});
