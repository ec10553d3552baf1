#!/usr/bin/env node
/**
 * The Översikt export test (test/web/overview-export-browser.test.ts) opens the downloaded Excel
 * file in LibreOffice (`soffice --headless --convert-to csv`), as a person opening it would. This
 * makes sure it is there, the way scripts/ensure-chromium.mjs does for Chromium: when `soffice` or
 * its Calc component is missing (a LibreOffice with Writer only answers "source file could not be
 * loaded" for a workbook) and we are root, `apt-get update && apt-get install -y
 * libreoffice-calc-nogui` (Calc without the desktop); otherwise it fails with what to install.
 * `.ci/run` calls it before the tests.
 *
 *   node scripts/ensure-libreoffice.mjs      (prints the path)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOFFICE = process.env.PLANVAKT_SOFFICE_PATH || '/usr/bin/soffice';

/** Debian's Calc library: present when libreoffice-calc or libreoffice-calc-nogui is installed. */
const CALC = '/usr/lib/libreoffice/program/libsclo.so';

export function ensureLibreOffice({ quiet = false } = {}) {
  if (existsSync(SOFFICE) && (process.env.PLANVAKT_SOFFICE_PATH || existsSync(CALC))) return SOFFICE;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `LibreOffice Calc is missing (${existsSync(SOFFICE) ? CALC : SOFFICE}) and this is not root, so it cannot be installed here. Install it with: sudo apt-get install -y libreoffice-calc-nogui (or set PLANVAKT_SOFFICE_PATH).`,
    );
  }
  const log = (t) => quiet || process.stderr.write(`[ensure-libreoffice] ${t}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const stdio = quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'];
  try {
    log('installing libreoffice-calc-nogui with apt-get (once) …');
    execFileSync('apt-get', ['update', '-qq'], { env, stdio, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'libreoffice-calc-nogui'], {
      env,
      stdio,
      timeout: 900_000,
    });
  } catch (err) {
    throw new Error(
      `Installing libreoffice-calc-nogui with apt-get failed: ${err.message}. Install it by hand: apt-get install -y libreoffice-calc-nogui`,
    );
  }
  if (!existsSync(SOFFICE) || !existsSync(CALC))
    throw new Error(`apt-get ran but ${SOFFICE} or ${CALC} is still missing.`);
  log(`installed ${SOFFICE}`);
  return SOFFICE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureLibreOffice());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
