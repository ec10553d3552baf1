/**
 * The activity page's forms for HR in Chromium, as Hanna HR-chef uses them (issue 19): she names
 * Sven Rektor owner instead of the rektorer, pauses the activity until September, closes it as
 * Klar and opens it again, and adds an activity beside it; after each she reads what the page
 * says (the notice, Status, Ansvariga, the timeline's who and why). Then she imports the same plan
 * again: Importera lists her owners and her added activity apart, and confirming keeps both.
 * axe-core checks the page with the forms and Importera; each step is photographed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { stateQuery } from '../../src/lifecycle';
import { mayReportOnActivity } from '../../src/organisation';
import { importSeedPlan, seedPlanPath, Session, startWebHarness, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser, seriousAxeFindings } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');

let h: WebHarness;
let base: string;
let page: Page;
let browser: OpenBrowser | undefined;
let id = '';

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; serious and critical findings fail. */
async function axe(name: string) {
  expect(await seriousAxeFindings(page, name)).toEqual([]);
}

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
/** The timeline's row of this kind: its "Detaljer" cell as a person reads it. */
const timelineDetails = async (kind: string) =>
  (
    await page
      .locator('tbody tr', { has: page.locator(`td:text-is("${kind}")`) })
      .first()
      .locator('td')
      .nth(2)
      .innerText()
  ).trim();

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startWebHarness();
  await importSeedPlan(h, await new Session(h.app).signIn('hanna-hrchef'));
  const org = await h.ctx.organisation();
  const rut = org.people.find((p) => p.id === 'rut-rektor')!;
  for await (const wf of h.env.client.workflow.list({
    query: `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktDepartment = 'forskola'`,
  })) {
    const a = (await h.env.client.workflow.getHandle(wf.workflowId).query(stateQuery)).activity;
    if (a.deadline && a.deadline > '2022-10-01' && a.milestones.length === 0 && mayReportOnActivity(org, rut, a)) {
      id = a.id;
      break;
    }
  }
  if (!id) throw new Error('no förskola activity with a later Måldatum in the seed plan');
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ page } = browser);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('managing an activity in Chromium', () => {
  it('HR changes the owners, pauses, closes, reopens and adds; the page and a re-import say so', async () => {
    await page.goto(`${base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    await page.goto(`${base}/aktivitet/${id}`);
    await axe('aktivitet-hantera');

    // Ändra ansvariga: Sven Rektor by name instead of the plan's roles.
    const owners = page.locator('#ansvariga');
    // The plan's owners are checked: Hanna unchecks them (the :checked list shrinks as she goes).
    const checked = owners.locator('input[type=checkbox]:checked');
    expect(await checked.count()).toBeGreaterThan(0);
    while ((await checked.count()) > 0) await checked.first().uncheck();
    await owners.getByLabel('Sven Rektor (Rektor)').check();
    await owners.getByLabel('Skäl (krävs)').fill('Rut Rektor är föräldraledig i höst');
    await owners.getByRole('button', { name: 'Ändra ansvariga' }).click();
    expect(await text('[role=status]')).toBe('De ansvariga är ändrade. Nästa meddelande går till dem.');
    expect(await text('dt:text-is("Ansvariga") + dd')).toBe('Sven Rektor (Rektor, namngiven ansvarig)');
    expect(await text('#next-event')).toMatch(/till Rektor Sven Rektor\.$/);
    expect(await timelineDetails('Ändrad i Planvakt')).toBe(
      'Ansvariga ändrat av Hanna HR-chef\nSkäl: Rut Rektor är föräldraledig i höst',
    );
    await page.screenshot({ path: join(shots, 'aktivitet-andra-ansvariga.png'), fullPage: true });

    // Pausa till 1 september.
    const pause = page.locator('#pausa');
    await pause.getByLabel('Pausa till').fill('2022-09-01');
    await pause.getByLabel('Skäl (krävs)').fill('Förskolorna har sommarstängt');
    await pause.getByRole('button', { name: 'Pausa' }).click();
    expect(await text('[role=status]')).toBe('Aktiviteten är pausad. Påminnelserna väntar till datumet.');
    expect(await text('#status')).toMatch(/^Ej rapporterad \(pausad till 2022-09-01\)/);
    expect(await timelineDetails('Pausad')).toBe(
      'till 2022-09-01 av Hanna HR-chef\nSkäl: Förskolorna har sommarstängt',
    );

    // Avsluta som Klar, then Öppna igen.
    const closeForm = page.locator('#avsluta');
    await closeForm.getByLabel('Klar').check();
    await closeForm.getByLabel('Skäl (krävs)').fill('Genomförd på APT i maj');
    await closeForm.getByRole('button', { name: 'Avsluta aktiviteten' }).click();
    expect(await text('[role=status]')).toBe('Aktiviteten är avslutad som Klar.');
    expect(await text('#status')).toMatch(/^Klar/);
    expect(await text('#next-event')).toBe('Ingen planerad händelse: aktiviteten är klar.');
    expect(await timelineDetails('Avslutad som Klar')).toBe('av Hanna HR-chef\nSkäl: Genomförd på APT i maj');
    expect(await page.getByRole('heading', { name: 'Ändra ansvariga' }).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'aktivitet-avslutad.png'), fullPage: true });
    const reopen = page.locator('#oppna');
    await reopen.getByLabel('Skäl (krävs)').fill('Klarmarkerad av misstag');
    await reopen.getByRole('button', { name: 'Öppna aktiviteten igen' }).click();
    expect(await text('[role=status]')).toBe('Aktiviteten är öppnad igen. Uppföljningen fortsätter.');
    expect(await text('#status')).toMatch(/^Ej rapporterad/);
    expect(await timelineDetails('Öppnad igen')).toBe('av Hanna HR-chef (var Klar)\nSkäl: Klarmarkerad av misstag');

    // Lägg till en aktivitet i samma avsnitt.
    const add = page.locator('#ny-aktivitet');
    await add.getByLabel('Aktivitet', { exact: true }).fill('Introduktion för sommarvikarier');
    await add.getByLabel('Måldatum (valfritt)').fill('2022-09-30');
    await add.getByLabel('Rektor', { exact: true }).check();
    await add.getByLabel('Skäl (krävs)').fill('Beslut i ledningsgruppen 1 juni');
    await add.getByRole('button', { name: 'Lägg till aktiviteten' }).click();
    expect(await text('[role=status]')).toBe('Aktiviteten är tillagd och följs upp.');
    expect(await text('h1')).toBe('Introduktion för sommarvikarier');
    expect(await timelineDetails('Tillagd i Planvakt')).toBe('av Hanna HR-chef\nSkäl: Beslut i ledningsgruppen 1 juni');
    await page.screenshot({ path: join(shots, 'aktivitet-tillagd.png'), fullPage: true });

    // The same plan imported again keeps both.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    expect(await text('#diff-summary')).toBe(
      '0 nya, 0 ändrade, 0 borttagna, 72 oförändrade, 0 redan avslutade, 1 ändrad i Planvakt, 1 tillagd i Planvakt.',
    );
    expect(await text('#local-changes li')).toMatch(
      /ansvariga Sven Rektor satta i Planvakt av Hanna HR-chef \(skäl: Rut Rektor är föräldraledig i höst\); planen säger /,
    );
    expect(await text('#hand-added li')).toBe(
      'Introduktion för sommarvikarier: tillagd i Planvakt av Hanna HR-chef (skäl: Beslut i ledningsgruppen 1 juni); finns inte i planen',
    );
    expect(await page.getByRole('checkbox', { name: /Avbryt aktiviteten som lagts till/ }).isChecked()).toBe(false);
    await axe('importera-tillagd-i-planvakt');
    await page.screenshot({ path: join(shots, 'importera-tillagd-i-planvakt.png'), fullPage: true });
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await text('#import-local')).toBe('Behöll ändringarna i Planvakt för 1 aktivitet.');
    expect(await text('#import-hand-added')).toBe('1 aktivitet som lagts till i Planvakt fortsätter.');
    await page.goto(`${base}/aktivitet/${id}`);
    expect(await text('dt:text-is("Ansvariga") + dd')).toBe('Sven Rektor (Rektor, namngiven ansvarig)');
  }, 180_000);
});
