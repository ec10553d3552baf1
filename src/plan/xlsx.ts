/**
 * An Excel workbook (.xlsx) read into the document layer with exceljs. Each sheet is read top
 * down: a row with one filled cell outside a table is a paragraph (a title, "Aktivitetsplan
 * avdelning …", a goal heading), a row with two or more filled cells starts a table with that row
 * as its header, and a blank row ends the table. Real Excel dates become ISO dates, whole numbers
 * stay numbers ("2022" is a year), line breaks in a cell are paragraphs of the cell.
 *
 * Two layouts of a kompetensförsörjningsplan work: one sheet per avdelning (under a title row
 * "Aktivitetsplan avdelning …" or, without one, named by the sheet), or one sheet with an
 * Avdelning column, whose rows are grouped into one table per avdelning.
 */
import ExcelJS from 'exceljs';
import type { DocBlock, DocRow, DocTable, Place, PlanDocument } from './document';
import { PlanError } from './errors';

const DEPARTMENT_HEADING = /^\s*aktivitetsplan\s+(?:för\s+)?avdelning(?:en)?\s+/i;
/** Sheet names Excel gives that name nothing. */
const GENERIC_SHEET = /^(?:blad|sheet|tabelle|feuil)\s*\d*$/i;
const ACTIVITY_HEADER = /^(?:vad ska|aktivitet|måldatum|ansvarig|uppföljning)/i;

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A cell's value as the planner sees it. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return iso(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Ja' : 'Nej';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

export function cleanGridCell(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

export async function readXlsx(file: string, bytes: Uint8Array): Promise<PlanDocument> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer as an ArrayBuffer; a copy of the bytes is exactly that.
    await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  } catch (e) {
    throw new PlanError(
      { file },
      `not a readable Excel file (${(e as Error).message})`,
      `inte en läsbar Excel-fil (${(e as Error).message})`,
    );
  }
  const sheets: GridSheet[] = [];
  for (const sheet of workbook.worksheets) {
    if (sheet.state !== 'visible') continue;
    const rows: string[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cleanGridCell(cellText(row.getCell(c).value)));
      rows.push(cells);
    }
    sheets.push({ name: sheet.name, rows, namesDepartment: !GENERIC_SHEET.test(sheet.name.trim()) });
  }
  return gridDocument(file, 'xlsx', sheets);
}

export interface GridSheet {
  name: string;
  /** Row r (1-based) is rows[r - 1]; cells already cleaned. */
  rows: string[][];
  /** Whether the sheet's name may be an avdelning's ("Förskola"), not "Blad1" or a CSV file's name. */
  namesDepartment: boolean;
}

/**
 * Sheets of cells (Excel, CSV) as a document: a row with one filled cell outside a table is a
 * paragraph, a row with two or more starts a table with that row as its header, a blank row ends
 * the table. Places are "blad …, rad …" with each cell's address for warnings.
 */
export function gridDocument(file: string, format: string, sheets: GridSheet[]): PlanDocument {
  const blocks: DocBlock[] = [];
  let ordinal = 0;
  for (const sheet of sheets) {
    // A CSV file has one unnamed sheet: its places are "rad 7", "cell C7".
    const where = sheet.name === '' ? '' : `blad ${sheet.name}, `;
    const sheetLabel = sheet.name === '' ? 'tabellen' : `blad ${sheet.name}`;
    const sheetBlocks: DocBlock[] = [];
    let table: DocTable | undefined;
    sheet.rows.forEach((raw, index) => {
      const r = index + 1;
      const width = table?.header?.cells.length ?? 0;
      const cells = [...raw];
      while (cells.length < width) cells.push('');
      while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
      const filled = cells.filter((c) => c !== '').length;
      ordinal++;
      const at: Place = { line: ordinal, label: `${where}rad ${r}` };
      if (filled === 0) {
        table = undefined;
        return;
      }
      if (table) {
        const header = table.header?.cells ?? [];
        at.cells = header.map((h, i) => ({ header: h, address: `${columnLetter(i + 1)}${r}` }));
        table.rows.push({ at, cells });
      } else if (filled >= 2) {
        table = { kind: 'table', at: { line: ordinal, label: sheetLabel }, header: { at, cells }, rows: [] };
        sheetBlocks.push(table);
      } else {
        sheetBlocks.push({ kind: 'paragraph', at, text: cells.find((c) => c !== '') ?? '' });
      }
    });
    blocks.push(...byDepartmentColumn(sheetBlocks, sheetLabel));
    // A sheet per avdelning without its own heading is named by the sheet.
    const hasActivityTable = sheetBlocks.some(
      (b) => b.kind === 'table' && (b.header?.cells.filter((c) => ACTIVITY_HEADER.test(c)).length ?? 0) >= 2,
    );
    const hasHeading = sheetBlocks.some((b) => b.kind === 'paragraph' && DEPARTMENT_HEADING.test(b.text));
    const hasColumn = sheetBlocks.some((b) => b.kind === 'table' && departmentColumn(b) >= 0);
    if (hasActivityTable && !hasHeading && !hasColumn && sheet.namesDepartment) {
      const first = blocks.length - sheetBlocks.length;
      const firstTable = blocks.findIndex((b, i) => i >= first && b.kind === 'table');
      blocks.splice(firstTable, 0, {
        kind: 'paragraph',
        at: { line: 0, label: sheetLabel },
        text: `Aktivitetsplan avdelning ${sheet.name.trim()}`,
      });
    }
  }
  return { file, format, blocks };
}

function departmentColumn(table: DocTable): number {
  return table.header?.cells.findIndex((c) => /^avdelning$/i.test(c)) ?? -1;
}

/** One table with an Avdelning column → a heading and a table per avdelning, in the order they come. */
function byDepartmentColumn(blocks: DocBlock[], sheetLabel: string): DocBlock[] {
  const out: DocBlock[] = [];
  for (const b of blocks) {
    const col = b.kind === 'table' ? departmentColumn(b) : -1;
    if (b.kind !== 'table' || col < 0 || !b.header) {
      out.push(b);
      continue;
    }
    const drop = (r: DocRow): DocRow => {
      const at: Place = { ...r.at };
      if (r.at.cells) at.cells = r.at.cells.filter((_, i) => i !== col);
      return { at, cells: r.cells.filter((_, i) => i !== col) };
    };
    const header = drop(b.header);
    let current: DocTable | undefined;
    let name = '';
    for (const row of b.rows) {
      const department = row.cells[col] ?? '';
      if (!current || (department !== '' && department !== name)) {
        name = department || name;
        out.push({
          kind: 'paragraph',
          at: { line: row.at.line, label: sheetLabel },
          text: `Aktivitetsplan avdelning ${name || 'okänd'}`,
        });
        current = { kind: 'table', at: b.at, header, rows: [] };
        out.push(current);
      }
      current.rows.push(drop(row));
    }
  }
  return out;
}

/** 1 → A, 27 → AA. */
function columnLetter(n: number): string {
  let out = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(65 + ((k - 1) % 26)) + out;
  return out;
}
