/**
 * A published plan (.pdf) read into the document layer with Mozilla's pdf.js: the text items and
 * their positions, grouped into lines; a line with two or more known column headings starts a
 * table whose columns begin where the headings do; rows begin where the line spacing jumps (the
 * cell padding between two rows); the header a new page repeats is skipped, and the first row
 * after a page break is marked so a reader can join a row the break split. Page footers (page
 * numbers, a line repeated at the foot of every page) are dropped. A PDF without text (a scan) is
 * refused with a message that says so.
 *
 * Text inside a cell is rebuilt from its lines: a line that ends where the next line's first word
 * would still have fitted ended a paragraph ("\n"), a word broken at the column edge or after a
 * hyphen is joined without a space, any other line break is a space.
 */
import type { DocBlock, DocRow, DocTable, Place, PlanDocument } from './document';
import { PlanError } from './errors';

interface Item {
  x: number;
  y: number;
  w: number;
  text: string;
}

interface Segment {
  x: number;
  end: number;
  text: string;
}

interface Line {
  page: number;
  y: number;
  segments: Segment[];
}

/** A cell's line before the cell text is rebuilt. */
interface CellLine {
  text: string;
  width: number;
}

interface RawRow {
  page: number;
  /** 1-based row on its page within the table. */
  rowOnPage: number;
  cells: CellLine[][];
  afterPageBreak: boolean;
}

interface RawTable {
  columns: number[];
  headerText: string[];
  header: CellLine[][];
  rows: RawRow[];
  page: number;
}

/** Words that start a line after a wrap but never finish a word a column edge broke. */
const SMALL_WORDS = new Set([
  'och',
  'eller',
  'samt',
  'som',
  'via',
  'i',
  'på',
  'av',
  'med',
  'för',
  'till',
  'om',
  'att',
  'en',
  'ett',
  'de',
  'den',
  'det',
  'vid',
  'inom',
  'från',
  'under',
  'efter',
  'per',
  'hos',
  'mot',
]);

const HEADER_WORDS =
  /^(?:vad ska|aktivitet|åtgärd|insats|måldatum|ansvarig|uppföljning|indikator|årsmål|kf:?s årsmål|periodicitet|startdatum|slutdatum)/i;
const PAGE_NUMBER = /^(?:sid(?:a|an)?\s*)?\d+(?:\s*(?:av|\/|of)\s*\d+)?$/i;

async function loadItems(file: string, bytes: Uint8Array): Promise<{ pages: Item[][]; heights: number[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (e) {
    throw new PlanError(
      { file },
      `not a readable PDF (${(e as Error).message})`,
      `inte en läsbar PDF (${(e as Error).message})`,
    );
  }
  const pages: Item[][] = [];
  const heights: number[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    try {
      const page = await doc.getPage(p);
      heights.push(page.getViewport({ scale: 1 }).height);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const it of content.items) {
        if (!('str' in it) || it.str.trim() === '') continue;
        items.push({ x: it.transform[4] as number, y: it.transform[5] as number, w: it.width, text: it.str });
      }
      pages.push(items);
    } catch (e) {
      await doc.destroy();
      const reason = (e as Error).message;
      throw new PlanError(
        { file, place: `sida ${p}` },
        `page ${p} of the PDF cannot be read (${reason})`,
        `sidan ${p} i PDF:en går inte att läsa (${reason})`,
      );
    }
  }
  await doc.destroy();
  return { pages, heights };
}

function toLines(items: Item[], page: number): Line[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    let line = lines.find((l) => Math.abs(l.y - it.y) < 1.5);
    if (!line) lines.push((line = { page, y: it.y, segments: [] }));
    line.segments.push({ x: it.x, end: it.x + it.w, text: it.text });
  }
  for (const line of lines) {
    line.segments.sort((a, b) => a.x - b.x);
    const merged: Segment[] = [];
    for (const s of line.segments) {
      const last = merged[merged.length - 1];
      if (last && s.x - last.end < 4) {
        last.text += (s.x - last.end > 1 && !last.text.endsWith(' ') ? ' ' : '') + s.text;
        last.end = s.end;
      } else merged.push({ ...s });
    }
    line.segments = merged.map((s) => ({ ...s, text: s.text.replace(/\s+/g, ' ').trim() }));
  }
  return lines.sort((a, b) => b.y - a.y);
}

/** Footer lines: page numbers, or the same text (digits aside) at the foot of most pages. */
function dropFooters(pages: Line[][], heights: number[]): Line[][] {
  const foot = (l: Line) => l.y < (heights[l.page - 1] ?? 800) * 0.08;
  const shape = (l: Line) => l.segments.map((s) => s.text.replace(/\d+/g, '#')).join(' ');
  const counts = new Map<string, number>();
  for (const lines of pages) for (const l of lines.filter(foot)) counts.set(shape(l), (counts.get(shape(l)) ?? 0) + 1);
  return pages.map((lines) =>
    lines.filter((l) => {
      if (!foot(l)) return true;
      const text = l.segments.map((s) => s.text).join(' ');
      return !(PAGE_NUMBER.test(text) || (pages.length > 2 && (counts.get(shape(l)) ?? 0) >= pages.length / 2));
    }),
  );
}

/** The usual distance between two lines of text: the gap that does not start a new row. */
function linePitch(pages: Line[][]): number {
  const counts = new Map<number, number>();
  for (const lines of pages)
    for (let i = 1; i < lines.length; i++) {
      const gap = Math.round(((lines[i - 1]?.y ?? 0) - (lines[i]?.y ?? 0)) * 10) / 10;
      if (gap > 0) counts.set(gap, (counts.get(gap) ?? 0) + 1);
    }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 12;
}

function isHeaderLine(line: Line): boolean {
  return line.segments.length >= 2 && line.segments.filter((s) => HEADER_WORDS.test(s.text)).length >= 2;
}

function columnOf(columns: number[], x: number): number {
  let col = 0;
  columns.forEach((c, i) => {
    if (x >= c - 2) col = i;
  });
  return col;
}

/** A line belongs to the table when each of its pieces starts at a column and stays inside it. */
function fitsTable(columns: number[], line: Line): boolean {
  return line.segments.every((s) => {
    const col = columnOf(columns, s.x);
    const next = columns[col + 1];
    return Math.abs(s.x - (columns[col] ?? 0)) < 3 && (next === undefined || s.end <= next + 1);
  });
}

export async function readPdf(file: string, bytes: Uint8Array): Promise<PlanDocument> {
  const { pages: itemPages, heights } = await loadItems(file, bytes);
  if (itemPages.every((p) => p.length === 0)) {
    throw new PlanError(
      { file },
      `a PDF without text (${itemPages.length} pages, probably scanned): it has no text to read; import the Word or Excel original, or a PDF saved from it`,
      `en PDF utan text (${itemPages.length} sidor, troligen inskannad): den har ingen text att läsa; importera Word- eller Excel-originalet, eller en PDF som sparats därifrån`,
    );
  }
  const pages = dropFooters(
    itemPages.map((items, i) => toLines(items, i + 1)),
    heights,
  );
  const pitch = linePitch(pages);
  const rowGap = pitch + 0.25;

  type Out = { kind: 'paragraph'; page: number; lines: Line[] } | { kind: 'table'; table: RawTable };
  const out: Out[] = [];
  let table: RawTable | undefined;
  let row: RawRow | undefined;
  let inHeader = false;
  let para: { kind: 'paragraph'; page: number; lines: Line[] } | undefined;
  let prevY = Infinity;

  const addToCells = (cells: CellLine[][], line: Line, columns: number[]) => {
    for (const s of line.segments) (cells[columnOf(columns, s.x)] ??= []).push({ text: s.text, width: s.end - s.x });
  };

  for (const lines of pages) {
    let pageStart = true;
    let skippingHeader = 0;
    for (const line of lines) {
      const gap = pageStart ? Infinity : prevY - line.y;
      prevY = line.y;
      const text = line.segments.map((s) => s.text).join(' ');
      if (table) {
        if (pageStart) {
          // The header the new page repeats.
          if (text === table.headerText[0]) {
            skippingHeader = 1;
            pageStart = false;
            continue;
          }
        } else if (
          skippingHeader > 0 &&
          skippingHeader < table.headerText.length &&
          text === table.headerText[skippingHeader]
        ) {
          skippingHeader++;
          continue;
        }
        const afterBreak = skippingHeader > 0 || pageStart;
        if (fitsTable(table.columns, line) && (gap < pitch * 1.6 || afterBreak)) {
          if (inHeader && gap <= rowGap) {
            addToCells(table.header, line, table.columns);
            table.headerText.push(text);
          } else if (row && gap <= rowGap && !(afterBreak && skippingHeader > 0 && row.page !== line.page)) {
            addToCells(row.cells, line, table.columns);
          } else {
            inHeader = false;
            const first = row?.page !== line.page;
            row = {
              page: line.page,
              rowOnPage: first ? 1 : (row?.rowOnPage ?? 0) + 1,
              cells: [],
              afterPageBreak: first && table.rows.length > 0,
            };
            table.rows.push(row);
            addToCells(row.cells, line, table.columns);
          }
          skippingHeader = skippingHeader > 0 ? -1 : skippingHeader;
          pageStart = false;
          continue;
        }
        table = undefined;
        row = undefined;
        inHeader = false;
      }
      pageStart = false;
      if (isHeaderLine(line)) {
        table = { columns: line.segments.map((s) => s.x), headerText: [text], header: [], rows: [], page: line.page };
        addToCells(table.header, line, table.columns);
        inHeader = true;
        out.push({ kind: 'table', table });
        para = undefined;
        continue;
      }
      const continues =
        para &&
        para.page === line.page &&
        gap <= rowGap &&
        line.segments.length === 1 &&
        (para.lines[para.lines.length - 1]?.segments.length ?? 0) === 1;
      if (continues && para && !endsParagraph(para.lines[para.lines.length - 1] as Line, line, rightEdge(pages)))
        para.lines.push(line);
      else out.push((para = { kind: 'paragraph', page: line.page, lines: [line] }));
    }
  }

  // How wide a line in each column may be: the widest line seen there.
  const avail = new Map<string, number[]>();
  for (const o of out) {
    if (o.kind !== 'table') continue;
    const key = o.table.columns.join(',');
    const widths = avail.get(key) ?? [];
    for (const cells of [o.table.header, ...o.table.rows.map((r) => r.cells)])
      cells.forEach((lines, i) => lines.forEach((l) => (widths[i] = Math.max(widths[i] ?? 0, l.width))));
    avail.set(key, widths);
  }

  const blocks: DocBlock[] = [];
  const notes: NonNullable<PlanDocument['notes']> = [];
  let ordinal = 0;
  let tableNo = 0;
  for (const o of out) {
    if (o.kind === 'paragraph') {
      ordinal++;
      const text = joinLines(
        o.lines.map((l) => ({
          text: l.segments.map((s) => s.text).join('\t'),
          width: (l.segments[l.segments.length - 1]?.end ?? 0) - (l.segments[0]?.x ?? 0),
        })),
        rightEdge(pages) - leftEdge(pages),
        'paragraph',
      );
      blocks.push({ kind: 'paragraph', at: { line: ordinal, label: `sida ${o.page}` }, text });
      continue;
    }
    tableNo++;
    const t = o.table;
    const widths = avail.get(t.columns.join(',')) ?? [];
    const cellsOf = (cells: CellLine[][], at: Place) =>
      t.columns.map((_, i) =>
        joinLines(cells[i] ?? [], widths[i] ?? 0, 'cell', (guess, other) =>
          notes.push({
            at,
            field: headerNames[i],
            detail: `a word broken at the column edge: read as "${guess}", it may be "${other}"`,
            detailSv: `ett ord bröts vid kolumnkanten: läst som "${guess}", kan vara "${other}"`,
          }),
        ),
      );
    const headerNames = t.columns.map((_, i) => joinLines(t.header[i] ?? [], widths[i] ?? 0, 'paragraph'));
    ordinal++;
    const headerAt = { line: ordinal, label: `sida ${t.page}, tabell ${tableNo}, rubrikraden` };
    const header: DocRow = { at: headerAt, cells: cellsOf(t.header, headerAt) };
    const rows: DocRow[] = t.rows.map((r) => {
      ordinal++;
      const rowAt = { line: ordinal, label: `sida ${r.page}, tabell ${tableNo}, rad ${r.rowOnPage}` };
      const docRow: DocRow = { at: rowAt, cells: cellsOf(r.cells, rowAt) };
      if (r.afterPageBreak) docRow.afterPageBreak = true;
      return docRow;
    });
    const block: DocTable = {
      kind: 'table',
      at: { line: header.at.line, label: `sida ${t.page}, tabell ${tableNo}` },
      header,
      rows,
    };
    blocks.push(block);
  }
  return { file, format: 'pdf', blocks, notes };
}

let edges: { left: number; right: number; pages: Line[][] } | undefined;
function rightEdge(pages: Line[][]): number {
  return measure(pages).right;
}
function leftEdge(pages: Line[][]): number {
  return measure(pages).left;
}
function measure(pages: Line[][]): { left: number; right: number } {
  if (edges?.pages === pages) return edges;
  let left = Infinity;
  let right = 0;
  for (const lines of pages)
    for (const l of lines)
      if (l.segments.length === 1) {
        left = Math.min(left, l.segments[0]?.x ?? left);
        right = Math.max(right, l.segments[0]?.end ?? right);
      }
  edges = { left, right, pages };
  return edges;
}

/** Whether `prev` ended its paragraph: the first word of `next` would still have fitted after it. */
function endsParagraph(prev: Line, next: Line, right: number): boolean {
  const p = prev.segments[0];
  const n = next.segments[0];
  if (!p || !n) return true;
  const charWidth = (n.end - n.x) / Math.max(n.text.length, 1);
  const word = (n.text.split(' ')[0] ?? '').length * charWidth;
  if (p.end + charWidth + word < right - 2) return true;
  // A short line after a full sentence is a heading of its own ("Nämndmål:"), not the sentence's tail.
  return /[.!?:]$/.test(p.text) && /^\p{Lu}/u.test(n.text) && n.end < right - 100 && n.text.split(' ').length <= 6;
}

function joinLines(
  lines: CellLine[],
  avail: number,
  kind: 'cell' | 'paragraph',
  unsure?: (guess: string, other: string) => void,
): string {
  let out = '';
  lines.forEach((line, i) => {
    if (i === 0) {
      out = line.text;
      return;
    }
    const prev = lines[i - 1] as CellLine;
    const charWidth = prev.width / Math.max(prev.text.length, 1);
    const firstWord = line.text.split(' ')[0] ?? '';
    // A new paragraph only when the first word would clearly have fitted after the line (font
    // widths are estimated), or after a full sentence when it would have fitted at all.
    const room = avail - prev.width - (firstWord.length + 1) * charWidth;
    const sentence = /[.!?:]$/.test(prev.text) && /^[\p{Lu}\d"”-]/u.test(line.text);
    const fits = room > 2.5 * charWidth + firstWord.length * charWidth * 0.25 || (sentence && room > 0.5 * charWidth);
    const lower = /^\p{Ll}/u.test(line.text);
    const word = !SMALL_WORDS.has(firstWord.toLowerCase());
    const full = prev.width + 1.0 * charWidth > avail;
    if (kind === 'cell' && fits) out += `\n${line.text}`;
    // Lines break after a hyphen or a slash inside a word ("socialser-|vicelinje", "2022-12-|31", "/|kartläggning", " -|Helhetssyn").
    else if (
      (lower && word && /\p{L}-$/u.test(prev.text)) ||
      (/^\d/.test(line.text) && /\d-$/.test(prev.text)) ||
      /\S\/$/.test(prev.text) ||
      /(^|\s)-$/.test(prev.text)
    )
      out += line.text;
    else if (lower && word && !prev.text.includes(' ') && full) {
      out += line.text;
      unsure?.(`${prev.text}${firstWord}`, `${prev.text} ${firstWord}`);
    } else if (lower && word && !prev.text.includes(' ') && prev.width + 2.5 * charWidth > avail) {
      out += ` ${line.text}`;
      unsure?.(`${prev.text} ${firstWord}`, `${prev.text}${firstWord}`);
    } else out += ` ${line.text}`;
  });
  return out;
}
