/**
 * A plan kept as CSV (an Excel sheet saved as text, `;`-separated as Swedish Excel writes it, or
 * `,`/tab): parsed with csv-parse (quoted cells with line breaks and `;` inside), then read as one
 * sheet: title rows, a table with an Avdelning column or under "Aktivitetsplan avdelning …" rows.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { PlanDocument } from './document';
import { PlanError } from './errors';
import { cleanGridCell, gridDocument } from './xlsx';

const HEADER_WORD =
  /^\s*"?(?:vad ska|aktivitet|måldatum|ansvarig|uppföljning|avdelning|indikator|startdatum|slutdatum)/i;

/** The delimiter of the first line that names at least two known columns, if any line does. */
export function csvDelimiter(text: string): string | undefined {
  for (const line of text.split(/\r\n|\r|\n/, 50)) {
    for (const d of [';', '\t', ',']) {
      if (line.split(d).filter((c) => HEADER_WORD.test(c)).length >= 2) return d;
    }
  }
  return undefined;
}

export function looksLikeCsv(file: string, text: string): boolean {
  if (/\.csv$/i.test(file)) return true;
  // A pipe table or a tab-separated text rendering is read as text; a `;` table is CSV.
  return csvDelimiter(text) === ';';
}

export function readCsv(file: string, text: string): PlanDocument {
  const delimiter = csvDelimiter(text) ?? ';';
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (e) {
    const line = e instanceof CsvError ? (e as CsvError & { lines?: number }).lines : undefined;
    throw new PlanError(
      { file, ...(line ? { line } : {}) },
      `not readable as CSV (${(e as Error).message})`,
      `går inte att läsa som CSV (${(e as Error).message})`,
    );
  }
  return gridDocument(file, 'csv', [
    { name: '', rows: records.map((r) => r.map(cleanGridCell)), namesDepartment: false },
  ]);
}
