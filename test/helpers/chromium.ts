/**
 * Debian's Chromium for the browser tests (installed by scripts/ensure-chromium.mjs when missing),
 * launched headless the same way by every suite that opens pages.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ensureChromium = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url));

/** The path of Chromium, installing it first when it is missing. */
export function chromiumPath(): string {
  try {
    return execFileSync(process.execPath, [ensureChromium], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  } catch {
    throw new Error(
      'Chromium is needed for the browser tests and could not be installed: see the message above (scripts/ensure-chromium.mjs).',
    );
  }
}

/** Headless, no sandbox (root in CI), and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  // Swedish, as the people who use Planvakt see it (with CHROMIUM_ENV).
  '--lang=sv-SE',
];

/**
 * The environment Chromium runs in: on Linux it takes its language from LANGUAGE, not from
 * --lang, so a date field reads åååå-mm-dd as for a Swedish owner, not mm/dd/yyyy (needs Debian's
 * chromium-l10n, which scripts/ensure-chromium.mjs installs).
 */
export const CHROMIUM_ENV: Record<string, string> = {
  ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
  LANGUAGE: 'sv_SE:sv',
};

/** A Swedish Chromium for one test file: its own profile, a desktop window, and how to close it. */
export interface OpenBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** An owner's phone as the browser tests see it: 390 × 844 CSS pixels, touch, the page's own viewport. */
export const PHONE = { width: 390, height: 844 } as const;

/**
 * Chromium as a person in a Swedish municipality has it: Swedish locale and language, a 1280 × 900
 * window (or, with `phone`, a 390 px wide touch screen that honours the page's viewport meta), a
 * profile of its own that is removed on close. `bypassCSP` lets a test inject axe-core into pages
 * whose CSP forbids every script.
 */
export async function openBrowser(opts: { bypassCSP?: boolean; phone?: boolean } = {}): Promise<OpenBrowser> {
  const executablePath = chromiumPath();
  const userDataDir = mkdtempSync(join(tmpdir(), 'planvakt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: CHROMIUM_ENV,
    viewport: opts.phone ? PHONE : { width: 1280, height: 900 },
    ...(opts.phone ? { isMobile: true, hasTouch: true } : {}),
    locale: 'sv-SE',
    ...(opts.bypassCSP ? { bypassCSP: true } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The app listening on a free loopback port; its base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core in the page, WCAG 2.0/2.1 A and AA: its serious and critical findings, each named with
 * the page and up to three places, so a test can expect none. Needs `openBrowser({ bypassCSP: true })`:
 * the app's CSP forbids every script, and axe is injected by the test, not by the page.
 */
export async function seriousAxeFindings(page: Page, name: string): Promise<string[]> {
  await page.evaluate(axeSource);
  // Runs in the page (no DOM types in this project's TypeScript): axe.run(document, options).
  const result = (await page.evaluate(() => {
    const g = globalThis as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> };
      document: unknown;
    };
    return g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}
