/**
 * Översikt in Chromium as HR uses it (issue 19): pages through the list by its page numbers,
 * sorts by a column both ways, searches the activities' texts and owners, filters by avdelning,
 * and downloads the filtered list as Excel and CSV. The workbook is opened in LibreOffice (headless,
 * converted to CSV as Calc shows it) and must hold exactly the rows the pages show, in their order;
 * an activity whose text in the plan is `=cmd|' /C calc'!A0 …` comes out as text, never a formula.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { shortText } from '../../src/web/app/dashboard';
import { seedPlanPath, Session, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser, seriousAxeFindings } from '../helpers/chromium';
import { sofficePath, workbookRowsInLibreOffice } from '../helpers/libreoffice';
import { parseCsv } from '../reliability/inert';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;
/** A förskola activity of the seed plan, its text made into a spreadsheet formula (`\|` is a `|` in a Markdown table). */
const FORMULA = "=cmd|' /C calc'!A0 Utbildning genom Mediateket.";
const HEADERS = ['Aktivitet', 'Avdelning', 'Enhet', 'Ansvariga roller', 'Ansvariga personer', 'Status', 'Måldatum'];

let h: WebHarness;
let base: string;
let page: Page;
let browser: OpenBrowser | undefined;

/** The list's rows as the page shows them: text, avdelning, enhet, roles, names, status, Måldatum. */
async function shownRows(): Promise<string[][]> {
  return page.locator('#activity-list tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = Array.from((tr as unknown as { cells: { innerText: string }[] }).cells).map((c) => c.innerText);
      const [department = '', unit = ''] = (cells[1] ?? '').split('\n');
      const [roles = '', names = ''] = (cells[2] ?? '').split('\n');
      return [cells[0] ?? '', department, unit, roles, names, cells[3] ?? '', cells[4] ?? ''];
    }),
  );
}

/** Every page of the current list, following the page numbers. */
async function allShownRows(): Promise<string[][]> {
  const rows = await shownRows();
  while ((await page.locator('nav[aria-label="Sidor"] a[rel="next"]').count()) > 0) {
    await page.locator('nav[aria-label="Sidor"] a[rel="next"]').click();
    rows.push(...(await shownRows()));
  }
  return rows;
}

/** An exported row as the page would show it: the text shortened, the apostrophe that keeps a formula text not shown, no date a dash. */
function asShown(cells: string[]): string[] {
  const [text = '', department = '', unit = '', roles = '', names = '', status = '', deadline = ''] = cells;
  return [shortText(text.replace(/^'(?=[=+\-@])/, '')), department, unit, roles, names, status, deadline || '–'];
}

async function download(name: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  return readFileSync((await file.path())!);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  sofficePath();
  h = await startWebHarness();
  const hr = await new Session(h.app).signIn('hanna-hrchef');
  const plan = readFileSync(seedPlanPath, 'utf8');
  expect(plan).toContain('| Utbildning genom Mediateket. |');
  const content = plan.replace('| Utbildning genom Mediateket. |', `| ${FORMULA.replace('|', '\\|')} |`);
  const form = await hr.get('/importera');
  const preview = await hr.upload(
    '/importera',
    { _csrf: Session.csrf(form.body) },
    { field: 'plan', name: 'kompetensforsorjningsplan-2021-2023.md', content },
  );
  const pending = /name="pending" value="([^"]+)"/.exec(preview.body)?.[1];
  if (!pending) throw new Error(`the upload was not read: ${preview.body.slice(0, 300)}`);
  const done = await hr.post('/importera/bekrafta', { _csrf: Session.csrf(preview.body), pending });
  expect(done.body).toContain('Startade 73');
  await waitForCount(h.env, PLAN, 73);
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ page } = browser);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('Översikt: search, sort, pages and export in Chromium', () => {
  it('HR pages, sorts, searches and filters, and the Excel and CSV exports open with the rows the pages show', async () => {
    await page.goto(`${base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    const status = page.locator('#list-status');

    // 73 activities: page 1 of 2 by Måldatum, then page 2 by its number, and back.
    expect(await status.textContent()).toBe('73 aktiviteter matchar. Visar 1–50, sida 1 av 2.');
    expect(await page.locator('#activity-list tbody tr').count()).toBe(50);
    await page.getByRole('link', { name: 'Sida 2' }).click();
    expect(await status.textContent()).toBe('73 aktiviteter matchar. Visar 51–73, sida 2 av 2.');
    expect(await page.locator('#activity-list tbody tr').count()).toBe(23);
    expect(await page.locator('nav[aria-label="Sidor"] [aria-current="page"]').textContent()).toBe('2');
    await page.getByRole('link', { name: 'Föregående' }).click();
    expect(await status.textContent()).toContain('sida 1 av 2');
    const byDate = await allShownRows();
    expect(byDate).toHaveLength(73);
    const dates = byDate.map((r) => r[6]!).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
    expect(dates).toEqual([...dates].sort());

    // Sorted by Aktivitet, both ways, in Swedish order.
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Aktivitet, sortera stigande' }).click();
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    const sv = new Intl.Collator('sv', { numeric: true, sensitivity: 'base' });
    const ascending = (await shownRows()).map((r) => r[0]!);
    expect(ascending).toEqual([...ascending].sort(sv.compare));
    await page.getByRole('link', { name: 'Aktivitet, sortera fallande' }).click();
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    const descending = (await shownRows()).map((r) => r[0]!);
    expect(descending).toEqual([...descending].sort(sv.compare).reverse());

    // Search the text, case and å/ä/ö aside: the formula activity alone.
    await page.getByLabel('Sök i aktivitet och ansvariga').fill('MEDIATEKET');
    await page.getByRole('button', { name: 'Sök och filtrera' }).click();
    expect(await status.textContent()).toBe('1 aktivitet matchar sökningen ”MEDIATEKET”.');
    expect((await shownRows())[0]![0]).toBe(FORMULA);
    // The sort chosen before the search is kept.
    expect(await page.locator('th[aria-sort]').textContent()).toContain('Aktivitet');

    // Search an owner by name: every row found names her.
    await page.getByLabel('Sök i aktivitet och ansvariga').fill('rut rektor');
    await page.getByRole('button', { name: 'Sök och filtrera' }).click();
    const rut = await shownRows();
    expect(rut.length).toBeGreaterThan(0);
    expect(rut.every((r) => r[4]!.includes('Rut Rektor'))).toBe(true);

    // Filtered: förskola, sorted by Aktivitet descending; the export holds exactly these rows.
    await page.getByLabel('Sök i aktivitet och ansvariga').fill('');
    await page.getByLabel('Avdelning', { exact: true }).selectOption('forskola');
    await page.getByRole('button', { name: 'Sök och filtrera' }).click();
    expect(page.url()).toContain('avdelning=forskola');
    expect(page.url()).toContain('ordning=fallande');
    const filtered = await allShownRows();
    expect(filtered.length).toBeGreaterThan(1);
    expect(filtered.every((r) => r[1] === 'Avdelning förskola')).toBe(true);
    expect(filtered.map((r) => r[0])).toContain(FORMULA);
    await page.goto(page.url().replace(/&?sida=\d+/, ''));
    expect(await page.locator('p.export').textContent()).toContain(
      `Exporten innehåller alla ${filtered.length} aktiviteter som matchar, från alla sidor, i samma ordning som listan.`,
    );
    expect(await seriousAxeFindings(page, 'oversikt-sok-export')).toEqual([]);
    await page.screenshot({ path: join(shots, 'oversikt-sok-export.png'), fullPage: true });

    const xlsx = await download('Exportera till Excel');
    const calc = workbookRowsInLibreOffice(xlsx);
    expect(calc[0]).toEqual(HEADERS);
    expect(calc.slice(1).map(asShown)).toEqual(filtered);
    // In the workbook the formula is text behind an apostrophe; LibreOffice did not run it.
    const formulaRow = calc.find((r) => r[0]!.includes('cmd'))!;
    expect(formulaRow[0]).toBe(`'${FORMULA}`);

    const csv = (await download('Exportera till CSV')).toString('utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const cells = parseCsv(csv.slice(1), ';');
    expect(cells[0]).toEqual(HEADERS);
    expect(cells.slice(1).map(asShown)).toEqual(filtered);
    expect(cells.find((r) => r[0]!.includes('cmd'))![0]).toBe(`'${FORMULA}`);
  });
});
