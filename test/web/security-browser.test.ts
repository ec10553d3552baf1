/**
 * Issue 15 as a person meets it, in Chromium against the whole web server: an avdelningschef who
 * types `/%69nstallningar` sees "Ingen behörighet"; she renews her calendar address and the old one
 * stops working; after "Logga ut" the cookie she had is refused; HR signs a person out everywhere
 * from Inställningar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { type OpenBrowser, openBrowser } from '../helpers/chromium';
import { Browser, raw, startSecurityHarness, type SecurityHarness } from './security-harness';

let h: SecurityHarness;
let context: BrowserContext;
let page: Page;
let browser: OpenBrowser | undefined;

beforeAll(async () => {
  h = await startSecurityHarness();
  browser = await openBrowser();
  ({ context, page } = browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('access, sessions and calendar addresses in Chromium', () => {
  it('an avdelningschef is refused HR pages however written, renews her calendar address, and her old cookie dies at sign-out', async () => {
    await page.goto(`${h.base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Anna Avdelning' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Inställningar' }).count()).toBe(0);

    const refused = await page.goto(`${h.base}/%69nstallningar`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Ingen behörighet');
    expect(await page.getByRole('alert').textContent()).toContain('Du har inte behörighet till sidan');

    await page.getByRole('navigation').getByRole('link', { name: 'Kalender' }).click();
    const old = await page.getByLabel('Adress', { exact: true }).inputValue();
    await page.getByRole('button', { name: 'Ge mig nya adresser' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Du har fått nya adresser');
    const fresh = await page.getByLabel('Adress', { exact: true }).inputValue();
    expect(fresh).not.toBe(old);
    const path = (url: string) => new URL(url).pathname;
    expect((await raw(h.base, 'GET', path(old))).status).toBe(404);
    expect((await raw(h.base, 'GET', path(fresh))).status).toBe(200);

    const kept = await context.cookies();
    await page.getByRole('button', { name: 'Logga ut' }).click();
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    // The cookie from before sign-out, put back as an attacker who copied it would.
    await context.addCookies(kept);
    await page.goto(`${h.base}/kalender`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    expect(await page.getByRole('heading', { name: 'Utvecklingsinloggning' }).count()).toBe(1);
  });

  it('HR signs a person out everywhere from Inställningar', async () => {
    const nils = await new Browser(h.base).signIn('nils-ingen');
    await context.clearCookies();
    await page.goto(`${h.base}/logga-in`);
    await page.getByRole('button', { name: 'Logga in som Hanna HR-chef' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Inställningar' }).click();
    await page.getByLabel('Person', { exact: true }).selectOption('nils-ingen');
    await page.getByRole('button', { name: 'Logga ut personen överallt' }).click();
    expect(await page.locator('#access-result').textContent()).toBe(
      'Nils Ingen är utloggad överallt (1 inloggning avslutade).',
    );
    expect((await nils.get('/kalender')).status).toBe(303);
  });
});
