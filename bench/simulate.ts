/**
 * `planvakt simulate` of the whole seed kompetensförsörjningsplan for 2022 (goal: under 30 s wall).
 *
 *   node --import tsx bench/simulate.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const started = Date.now();
const res = spawnSync(
  process.execPath,
  [
    here('../bin/planvakt.mjs'),
    'simulate',
    here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md'),
    '--from',
    '2022-01-01',
    '--to',
    '2022-12-31',
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
  `simulate-2022: ${((Date.now() - started) / 1000).toFixed(1)} s wall (whole command, server start included), ${rows} timeline rows (goal < 30 s)`,
);
