/**
 * Översikt's list as a file: the rows of the chosen filter, search and order (every page of it),
 * as an Excel workbook (exceljs) or CSV, with Swedish headers. Plan text is untrusted: every text
 * cell goes through `safeCell` (src/domain/escape.ts), the rule the reports use, so text such as
 * `=cmd|' /C calc'!A0` stays text in Excel and LibreOffice.
 */
import ExcelJS from 'exceljs';
import { csvText, safeCell } from '../../domain';
import type { OverviewRow } from './overview-list';

export const EXPORT_HEADERS = [
  'Aktivitet',
  'Avdelning',
  'Enhet',
  'Ansvariga roller',
  'Ansvariga personer',
  'Status',
  'Måldatum',
] as const;

const WIDTHS = [60, 24, 24, 28, 32, 26, 12];

/** One row's cells as text, in EXPORT_HEADERS' order (before neutralising). */
export function exportCells(row: OverviewRow): string[] {
  return [
    row.text ?? row.listed.activityId,
    row.department,
    row.unit ?? '',
    row.ownerRoles.join(', '),
    row.ownerNames.join(', '),
    row.status,
    row.deadline ?? '',
  ];
}

export interface ExportAbout {
  /** The filter in words ("Avdelning: Förskola; sökning: ”språk”"), or "Alla aktiviteter". */
  selection: string;
  /** When the numbers were read, Stockholm time in words. */
  readAt: string;
}

/** The sheet "Översikt": headers on row 1, one row per activity; a second sheet says what was chosen. */
export function overviewWorkbook(rows: readonly OverviewRow[], about: ExportAbout): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Planvakt';
  wb.title = 'Översikt';
  const ws = wb.addWorksheet('Översikt');
  ws.columns = EXPORT_HEADERS.map((header, i) => ({ header, width: WIDTHS[i] }));
  ws.getRow(1).font = { bold: true };
  for (const row of rows) {
    const cells: (string | Date)[] = exportCells(row).map(safeCell);
    // A real date, so the sheet sorts and filters by it; shown as åååå-mm-dd.
    if (row.listed.deadline && row.deadline === row.listed.deadline) cells[6] = new Date(`${row.deadline}T00:00:00Z`);
    const added = ws.addRow(cells);
    added.getCell(7).numFmt = 'yyyy-mm-dd';
    added.alignment = { wrapText: true, vertical: 'top' };
  }
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: EXPORT_HEADERS.length } };
  const info = wb.addWorksheet('Om exporten');
  info.columns = [{ width: 22 }, { width: 80 }];
  info.addRow(['Urval', safeCell(about.selection)]);
  info.addRow(['Siffrorna gäller', safeCell(about.readAt)]);
  info.addRow(['Aktiviteter', rows.length]);
  return wb;
}

export async function overviewXlsx(rows: readonly OverviewRow[], about: ExportAbout): Promise<Buffer> {
  return Buffer.from(await overviewWorkbook(rows, about).xlsx.writeBuffer());
}

/**
 * The same rows as CSV for Excel in Swedish: `;` between cells (the list separator there) and a
 * byte order mark, without which Excel reads UTF-8 as another code page and å, ä, ö break.
 */
export function overviewCsv(rows: readonly OverviewRow[]): string {
  return `\uFEFF${csvText([[...EXPORT_HEADERS], ...rows.map(exportCells)], ';')}`;
}
