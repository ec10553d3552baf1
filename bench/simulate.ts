/**
 * The seed kompetensförsörjningsplan previewed for 2022 and for 2026 (goal: under 30 s wall each).
 *
 *   node --import tsx bench/simulate.ts
 *
 * 1. `planvakt simulate` as a command, whole (Node and tsx start, the workflow bundle, the server).
 * 2. simulate() in one process, as Förhandsvisning runs it in the web server: the first run makes
 *    the workflow bundle, the next ones reuse it; then two at once, as two people previewing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { rulesVersion } from '../src/lifecycle';
import { loadOrganisation } from '../src/organisation';
import { readPlanFile } from '../src/plan';
import { parseRules } from '../src/rules';
import { simulate } from '../src/simulate';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const planPath = here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md');
const load = () => loadavg()[0]!.toFixed(1);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

for (const year of [2022, 2026]) {
  const started = Date.now();
  const res = spawnSync(
    process.execPath,
    [
      here('../bin/planvakt.mjs'),
      'simulate',
      planPath,
      '--from',
      `${year}-01-01`,
      '--to',
      `${year}-12-31`,
      '--format',
      'csv',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (res.status !== 0) {
    console.error(res.stderr);
    process.exit(1);
  }
  const rows = res.stdout.trim().split('\r\n').length - 1;
  console.log(
    `simulate-command-${year}: ${seconds(Date.now() - started)} wall (whole command), ${rows} timeline rows, load ${load()} (goal < 30 s)`,
  );
}

const configDir = here('../config');
const rulesFile = join(configDir, 'rules.yaml');
const rulesText = readFileSync(rulesFile, 'utf8');
const base = {
  plan: (await readPlanFile(planPath)).plan,
  rules: parseRules(rulesFile, rulesText),
  rulesVersion: rulesVersion(rulesText),
  organisation: await loadOrganisation(join(configDir, 'organisation.yaml')),
};
const year = (y: number) => ({ ...base, from: `${y}-01-01`, to: `${y}-12-31` });

for (const [label, y] of [
  ['first, makes the bundle', 2026],
  ['bundle reused', 2026],
  ['bundle reused', 2022],
] as const) {
  const started = Date.now();
  const sim = await simulate(year(y));
  console.log(
    `preview-${y} (${label}): ${seconds(Date.now() - started)} wall, ${sim.messages.length} events, complete ${sim.complete}, load ${load()}`,
  );
}
const started = Date.now();
const both = await Promise.all([simulate(year(2026)), simulate(year(2022))]);
console.log(
  `preview-2026+2022 at once (two people): ${seconds(Date.now() - started)} wall for both, ${both.map((s) => s.messages.length).join(' + ')} events, load ${load()}`,
);
