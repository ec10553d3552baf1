/**
 * The seed plans as HR holds them (Word, Excel; fixtures written by scripts/make-plan-fixtures.ts
 * from the text renderings) import to the same Plan as the text renderings: every activity's text,
 * Måldatum, milestones, owners and cadences, and the same ids.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { run as check } from '../../src/cli/check';
import { run as importPlan, type Io } from '../../src/cli/import';
import {
  detectFormat,
  diffPlans,
  placedActivities,
  PlanError,
  readErrors,
  readPlanBytes,
  readPlanFile,
  type Plan,
} from '../../src/plan';
import { readPdf } from '../../src/plan/pdf';
import { parseUpload } from '../../src/web/app/upload';
import { KOMPETENSPLAN, seedPath, VERKSAMHETSPLAN } from './seeds';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const KOMPETENS_BASE = 'kompetensforsorjningsplan-2021-2023';
const VERKSAMHET_BASE = 'verksamhetsplan-2020-resursenheten';

/** The plan without where things were read from (file name, line or table/row): that differs by format. */
function content(plan: Plan): unknown {
  return JSON.parse(JSON.stringify(plan, (k, v: unknown) => (k === 'source' || k === 'file' ? undefined : v)));
}

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'planvakt-formats-'));

describe.each(['docx', 'xlsx', 'csv', 'pdf'])('the seed plans as .%s', (ext) => {
  it('the kompetensförsörjningsplan is the same plan as its text rendering: 73 activities, 11/8/11/18/25', async () => {
    const text = await readPlanFile(seedPath(KOMPETENSPLAN));
    const doc = await readPlanFile(fixture(`${KOMPETENS_BASE}.${ext}`));
    expect(content(doc.plan)).toEqual(content(text.plan));
    expect(diffPlans(text.plan, doc.plan)).toMatchObject({ added: [], removed: [], changed: [], unchanged: 73 });
    expect(
      doc.plan.departments.map((d) => [d.id, placedActivities(doc.plan).filter((p) => p.department === d).length]),
    ).toEqual([
      ['forskola', 11],
      ['stadsutveckling', 8],
      ['aldreomsorg', 11],
      ['individ-och-familj', 18],
      ['funktionsnedsattning', 25],
    ]);
    expect(placedActivities(doc.plan).map((p) => p.activity.id)).toEqual(
      placedActivities(text.plan).map((p) => p.activity.id),
    );
    expect(doc.warnings.map((w) => w.detailSv)).toEqual(text.warnings.map((w) => w.detailSv));
  });

  it('the verksamhetsplan is the same plan as its text rendering: 11 activities, 5 indicators', async () => {
    const text = await readPlanFile(seedPath(VERKSAMHETSPLAN));
    const doc = await readPlanFile(fixture(`${VERKSAMHET_BASE}.${ext}`));
    expect(content(doc.plan)).toEqual(content(text.plan));
    expect(placedActivities(doc.plan)).toHaveLength(11);
    expect(doc.plan.departments[0]?.sections.flatMap((s) => s.goals.flatMap((g) => g.indicators))).toHaveLength(5);
    expect(doc.warnings).toEqual([]);
  });
});

describe('Excel', () => {
  it('one sheet with an Avdelning column gives the same plan as one sheet per avdelning', async () => {
    const text = await readPlanFile(seedPath(KOMPETENSPLAN));
    const column = await readPlanFile(fixture(`${KOMPETENS_BASE}-avdelningskolumn.xlsx`));
    expect(content(column.plan)).toEqual(content(text.plan));
    expect(diffPlans(text.plan, column.plan).unchanged).toBe(73);
  });

  it('the fixture holds real Excel dates, year numbers and line breaks, and they are read as the text plan has them', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(fixture(`${KOMPETENS_BASE}.xlsx`));
    const values = wb.worksheets.flatMap((ws) => ws.getSheetValues().flatMap((r) => (Array.isArray(r) ? r : [])));
    expect(values.some((v) => v instanceof Date)).toBe(true);
    expect(values.some((v) => typeof v === 'number' && v >= 2020 && v <= 2030)).toBe(true);
    expect(values.some((v) => typeof v === 'string' && v.includes('\n'))).toBe(true);
    const { plan } = await readPlanFile(fixture(`${KOMPETENS_BASE}.xlsx`));
    const kinds = new Set(placedActivities(plan).map((p) => p.activity.deadline.kind));
    expect(kinds).toContain('date');
    expect(kinds).toContain('year');
  });

  it('names the sheet and cell in warnings', async () => {
    const { warnings } = await readPlanFile(fixture(`${KOMPETENS_BASE}.xlsx`));
    expect(warnings.map((w) => w.messageSv)).toEqual([
      expect.stringMatching(/^kompetensforsorjningsplan-2021-2023\.xlsx, blad Äldreomsorg, cell C\d+, fält Måldatum/),
    ]);
  });
});

describe('CSV', () => {
  it('is found by its content too: a ;-separated table under another name', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'export.txt'), readFileSync(fixture(`${KOMPETENS_BASE}.csv`)));
    const { plan, warnings } = await readPlanFile(join(dir, 'export.txt'));
    expect(placedActivities(plan)).toHaveLength(73);
    expect(warnings.map((w) => w.messageSv)).toEqual([
      expect.stringMatching(/^export\.txt, cell D\d+, fält Måldatum \(delmål 1\)/),
    ]);
  });
});

describe('Word: a verksamhetsplan table that repeats its header row inside the table', () => {
  it('reads the same plan as the text rendering, the repeated header rows no data rows and no warnings', async () => {
    const path = fixture(`${VERKSAMHET_BASE}-upprepad-rubrikrad.docx`);
    // The fixture holds header rows inside its tables, written as plain rows (no w:tblHeader).
    const xml = await (await JSZip.loadAsync(readFileSync(path))).file('word/document.xml')!.async('string');
    const tables = xml.split('<w:tbl>').slice(1);
    const rowsOf = (table: string) =>
      (table.match(/<w:tr>.*?<\/w:tr>/g) ?? []).map((r) => (r.match(/<w:t[ >].*?<\/w:t>/g) ?? []).join('|'));
    const repeating = tables.filter((t) => {
      const [header, ...rows] = rowsOf(t);
      return rows.includes(header ?? '');
    });
    expect(repeating.length).toBeGreaterThanOrEqual(3);
    expect(xml.split('<w:tblHeader/>').length - 1).toBe(tables.length);
    const text = await readPlanFile(seedPath(VERKSAMHETSPLAN));
    const doc = await readPlanFile(path);
    expect(content(doc.plan)).toEqual(content(text.plan));
    expect(doc.warnings).toEqual([]);
  });
});

describe('Word: places in warnings', () => {
  it('names the table and row, not a line, in every warning', async () => {
    const { warnings, plan } = await readPlanFile(fixture(`${KOMPETENS_BASE}.docx`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.messageSv).toMatch(
      /^kompetensforsorjningsplan-2021-2023\.docx, tabell \d+, rad \d+, fält Måldatum \(delmål 1\): /,
    );
    const first = placedActivities(plan)[0]?.activity.source;
    expect(first?.place).toMatch(/^tabell \d+, rad \d+$/);
  });
});

describe('the front door: format by content', () => {
  it('detects Word by its content types, whatever the file is called', async () => {
    const dir = tmp();
    const bytes = await import('node:fs').then((fs) => fs.readFileSync(fixture(`${VERKSAMHET_BASE}.docx`)));
    expect(await detectFormat(bytes)).toBe('docx');
    writeFileSync(join(dir, 'plan.txt'), bytes);
    const { plan } = await readPlanFile(join(dir, 'plan.txt'));
    expect(placedActivities(plan)).toHaveLength(11);
  });

  it('detects PDF, old Office files and other zips and says what they are', async () => {
    expect(await detectFormat(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(await detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe('ole');
    const dir = tmp();
    const zip = new JSZip();
    zip.file('hej.txt', 'hej');
    writeFileSync(join(dir, 'plan.docx'), await zip.generateAsync({ type: 'nodebuffer' }));
    await expect(readPlanFile(join(dir, 'plan.docx'))).rejects.toThrow(/neither a Word/);
    writeFileSync(join(dir, 'plan.doc'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]));
    const e = await readPlanFile(join(dir, 'plan.doc')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanError);
    expect((e as PlanError).messageSv).toMatch(/spara den som \.docx eller \.xlsx/);
  });

  it('refuses a broken Word document with a PlanError', async () => {
    const dir = tmp();
    const zip = new JSZip();
    zip.file(
      '[Content_Types].xml',
      '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    );
    zip.file(
      'word/document.xml',
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>',
    );
    writeFileSync(join(dir, 'trasig.docx'), await zip.generateAsync({ type: 'nodebuffer' }));
    await expect(readPlanFile(join(dir, 'trasig.docx'))).rejects.toBeInstanceOf(PlanError);
  });

  it('a text export that lost the tables is an error, not an import of 0 activities', async () => {
    const dir = tmp();
    const path = join(dir, 'export.txt');
    // What pdftotext makes of the plan: the headings survive, the tables become loose lines.
    writeFileSync(
      path,
      'Kompetensförsörjningsplan 2021-2023\n\nAktivitetsplan avdelning förskola\n\nVad ska vi uppnå?\nAktivitet\nMåldatum\n',
    );
    await expect(readPlanFile(path)).rejects.toThrow(/no activities found/);
    const io = capture();
    expect(await check([path], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('inga aktiviteter hittades');
  });
});

describe('the plan saved to text first, as a user then tries: a clear error, never a silent wrong import', () => {
  const cases = [
    ...[KOMPETENS_BASE, VERKSAMHET_BASE].flatMap((base) =>
      ['pdftotext', 'libreoffice-textexport'].map(
        (kind) => [`${base}.${kind}.txt`, 'inga aktiviteter hittades'] as const,
      ),
    ),
    [`${KOMPETENS_BASE}.word-textexport.txt`, 'ser ut som en textexport av en Word-tabell'] as const,
  ];

  it.each(cases)('%s is refused: %s', async (name, message) => {
    const e = await readPlanFile(fixture(name)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanError);
    expect((e as PlanError).messageSv).toContain(message);
    const io = capture();
    expect(await check([fixture(name)], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(`fel: ${name}`);
    expect(io.stdout.join('\n')).not.toMatch(/\d+ aktiviteter/);
    const imported = capture();
    expect(await importPlan([fixture(name)], imported)).not.toBe(0);
  });

  it('the Word text export is refused at the first row a cell broke, with what to import', async () => {
    const e = await readPlanFile(fixture(`${KOMPETENS_BASE}.word-textexport.txt`)).catch((x: unknown) => x);
    expect((e as PlanError).messageSv).toMatch(
      /^kompetensforsorjningsplan-2021-2023\.word-textexport\.txt, rad \d+: ser ut som en textexport av en Word-tabell: \d+ tabellrader är brutna över flera rader \(en cell med mer än ett stycke\); importera \.docx-filen direkt$/,
    );
  });

  it("the verksamhetsplan's Word text export, whose cells hold one paragraph each, keeps its rows: the same plan as the text", async () => {
    const text = await readPlanFile(seedPath(VERKSAMHETSPLAN));
    const exported = await readPlanFile(fixture(`${VERKSAMHET_BASE}.word-textexport.txt`));
    expect(content(exported.plan)).toEqual(content(text.plan));
    expect(exported.warnings).toEqual([]);
  });

  it('a tab table whose rows lost the tabs of their empty last cells is no Word export: read, not refused', async () => {
    const dir = tmp();
    const path = join(dir, 'plan.txt');
    // A Kommentar column nobody filled in, its tabs trimmed from every row: each row one cell short.
    const lines = readFileSync(seedPath(VERKSAMHETSPLAN), 'utf8')
      .split('\n')
      .map((l) => (l.startsWith('Aktivitet\tStartdatum\tSlutdatum') ? `${l.trimEnd()}\tKommentar` : l));
    writeFileSync(path, lines.join('\n'));
    const { plan, warnings } = await readPlanFile(path);
    expect(placedActivities(plan)).toHaveLength(11);
    expect(warnings.every((w) => /raden har 3 celler, tabellen har 4 kolumner/.test(w.detailSv))).toBe(true);
  });
});

describe('more warnings than activities', () => {
  it('stops the import with what to do, and the first warnings with their lines', async () => {
    const dir = tmp();
    const path = join(dir, 'textexport.txt');
    const rows = Array.from({ length: 30 }, (_, i) => `| Mål ${i} | Aktivitet ${i} | snart | någon | |`);
    writeFileSync(
      path,
      [
        'Aktivitetsplan avdelningen förskola',
        '',
        '| Vad ska vi uppnå? | Aktivitet | Måldatum | Ansvarig | Uppföljning/kommentar |',
        '|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
    const io = capture();
    expect(await check([path], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain(
      'fel: textexport.txt: fler varningar (60) än aktiviteter och indikatorer (30): filen läses troligen fel',
    );
    expect(err).toContain('fel: textexport.txt, rad 5, fält Måldatum: kan inte läsa "snart" som ett datum');
  });
});

describe('planvakt import and check read Word', () => {
  it('import prints the summary of the .docx', async () => {
    const io = capture();
    expect(await importPlan([fixture(`${KOMPETENS_BASE}.docx`)], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('Avdelning Äldreomsorg\n  Antal aktiviteter: 11 (varav delmål: 4)');
  });

  it('check reports activities and the warning with its table and row', async () => {
    const io = capture();
    expect(await check([fixture(`${KOMPETENS_BASE}.docx`)], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('73 aktiviteter i 5 avdelningar, 1 varning');
    expect(io.stderr.join('\n')).toMatch(/varning: kompetensforsorjningsplan-2021-2023\.docx, tabell \d+, rad \d+/);
  });
});

describe('PDF (printed by LibreOffice from the Word fixture: tables over pages, repeated headers, rows split by page breaks, page footers)', () => {
  it('names page, table and row in every warning', async () => {
    const { warnings } = await readPlanFile(fixture(`${KOMPETENS_BASE}.pdf`));
    expect(warnings.map((w) => w.messageSv)).toEqual([
      expect.stringMatching(
        /^kompetensforsorjningsplan-2021-2023\.pdf, sida \d+, tabell \d+, rad \d+, fält Måldatum \(delmål 1\): /,
      ),
    ]);
  });

  it('is a tagged PDF with drawn table borders, as the reader uses them', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(fixture(`${KOMPETENS_BASE}.pdf`))) })
      .promise;
    const page = await doc.getPage(doc.numPages);
    expect(await page.getStructTree()).not.toBeNull();
    const ops = await page.getOperatorList();
    expect(ops.fnArray.filter((f) => f === pdfjs.OPS.constructPath).length).toBeGreaterThan(5);
    await doc.destroy();
  });

  it('printed without tags, with space after each paragraph in a cell: the same plan, the same warnings', async () => {
    const text = await readPlanFile(seedPath(KOMPETENSPLAN));
    const pdf = await readPlanFile(fixture(`${KOMPETENS_BASE}-otaggad.pdf`));
    expect(content(pdf.plan)).toEqual(content(text.plan));
    expect(pdf.warnings.map((w) => w.detailSv)).toEqual(text.warnings.map((w) => w.detailSv));
  });

  it('a narrow Ansvarig column that breaks role names inside the word: the same plan, each guess a warning at its cell', async () => {
    const text = await readPlanFile(seedPath(KOMPETENSPLAN));
    const pdf = await readPlanFile(fixture(`${KOMPETENS_BASE}-smal-ansvarig.pdf`));
    // "Verksamhetsc|hef HsL", "2.Avdelningch|ef", "Anhörigsamor|dnare" in the printed cells, and
    // "Jämställdhetsutbildning|via", a whole word that filled its line.
    expect(content(pdf.plan)).toEqual(content(text.plan));
    const broken = pdf.warnings.filter((w) => w.detailSv.startsWith('ett ord bröts vid kolumnkanten'));
    expect(pdf.warnings.filter((w) => !broken.includes(w)).map((w) => w.detailSv)).toEqual(
      text.warnings.map((w) => w.detailSv),
    );
    for (const w of broken) expect(w.messageSv).toMatch(/\.pdf, sida \d+, tabell \d+, rad \d+, fält /);
    expect(broken.map((w) => w.detailSv)).toContain(
      'ett ord bröts vid kolumnkanten: läst som "Verksamhetschef", kan vara "Verksamhetsc hef"',
    );
  });

  it('drops the page footer and the header repeated on each page', async () => {
    const doc = await readPdf(`${KOMPETENS_BASE}.pdf`, readFileSync(fixture(`${KOMPETENS_BASE}.pdf`)));
    const texts = doc.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : b.rows.flatMap((r) => r.cells)));
    expect(texts.filter((t) => /^Sida \d+$/.test(t))).toEqual([]);
    expect(texts.filter((t) => /^Vad ska vi uppnå\?$/.test(t))).toEqual([]);
    expect(doc.blocks.filter((b) => b.kind === 'table' && b.rows.some((r) => r.afterPageBreak)).length).toBeGreaterThan(
      0,
    );
  });

  it('a row a page break cut: joined back by the borders and line widths, a sentence ending at the break a paragraph of its own', async () => {
    // Drawn by hand, untagged, Helvetica 10 pt: three ruled columns; the row goes on at the top of
    // page 2 under the repeated header, "medarbetarsamtal." the rest of a sentence the break cut.
    const header: [number, string][] = [
      [55, 'Aktivitet'],
      [245, 'Ansvarig'],
      [365, 'Uppföljning'],
    ];
    const grid = (bottom: number) => [
      [50, 552, 600, 552],
      [50, 530, 600, 530],
      [50, bottom, 600, bottom],
      ...[50, 240, 360, 600].map((x) => [x, 552, x, bottom]),
    ];
    const bytes = handmadePdf([
      {
        text: [
          ...header.map(([x, t]) => [x, 540, t] as const),
          [55, 515, 'Ansvariga chefer uppmuntrar'],
          [55, 503, 'medarbetarna och anordnas.'],
          [245, 515, 'Enhetschef'],
          [365, 515, 'Följs upp på APT-möten och i samband med'],
          [365, 503, 'uppföljningen på APT-möten och i'],
        ],
        rules: grid(490),
      },
      {
        text: [
          ...header.map(([x, t]) => [x, 540, t] as const),
          [55, 515, 'Arbetsmiljöhandboken aktualiseras.'],
          [365, 515, 'medarbetarsamtal.'],
        ],
        rules: grid(500),
      },
    ]);
    const doc = await readPdf('handgjord.pdf', bytes);
    const table = doc.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.header?.cells).toEqual(['Aktivitet', 'Ansvarig', 'Uppföljning']);
    expect(table?.kind === 'table' && table.rows.map((r) => r.cells)).toEqual([
      [
        'Ansvariga chefer uppmuntrar medarbetarna och anordnas.\nArbetsmiljöhandboken aktualiseras.',
        'Enhetschef',
        'Följs upp på APT-möten och i samband med uppföljningen på APT-möten och i medarbetarsamtal.',
      ],
    ]);
  });

  it('refuses a PDF without text (a scan) and says so', async () => {
    const dir = tmp();
    // A one-page PDF with nothing but a drawn rectangle: what a scanner without OCR gives, less the image.
    const stream = '0 0 100 100 re f';
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    ];
    let body = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((o, i) => {
      offsets.push(body.length);
      body += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    writeFileSync(join(dir, 'skannad.pdf'), body, 'latin1');
    const e = await readPlanFile(join(dir, 'skannad.pdf')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanError);
    expect((e as PlanError).messageSv).toMatch(/^skannad\.pdf: en PDF utan text \(1 sidor, troligen inskannad\)/);
  });
});

/** A PDF of pages with text in Helvetica 10 pt at given places and ruled lines, as a table-drawing program writes it. */
function handmadePdf(pages: { text: (readonly [number, number, string])[]; rules: number[][] }[]): Buffer {
  const esc = (t: string) => t.replace(/[\\()]/g, (c) => `\\${c}`);
  const streams = pages.map(
    (p) =>
      `0.5 w\n${p.rules.map(([x0, y0, x1, y1]) => `${x0} ${y0} m ${x1} ${y1} l S`).join('\n')}\n` +
      p.text.map(([x, y, t]) => `BT /F1 10 Tf 1 0 0 1 ${x} ${y} Tm (${esc(t)}) Tj ET`).join('\n'),
  );
  const n = pages.length;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + 2 * i} 0 R`).join(' ')}] /Count ${n} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ...streams.flatMap((stream, i) => [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`,
      `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    ]),
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('damaged Word, Excel and PDF files', () => {
  it.each([`${KOMPETENS_BASE}.docx`, `${VERKSAMHET_BASE}.xlsx`, `${VERKSAMHET_BASE}.pdf`])(
    '%s cut short or with flipped bytes gives a plan or a PlanError, never a crash',
    async (name) => {
      const bytes = readFileSync(fixture(name));
      for (let k = 0; k < 24; k++) {
        const b = Buffer.from(bytes);
        let variant: Buffer = b.subarray(0, Math.floor((b.length * (k + 1)) / 13));
        if (k >= 12) {
          for (let j = 0; j < 20; j++) b[(k * 7919 + j * 104729) % b.length]! ^= 0xff;
          variant = b;
        }
        try {
          await readPlanBytes(name, variant);
        } catch (e) {
          expect(readErrors(e), `${name} variant ${k}: ${(e as Error).message}`).toBeDefined();
        }
      }
    },
    60_000,
  );
});

describe('the web upload reads the same files', () => {
  it.each(['docx', 'xlsx', 'csv', 'pdf'])('an uploaded .%s gives the plan the CLI reads', async (ext) => {
    const bytes = readFileSync(fixture(`${VERKSAMHET_BASE}.${ext}`));
    const uploaded = await parseUpload(`${VERKSAMHET_BASE}.${ext}`, bytes);
    expect(diffPlans((await readPlanFile(seedPath(VERKSAMHETSPLAN))).plan, uploaded.plan)).toEqual({
      added: [],
      removed: [],
      changed: [],
      unchanged: 11,
    });
  });
});

describe('Word tables as planners make them', () => {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const p = (t: string) => `<w:p><w:r><w:t xml:space="preserve">${t}</w:t></w:r></w:p>`;
  const tc = (t: string, pr = '') =>
    `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ''}${t.split('\n').map(p).join('') || '<w:p/>'}</w:tc>`;
  const tr = (cells: string, header = false) =>
    `<w:tr>${header ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${cells}</w:tr>`;
  const HEAD = ['Vad ska vi uppnå?', 'Aktivitet', 'Måldatum', 'Ansvarig', 'Uppföljning/kommentar']
    .map((h) => tc(h))
    .join('');

  async function docx(body: string): Promise<string> {
    const zip = new JSZip();
    zip.file(
      '[Content_Types].xml',
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    );
    zip.file('word/document.xml', `<w:document ${W}><w:body>${body}</w:body></w:document>`);
    const path = join(tmp(), 'plan.docx');
    writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer' }));
    return path;
  }

  it('reads a section row merged across the table, a goal merged down over its activities, a header row repeated inside the table, paragraphs in cells', async () => {
    const path = await docx(
      p('Aktivitetsplan avdelning förskola') +
        `<w:tbl>${tr(HEAD, true)}` +
        tr(tc('Utveckla', '<w:gridSpan w:val="5"/>')) +
        tr(
          tc('Behöriga förskollärare', '<w:vMerge w:val="restart"/>') +
            tc('Validering\nför barnskötare') +
            tc('2022-12-31') +
            tc('Rektor') +
            tc('Per tertial'),
        ) +
        tr(HEAD) +
        tr(tc('', '<w:vMerge/>') + tc('Handledning') + tc('2023') + tc('Förskolechef') + tc('')) +
        '</w:tbl>',
    );
    const { plan, warnings } = await readPlanFile(path);
    const section = plan.departments[0]?.sections[0];
    expect(section?.name).toBe('Utveckla');
    expect(
      section?.goals.map((g) => [
        g.text,
        g.activities.map((a) => [a.text, a.deadline.date, a.owners.map((o) => o.role)]),
      ]),
    ).toEqual([
      [
        'Behöriga förskollärare',
        [
          ['Validering\nför barnskötare', '2022-12-31', ['rektor']],
          ['Handledning', '2023-12-31', expect.any(Array)],
        ],
      ],
    ]);
    expect(placedActivities(plan)).toHaveLength(2);
    for (const w of warnings) expect(w.messageSv).toMatch(/^plan\.docx, tabell 1, rad \d+/);
  });
});
