/**
 * Writes the README's "Tillförlitlighet" table from the rows the reliability tests left in
 * `.data/reliability/` on their last run (`npm test` or `vitest run test/reliability`), and
 * keeps a copy of the rows in `docs/reliability/last-run.json`.
 * Usage: node --import tsx scripts/reliability-table.ts [--check]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RESULTS_DIR, type ReliabilityRow } from '../test/reliability/record';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = join(ROOT, 'README.md');
const START = '<!-- tillforlitlighet:start -->';
const END = '<!-- tillforlitlighet:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function reliabilityTable(rows: ReliabilityRow[]): string {
  const lines = [
    '| test | fil | storlek | resultat | |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${cell(r.test)} | \`${r.file}\` | ${cell(r.size)} | ${cell(r.result)} | ${r.ok ? 'godkänd' : '**underkänd**'} |`,
    ),
  ];
  const last = rows
    .map((r) => r.finishedAt)
    .sort()
    .at(-1);
  return `${lines.join('\n')}\n\nSenaste körning: ${last ?? 'ingen'} (skrivet av \`scripts/reliability-table.ts\`).`;
}

function readRows(): ReliabilityRow[] {
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  return files
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as ReliabilityRow)
    .sort((a, b) => a.id.localeCompare(b.id));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let rows: ReliabilityRow[];
  try {
    rows = readRows();
  } catch {
    console.error(`no results in ${RESULTS_DIR}: run \`npx vitest run test/reliability\` (or npm test) first`);
    process.exit(1);
  }
  const readme = readFileSync(README, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${START} … ${END} section`);
    process.exit(1);
  }
  const next = `${readme.slice(0, a + START.length)}\n${reliabilityTable(rows)}\n${readme.slice(b)}`;
  writeFileSync(README, next);
  mkdirSync(join(ROOT, 'docs/reliability'), { recursive: true });
  writeFileSync(join(ROOT, 'docs/reliability/last-run.json'), `${JSON.stringify(rows, null, 2)}\n`);
  const failed = rows.filter((r) => !r.ok);
  console.log(`reliability: ${rows.length} rows, ${failed.length} failed`);
}
