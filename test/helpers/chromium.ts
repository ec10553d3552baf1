/**
 * Debian's Chromium for the browser tests (installed by scripts/ensure-chromium.mjs when missing),
 * launched headless the same way by every suite that opens pages.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

/**
 * Chromium as a person in a Swedish municipality has it: Swedish locale and language, a 1280 × 900
 * window, a profile of its own that is removed on close. `bypassCSP` lets a test inject axe-core
 * into pages whose CSP forbids every script.
 */
export async function openBrowser(opts: { bypassCSP?: boolean } = {}): Promise<OpenBrowser> {
  const executablePath = chromiumPath();
  const userDataDir = mkdtempSync(join(tmpdir(), 'planvakt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: CHROMIUM_ENV,
    viewport: { width: 1280, height: 900 },
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
