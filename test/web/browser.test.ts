/**
 * The web app in a real browser: Debian's chromium driven by playwright-core (installed by
 * scripts/ensure-chromium.mjs when missing), against the app on a real Temporal dev server with a
 * worker. Import the seed plan through the page, see 5 departments, open an activity, change the
 * reminder offsets as HR and see the next planned event move, answer statuses through a check-in
 * link and see the traffic light change. axe-core checks every page (no serious or critical
 * WCAG 2.1 A/AA violation) and each page is photographed into .data/screenshots/ (docs/screenshots/
 * with PLANVAKT_UPDATE_SCREENSHOTS=1, so a test run leaves the committed pictures alone).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { signCheckinToken, DEV_CHECKIN_SECRET } from '../../src/checkin/token';
import { nextEventQuery } from '../../src/lifecycle';
import { seedPlanPath, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser, seriousAxeFindings } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;

let h: WebHarness;
let base: string;
let context: BrowserContext;
let page: Page;
let browser: OpenBrowser | undefined;
const checked: string[] = [];

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; serious and critical findings fail. */
async function axe(name: string) {
  expect(await seriousAxeFindings(page, name)).toEqual([]);
  checked.push(name);
}

async function shot(file: string, fullPage = false) {
  await page.screenshot({ path: join(shots, file), fullPage });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startWebHarness({ checkin: true });
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ context, page } = browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the web app in Chromium', () => {
  it('signs in, imports the seed plan, shows 5 departments, an activity, moves the next event, and a check-in changes the light', async () => {
    // Signed out: the sign-in page, keyboard first (the skip link is the first stop).
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Hoppa till innehållet');
    await expect.poll(() => page.locator('h2', { hasText: 'Utvecklingsinloggning' }).count()).toBe(1);
    await axe('logga-in');
    await shot('logga-in.png');
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    expect(new URL(page.url()).pathname).toBe('/');

    // Import through the page.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await axe('importera');
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    expect(await page.locator('#diff-summary').textContent()).toContain('73 nya, 0 ändrade, 0 borttagna');
    await axe('importera-forhandsgranskning');
    await shot('importera.png');
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 73');
    await waitForCount(h.env, PLAN, 73);

    // Översikt: five departments, each with a light in words.
    await page.getByRole('navigation').getByRole('link', { name: 'Översikt', exact: true }).click();
    const rows = page.locator('tr[data-department]');
    expect(await rows.count()).toBe(5);
    expect(await rows.locator('.light').allTextContents()).toEqual(Array(5).fill('● Röd'));
    await axe('oversikt');
    await shot('oversikt.png');

    // Open an activity (a förskola one whose next event is a reminder) from the filtered list.
    let id = '';
    for await (const wf of h.env.client.workflow.list({ query: `${PLAN} AND PlanvaktDepartment = 'forskola'` })) {
      const next = await h.env.client.workflow.getHandle(wf.workflowId).query(nextEventQuery);
      if (next?.kind === 'reminder' && next.reason.startsWith('påminnelse 5 arbetsdagar')) {
        id = wf.workflowId.replace(/^activity-/, '');
        break;
      }
    }
    expect(id).not.toBe('');
    await page.getByLabel('Avdelning', { exact: true }).selectOption('forskola');
    await page.getByRole('button', { name: 'Filtrera' }).click();
    await page.locator(`a[href="/aktivitet/${id}"]`).click();
    const before = await page.locator('#next-event').textContent();
    expect(before).toMatch(/Påminnelse 5 arbetsdagar före måldatum 2022-06-30, till (?!till )[^.]*Rektor/);
    await axe('aktivitet');
    await shot('aktivitet.png', true);

    // HR changes the reminder offsets: preview, save, rollout; the next planned event moves.
    await page.getByRole('navigation').getByRole('link', { name: 'Inställningar', exact: true }).click();
    await axe('installningar');
    await shot('installningar.png');
    await page.getByLabel('Påminnelser före måldatum (arbetsdagar, åtskilda med komma; 0 = på dagen)').fill('10, 0');
    await page.locator('form[action="/installningar/regler"] button[type=submit]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Förhandsgranska regler');
    expect(await page.locator('table').first().textContent()).toContain('20, 5, 1, 010, 0');
    await axe('installningar-forhandsgranskning');
    await shot('installningar-forhandsgranskning.png');
    await page.getByRole('button', { name: 'Spara och tillämpa' }).click();
    expect(await page.locator('#rollout').textContent()).toMatch(/^73 aktiviteter fick de nya reglerna/);
    await axe('installningar-sparad');
    let after = before;
    for (let i = 0; i < 30 && after === before; i++) {
      await page.goto(`${base}/aktivitet/${id}`);
      after = await page.locator('#next-event').textContent();
    }
    expect(after).toMatch(/Påminnelse 10 arbetsdagar före måldatum 2022-06-30/);
    expect(after).not.toBe(before);
    await shot('aktivitet-efter-regelandring.png', true);

    // The department head of stadsutveckling answers through a check-in link (as in the digest):
    // four of its eight activities Pågår turn its light from Röd to Gul.
    const ids: string[] = [];
    for await (const wf of h.env.client.workflow.list({ query: `${PLAN} AND PlanvaktDepartment = 'stadsutveckling'` }))
      ids.push(wf.workflowId.replace(/^activity-/, ''));
    expect(ids).toHaveLength(8);
    const token = signCheckinToken(DEV_CHECKIN_SECRET, {
      person: 'bertil-avdelning',
      activities: ids.slice(0, 4),
      expires: new Date(Date.now() + 86_400_000).toISOString(),
    });
    for (let i = 0; i < 4; i++) {
      await page.goto(`${base}/status/${token}`);
      if (i === 0) {
        await axe('status-incheckning');
        await shot('status-incheckning.png');
      }
      await page.locator('form').nth(i).getByRole('button', { name: 'Pågår' }).click();
      expect(await page.locator('[role=status]').textContent()).toContain('Pågår');
    }
    await waitForCount(
      h.env,
      `${PLAN} AND PlanvaktDepartment = 'stadsutveckling' AND PlanvaktStatus = 'inProgress'`,
      4,
    );
    // The counts are shared for up to 5 s; a check-in shows within that.
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/`);
          return page.locator('tr[data-department="stadsutveckling"] .light').textContent();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('● Gul');
    expect(await page.locator('tr[data-department="forskola"] .light').textContent()).toBe('● Röd');
    await shot('oversikt-efter-status.png');

    // The remaining pages, checked and photographed.
    for (const [path, name] of [
      ['/rapporter', 'rapporter'],
      ['/kalender', 'kalender'],
      ['/forhandsvisning', 'forhandsvisning'],
    ] as const) {
      await page.goto(`${base}${path}`);
      expect(await page.getAttribute('html', 'lang')).toBe('sv');
      await axe(name);
      await shot(`${name}.png`);
    }

    // A department head sees only her department.
    await page.getByRole('button', { name: 'Logga ut' }).click();
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await page.getByRole('button', { name: 'Logga in som Anna Avdelning' }).click();
    expect(await page.locator('tr[data-department]').count()).toBe(1);
    expect(await page.locator('tr[data-department]').getAttribute('data-department')).toBe('forskola');
    await axe('oversikt-avdelningschef');
    expect(checked.length).toBeGreaterThanOrEqual(11);
  }, 120_000);
});
