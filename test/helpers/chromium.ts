/**
 * Debian's Chromium for the browser tests (installed by scripts/ensure-chromium.mjs when missing),
 * launched headless the same way by every suite that opens pages.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
