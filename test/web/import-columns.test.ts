/**
 * Importera with a plan whose headings the importer does not know, in Chromium against the app on
 * a real Temporal dev server: HR sees the table's first rows, says once which column is what,
 * confirms, and the activities appear on the Översikt; a revised plan of the same shape needs no
 * mapping. What is asserted is what HR sees on the pages.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ROUTES } from '../../src/domain';
import { Session, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';
import { listenOnLoopback, type OpenBrowser, openBrowser, seriousAxeFindings } from '../helpers/chromium';

const fixture = (name: string) => fileURLToPath(new URL(`../plan/layouts/fixtures/${name}`, import.meta.url));
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-handlingsplan-2024-for-avdelning-individ-och-familj' AND ExecutionStatus = 'Running'`;

const root = fileURLToPath(new URL('../../', import.meta.url));
// Photographed like the other browser tests: into .data/screenshots, docs/screenshots when asked.
const shots = join(root, process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.data/screenshots');

let h: WebHarness;
let base: string;
let context: BrowserContext;
let page: Page;
let browser: OpenBrowser | undefined;

/** axe-core in the page (WCAG 2.1 A/AA): the mapping form must be usable with a screen reader too. */
async function axe(name: string) {
  expect(await seriousAxeFindings(page, name)).toEqual([]);
}

beforeAll(async () => {
  h = await startWebHarness();
  base = await listenOnLoopback(h.app);
  browser = await openBrowser({ bypassCSP: true });
  ({ context, page } = browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const cellTexts = (selector: string) => page.locator(selector).allTextContents();

describe('Importera with unknown headings', () => {
  it('only HR may map columns: an avdelningschef is refused and nothing is saved', async () => {
    const anna = await new Session(h.app).signIn('anna-avdelning');
    const res = await anna.post(ROUTES.importColumns, { pending: 'x', 't0-c0': 'aktivitet' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Du har inte behörighet till sidan. Inget har ändrats.');
    expect(existsSync(join(h.ctx.settings.dataDir, 'kolumner.json'))).toBe(false);
  });

  it('HR maps the columns once, confirms, sees the activities; a revised plan of the same shape needs no mapping', async () => {
    await page.goto(`${base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(fixture('okanda-rubriker-2024.xlsx'));
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();

    // The table as the planner wrote it, and a choice per column.
    await expect.poll(() => page.getByRole('heading', { name: 'Vilken kolumn är vad?' }).count()).toBe(1);
    expect(await cellTexts('fieldset table thead th')).toEqual(['Nr', 'Vad', 'Vem', 'Färdigt', 'Avstämning']);
    expect(await cellTexts('fieldset table tbody tr:first-child td')).toEqual([
      '1',
      'Gemensam introduktion för nya socialsekreterare',
      'Enhetschef',
      '2024-03-31',
      'APT',
    ]);
    expect(await page.getByText('Importen känner inte igen rubrikerna i tabellen nedan.').count()).toBe(1);
    expect(await page.locator('fieldset legend').textContent()).toBe('Blad Plan');
    await axe('importera-kolumner');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'importera-kolumner.png'), fullPage: true });

    // Without an activity column the page says what is missing and keeps the choices open.
    await page.getByLabel('Kolumn 2: Vad').selectOption({ label: 'Används inte' });
    await page.getByRole('button', { name: 'Spara kolumnerna och läs in planen' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Välj vilken kolumn som är aktiviteten i blad Plan.');

    await page.getByLabel('Kolumn 1: Nr').selectOption({ label: 'Används inte' });
    await page.getByLabel('Kolumn 2: Vad').selectOption({ label: 'Aktivitet' });
    await page.getByLabel('Kolumn 3: Vem').selectOption({ label: 'Ansvarig' });
    await page.getByLabel('Kolumn 4: Färdigt').selectOption({ label: 'Måldatum' });
    await page.getByLabel('Kolumn 5: Avstämning').selectOption({ label: 'Uppföljning' });
    await page.getByRole('button', { name: 'Spara kolumnerna och läs in planen' }).click();

    expect(await page.locator('#kolumner-sparade').textContent()).toContain('Kolumnerna är sparade');
    expect(await page.locator('#diff-summary').textContent()).toContain('3 nya, 0 ändrade, 0 borttagna');
    await page.getByText('Alla 3 aktiviteter som de lästes').click();
    const read = page.locator('details table tbody tr');
    expect(await read.count()).toBe(3);
    expect(await read.nth(0).locator('td').allTextContents()).toEqual([
      expect.any(String),
      'Individ och familj',
      '',
      'Gemensam introduktion för nya socialsekreterare',
      '2024-03-31 (2024-03-31)',
      'Enhetschef',
    ]);
    expect(await read.nth(1).locator('td').nth(4).textContent()).toBe('– (Löpande)');
    expect(await read.nth(2).locator('td').nth(4).textContent()).toBe('2024-12-31 (2024)');

    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 3');
    await waitForCount(h.env, PLAN, 3);

    // The activities on the Översikt, under their avdelning.
    await page.getByRole('navigation').getByRole('link', { name: 'Översikt', exact: true }).click();
    await page.getByLabel('Avdelning', { exact: true }).selectOption('individ-och-familj');
    await page.getByRole('button', { name: 'Filtrera' }).click();
    const links = await page.locator('a[href^="/aktivitet/"]').allTextContents();
    expect(links).toEqual(
      expect.arrayContaining([
        'Gemensam introduktion för nya socialsekreterare',
        'Handledning i grupp för alla handläggare',
        'Mentorer för handläggare under första året',
      ]),
    );

    // The revised plan, same headings (in other case): read at once, no mapping asked for.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(fixture('okanda-rubriker-2024-reviderad.xlsx'));
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    expect(await page.getByRole('heading', { name: 'Vilken kolumn är vad?' }).count()).toBe(0);
    expect(await page.locator('#diff-summary').textContent()).toContain('1 ny, 0 ändrade, 0 borttagna, 3 oförändrade');
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 1');
    await waitForCount(h.env, PLAN, 4);
  });
});

describe('Importera with one table the importer cannot tell beside those it can', () => {
  it('imports the rest, says which table was skipped, and reads it once HR has mapped it', async () => {
    const plan = [
      'Handlingsplan avdelning Stadsutveckling 2025',
      '',
      '| Åtgärd | Ansvar | Klart senast |',
      '|---|---|---|',
      '| Digital ansökan om bygglov | Enhetschef | 2025-06-30 |',
      '',
      '| Löpnummer | Uppdrag | Vem | Levereras |',
      '|---|---|---|---|',
      '| 7 | Kartlägg handläggningstider | Avdelningschef | 2025-03-31 |',
    ].join('\n');
    const hr = await new Session(h.app).signIn('hanna-hrchef');
    const form = await hr.get('/importera');
    const res = await hr.upload(
      '/importera',
      { _csrf: Session.csrf(form.body) },
      { field: 'plan', name: 'stadsutveckling.md', content: plan },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1 aktivitet i 1 avdelning');
    expect(res.body).toContain('Resten av planen lästes, men importen känner inte igen rubrikerna i tabellen nedan');
    const pending = /name="pending" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    const signature = /name="t0-rubriker" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    const mapped = await hr.post('/importera/kolumner', {
      _csrf: Session.csrf(res.body),
      pending,
      't0-rubriker': signature.replace(/&amp;/g, '&'),
      't0-c0': 'ovrigt',
      't0-c1': 'aktivitet',
      't0-c2': 'ansvarig',
      't0-c3': 'maldatum',
    });
    expect(mapped.statusCode).toBe(200);
    expect(mapped.body).toContain('Kolumnerna är sparade');
    expect(mapped.body).toContain('2 aktiviteter i 1 avdelning');
    expect(mapped.body).toContain('Kartlägg handläggningstider');
    expect(mapped.body).not.toContain('Vilken kolumn är vad?');
  });
});
