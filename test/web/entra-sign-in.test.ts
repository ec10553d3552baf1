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
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import Provider from 'oidc-provider';
import { seedPlanPath, startWebHarness, waitForCount, type WebHarness } from '../helpers/web-app';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';
import { freePort } from '../helpers/ports';

const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const PLAN = `PlanvaktPlan = 'kompetensforsorjningsplan-2021-2023' AND ExecutionStatus = 'Running'`;

/** The accounts the provider knows: Entra's `oid` per login name, stable for the run. */
const oids = new Map<string, string>();
const displayNames: Record<string, string> = {
  'hanna.hrchef@example.se': 'Hanna HR-chef',
  'anna.avdelning@example.se': 'Anna Avdelning',
  'okand.person@example.se': 'Okänd Person',
};

let dir: string;
let provider: Provider;
let providerServer: Server;
let issuer: string;
let h: WebHarness;
let base: string;
let browser: Browser;
const defaultCAs = getCACertificates('default');

/** A certificate for localhost, made for this run, that the app (and only this process) trusts. */
function localhostCertificate(folder: string) {
  const key = join(folder, 'key.pem');
  const cert = join(folder, 'cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planvakt-oidc-'));
  const tls = localhostCertificate(dir);
  setDefaultCACertificates([...defaultCAs, tls.cert]);

  const providerPort = await freePort();
  const appPort = await freePort();
  issuer = `https://localhost:${providerPort}`;
  base = `http://localhost:${appPort}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'planvakt',
        client_secret: 'planvakt-test-client-secret-0123456789',
        redirect_uris: [`${base}/logga-in/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, use: 'sig', kid: 'test-key' }] },
    cookies: { keys: ['planvakt-oidc-test-cookie-key-0123456789'] },
    pkce: { required: () => true },
    claims: { openid: ['sub', 'oid', 'tid'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const login = id.toLowerCase();
      if (!oids.has(login)) oids.set(login, randomUUID());
      return {
        accountId: id,
        claims: () => ({
          sub: oids.get(login)!,
          oid: oids.get(login)!,
          tid: TENANT,
          // As typed: Entra keeps the UPN's case, and Planvakt matches without it.
          preferred_username: id,
          name: displayNames[login] ?? login,
        }),
      };
    },
  });
  providerServer = createServer({ key: tls.key, cert: tls.cert }, provider.callback());
  await new Promise<void>((resolve) => providerServer.listen(providerPort, '127.0.0.1', resolve));

  h = await startWebHarness({
    settings: {
      mode: 'production',
      baseUrl: base,
      secureCookies: true,
      sessionSecret: 'entra-test-session-secret-0123456789abcdef',
      oidc: {
        issuer,
        clientId: 'planvakt',
        clientSecret: 'planvakt-test-client-secret-0123456789',
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
  await new Promise((resolve) => providerServer?.close(resolve));
  setDefaultCACertificates(defaultCAs);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser (no cookies at Planvakt or the provider), in Swedish. */
async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** From Planvakt's sign-in page through Microsoft's (the provider's) login and consent pages. */
async function signInAtProvider(page: Page, login: string) {
  await page.getByRole('link', { name: 'Logga in med Microsoft (Entra ID)' }).click();
  expect(new URL(page.url()).origin).toBe(issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('vad som helst');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // First sign-in of the account: the provider asks for consent to share the profile.
  const consent = page.getByRole('button', { name: 'Continue' });
  if (new URL(page.url()).origin === issuer && (await consent.count()) > 0) await consent.click();
}

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
