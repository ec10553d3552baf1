/**
 * Import time per format, for both seed plans and for a 50-page plan (bench/make-large-plan.ts,
 * written to .data/bench-plan at the first run; its PDF needs LibreOffice):
 * `npx tsx bench/import-formats.ts [reads]`. The first read of a format includes loading its
 * library (pdf.js, exceljs); the median is of `reads` (default 5) reads after it. Each file's
 * plan is compared with its text rendering's: "= text" when the diff is empty.
 */
import { fileURLToPath } from 'node:url';
import { diffPlans, placedActivities, readPlanFile, type Plan } from '../src/plan';
import { makeLargePlan } from './make-large-plan';

const PLANS = fileURLToPath(new URL('../../shared/plans/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../test/plan/fixtures/', import.meta.url));
const READS = Number(process.argv[2] ?? 5);

const large = await makeLargePlan();
const GROUPS: { name: string; text: string; files: string[] }[] = [
  {
    name: 'kompetensförsörjningsplan (seed, 17 pages as PDF)',
    text: `${PLANS}kompetensforsorjningsplan-2021-2023.md`,
    files: ['docx', 'xlsx', '-avdelningskolumn.xlsx', 'csv', 'pdf'].map(
      (ext) => `${FIXTURES}kompetensforsorjningsplan-2021-2023${ext.startsWith('-') ? ext : `.${ext}`}`,
    ),
  },
  {
    name: 'verksamhetsplan (seed)',
    text: `${PLANS}verksamhetsplan-2020-resursenheten.txt`,
    files: ['docx', 'xlsx', 'csv', 'pdf'].map((ext) => `${FIXTURES}verksamhetsplan-2020-resursenheten.${ext}`),
  },
  {
    name: 'kompetensförsörjningsplan, 50 pages as PDF (20 avdelningar)',
    text: large.text!,
    files: Object.entries(large)
      .filter(([format]) => format !== 'text')
      .map(([, path]) => path),
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const indicators = (plan: Plan) =>
  plan.departments.flatMap((d) => d.sections.flatMap((s) => s.goals.flatMap((g) => g.indicators))).length;

for (const group of GROUPS) {
  console.log(`\n${group.name}`);
  const reference = (await readPlanFile(group.text)).plan;
  for (const file of [group.text, ...group.files]) {
    let t = performance.now();
    const { plan, warnings } = await readPlanFile(file);
    const first = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < READS; i++) {
      t = performance.now();
      await readPlanFile(file);
      times.push(performance.now() - t);
    }
    const diff = diffPlans(reference, plan);
    const same = diff.added.length + diff.removed.length + diff.changed.length === 0 ? '= text' : 'DIFFERS';
    console.log(
      [
        file.split('/').pop(),
        `${placedActivities(plan).length} aktiviteter`,
        `${indicators(plan)} indikatorer`,
        `${warnings.length} varningar`,
        same,
        `första ${first.toFixed(0)} ms`,
        `median ${median(times).toFixed(0)} ms`,
      ].join('\t'),
    );
  }
}
