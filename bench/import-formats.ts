/**
 * Import time per format for both seed plans: `npx tsx bench/import-formats.ts`. The first read of
 * a format includes loading its library (pdf.js, exceljs); the median is of 5 reads after it.
 */
import { fileURLToPath } from 'node:url';
import { placedActivities, readPlanFile } from '../src/plan';

const PLANS = fileURLToPath(new URL('../../shared/plans/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../test/plan/fixtures/', import.meta.url));
const FILES = [
  `${PLANS}kompetensforsorjningsplan-2021-2023.md`,
  `${FIXTURES}kompetensforsorjningsplan-2021-2023.docx`,
  `${FIXTURES}kompetensforsorjningsplan-2021-2023.xlsx`,
  `${FIXTURES}kompetensforsorjningsplan-2021-2023-avdelningskolumn.xlsx`,
  `${FIXTURES}kompetensforsorjningsplan-2021-2023.csv`,
  `${FIXTURES}kompetensforsorjningsplan-2021-2023.pdf`,
  `${PLANS}verksamhetsplan-2020-resursenheten.txt`,
  `${FIXTURES}verksamhetsplan-2020-resursenheten.docx`,
  `${FIXTURES}verksamhetsplan-2020-resursenheten.xlsx`,
  `${FIXTURES}verksamhetsplan-2020-resursenheten.csv`,
  `${FIXTURES}verksamhetsplan-2020-resursenheten.pdf`,
];

for (const file of FILES) {
  let t = performance.now();
  const { plan, warnings } = await readPlanFile(file);
  const first = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await readPlanFile(file);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const indicators = plan.departments.flatMap((d) =>
    d.sections.flatMap((s) => s.goals.flatMap((g) => g.indicators)),
  ).length;
  console.log(
    `${file.split('/').pop()}\t${placedActivities(plan).length} aktiviteter\t${indicators} indikatorer\t${warnings.length} varningar\tförsta ${first.toFixed(0)} ms\tmedian ${times[2]?.toFixed(0)} ms`,
  );
}
