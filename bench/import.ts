/**
 * Import speed: parses each seed plan 1,000 times and prints one line per plan a script can read:
 *   import: 1000 plans, <ms> ms/plan (<file>)
 * Run with `node --import tsx bench/import.ts [count]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePlan, placedActivities } from '../src/plan';

const PLANS = ['kompetensforsorjningsplan-2021-2023.md', 'verksamhetsplan-2020-resursenheten.txt'];
const count = Number(process.argv[2] ?? 1000);

for (const name of PLANS) {
  const text = readFileSync(fileURLToPath(new URL(`../../shared/plans/${name}`, import.meta.url)), 'utf8');
  // Warm up the JIT so the figure is the steady state a bulk import sees.
  for (let i = 0; i < 20; i++) parsePlan(name, text);
  let activities = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) activities += placedActivities(parsePlan(name, text).plan).length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `import: ${count} plans, ${(ms / count).toFixed(3)} ms/plan, ${(ms / 1000).toFixed(2)} s total, ${activities / count} activities/plan (${name})`,
  );
}
