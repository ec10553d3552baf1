/**
 * The check-in page in Chromium on a phone-sized screen (390 px), as an owner uses it from a
 * reminder: the app's stylesheet applies (under the page's own CSP), nothing is wider than the
 * screen, the buttons are big enough to hit, and Klar → Ja, klar → Ångra brings the status back.
 * A fake lifecycle answers (as in page.test.ts); the journey walks the same against real workflows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCheckin } from '../../src/checkin/page';
import { signCheckinToken } from '../../src/checkin/token';
import { ROUTES } from '../../src/domain';
import type { Organisation } from '../../src/organisation/schema';
import { APP_CSS } from '../../src/web/app/layout';
import { CHROMIUM_ARGS, CHROMIUM_ENV, chromiumPath } from '../helpers/chromium';

/** What an owner sees on a phone (docs/screenshots only with PLANVAKT_UPDATE_SCREENSHOTS=1). */
const shots = fileURLToPath(
  new URL(
    process.env.PLANVAKT_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../.data/screenshots/',
    import.meta.url,
  ),
);
const SECRET = 's'.repeat(40);
const NOW = new Date('2022-04-15T08:00:00Z');
const head = { role: 'avdelningschef', department: 'forskola' } as const;
const org = {
  departments: [{ id: 'forskola', name: 'Förskola', units: [] }],
  people: [{ id: 'anna', name: 'Anna Avdelning', email: 'anna@example.se', active: true, roles: [head] }],
} as unknown as Organisation;

/** The one activity's lifecycle, as far as the page can tell: its status and the time to undo Klar. */
let lifecycle: { status?: string; reportedAt?: string; undoUntil?: string } = { status: 'inProgress' };
const view = () => ({
  ...lifecycle,
  activity: {
    id: 'a1',
    text: 'Arbetsgrupp för att ta fram övergripande mallstruktur för rekrytering av olika yrkesgrupper',
    goal: 'Gemensam mall för rekrytering',
    deadline: '2022-06-30',
    department: 'forskola',
    owners: [head],
  },
});
const client = {
  workflow: {
    getHandle: () => ({
      query: async () => view(),
      executeUpdate: async (_u: unknown, o: { args: [{ status?: string }] }) => {
        lifecycle = o.args[0].status
          ? { status: o.args[0].status, reportedAt: NOW.toISOString(), undoUntil: '2022-04-15T08:30:00Z' }
          : { status: 'inProgress' };
        return view();
      },
    }),
  },
} as unknown as Client;

let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  app = Fastify();
  await registerCheckin(app, { client, organisation: { load: async () => org }, secret: SECRET, now: () => NOW });
  // The stylesheet the web app serves at the same path.
  app.get(ROUTES.stylesheet, async (_req, reply) => reply.type('text/css; charset=utf-8').send(APP_CSS));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    env: CHROMIUM_ENV,
  });
  const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 390, height: 844 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const token = signCheckinToken(SECRET, { person: 'anna', activities: ['a1'], expires: '2022-06-01T00:00:00Z' });

describe('the check-in page on a phone, in Chromium', () => {
  it('looks like the app, fits 390 px, and Klar can be confirmed and undone', async () => {
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${base}/status/${token}`);
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    // The app's stylesheet: its buttons are the app's blue (#0b4f94), not the browser's grey.
    const klar = page.getByRole('button', { name: 'Klar', exact: true });
    // (Expressions as text: this project's TypeScript has no DOM types.)
    expect(await page.evaluate("getComputedStyle(document.querySelector('button[value=done]')).backgroundColor")).toBe(
      'rgb(11, 79, 148)',
    );
    expect(refused).toEqual([]);
    // Nothing wider than the phone; every status button at least 44 px high (WCAG 2.5.5).
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    for (const name of ['Klar', 'Pågår', 'Försenad', 'Ej påbörjad']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box!.height, name).toBeGreaterThanOrEqual(44);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(390);
    }

    await klar.click();
    expect(await page.locator('h1').textContent()).toBe('Bekräfta Klar');
    await page.getByRole('button', { name: 'Ja, klar' }).click();
    expect(await page.locator('[role=status]').textContent()).toContain('Status Klar');
    // 08:30Z is 10:30 in Stockholm.
    expect(await page.locator('main').textContent()).toContain('Du kan ångra Klar till kl 10:30');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'agare-klar-angra-mobil.png'), fullPage: true });
    await page.getByRole('button', { name: 'Ångra', exact: true }).click();
    expect(await page.locator('h1').textContent()).toBe('Klar är ångrad');
    expect(await page.locator('[role=status]').textContent()).toContain('Status nu: Pågår');
    await page.getByRole('link', { name: 'Tillbaka till dina aktiviteter' }).click();
    expect(await page.locator('.meta').first().textContent()).toContain('Nuvarande status: Pågår');
  }, 60_000);
});
