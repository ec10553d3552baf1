/**
 * The 50-page plan of the import benchmark: the seed kompetensförsörjningsplan's introduction,
 * then its five avdelningar's activity plans four times over, as four districts' avdelningar
 * ("förskola Nord" … "funktionsnedsättning Öst": 20 avdelningar, 292 activities), in the text
 * rendering's form and, written by scripts/make-plan-fixtures.ts, as .docx, .xlsx (one sheet per
 * avdelning), .csv and (LibreOffice installed) a tagged .pdf of about 50 pages.
 *
 *   npx tsx bench/make-large-plan.ts [out-dir]   (default .data/bench-plan; not committed)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { textDocument } from '../src/plan/document';
import { toLines } from '../src/plan/text';
import { csvRows, printPdf, toCsv, writeDocx, writeXlsx } from '../scripts/make-plan-fixtures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = join(ROOT, '..', 'shared', 'plans', 'kompetensforsorjningsplan-2021-2023.md');
export const LARGE_PLAN_DIR = join(ROOT, '.data', 'bench-plan');
export const LARGE_PLAN = 'kompetensforsorjningsplan-50-sidor';
const DISTRICTS = ['Nord', 'Syd', 'Väst', 'Öst'];
const HEADING = /^(\s*aktivitetsplan\s+(?:för\s+)?avdelning(?:en)?\s+.+?)\s*$/i;

/** The seed's text with its activity plans repeated for each district. */
export function largePlanText(seed: string): string {
  const lines = seed.split('\n');
  const start = lines.findIndex((l) => HEADING.test(l));
  const intro = lines.slice(0, start);
  const plans = lines.slice(start);
  return [...intro, ...DISTRICTS.flatMap((district) => plans.map((l) => l.replace(HEADING, `$1 ${district}`)))].join(
    '\n',
  );
}

/** Writes the plan in every format into `dir` (unless there already); the paths by format. */
export async function makeLargePlan(dir = LARGE_PLAN_DIR): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const path = (ext: string) => join(dir, `${LARGE_PLAN}.${ext}`);
  const files: Record<string, string> = {
    text: path('md'),
    docx: path('docx'),
    xlsx: path('xlsx'),
    csv: path('csv'),
    pdf: path('pdf'),
  };
  const text = largePlanText(readFileSync(SEED, 'utf8'));
  if (!existsSync(files.text!) || readFileSync(files.text!, 'utf8') !== text) {
    writeFileSync(files.text!, text);
    const doc = textDocument(files.text!, toLines(files.text!, text));
    await writeDocx(doc, files.docx!);
    await writeXlsx(doc, files.xlsx!, 'sheets');
    writeFileSync(files.csv!, toCsv(csvRows(doc)));
    try {
      execFileSync('libreoffice', ['--version'], { stdio: 'ignore' });
      printPdf(files.docx!, files.pdf!);
    } catch {
      console.error('ingen PDF: libreoffice saknas');
    }
  }
  if (!existsSync(files.pdf!)) delete files.pdf;
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = await makeLargePlan(process.argv[2]);
  for (const f of Object.values(files)) console.log(f);
}
