/**
 * LibreOffice for the tests that open a file Planvakt writes the way a person would (installed by
 * scripts/ensure-libreoffice.mjs when missing): an Excel workbook converted headless to CSV and
 * read back as rows of cells, as Calc shows them (dates as formatted, text as text).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseCsv } from '../reliability/inert';

const ensure = fileURLToPath(new URL('../../scripts/ensure-libreoffice.mjs', import.meta.url));

/** The path of `soffice`, installing LibreOffice Calc first when it is missing. */
export function sofficePath(): string {
  try {
    return execFileSync(process.execPath, [ensure], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    throw new Error(
      'LibreOffice is needed to open the exported workbook and could not be installed: see the message above (scripts/ensure-libreoffice.mjs).',
    );
  }
}

/** The workbook's first sheet, opened in LibreOffice Calc and saved as UTF-8 CSV, as rows of cells. */
export function workbookRowsInLibreOffice(xlsx: Buffer): string[][] {
  const soffice = sofficePath();
  const dir = mkdtempSync(join(tmpdir(), 'planvakt-soffice-'));
  try {
    const input = join(dir, 'oversikt.xlsx');
    writeFileSync(input, xlsx);
    execFileSync(
      soffice,
      [
        // A profile of its own: another LibreOffice running on the machine does not take the job.
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--headless',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        dir,
        input,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
    );
    return parseCsv(readFileSync(join(dir, 'oversikt.csv'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
