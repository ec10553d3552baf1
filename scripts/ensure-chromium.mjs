#!/usr/bin/env node
/**
 * The browser tests drive Debian's `chromium` with playwright-core (no browser download of its
 * own). This makes sure it is there: when /usr/bin/chromium is missing and we are root, it runs
 * `apt-get update && apt-get install -y chromium chromium-l10n`; otherwise it fails with what to
 * install. chromium-l10n carries the Swedish locale, without which Chromium shows a date field as
 * mm/dd/yyyy whatever the page's language (test/helpers/chromium.ts runs it in Swedish); a
 * Chromium without it gets it installed the same way, or a warning when that is not possible.
 *
 *   node scripts/ensure-chromium.mjs      (prints the path)
 *   import { ensureChromium } from './scripts/ensure-chromium.mjs'
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.PLANVAKT_CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Swedish locale file for Chromium (package chromium-l10n). */
const SWEDISH = '/usr/lib/chromium/locales/sv.pak';

export function ensureChromium({ quiet = false } = {}) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (existsSync(CHROMIUM)) {
    if (CHROMIUM === '/usr/bin/chromium' && !existsSync(SWEDISH)) ensureSwedish(root, quiet);
    return CHROMIUM;
  }
  if (!root) {
    throw new Error(
      `Chromium is missing (${CHROMIUM}) and this is not root, so it cannot be installed here. Install it with: sudo apt-get install -y chromium (or set PLANVAKT_CHROMIUM_PATH).`,
    );
  }
  const log = (t) => quiet || process.stderr.write(`[ensure-chromium] ${t}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const stdio = quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'];
  try {
    log('installing chromium with apt-get (once) …');
    execFileSync('apt-get', ['update', '-qq'], { env, stdio, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'chromium-l10n'], {
      env,
      stdio,
      timeout: 600_000,
    });
  } catch (err) {
    throw new Error(
      `Installing chromium with apt-get failed: ${err.message}. Install it by hand: apt-get install -y chromium`,
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get ran but ${CHROMIUM} is still missing.`);
  log(`installed ${CHROMIUM}`);
  return CHROMIUM;
}

/** chromium-l10n for an already installed Chromium; only a warning when it cannot be installed. */
function ensureSwedish(root, quiet) {
  const warn = (t) => quiet || process.stderr.write(`[ensure-chromium] ${t}\n`);
  if (!root) {
    warn(
      'Chromium has no Swedish locale (apt-get install -y chromium-l10n): date fields show mm/dd/yyyy in screenshots.',
    );
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    warn('installing chromium-l10n (the Swedish locale) with apt-get (once) …');
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium-l10n'], {
      env,
      stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
  } catch (err) {
    warn(`installing chromium-l10n failed (${err.message}): date fields show mm/dd/yyyy in screenshots.`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
