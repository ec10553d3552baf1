/**
 * "Ändra måldatum" in Chromium, as HR does it (issue 19): Hanna opens a förskola activity, gives it
 * a new Måldatum with a reason, and sees the page say so, the next planned event move to the
 * reminder before the new date, and the timeline name her and her reason. axe-core checks the
 * page with the form; it is photographed like the other browser tests. Then she imports the same
 * plan again: Importera lists the activity apart, with her date, her reason and the plan's date,
 * and confirming without choosing the plan's Måldatum keeps hers.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { stateQuery } from '../../src/lifecycle';
import { importSeedPlan, seedPlanPath, Session, startWebHarness, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser, seriousAxeFindings } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');

let h: WebHarness;
let base: string;
let context: BrowserContext;
let page: Page;
let browser: OpenBrowser | undefined;
let id = '';
let planDeadline = '';

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; serious and critical findings fail. */
async function axe(name: string) {
  expect(await seriousAxeFindings(page, name)).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startWebHarness();
  await importSeedPlan(h, await new Session(h.app).signIn('hanna-hrchef'));
  for await (const wf of h.env.client.workflow.list({
    query: `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND PlanvaktDepartment = 'forskola'`,
  })) {
    const a = (await h.env.client.workflow.getHandle(wf.workflowId).query(stateQuery)).activity;
    if (a.deadline && a.deadline > '2022-08-01' && a.milestones.length === 0) {
      id = a.id;
      planDeadline = a.deadline;
      break;
    }
  }
  if (!id) throw new Error('no förskola activity with a later Måldatum in the seed plan');
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ context, page } = browser);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('Ändra måldatum in Chromium', () => {
  it('HR gives an activity a new Måldatum with a reason; the next reminder moves, the timeline says who and why, and a re-import keeps it', async () => {
    await page.goto(`${base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    await page.goto(`${base}/aktivitet/${id}`);
    const before = await page.locator('#next-event').textContent();
    expect(before).not.toContain('2022-06-25');
    await axe('aktivitet-andra-maldatum');

    // A Saturday three and a half weeks after the plan's today (2022-06-01): config/rules.yaml's
    // 20 arbetsdagar reminder would be before today, so the next is 5 arbetsdagar before, counted
    // back over Midsommarafton (24 June): Friday 17 June.
    await page.getByLabel('Nytt måldatum').fill('2022-06-25');
    await page.locator('#maldatum').getByLabel('Skäl (krävs)').fill('Introduktionsplanen behövs före sommarvikarierna');
    await page.getByRole('button', { name: 'Ändra måldatum' }).click();

    expect(await page.locator('[role=status]').textContent()).toBe(
      'Måldatumet är ändrat. Påminnelserna planeras från det nya datumet.',
    );
    expect(await page.locator('dt:text-is("Måldatum") + dd').textContent()).toBe(
      `2022-06-25 (i planen: ”${planDeadline}”)`,
    );
    const after = await page.locator('#next-event').textContent();
    expect(after).toMatch(/^2022-06-17 kl\. \d\d:\d\d: Påminnelse 5 arbetsdagar före måldatum 2022-06-25, till /);
    const row = page.locator('tbody tr', { hasText: 'Ändrad i Planvakt' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').nth(2).textContent()).toBe(
      'Måldatum ändrat av Hanna HR-chefSkäl: Introduktionsplanen behövs före sommarvikarierna',
    );
    await page.screenshot({ path: join(shots, 'aktivitet-nytt-maldatum.png'), fullPage: true });

    // The same plan imported again does not silently take the Måldatum back.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    expect(await page.locator('#diff-summary').textContent()).toBe(
      '0 nya, 0 ändrade, 0 borttagna, 72 oförändrade, 0 redan avslutade, 1 ändrad i Planvakt.',
    );
    expect(await page.locator('#local-changes li').textContent()).toContain(
      `måldatum 2022-06-25 satt i Planvakt av Hanna HR-chef (skäl: Introduktionsplanen behövs före sommarvikarierna); planen säger ${planDeadline}`,
    );
    const planWins = page.getByRole('checkbox', { name: /Använd planens måldatum/ });
    expect(await planWins.isChecked()).toBe(false);
    await axe('importera-lokal-andring');
    await page.screenshot({ path: join(shots, 'importera-lokal-andring.png'), fullPage: true });
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-local').textContent()).toBe('Behöll ändringarna i Planvakt för 1 aktivitet.');
    await page.goto(`${base}/aktivitet/${id}`);
    expect(await page.locator('dt:text-is("Måldatum") + dd').textContent()).toBe(
      `2022-06-25 (i planen: ”${planDeadline}”)`,
    );
    expect(await page.locator('#next-event').textContent()).toBe(after);
  }, 120_000);
});
