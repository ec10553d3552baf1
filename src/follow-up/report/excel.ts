/**
 * The department reports as an Excel workbook (exceljs): one sheet per department, plus a summary
 * sheet for the förvaltning. Plan text and answers are untrusted: a cell that would start with
 * `=`, `+`, `-`, `@` (or a tab or carriage return) gets a leading apostrophe, so no spreadsheet
 * program ever reads it as a formula.
 */
import ExcelJS from 'exceljs';
import { plural, safeCell } from '../../domain';
import { ROW_STATUS_LABEL, type DepartmentReport, type Light } from './model';

const LIGHT_ARGB: Record<Light, string> = { grön: 'FF1B7F3B', gul: 'FFE0B000', röd: 'FFB3261E' };
const NOT_REPORTED_ARGB = 'FFFFF4E5';

/** A cell's text, never a formula (one rule for every sheet and CSV: src/domain/escape.ts). */
export { safeCell };

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
export function sheetName(name: string, taken: Set<string>): string {
  const base =
    name
      .replace(/[:\\/?*[\]]/g, ' ')
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 31) || 'Avdelning';
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++)
    candidate = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

const ACTIVITY_COLUMNS = [
  { header: 'Avsnitt', width: 18 },
  { header: 'Mål', width: 36 },
  { header: 'Aktivitet', width: 50 },
  { header: 'Ansvarig', width: 24 },
  { header: 'Måldatum', width: 12 },
  { header: 'Status', width: 16 },
  { header: 'Kommentar', width: 44 },
  { header: 'Nytt datum', width: 12 },
  { header: 'Försenad', width: 10 },
  { header: 'Rapporterad av', width: 20 },
  { header: 'Rapporterad', width: 12 },
  { header: 'Ej rapporterat', width: 14 },
] as const;

export const SUMMARY_SHEET = 'Förvaltningen';

export function buildWorkbook(reports: readonly DepartmentReport[], title = 'Uppföljning'): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Planvakt';
  wb.title = title;
  const taken = new Set<string>([SUMMARY_SHEET.toLowerCase()]);
  const summary = wb.addWorksheet(SUMMARY_SHEET);
  summary.columns = [
    { header: 'Avdelning', width: 28 },
    { header: 'Period', width: 26 },
    { header: 'Avsnitt', width: 30 },
    { header: 'Aktiviteter', width: 11 },
    { header: 'Klar', width: 7 },
    { header: 'Pågår', width: 7 },
    { header: 'Försenad', width: 9 },
    { header: 'Ej påbörjad', width: 11 },
    { header: 'Ej rapporterad', width: 14 },
    { header: 'Passerat måldatum', width: 17 },
    { header: 'Andel i tid', width: 11 },
    { header: 'Trafikljus', width: 10 },
  ];
  boldRow(summary.getRow(1));

  for (const r of reports) {
    for (const s of [...r.sections.map((s) => ({ name: s.name, c: s.counts })), { name: 'Totalt', c: r.totals }]) {
      const row = summary.addRow([
        safeCell(r.departmentName),
        safeCell(r.label),
        safeCell(s.name),
        s.c.total,
        s.c.done,
        s.c.inProgress,
        s.c.late,
        s.c.notStarted,
        s.c.notReported,
        s.c.overdue,
        s.c.share,
        s.c.light,
      ]);
      row.getCell(11).numFmt = '0%';
      fillLight(row.getCell(12), s.c.light);
      if (s.name === 'Totalt') boldRow(row);
    }
    if (r.totals.indicators) {
      summary.addRow([
        safeCell(r.departmentName),
        safeCell(r.label),
        'Indikatorer',
        r.totals.indicators,
        null,
        null,
        null,
        null,
        r.totals.indicators - r.totals.indicatorsReported,
      ]);
    }
  }
  summary.addRow([]);
  summary.addRow([reports[0]?.lightRule ?? '']);

  for (const r of reports) {
    const ws = wb.addWorksheet(sheetName(r.departmentName, taken));
    ws.addRow([safeCell(`Uppföljning ${r.label}: ${r.departmentName}`)]).font = { bold: true, size: 14 };
    ws.addRow([safeCell(`Rapportfönstret öppnade ${r.opensOn}, sista svarsdag ${r.due}, sammanställd ${r.closedOn}.`)]);
    ws.addRow([safeCell(r.lightRule)]);
    ws.addRow([]);
    const header = ws.addRow(ACTIVITY_COLUMNS.map((c) => c.header));
    boldRow(header);
    ACTIVITY_COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
    for (const s of r.sections) {
      for (const g of s.goals) {
        for (const row of g.rows) {
          const comment = [row.comment, ...row.corrections].filter(Boolean).join('\n');
          const added = ws.addRow([
            safeCell(row.section),
            safeCell(row.goal),
            safeCell(row.text),
            safeCell(row.owners),
            safeCell(row.deadline ?? row.deadlineRaw),
            row.notReported ? ROW_STATUS_LABEL.notReported : safeCell(row.statusLabel),
            safeCell(comment),
            row.proposedDate ?? '',
            row.overdue ? 'Ja' : 'Nej',
            safeCell(row.reportedBy),
            row.reportedOn ?? '',
            row.notReported ? 'Ja' : '',
          ]);
          added.alignment = { wrapText: true, vertical: 'top' };
          fitRowHeight(ws, added);
          if (row.notReported)
            added.eachCell(
              (cell) => (cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: NOT_REPORTED_ARGB } }),
            );
        }
      }
      const c = s.counts;
      const total = ws.addRow([
        safeCell(s.name),
        'Summa avsnitt',
        `${plural(c.total, 'aktivitet', 'aktiviteter')}: ${c.done} Klar, ${c.inProgress} Pågår, ${c.late} Försenad, ${c.notStarted} Ej påbörjad, ${c.notReported} ej rapporterade`,
        '',
        '',
        c.light,
        `${Math.round(c.share * 100)} % i tid`,
      ]);
      boldRow(total);
      total.alignment = { wrapText: true, vertical: 'top' };
      fitRowHeight(ws, total);
      fillLight(total.getCell(6), c.light);
    }
    if (r.indicators.length) {
      ws.addRow([]);
      boldRow(ws.addRow(['Indikatorer']));
      boldRow(
        ws.addRow([
          'Mål',
          'Indikator',
          'Värde',
          'Årsmål',
          'KF:s årsmål',
          'Periodicitet',
          'Kommentar',
          'Ansvarig',
          'Ej rapporterat',
        ]),
      );
      for (const i of r.indicators) {
        const added = ws.addRow([
          safeCell(i.goal),
          safeCell(i.name),
          i.value !== undefined ? safeCell(i.value) : 'Ej rapporterad',
          safeCell(i.annualTarget),
          safeCell(i.kfAnnualTarget),
          safeCell(i.periodicity),
          safeCell(i.comment),
          safeCell(i.owners),
          i.notReported ? 'Ja' : '',
        ]);
        added.alignment = { wrapText: true, vertical: 'top' };
        fitRowHeight(ws, added);
        if (i.notReported)
          added.eachCell(
            (cell) => (cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: NOT_REPORTED_ARGB } }),
          );
      }
    }
    ws.views = [{ state: 'frozen', ySplit: 5 }];
    ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
  }
  summary.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
  return wb;
}

/**
 * Spreadsheet programs do not grow a row for wrapped text written by exceljs (LibreOffice keeps the
 * default height and the lines overlap), so each row gets the height its longest cell needs.
 */
function fitRowHeight(ws: ExcelJS.Worksheet, row: ExcelJS.Row): void {
  let lines = 1;
  row.eachCell((cell, col) => {
    const width = ws.getColumn(col).width ?? 10;
    const text = typeof cell.value === 'string' ? cell.value : '';
    const needed = text
      .split('\n')
      .reduce((n, part) => n + Math.max(1, Math.ceil(part.length / Math.max(1, width * 1.1))), 0);
    lines = Math.max(lines, needed);
  });
  row.height = Math.min(409, lines * 13 + 3);
}

export async function workbookBuffer(reports: readonly DepartmentReport[], title?: string): Promise<Buffer> {
  return Buffer.from(await buildWorkbook(reports, title).xlsx.writeBuffer());
}

function boldRow(row: ExcelJS.Row) {
  row.font = { bold: true };
}

function fillLight(cell: ExcelJS.Cell, light: Light) {
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: LIGHT_ARGB[light] } };
  cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
}
