/**
 * Writes the seed plans as HR holds them, from their text renderings in ../shared/plans:
 * a Word document (.docx: real tables, a repeated header row, paragraphs inside cells) and an
 * Excel workbook (.xlsx: one sheet per avdelning, real dates; and one sheet with an Avdelning
 * column), the same sheet as CSV (`;`, as Swedish Excel saves it), and with LibreOffice installed
 * (`libreoffice --headless`) a tagged PDF printed from the Word document, with variants; and the
 * plain-text files a user may try instead (Word's text export, and with poppler-utils and
 * LibreOffice the `pdftotext` output and LibreOffice's text export), which the import must refuse.
 *
 *   npx tsx scripts/make-plan-fixtures.ts [out-dir]   (default test/plan/fixtures)
 *
 * The fixtures are committed; CI reads them and never runs this script.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { textDocument, type DocRow, type PlanDocument } from '../src/plan/document';
import { sectionKinds } from '../src/plan/kompetensplan';
import { capitalise } from '../src/domain';
import { joinContinued, toLines } from '../src/plan/text';

const HERE = dirname(fileURLToPath(import.meta.url));
const PLANS = join(HERE, '..', '..', 'shared', 'plans');
const SEEDS = [
  { text: 'kompetensforsorjningsplan-2021-2023.md', name: 'kompetensforsorjningsplan-2021-2023' },
  { text: 'verksamhetsplan-2020-resursenheten.txt', name: 'verksamhetsplan-2020-resursenheten' },
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function run(text: string): string {
  return text
    .split('\t')
    .map((part) => (part === '' ? '' : `<w:t xml:space="preserve">${esc(part)}</w:t>`))
    .join('<w:tab/>');
}

/** Arial 10 pt, as the city's document templates set it (LibreOffice prints it with Liberation Sans, same widths). */
const RUN_PROPERTIES = '<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="20"/></w:rPr>';

/** How the document is laid out: the fixtures' own, and variants that test what other plans do. */
interface Layout {
  /** Arial 10 pt (else LibreOffice's default, DejaVu Sans 12 pt: wider, so more words break at a cell edge). */
  arial: boolean;
  /** Ansvarig wide enough for "Avdelningschef" (else as narrow as some plans set it, where role names break). */
  wideOwner: boolean;
  /** Space after each paragraph in a cell (pt): how an untagged PDF still shows a paragraph break. */
  cellSpacing?: number;
  /** The header row written again as a plain row inside the table every so many rows (a table pasted together). */
  headerEvery?: number;
}

const FIXTURE_LAYOUT: Layout = { arial: true, wideOwner: true };

function para(text: string, l: Layout, style?: string, spacing?: number): string {
  const props = [
    style ? `<w:pStyle w:val="${style}"/>` : '',
    spacing ? `<w:spacing w:after="${spacing * 20}"/>` : '',
  ].join('');
  const pPr = props ? `<w:pPr>${props}</w:pPr>` : '';
  return `<w:p>${pPr}<w:r>${l.arial ? RUN_PROPERTIES : ''}${run(text)}</w:r></w:p>`;
}

function cell(text: string, width: number, l: Layout): string {
  const paras = text === '' ? ['<w:p/>'] : text.split('\n').map((p) => para(p, l, undefined, l.cellSpacing));
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/></w:tcPr>${paras.join('')}</w:tc>`;
}

/** Landscape A4 between the margins, in twips. */
const TEXT_WIDTH = 14570;

/** Column widths as a planner sets them: the goal and activity columns wide, dates narrow, Ansvarig wide enough for "Avdelningschef". */
function widths(columns: number, l: Layout): number[] {
  const weights =
    columns === 5
      ? l.wideOwner
        ? [2, 3, 1.1, 1.6, 2.3]
        : [2, 3, 1.2, 1.3, 2.5]
      : Array.from({ length: columns }, (_, i) => (i === 0 ? 2 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.floor((TEXT_WIDTH * w) / total));
}

function row(r: DocRow, columns: number, header: boolean, l: Layout): string {
  const w = widths(columns, l);
  const trPr = header ? '<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>' : '';
  return `<w:tr>${trPr}${r.cells.map((c, i) => cell(c, w[i] ?? w[w.length - 1] ?? 1000, l)).join('')}</w:tr>`;
}

function tableXml(header: DocRow | undefined, rows: DocRow[], l: Layout): string {
  const every = l.headerEvery;
  const body = header && every ? rows.flatMap((r, i) => (i > 0 && i % every === 0 ? [{ ...header }, r] : [r])) : rows;
  const all = [...(header ? [header] : []), ...body];
  const columns = Math.max(...all.map((r) => r.cells.length), 1);
  const grid = `<w:tblGrid>${widths(columns, l)
    .map((w) => `<w:gridCol w:w="${w}"/>`)
    .join('')}</w:tblGrid>`;
  const pr =
    '<w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>' +
    ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
      .map((s) => `<w:${s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
      .join('') +
    '</w:tblBorders></w:tblPr>';
  return `<w:tbl>${pr}${grid}${all.map((r, i) => row(r, columns, i === 0 && header !== undefined, l)).join('')}</w:tbl>`;
}

/**
 * The document as Word holds it. A kompetensförsörjningsplan's activity tables are one table per
 * avdelning (the text rendering's page-break splits joined again, as for Excel); its header row
 * repeats on every page and its rows may break across pages, as in the published plan.
 */
function docxXml(doc: PlanDocument, l: Layout): string {
  const body: string[] = [];
  const departments = departmentsOf(doc);
  const firstDepartment = doc.blocks.findIndex((b) => b.kind === 'paragraph' && DEPARTMENT_HEADING.test(b.text));
  const blocks = departments.length > 0 ? doc.blocks.slice(0, firstDepartment) : doc.blocks;
  for (const b of blocks) {
    if (b.kind === 'paragraph') body.push(para(b.text.trim(), l));
    else body.push(tableXml(b.header, b.rows, l), '<w:p/>');
  }
  for (const d of departments) {
    body.push(para(d.heading, l, 'Heading2'));
    const at = { line: 0 };
    body.push(
      tableXml(
        { at, cells: d.header },
        d.rows.map((cells) => ({ at, cells })),
        l,
      ),
      '<w:p/>',
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<w:body>${body.join('')}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>`
  );
}

async function writeDocx(doc: PlanDocument, path: string, l: Layout = FIXTURE_LAYOUT): Promise<void> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  );
  zip.file('word/document.xml', docxXml(doc, l));
  // A page footer with the page number, as published plans have: the PDF reader must drop it.
  zip.file(
    'word/_rels/document.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>' +
      '</Relationships>',
  );
  zip.file(
    'word/footer1.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      '<w:p><w:r><w:t xml:space="preserve">Sida </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>' +
      '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>',
  );
  // A fixed date keeps the fixture byte-identical between runs.
  const date = new Date('2026-01-01T00:00:00Z');
  for (const f of Object.values(zip.files)) f.date = date;
  writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

const TAGGED_PDF = JSON.stringify({ UseTaggedPDF: { type: 'boolean', value: 'true' } });

const DEPARTMENT_HEADING = /^\s*aktivitetsplan\s+(?:för\s+)?avdelning(?:en)?\s+(.+?)\s*$/i;

/** A cell value as Excel keeps it: a plain date as a date, a year as a number, the rest as text. */
function excelValue(text: string): ExcelJS.CellValue {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T00:00:00Z`);
  if (/^\d{4}$/.test(text)) return Number(text);
  return text === '' ? null : text;
}

function addRow(sheet: ExcelJS.Worksheet, cells: readonly string[]): void {
  const row = sheet.addRow(cells.map(excelValue));
  row.eachCell((c) => {
    if (c.value instanceof Date) c.numFmt = 'yyyy-mm-dd';
    c.alignment = { wrapText: true, vertical: 'top' };
  });
}

interface Department {
  name: string;
  /** The heading as the plan writes it ("Aktivitetsplan avdelning förskola"). */
  heading: string;
  header: string[];
  rows: string[][];
}

/**
 * A kompetensförsörjningsplan's tables as one table per avdelning, as Excel holds it: no page
 * breaks, so the tables a page break split are one again and a row split by a break is one row.
 */
function departmentsOf(doc: PlanDocument): Department[] {
  const out: Department[] = [];
  let current: Department | undefined;
  for (const b of doc.blocks) {
    if (b.kind === 'paragraph') {
      const m = DEPARTMENT_HEADING.exec(b.text);
      if (m?.[1]) out.push((current = { name: capitalise(m[1]), heading: b.text.trim(), header: [], rows: [] }));
      continue;
    }
    if (!current) continue;
    const headerCells = b.header?.cells ?? [];
    const isColumns =
      headerCells.filter((c) => /^(?:vad ska|aktivitet|hur gör|måldatum|ansvarig|uppföljning)/i.test(c)).length >= 2;
    let rows = b.rows.map((r) => r.cells);
    if (isColumns && current.header.length === 0) current.header = headerCells;
    else if (!isColumns && b.header && headerCells.some((c) => c !== '')) rows = [headerCells, ...rows];
    const col = (name: RegExp) => current!.header.findIndex((c) => name.test(c));
    const [goal = -1, text = -1, deadline = -1, owners = -1, followUp = -1] = [
      /^vad ska/i,
      /^(?:aktivitet|hur gör)/i,
      /^måldatum/i,
      /^ansvarig/i,
      /^uppföljning/i,
    ].map(col);
    let first = !isColumns;
    for (const cells of rows) {
      if (cells.every((c) => c === '')) continue;
      const prev = current.rows[current.rows.length - 1];
      const at = (i: number | undefined) => (i === undefined || i < 0 ? '' : (cells[i] ?? ''));
      const isSection = sectionKinds(at(goal)) && [text, deadline, owners, followUp].every((i) => at(i) === '');
      if (first && !isSection && at(deadline) === '' && at(owners) === '' && prev && !sectionKinds(prev[goal] ?? '')) {
        // The rest of the row the page break split goes back into its row.
        if (goal >= 0) prev[goal] = joinContinued(prev[goal] ?? '', at(goal));
        if (text >= 0) prev[text] = joinContinued(prev[text] ?? '', at(text));
        if (followUp >= 0 && at(followUp) !== '')
          prev[followUp] = prev[followUp] ? `${prev[followUp]}\n${at(followUp)}` : at(followUp);
      } else current.rows.push([...cells]);
      first = false;
    }
  }
  return out;
}

/** The plan's own paragraphs that say what it is: its title and its follow-up sentence. */
function planParagraphs(doc: PlanDocument): string[] {
  const paras = doc.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text.trim()] : []));
  return [paras[0] ?? '', ...paras.filter((p) => /^uppföljning\s+av\s/i.test(p))];
}

async function writeXlsx(doc: PlanDocument, path: string, layout: 'sheets' | 'column'): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = new Date('2026-01-01T00:00:00Z');
  const departments = departmentsOf(doc);
  if (departments.length > 0) {
    const about = wb.addWorksheet('Om planen');
    for (const p of planParagraphs(doc)) about.addRow([p]);
    if (layout === 'sheets') {
      for (const d of departments) {
        const sheet = wb.addWorksheet(d.name);
        addRow(sheet, d.header);
        for (const r of d.rows) addRow(sheet, r);
      }
    } else {
      const sheet = wb.addWorksheet('Aktivitetsplan');
      addRow(sheet, ['Avdelning', ...(departments[0]?.header ?? [])]);
      for (const d of departments) for (const r of d.rows) addRow(sheet, [d.name, ...r]);
    }
  } else {
    // A verksamhetsplan: headings and their text as one-cell rows, each table followed by a blank row.
    const sheet = wb.addWorksheet('Verksamhetsplan');
    for (const b of doc.blocks) {
      if (b.kind === 'paragraph') sheet.addRow([b.text.replace(/\t/g, ' ').trim()]);
      else {
        if (b.header) addRow(sheet, b.header.cells);
        for (const r of b.rows) addRow(sheet, r.cells);
        sheet.addRow([]);
      }
    }
  }
  writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
}

/** The rows of the one-sheet layouts (title rows, a blank row, the table), as CSV: `;`-separated as Swedish Excel saves it. */
function csvRows(doc: PlanDocument): string[][] {
  const departments = departmentsOf(doc);
  if (departments.length > 0) {
    return [
      ...planParagraphs(doc).map((p) => [p]),
      [],
      ['Avdelning', ...(departments[0]?.header ?? [])],
      ...departments.flatMap((d) => d.rows.map((r) => [d.name, ...r])),
    ];
  }
  return doc.blocks.flatMap((b) =>
    b.kind === 'paragraph'
      ? [[b.text.replace(/\t/g, ' ').trim()]]
      : [...(b.header ? [b.header.cells] : []), ...b.rows.map((r) => r.cells), []],
  );
}

function toCsv(rows: string[][]): string {
  const cell = (c: string) => (/[;"\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return `\uFEFF${rows.map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}

/** The plan as Word's "Spara som oformaterad text" writes it (see main). */
function wordTextExport(doc: PlanDocument): string {
  const departments = departmentsOf(doc);
  const firstDepartment = doc.blocks.findIndex((b) => b.kind === 'paragraph' && DEPARTMENT_HEADING.test(b.text));
  const lines: string[] = [];
  for (const b of departments.length > 0 ? doc.blocks.slice(0, firstDepartment) : doc.blocks) {
    // The empty paragraph the document has after each table is an empty line.
    if (b.kind === 'paragraph') lines.push(b.text.trim());
    else lines.push(...[...(b.header ? [b.header] : []), ...b.rows].map((r) => r.cells.join('\t')), '');
  }
  for (const d of departments) {
    lines.push(d.heading);
    lines.push(...[d.header, ...d.rows].map((cells) => cells.join('\t')), '');
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The PDF LibreOffice prints from a .docx, written to `pdfPath`: tagged (as an accessible
 * published plan must be, and as Word saves a PDF by default) unless `tagged` is false.
 */
export function printPdf(docx: string, pdfPath: string, tagged = true): void {
  const dir = mkdtempSync(join(tmpdir(), 'planvakt-pdf-'));
  const filter = tagged ? `pdf:writer_pdf_Export:${TAGGED_PDF}` : 'pdf';
  execFileSync('libreoffice', ['--headless', '--convert-to', filter, '--outdir', dir, docx], { stdio: 'ignore' });
  renameSync(join(dir, `${basename(docx, '.docx')}.pdf`), pdfPath);
  console.log(`skrev ${pdfPath}`);
}

/** A variant of a seed plan as a PDF only: its .docx (the layout under test) in a temporary folder. */
async function variantPdf(doc: PlanDocument, pdfPath: string, l: Layout, tagged = true): Promise<void> {
  const docx = join(mkdtempSync(join(tmpdir(), 'planvakt-docx-')), `${basename(pdfPath, '.pdf')}.docx`);
  await writeDocx(doc, docx, l);
  printPdf(docx, pdfPath, tagged);
}

export { csvRows, toCsv, writeDocx, writeXlsx, type Layout };

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(HERE, '..', 'test', 'plan', 'fixtures');
  mkdirSync(out, { recursive: true });
  const pdf = process.env.PDF !== '0';
  for (const seed of SEEDS) {
    const doc = textDocument(seed.text, toLines(seed.text, readFileSync(join(PLANS, seed.text), 'utf8')));
    const docx = join(out, `${seed.name}.docx`);
    await writeDocx(doc, docx);
    console.log(`skrev ${docx}`);
    const xlsx = join(out, `${seed.name}.xlsx`);
    await writeXlsx(doc, xlsx, 'sheets');
    console.log(`skrev ${xlsx}`);
    const csv = join(out, `${seed.name}.csv`);
    writeFileSync(csv, toCsv(csvRows(doc)));
    console.log(`skrev ${csv}`);
    if (seed.name.startsWith('kompetens')) {
      const column = join(out, `${seed.name}-avdelningskolumn.xlsx`);
      await writeXlsx(doc, column, 'column');
      console.log(`skrev ${column}`);
    } else {
      // A table with its header row written again inside it, not only marked to repeat.
      const repeated = join(out, `${seed.name}-upprepad-rubrikrad.docx`);
      await writeDocx(doc, repeated, { ...FIXTURE_LAYOUT, headerEvery: 2 });
      console.log(`skrev ${repeated}`);
    }
    // The text a user gets by saving the Word file as plain text, as Word writes its tables: a row
    // as one tab-separated line, a cell's paragraphs on lines of their own. The importer must refuse it.
    const wordText = join(out, `${seed.name}.word-textexport.txt`);
    writeFileSync(wordText, wordTextExport(doc));
    console.log(`skrev ${wordText}`);
    if (!pdf) continue;
    try {
      printPdf(docx, join(out, `${seed.name}.pdf`));
      // What pdftotext (poppler) and LibreOffice's text export make of the plan: tables lost.
      const pdftotext = join(out, `${seed.name}.pdftotext.txt`);
      try {
        execFileSync('pdftotext', [join(out, `${seed.name}.pdf`), pdftotext]);
        console.log(`skrev ${pdftotext}`);
      } catch (e) {
        console.error(`ingen pdftotext-text (poppler-utils saknas?): ${(e as Error).message}`);
      }
      const dir = mkdtempSync(join(tmpdir(), 'planvakt-txt-'));
      execFileSync('libreoffice', ['--headless', '--convert-to', 'txt:Text', '--outdir', dir, docx], {
        stdio: 'ignore',
      });
      renameSync(join(dir, `${seed.name}.txt`), join(out, `${seed.name}.libreoffice-textexport.txt`));
      console.log(`skrev ${join(out, `${seed.name}.libreoffice-textexport.txt`)}`);
      if (seed.name.startsWith('kompetens')) {
        // As some plans are set: a narrow Ansvarig column and a wide font, so role names break at its edge.
        await variantPdf(doc, join(out, `${seed.name}-smal-ansvarig.pdf`), { arial: false, wideOwner: false });
        // Printed without tags: paragraphs told by the space after them.
        await variantPdf(doc, join(out, `${seed.name}-otaggad.pdf`), { ...FIXTURE_LAYOUT, cellSpacing: 3 }, false);
      }
    } catch (e) {
      console.error(`ingen PDF (libreoffice saknas eller misslyckades): ${(e as Error).message}`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
