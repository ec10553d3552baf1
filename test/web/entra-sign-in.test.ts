/**
 * Production sign-in, walked in Chromium against a real OpenID provider: `oidc-provider` (a
 * certified OpenID Connect implementation) on https://localhost with a certificate made for the
 * test, issuing the claims Microsoft Entra ID puts in an ID token (`oid`, `tid`,
 * `preferred_username`, `name`; no `email`, as Entra leaves it out unless configured). The web app
 * runs in production mode (Entra ID required, no development sign-in, Secure cookies) with its
 * production code path: discovery, authorization code with PKCE, state and nonce, ID token
 * validation, the callback, the session and sign-out.
 *
 * The provider's own login page is its development form (any login name, any password): the test
 * types the account the way a person types her name at Microsoft's page. Which accounts exist is
 * Planvakt's question, answered from the organisation file, not the provider's.
 */
import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedPlanPath, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';
import { freePort } from '../helpers/ports';
import { CLIENT_SECRET, signInAtProvider as signIn, startLocalOidc, type LocalOidc } from '../helpers/oidc';

const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;

const displayNames: Record<string, string> = {
  'hanna.hrchef@example.se': 'Hanna HR-chef',
  'anna.avdelning@example.se': 'Anna Avdelning',
  'okand.person@example.se': 'Okänd Person',
};

let oidc: LocalOidc;
let issuer: string;
let h: WebHarness;
let base: string;
let browser: Browser;
const defaultCAs = getCACertificates('default');

beforeAll(async () => {
  const appPort = await freePort();
  base = `http://localhost:${appPort}`;
  oidc = await startLocalOidc([`${base}/logga-in/callback`], displayNames);
  issuer = oidc.issuer;
  setDefaultCACertificates([...defaultCAs, readFileSync(oidc.certFile, 'utf8')]);

  h = await startWebHarness({
    settings: {
      mode: 'production',
      baseUrl: base,
      secureCookies: true,
      sessionSecret: 'entra-test-session-secret-0123456789abcdef',
      oidc: {
        issuer,
        clientId: 'planvakt',
        clientSecret: CLIENT_SECRET,
        redirectUri: `${base}/logga-in/callback`,
      },
    },
  });
  await h.app.listen({ host: '127.0.0.1', port: appPort });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The provider's certificate was made by the test; the app trusts it through its CA list.
    args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await oidc?.stop();
  setDefaultCACertificates(defaultCAs);
});

/** A fresh browser (no cookies at Planvakt or the provider), in Swedish. */
async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** From Planvakt's sign-in page through Microsoft's (the provider's) login and consent pages. */
const signInAtProvider = (page: Page, login: string) => signIn(page, issuer, login);

describe('Entra ID sign-in in production mode, against a real OpenID provider', () => {
  it('HR signs in and reaches Översikt; after signing out the page asks for sign-in again', async () => {
    const page = await freshPage();
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    // Production has no development sign-in.
    expect(await page.getByText('Utvecklingsinloggning').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Logga in som/ }).count()).toBe(0);

    await signInAtProvider(page, 'hanna.hrchef@example.se');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.locator('h1').textContent()).toContain('Översikt');
    expect(await page.locator('body').textContent()).toContain('Hanna HR-chef');

    // HR imports the plan, so the next person has something to see.
    await page.getByRole('navigation').getByRole('link', { name: 'Importera', exact: true }).click();
    await page.getByLabel('Planfil').setInputFiles(seedPlanPath);
    await page.getByRole('button', { name: 'Läs in och jämför' }).click();
    await page.getByRole('button', { name: 'Bekräfta och starta uppföljningen' }).click();
    expect(await page.locator('#import-result').textContent()).toContain('Startade 73');
    await waitForCount(h.env, PLAN, 73);

    await page.getByRole('button', { name: 'Logga ut' }).click();
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await page.context().close();
  }, 120_000);

  it('an avdelningschef signed in through the provider sees only her avdelning', async () => {
    const page = await freshPage();
    await page.goto(`${base}/`);
    await signInAtProvider(page, 'Anna.Avdelning@example.se');
    expect(page.url()).toBe(`${base}/`);
    const rows = page.locator('tr[data-department]');
    expect(await rows.count()).toBe(1);
    expect(await rows.getAttribute('data-department')).toBe('forskola');
    await page.context().close();
  }, 60_000);

  it('an account the organisation does not know is refused with a page that says why', async () => {
    const page = await freshPage();
    await page.goto(`${base}/`);
    await signInAtProvider(page, 'okand.person@example.se');
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    expect(await page.getByRole('alert').textContent()).toContain(
      'Kontot finns inte som aktiv person i organisationen. Kontakta HR.',
    );
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/logga-in');
    await page.context().close();
  }, 60_000);

  // A changed state comes back in the callback; a changed nonce is signed by the provider into the
  // ID token. Either way Planvakt must notice, say so, and start no session.
  it.each(['state', 'nonce'] as const)(
    'an authorization request whose %s was changed on the way is refused, and no session starts',
    async (param) => {
      const page = await freshPage();
      await changeAuthorizationRequest(page, param, `${param}-from-somewhere-else`);
      await page.goto(`${base}/`);
      await signInAtProvider(page, 'hanna.hrchef@example.se');
      expect(new URL(page.url()).pathname).toBe('/logga-in');
      expect(await page.getByRole('alert').textContent()).toContain('Inloggningen med Microsoft misslyckades');
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/logga-in');
      await page.context().close();
    },
    60_000,
  );
});

/**
 * Someone between the browser and the provider changes one parameter of the authorization request
 * Planvakt sends (its redirect to the provider), everything else as sent.
 */
async function changeAuthorizationRequest(page: Page, param: 'state' | 'nonce', value: string) {
  await page.route(
    (url) => url.href.startsWith(`${base}/logga-in/entra`),
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const location = new URL(response.headers().location!);
      expect(location.searchParams.get(param)).toBeTruthy();
      location.searchParams.set(param, value);
      await route.fulfill({ response, headers: { ...response.headers(), location: location.href } });
    },
  );
}
