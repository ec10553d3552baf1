/**
 * Förhandsvisning in Chromium, as HR uses it: upload the seed plan for 2026, watch the page say
 * how far the run has come while it reloads by itself (a Refresh header, no script), and read the
 * result; then start one more and stop it with Avbryt. axe-core checks each page; the pages are
 * photographed into .data/screenshots/ (docs/screenshots/ with PLANVAKT_UPDATE_SCREENSHOTS=1).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { seedPlanPath, startWebHarness, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser } from '../helpers/chromium';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: WebHarness;
let base: string;
let page: Page;
let context: BrowserContext;
let browser: OpenBrowser | undefined;

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; serious and critical findings fail. */
async function axe(name: string, on: Page = page) {
  await on.evaluate(axeSource);
  const result = (await on.evaluate(() => {
    const g = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> };
      document: unknown;
    };
    return g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    ),
  ).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startWebHarness();
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ page, context } = browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('Förhandsvisning in Chromium', () => {
  it('HR uploads the seed plan for 2026, sees the run come along on its own, then the year; Avbryt stops the next one', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Förhandsvisning', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/forhandsvisning');
    // No year is filled in for her: left empty, the plan's own year runs.
    expect(await page.getByLabel('År att förhandsvisa').inputValue()).toBe('');
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByLabel('År att förhandsvisa').fill('2026');
    await page.getByRole('button', { name: 'Förhandsvisa året' }).click();

    // Her run's page, straight away: where it is, a bar, and a way to stop it.
    expect(new URL(page.url()).pathname).toBe('/forhandsvisning/korning');
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^(Körs|Väntar)/);
    expect(await page.getByRole('progressbar').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Avbryt förhandsvisningen' }).isVisible()).toBe(true);
    // The page reloads itself every 2 s, which would pull the page out from under axe: axe reads
    // the same markup in a page of its own.
    const still = await context.newPage();
    await still.setContent(await page.content());
    await axe('forhandsvisning-pagar', still);
    await still.close();
    await page.screenshot({ path: join(shots, 'forhandsvisning-pagar.png') });

    // Nobody clicks: the page reloads itself, saying which day the run has reached, until the year is there.
    const reached = page.getByText(/^Körs: har kommit fram till/);
    await reached
      .or(page.getByRole('heading', { name: 'Per månad' }))
      .first()
      .waitFor({ timeout: 240_000 });
    // Read at once: the next reload may already be the result.
    const line = await reached.textContent({ timeout: 500 }).catch(() => null);
    if (line !== null) {
      expect(line).toMatch(/^Körs: har kommit fram till \d+ \w+ 2026 \(\d+ %\)\.$/);
      await page.screenshot({ path: join(shots, 'forhandsvisning-pagar.png') });
    }
    await page.getByRole('heading', { name: 'Per månad' }).waitFor({ timeout: 240_000 });
    const summary = await page.getByRole('status').first().textContent();
    expect(summary).toMatch(/^73 aktiviteter, \d+ händelser, \d+ meddelanden \(sammanfattningar\) under 2026\./);
    expect(await page.getByText('kompetensforsorjningsplan-2021-2023.md, år 2026').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Avbryt förhandsvisningen' }).count()).toBe(0);
    await axe('forhandsvisning-resultat');
    await page.screenshot({ path: join(shots, 'forhandsvisning-resultat.png') });

    // Again, and she stops it.
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByLabel('År att förhandsvisa').fill('2026');
    await page.getByRole('button', { name: 'Förhandsvisa året' }).click();
    await page.getByRole('button', { name: 'Avbryt förhandsvisningen' }).click();
    await page.getByText('Förhandsvisningen avbröts').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').first().textContent()).toMatch(
      /^Förhandsvisningen avbröts( innan den hann köra någon dag\.|: den kom fram till \d+ \w+ 2026\.)/,
    );
    await axe('forhandsvisning-avbruten');
  }, 360_000);
});
