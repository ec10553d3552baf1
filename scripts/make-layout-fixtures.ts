/**
 * Writes plans in layouts other than the two seeds, as other districts keep them, for the layout
 * tests (test/plan/layouts/) and the browser test of the column mapping. The content is written
 * for Planvakt in the style of public Swedish plans (see test/plan/layouts/fixtures/README.md for
 * which plan each one is modelled on); it is no copy of any of them.
 *
 *   npx tsx scripts/make-layout-fixtures.ts [out-dir]   (default test/plan/layouts/fixtures)
 *
 * The fixtures are committed; CI reads them and never runs this script. Same libraries as
 * scripts/make-plan-fixtures.ts: JSZip for the Word XML, exceljs for the workbooks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = process.argv[2] ?? join(HERE, '..', 'test', 'plan', 'layouts', 'fixtures');

/** A fixed time for the files' dates (exceljs still stamps its zip entries with the time of writing). */
const FIXED = new Date('2026-01-01T00:00:00Z');

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function para(text: string, style?: string): string {
  const pPr = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : '';
  return `<w:p>${pPr}<w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
}

/** A cell; `span` > 1 is a merged cell across that many columns (a goal or section row). */
function cell(text: string, width: number, span = 1): string {
  const paras = text === '' ? ['<w:p/>'] : text.split('\n').map((p) => para(p));
  const gridSpan = span > 1 ? `<w:gridSpan w:val="${span}"/>` : '';
  return `<w:tc><w:tcPr><w:tcW w:w="${width * span}" w:type="dxa"/>${gridSpan}</w:tcPr>${paras.join('')}</w:tc>`;
}

type WordRow = string[] | { merged: string };

function tableXml(header: string[], rows: WordRow[], headerFirst = true): string {
  const width = Math.floor(14000 / header.length);
  const grid = `<w:tblGrid>${header.map(() => `<w:gridCol w:w="${width}"/>`).join('')}</w:tblGrid>`;
  const pr =
    '<w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>' +
    ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
      .map((s) => `<w:${s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
      .join('') +
    '</w:tblBorders></w:tblPr>';
  const tr = (r: WordRow, isHeader = false) =>
    `<w:tr>${isHeader ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${
      Array.isArray(r) ? r.map((c) => cell(c, width)).join('') : cell(r.merged, width, header.length)
    }</w:tr>`;
  const body = headerFirst
    ? [tr(header, true), ...rows.map((r) => tr(r))]
    : // A merged section row above the headings, as some plans start each table.
      [tr(rows[0]!), tr(header), ...rows.slice(1).map((r) => tr(r))];
  return `<w:tbl>${pr}${grid}${body.join('')}</w:tbl>`;
}

async function writeDocx(path: string, body: string[]): Promise<void> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
      body.join('') +
      '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr></w:body></w:document>',
  );
  for (const f of Object.values(zip.files)) f.date = FIXED;
  writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

const HEADER = ['Åtgärd', 'Ansvarig', 'Klart senast', 'Uppföljning'];

/**
 * A handlingsplan with one Word table per goal ("Mål 1: …" above each table), section rows
 * (Behålla, Utveckla, Rekrytera) as merged rows inside the tables or above their headings, and
 * the columns Åtgärd / Ansvarig / Klart senast / Uppföljning.
 */
async function aldreomsorg(): Promise<void> {
  await writeDocx(join(OUT, 'handlingsplan-aldreomsorg-2024.docx'), [
    para('Handlingsplan för kompetensförsörjning 2024–2025, avdelning Äldreomsorg', 'Title'),
    para(
      'Planen har tagits fram av avdelningens ledningsgrupp tillsammans med HR och bygger på medarbetarenkäten 2023 och avgångssamtalen.',
    ),
    para('Uppföljning sker i tertialrapporterna och i verksamhetsberättelsen.'),
    para('Mål 1: Fler undersköterskor väljer att stanna hos oss', 'Heading2'),
    tableXml(HEADER, [
      { merged: 'Behålla' },
      [
        'Mentorskap för alla nyanställda undersköterskor under de första sex månaderna',
        'Enhetschefer',
        '2024-06-30',
        'Följs upp på APT',
      ],
      [
        'Karriärväg till specialistundersköterska inom demens och palliativ vård',
        'Avdelningschef',
        '2025',
        'Tertialvis',
      ],
      [
        'Scheman som ger fler heltider\nÖnskemål samlas in vid medarbetarsamtalen.',
        'Enhetschef och HR',
        '2024-12-31',
        'Medarbetarsamtal',
      ],
    ]),
    para('Mål 2: Cheferna har förutsättningar att leda', 'Heading2'),
    tableXml(
      HEADER,
      [
        { merged: 'Utveckla' },
        ['Ledarutvecklingsprogram för nya enhetschefer', 'HR', 'Tertial 2 2024', 'Ledningsgrupp'],
        ['Se över antalet medarbetare per enhetschef', 'Avdelningschef', '2024-2025', 'Verksamhetsberättelse'],
      ],
      false,
    ),
    para('Mål 3: Vi når nya grupper som kan vilja arbeta hos oss', 'Heading2'),
    tableXml(HEADER, [
      { merged: 'Rekrytera' },
      ['Sommarjobb för ungdomar i hemtjänsten', 'Enhetschefer', '2024-05-31', ''],
      ['Språkstöd på arbetsplatsen för medarbetare med annat modersmål', 'Biträdande enhetschef', 'Löpande', 'APT'],
    ]),
  ]);
}

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

function wrap(sheet: ExcelJS.Worksheet): void {
  sheet.eachRow((row) => row.eachCell((c) => (c.alignment = { wrapText: true, vertical: 'top' })));
  sheet.columns.forEach((c) => (c.width = 28));
}

/**
 * An aktivitetsplan kept in Excel: one sheet, a title row and a follow-up sentence above the
 * table, the columns Fokusområde / Mål / Insats / Ansvar / Start / Tidplan / Uppföljs / Resurser;
 * real Excel dates, a year typed as a number, a line break inside a cell, and a goal written once
 * for the rows under it.
 */
async function forskola(): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = FIXED;
  const sheet = wb.addWorksheet('Aktivitetsplan');
  sheet.addRow(['Aktivitetsplan kompetensförsörjning 2023 – Förskola']);
  sheet.addRow(['Planen följs upp vid tertialrapporteringen.']);
  sheet.addRow([]);
  sheet.addRow(['Fokusområde', 'Mål', 'Insats', 'Ansvar', 'Start', 'Tidplan', 'Uppföljs', 'Resurser']);
  sheet.addRow([
    'Attrahera',
    'Förskolan är en attraktiv arbetsplats för nyutexaminerade',
    'Delta på högskolornas arbetsmarknadsdagar',
    'Rektorer',
    utc(2023, 2, 1),
    utc(2023, 4, 30),
    'Tertial 1',
    'Inom ram',
  ]);
  sheet.addRow(['Attrahera', '', 'Ta emot VFU-studenter på alla förskolor', 'Rektor', null, 2023, 'VB', '']);
  sheet.addRow([
    'Utveckla',
    'Alla barnskötare har en relevant utbildning',
    'Barnskötarutbildning på arbetstid\nTvå kurser per termin',
    'Förvaltningsledning',
    utc(2023, 1, 15),
    2024,
    'Tertialvis och i verksamhetsberättelsen',
    'Statsbidrag',
  ]);
  sheet.addRow([
    'Utveckla',
    '',
    'Språkombud på varje förskola',
    'Pedagogisk utvecklingsledare',
    null,
    utc(2023, 6, 30),
    'APT',
    '',
  ]);
  sheet.addRow([
    'Behålla',
    'Fler stannar efter sitt första år',
    'Introduktionsprogram för nyanställda',
    'Rektorer och HR',
    null,
    'Löpande',
    'Medarbetarsamtal',
    '',
  ]);
  wrap(sheet);
  writeFileSync(join(OUT, 'aktivitetsplan-forskola-2023.xlsx'), Buffer.from(await wb.xlsx.writeBuffer()));
}

/**
 * A plan whose headings name no column the importer knows ("Vad", not "Åtgärd"): HR says once
 * which column is what in Importera, and the next plan of the same shape needs no mapping.
 */
async function okandaRubriker(
  file: string,
  headings: string[],
  more: (string | number | Date)[][] = [],
): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = FIXED;
  const sheet = wb.addWorksheet('Plan');
  sheet.addRow(['Handlingsplan 2024 för avdelning Individ och familj']);
  sheet.addRow([]);
  sheet.addRow(headings);
  sheet.addRow([1, 'Gemensam introduktion för nya socialsekreterare', 'Enhetschef', utc(2024, 3, 31), 'APT']);
  sheet.addRow([2, 'Handledning i grupp för alla handläggare', 'Avdelningschef', 'Löpande', 'Tertial']);
  sheet.addRow([3, 'Mentorer för handläggare under första året', 'Enhetschefer', 2024, 'Medarbetarsamtal']);
  for (const r of more) sheet.addRow(r);
  wrap(sheet);
  writeFileSync(join(OUT, file), Buffer.from(await wb.xlsx.writeBuffer()));
}

mkdirSync(OUT, { recursive: true });
await aldreomsorg();
await forskola();
await okandaRubriker('okanda-rubriker-2024.xlsx', ['Nr', 'Vad', 'Vem', 'Färdigt', 'Avstämning']);
// The same plan revised (one activity more), its headings typed again in other case: the same shape.
await okandaRubriker(
  'okanda-rubriker-2024-reviderad.xlsx',
  ['NR', 'Vad', 'VEM', 'Färdigt', 'Avstämning'],
  [[4, 'Nätverk för socialsekreterare i närliggande stadsdelar', 'Avdelningschef', utc(2024, 10, 31), 'Tertial']],
);
process.stdout.write(`Skrev planerna i andra layouter till ${OUT}\n`);
