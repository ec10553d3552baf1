/**
 * Every page on a phone (issue 19): Chromium at 390 × 844 with touch, as an owner opening a
 * reminder, a department head and HR do. Each page each of them sees must not scroll sideways
 * (`document.documentElement.scrollWidth` ≤ 390) and must have no serious or critical axe-core
 * finding. The pages the issue named are photographed as the phone's first screen (telefon-*.png
 * in .data/screenshots/, docs/screenshots/ with PLANVAKT_UPDATE_SCREENSHOTS=1). The sign-in
 * buttons must be at least 44 × 44 px and are tapped.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signCheckinToken, DEV_CHECKIN_SECRET } from '../../src/checkin/token';
import { importSeedPlan, Session, startWebHarness, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, openBrowser, PHONE, seriousAxeFindings, type OpenBrowser } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;

let h: WebHarness;
let base: string;
let page: Page;
let browser: OpenBrowser | undefined;
/** Every page that did not fit or had a finding, so one run names them all. */
const problems: string[] = [];
const seen: string[] = [];

/** The outermost elements that reach past the right edge: what makes the page scroll sideways. */
const OVERFLOWING = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    const p = el.parentElement && el.parentElement.getBoundingClientRect();
    if (r.right > ${PHONE.width} + 1 && (!p || p.right <= ${PHONE.width} + 1))
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
        ' ' + Math.round(r.right) + 'px "' + (el.textContent || '').trim().slice(0, 40) + '"');
  }
  return out.slice(0, 5);
})()`;

/** The pages photographed for docs/screenshots/ (the rest are checked, not kept). */
const PHOTOGRAPHED = new Set([
  'logga-in',
  'oversikt',
  'oversikt-filtrerad',
  'aktivitet',
  'installningar',
  'status-incheckning',
]);

/** The page as it is now: no sideways scroll at 390 px, no serious axe finding, a photograph. */
async function check(name: string) {
  await page.waitForLoadState('load');
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (width > PHONE.width)
    problems.push(`${name}: ${width} px wide (${(await page.evaluate<string[]>(OVERFLOWING)).join('; ')})`);
  problems.push(...(await seriousAxeFindings(page, name)));
  if (PHOTOGRAPHED.has(name)) await page.screenshot({ path: join(shots, `telefon-${name}.png`) });
  seen.push(name);
}

async function open(path: string, name: string) {
  const res = await page.goto(`${base}${path}`);
  expect(res?.status(), `${name} (${path})`).toBe(200);
  await check(name);
}

/** Signs in on the development sign-in page by tapping the person's button. */
async function tapSignIn(name: string) {
  await page.goto(`${base}/logga-in`);
  await page.getByRole('button', { name: `Logga in som ${name}` }).tap();
  await page.waitForURL((u) => u.pathname !== '/logga-in');
}

async function signOut() {
  await page.getByRole('button', { name: 'Logga ut' }).tap();
  await page.waitForURL((u) => u.pathname === '/logga-in');
}

/** The id of a running activity of a department. */
async function activityOf(department: string): Promise<string> {
  for await (const wf of h.env.client.workflow.list({ query: `${PLAN} AND PlanvaktDepartment = '${department}'` }))
    return wf.workflowId.replace(/^activity-/, '');
  throw new Error(`no activity in ${department}`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startWebHarness({ checkin: true });
  await importSeedPlan(h, await new Session(h.app).signIn('hanna-hrchef'));
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true, phone: true });
  ({ page } = browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('every page on a 390 px phone', () => {
  it('sign-in: fits, and every sign-in button is a tap target of at least 44 × 44 px', async () => {
    await open('/logga-in', 'logga-in');
    const buttons = page.getByRole('button', { name: /^Logga in som / });
    expect(await buttons.count()).toBeGreaterThan(10);
    const small: string[] = [];
    for (const b of await buttons.all()) {
      const box = await b.boundingBox();
      if (!box || box.width < 44 || box.height < 44 || box.x < 0 || box.x + box.width > PHONE.width)
        small.push(`${await b.textContent()}: ${JSON.stringify(box)}`);
    }
    expect(small).toEqual([]);
  });

  it('HR: Översikt, an activity, Rapporter, Kalender, Importera, Inställningar, Förhandsvisning', async () => {
    await tapSignIn('Hanna HR-chef');
    await check('oversikt');
    await open('/?avdelning=forskola', 'oversikt-filtrerad');
    await open(`/aktivitet/${await activityOf('forskola')}`, 'aktivitet');
    for (const [path, name] of [
      ['/rapporter', 'rapporter'],
      ['/kalender', 'kalender'],
      ['/importera', 'importera'],
      ['/installningar', 'installningar'],
      ['/forhandsvisning', 'forhandsvisning'],
    ] as const)
      await open(path, name);
    await signOut();
  }, 120_000);

  it('a department head: her Översikt, an activity, Rapporter, Kalender', async () => {
    await tapSignIn('Anna Avdelning');
    await check('oversikt-avdelningschef');
    await open(`/aktivitet/${await activityOf('forskola')}`, 'aktivitet-avdelningschef');
    await open('/rapporter', 'rapporter-avdelningschef');
    await open('/kalender', 'kalender-avdelningschef');
    await signOut();
  }, 120_000);

  it('an owner: the check-in page from a reminder, and her Kalender', async () => {
    // As in browser.test.ts: the stadsutveckling avdelningschef answers for her activities by link.
    const ids: string[] = [];
    for await (const wf of h.env.client.workflow.list({ query: `${PLAN} AND PlanvaktDepartment = 'stadsutveckling'` }))
      if (ids.push(wf.workflowId.replace(/^activity-/, '')) >= 3) break;
    const token = signCheckinToken(DEV_CHECKIN_SECRET, {
      person: 'bertil-avdelning',
      activities: ids,
      expires: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await open(`/status/${token}`, 'status-incheckning');
    // A status button is tapped as on the phone, and the answer page fits too.
    await page.locator('form').first().getByRole('button', { name: 'Pågår' }).tap();
    expect(await page.locator('[role=status]').textContent()).toContain('Pågår');
    await check('status-incheckning-svar');
    await tapSignIn('Rut Rektor');
    await check('kalender-agare');
  }, 120_000);

  it('no page scrolls sideways and none has a serious or critical axe-core finding', () => {
    expect(seen).toHaveLength(16);
    expect(problems).toEqual([]);
  });
});
