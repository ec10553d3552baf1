/**
 * A published plan (.pdf) read into the document layer with Mozilla's pdf.js: the text items and
 * their positions, grouped into lines; a line with two or more known column headings starts a
 * table. When the table's borders are drawn (the page's path operators: lines and thin
 * rectangles), its columns are the cells between the vertical borders and a row ends at a
 * horizontal rule; without borders, columns begin where the headings do and rows where the line
 * spacing jumps. The header a new page repeats is skipped; a row a page break cut mid-sentence is
 * joined back, and the first row after any other break is marked so a reader can join it. Page
 * footers (page numbers, a line repeated at the foot of every page) are dropped. A PDF without
 * text (a scan) is refused with a message that says so.
 *
 * Text inside a cell is rebuilt from its lines. A tagged PDF (an accessible export) says which
 * lines make one paragraph; otherwise paragraph spacing does, or the first word of a line that
 * would still have fitted on the line above. Inside a paragraph a line break is a space, except
 * after a hyphen, and where a word too long for the cell was broken at its edge: a one-word line
 * the next character would not have fitted after (glyph widths measured from the PDF's own
 * text), the document's own words deciding between a broken word and a whole one that filled
 * the cell, and a warning where they cannot.
 */
import type { DocBlock, DocRow, DocTable, Place, PlanDocument } from './document';
import { PlanError } from './errors';

interface Item {
  x: number;
  y: number;
  w: number;
  text: string;
  /** The tagged paragraph (P, TD, H1 … in the structure tree) the item's marked content belongs to. */
  para?: string;
  font: string;
  size: number;
}

interface Segment {
  x: number;
  end: number;
  text: string;
  para?: string;
  font: string;
  size: number;
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
  y: number;
  end: number;
  para?: string;
  font?: string;
  size?: number;
  /** The first line of a cell part on a new page, joined to the part above: no tag says whether a paragraph goes on. */
  pageJoin?: boolean;
}

/** The lines a page draws: table borders as horizontal and vertical rules. */
interface Rules {
  h: { y: number; x0: number; x1: number }[];
  v: { x: number; y0: number; y1: number }[];
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
  /** The drawn vertical borders (one more than the columns) when the table has them. */
  edges?: number[];
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

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfPage = Awaited<ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>>;

/** Roles inside a paragraph: their content belongs to the paragraph around them. */
const INLINE_ROLES = new Set(['Span', 'Link', 'Quote', 'Note', 'Reference', 'BibEntry', 'Code', 'Annot', 'Lbl']);

/**
 * A tagged PDF (Word's and LibreOffice's accessible export, which published plans must be) says
 * which lines make one paragraph: each marked-content id maps to the paragraph element holding it.
 */
async function paragraphKeys(page: PdfPage, pageNo: number): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  const tree = await page.getStructTree().catch(() => null);
  if (!tree) return keys;
  let n = 0;
  type Node = { role?: string; type?: string; id?: string; children?: Node[] };
  const walk = (node: Node, key: string): void => {
    for (const c of node.children ?? []) {
      if (c.type === 'content' && c.id) keys.set(c.id, key);
      else if (c.role) walk(c, INLINE_ROLES.has(c.role) ? key : `${pageNo}:${++n}`);
    }
  };
  walk(tree as Node, `${pageNo}:0`);
  return keys;
}

/** pdf.js's path codes in a constructPath (its DrawOPS, which the package does not export). */
const DrawOPS = { moveTo: 0, lineTo: 1, curveTo: 2, quadraticCurveTo: 3, closePath: 4 };

/** The page's straight lines (CTM applied): borders drawn as lines or as thin filled rectangles. */
async function pageRules(pdfjs: PdfJs, page: PdfPage): Promise<Rules> {
  const { OPS } = pdfjs;
  const ops = await page.getOperatorList();
  const paint = new Set([
    OPS.stroke,
    OPS.closeStroke,
    OPS.fill,
    OPS.eoFill,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const rules: Rules = { h: [], v: [] };
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  const at = (x: number, y: number): [number, number] => [
    (ctm[0] ?? 1) * x + (ctm[2] ?? 0) * y + (ctm[4] ?? 0),
    (ctm[1] ?? 0) * x + (ctm[3] ?? 1) * y + (ctm[5] ?? 0),
  ];
  const add = ([x0, y0]: [number, number], [x1, y1]: [number, number]) => {
    if (Math.abs(y1 - y0) < 0.6 && Math.abs(x1 - x0) > 2)
      rules.h.push({ y: (y0 + y1) / 2, x0: Math.min(x0, x1), x1: Math.max(x0, x1) });
    else if (Math.abs(x1 - x0) < 0.6 && Math.abs(y1 - y0) > 2)
      rules.v.push({ x: (x0 + x1) / 2, y0: Math.min(y0, y1), y1: Math.max(y0, y1) });
  };
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) {
      const [a, b, c, d, e, f] = args as number[];
      const [A, B, C, D, E, F] = ctm as [number, number, number, number, number, number];
      ctm = [
        a! * A + b! * C,
        a! * B + b! * D,
        c! * A + d! * C,
        c! * B + d! * D,
        e! * A + f! * C + E,
        e! * B + f! * D + F,
      ];
    } else if (fn === OPS.constructPath && paint.has(args[0] as number)) {
      const data = (args[1] as ArrayLike<number>[] | undefined)?.[0];
      if (!data) continue;
      let start: [number, number] = [0, 0];
      let cur: [number, number] = [0, 0];
      for (let k = 0; k < data.length;) {
        const op = data[k];
        if (op === DrawOPS.moveTo) {
          cur = start = at(data[k + 1] ?? 0, data[k + 2] ?? 0);
          k += 3;
        } else if (op === DrawOPS.lineTo) {
          const next = at(data[k + 1] ?? 0, data[k + 2] ?? 0);
          add(cur, next);
          cur = next;
          k += 3;
        } else if (op === DrawOPS.curveTo) {
          cur = at(data[k + 5] ?? 0, data[k + 6] ?? 0);
          k += 7;
        } else if (op === DrawOPS.quadraticCurveTo) {
          cur = at(data[k + 3] ?? 0, data[k + 4] ?? 0);
          k += 5;
        } else if (op === DrawOPS.closePath) {
          add(cur, start);
          cur = start;
          k += 1;
        } else break;
      }
    }
  }
  return rules;
}

/**
 * Each font's glyph widths (per unit of font size), solved from the widths of the text items it
 * drew (least squares over the items' characters): how wide a character is, to tell whether it
 * would still have fitted at the end of a line.
 */
function glyphWidths(items: Item[]): (font: string, size: number, text: string) => number {
  const byFont = new Map<string, Map<string, number>>();
  const groups = new Map<string, Item[]>();
  for (const it of items)
    if (it.size > 0 && it.w > 0) (groups.get(it.font) ?? groups.set(it.font, []).get(it.font)!).push(it);
  for (const [font, list] of groups) {
    const index = new Map<string, number>();
    for (const it of list) for (const ch of it.text) if (!index.has(ch)) index.set(ch, index.size);
    const n = index.size;
    const ata = Array.from({ length: n }, () => new Float64Array(n + 1));
    for (const it of list) {
      const counts = new Map<number, number>();
      for (const ch of it.text) counts.set(index.get(ch)!, (counts.get(index.get(ch)!) ?? 0) + 1);
      const w = it.w / it.size;
      for (const [i, ci] of counts) {
        const row = ata[i]!;
        for (const [j, cj] of counts) row[j]! += ci * cj;
        row[n]! += ci * w;
      }
    }
    // A little ridge keeps characters seen only together solvable.
    for (let i = 0; i < n; i++) ata[i]![i]! += 1e-6;
    for (let c = 0; c < n; c++) {
      let pivot = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(ata[r]![c]!) > Math.abs(ata[pivot]![c]!)) pivot = r;
      [ata[c], ata[pivot]] = [ata[pivot]!, ata[c]!];
      const pr = ata[c]!;
      for (let r = 0; r < n; r++) {
        if (r === c || pr[c] === 0) continue;
        const f = ata[r]![c]! / pr[c]!;
        if (f !== 0) for (let k = c; k <= n; k++) ata[r]![k]! -= f * pr[k]!;
      }
    }
    const widths = new Map<string, number>();
    for (const [ch, i] of index) widths.set(ch, (ata[i]![n] ?? 0) / (ata[i]![i] || 1));
    byFont.set(font, widths);
  }
  return (font, size, text) => {
    const widths = byFont.get(font);
    const avg = widths ? [...widths.values()].reduce((a, b) => a + b, 0) / Math.max(widths.size, 1) : 0.5;
    let sum = 0;
    for (const ch of text) sum += widths?.get(ch) ?? avg;
    return sum * size;
  };
}

interface Loaded {
  pages: Item[][];
  heights: number[];
  rules: Rules[];
  widthOf: (font: string, size: number, text: string) => number;
}

async function loadItems(file: string, bytes: Uint8Array): Promise<Loaded> {
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
  const rules: Rules[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    try {
      const page = await doc.getPage(p);
      heights.push(page.getViewport({ scale: 1 }).height);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const keys = await paragraphKeys(page, p);
      const marked: (string | undefined)[] = [];
      const items: Item[] = [];
      for (const it of content.items) {
        if (!('str' in it)) {
          if (it.type === 'beginMarkedContentProps' || it.type === 'beginMarkedContent')
            marked.push(typeof it.id === 'string' ? it.id : undefined);
          else if (it.type === 'endMarkedContent') marked.pop();
          continue;
        }
        if (it.str.trim() === '') continue;
        const id = [...marked].reverse().find((m) => m !== undefined);
        const para = id === undefined ? undefined : keys.get(id);
        const size = Math.hypot(it.transform[0] as number, it.transform[1] as number);
        items.push({
          x: it.transform[4] as number,
          y: it.transform[5] as number,
          w: it.width,
          text: it.str,
          font: it.fontName,
          size,
          ...(para === undefined ? {} : { para }),
        });
      }
      pages.push(items);
      rules.push(await pageRules(pdfjs, page));
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
  return { pages, heights, rules, widthOf: glyphWidths(pages.flat()) };
}

function toLines(items: Item[], page: number, rules: Rules): Line[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    let line = lines.find((l) => Math.abs(l.y - it.y) < 1.5);
    if (!line) lines.push((line = { page, y: it.y, segments: [] }));
    line.segments.push({
      x: it.x,
      end: it.x + it.w,
      text: it.text,
      font: it.font,
      size: it.size,
      ...(it.para === undefined ? {} : { para: it.para }),
    });
  }
  // Text on both sides of a drawn border is in two cells, however close.
  const border = (line: Line, from: number, to: number) =>
    rules.v.some((v) => v.x > from - 0.5 && v.x < to + 0.5 && v.y0 <= line.y && v.y1 >= line.y);
  for (const line of lines) {
    line.segments.sort((a, b) => a.x - b.x);
    const merged: Segment[] = [];
    for (const s of line.segments) {
      const last = merged[merged.length - 1];
      if (last && s.x - last.end < 4 && !border(line, last.end, s.x)) {
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
function fitsTable(table: RawTable, line: Line): boolean {
  const { columns, edges } = table;
  return line.segments.every((s) => {
    const col = columnOf(columns, s.x);
    if (edges) return s.x >= (edges[col] ?? 0) - 0.5 && s.end <= (edges[col + 1] ?? Infinity) + 1;
    const next = columns[col + 1];
    return Math.abs(s.x - (columns[col] ?? 0)) < 3 && (next === undefined || s.end <= next + 1);
  });
}

/** The x of the vertical borders that cross height y between `from` and `to`, left to right, close ones as one. */
function bordersAt(rules: Rules, y: number, from = -Infinity, to = Infinity): number[] {
  const xs = rules.v
    .filter((v) => v.y0 - 1 <= y && v.y1 + 1 >= y && v.x >= from - 1 && v.x <= to + 1)
    .map((v) => v.x)
    .sort((a, b) => a - b);
  return xs.filter((x, i) => i === 0 || x - (xs[i - 1] ?? -Infinity) > 2);
}

/** The drawn columns of the table whose header is `line`: its vertical borders, when each heading sits between two. */
function drawnEdges(rules: Rules, line: Line): number[] | undefined {
  const xs = bordersAt(rules, line.y);
  const first = line.segments[0];
  const last = line.segments[line.segments.length - 1];
  if (!first || !last) return undefined;
  const left = xs.filter((x) => x <= first.x + 0.5).pop();
  const right = xs.find((x) => x >= last.end - 0.5);
  if (left === undefined || right === undefined) return undefined;
  const edges = xs.filter((x) => x >= left && x <= right);
  return edges.length >= 3 ? edges : undefined;
}

export async function readPdf(file: string, bytes: Uint8Array): Promise<PlanDocument> {
  const { pages: itemPages, heights, rules, widthOf } = await loadItems(file, bytes);
  if (itemPages.every((p) => p.length === 0)) {
    throw new PlanError(
      { file },
      `a PDF without text (${itemPages.length} pages, probably scanned): it has no text to read; import the Word or Excel original, or a PDF saved from it`,
      `en PDF utan text (${itemPages.length} sidor, troligen inskannad): den har ingen text att läsa; importera Word- eller Excel-originalet, eller en PDF som sparats därifrån`,
    );
  }
  const pages = dropFooters(
    itemPages.map((items, i) => toLines(items, i + 1, rules[i] ?? { h: [], v: [] })),
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
    for (const s of line.segments)
      (cells[columnOf(columns, s.x)] ??= []).push({
        text: s.text,
        width: s.end - s.x,
        y: line.y,
        end: s.end,
        font: s.font,
        size: s.size,
        ...(s.para === undefined ? {} : { para: s.para }),
      });
  };

  for (const lines of pages) {
    let pageStart = true;
    let skippingHeader = 0;
    for (const line of lines) {
      const gap = pageStart ? Infinity : prevY - line.y;
      const above = prevY;
      prevY = line.y;
      const text = line.segments.map((s) => s.text).join(' ');
      const pageRules = rules[line.page - 1] ?? { h: [], v: [] };
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
        const { edges } = table;
        // With drawn borders: the table goes on while its outer border does, and a row ends at a
        // horizontal rule across the table; without them, by the line spacing.
        const drawn = edges !== undefined && bordersAt(pageRules, line.y, edges[0], edges[0]).length > 0;
        const width = edges ? (edges[edges.length - 1] ?? 0) - (edges[0] ?? 0) : 0;
        const ruled =
          edges !== undefined &&
          pageRules.h.some(
            (h) =>
              h.y < above &&
              h.y > line.y &&
              Math.min(h.x1, edges[edges.length - 1] ?? 0) - Math.max(h.x0, edges[0] ?? 0) > width / 2,
          );
        const inTable = edges
          ? drawn && fitsTable(table, line)
          : fitsTable(table, line) && (gap < pitch * 1.6 || afterBreak);
        const sameRow = edges ? !ruled && !pageStart && skippingHeader <= 0 : gap <= rowGap;
        if (inTable) {
          if (inHeader && sameRow) {
            addToCells(table.header, line, table.columns);
            table.headerText.push(text);
          } else if (row && sameRow && !(afterBreak && skippingHeader > 0 && row.page !== line.page)) {
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
        const edges = drawnEdges(pageRules, line);
        table = {
          columns: edges ? edges.slice(0, -1) : line.segments.map((s) => s.x),
          headerText: [text],
          header: [],
          rows: [],
          page: line.page,
          ...(edges ? { edges } : {}),
        };
        addToCells(table.header, line, table.columns);
        inHeader = true;
        out.push({ kind: 'table', table });
        para = undefined;
        continue;
      }
      const last = para?.lines[para.lines.length - 1];
      const tagged = last?.segments[0]?.para !== undefined && line.segments[0]?.para !== undefined;
      const continues =
        para &&
        last &&
        para.page === line.page &&
        gap <= rowGap &&
        line.segments.length === 1 &&
        last.segments.length === 1 &&
        (tagged ? last.segments[0]?.para === line.segments[0]?.para : !endsParagraph(last, line, rightEdge(pages)));
      if (continues && para) para.lines.push(line);
      else out.push((para = { kind: 'paragraph', page: line.page, lines: [line] }));
    }
  }

  // How wide a line in each column may be: between the cell's drawn borders less its padding, or
  // the widest line seen there.
  const avail = new Map<string, number[]>();
  const rightEdges = new Map<RawTable, number[]>();
  for (const o of out) {
    if (o.kind !== 'table') continue;
    const t = o.table;
    const key = t.columns.join(',');
    const widths = avail.get(key) ?? [];
    const cellsAll = [t.header, ...t.rows.map((r) => r.cells)];
    for (const cells of cellsAll)
      cells.forEach((lines, i) => lines.forEach((l) => (widths[i] = Math.max(widths[i] ?? 0, l.width))));
    if (t.edges) {
      const edges = t.edges;
      const rights = t.columns.map((left, i) => {
        const starts = cellsAll.flatMap((cells) => (cells[i] ?? []).map((l) => l.end - l.width));
        // The cell padding: from the border to where the text starts (the same on the right).
        const pad = starts.length > 0 ? Math.min(...starts) - left : 0;
        widths[i] = (edges[i + 1] ?? 0) - left - 2 * pad;
        return (edges[i + 1] ?? 0) - pad;
      });
      rightEdges.set(t, rights);
    }
    avail.set(key, widths);
  }

  const words = wholeWords(
    out.flatMap((o) => (o.kind === 'table' ? [o.table.header, ...o.table.rows.map((r) => r.cells)].flat() : [])),
  );
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
          y: l.y,
          end: l.segments[l.segments.length - 1]?.end ?? 0,
          ...(l.segments[0]?.para === undefined ? {} : { para: l.segments[0].para }),
        })),
        rightEdge(pages) - leftEdge(pages),
        'paragraph',
        { pitch },
      );
      blocks.push({ kind: 'paragraph', at: { line: ordinal, label: `sida ${o.page}` }, text });
      continue;
    }
    tableNo++;
    const t = o.table;
    const widths = avail.get(t.columns.join(',')) ?? [];
    const rights = rightEdges.get(t);
    if (rights) joinSplitRows(t, rights, widthOf);
    const cellsOf = (cells: CellLine[][], at: Place) =>
      t.columns.map((_, i) =>
        joinLines(
          cells[i] ?? [],
          widths[i] ?? 0,
          'cell',
          { pitch, ...(rights?.[i] === undefined ? {} : { right: rights[i], widthOf, words }) },
          (guess, other) =>
            notes.push({
              at,
              field: headerNames[i],
              detail: `a word broken at the column edge: read as "${guess}", it may be "${other}"`,
              detailSv: `ett ord bröts vid kolumnkanten: läst som "${guess}", kan vara "${other}"`,
            }),
        ),
      );
    const headerNames = t.columns.map((_, i) => joinLines(t.header[i] ?? [], widths[i] ?? 0, 'paragraph', { pitch }));
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

/**
 * A row a page break split, put back together: the first row on a new page goes on with the row
 * above when one of its cells goes on with a sentence the page cut (the line above does not end
 * a sentence, its first word would not have fitted there, and it starts in lower case) or with a
 * word the page cut after a hyphen. Other
 * rows after a break stay marked, for the plan reader to decide.
 */
function joinSplitRows(
  t: RawTable,
  rights: number[],
  widthOf: (font: string, size: number, text: string) => number,
): void {
  for (let k = t.rows.length - 1; k > 0; k--) {
    const row = t.rows[k] as RawRow;
    const above = t.rows[k - 1] as RawRow;
    if (!row.afterPageBreak) continue;
    const cut = t.columns.some((_, i) => {
      const last = above.cells[i]?.[above.cells[i].length - 1];
      const first = row.cells[i]?.[0];
      if (!last || !first || !first.font) return false;
      if (brokenAfterHyphen(last.text, first.text)) return true;
      if (/[.!?:]$/.test(last.text) || !/^\p{Ll}/u.test(first.text)) return false;
      const word = first.text.split(' ')[0] ?? '';
      const room = (rights[i] ?? 0) - last.end;
      return room < widthOf(first.font, first.size ?? 0, ` ${word}`) + EDGE_TOLERANCE;
    });
    if (!cut) continue;
    t.columns.forEach((_, i) => {
      const more = row.cells[i] ?? [];
      if (more.length === 0) return;
      const [first, ...rest] = more as [CellLine, ...CellLine[]];
      above.cells[i] = [...(above.cells[i] ?? []), { ...first, pageJoin: true }, ...rest];
    });
    t.rows.splice(k, 1);
  }
}

/** Lines break after a hyphen or a slash inside a word ("socialser-|vicelinje", "2022-12-|31", "/|kartläggning", " -|Helhetssyn"). */
function brokenAfterHyphen(prev: string, next: string): boolean {
  const lower = /^\p{Ll}/u.test(next);
  const word = !SMALL_WORDS.has((next.split(' ')[0] ?? '').toLowerCase());
  return (
    (lower && word && /\p{L}-$/u.test(prev)) ||
    (/^\d/.test(next) && /\d-$/.test(prev)) ||
    /\S\/$/.test(prev) ||
    /(^|\s)-$/.test(prev)
  );
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

/** What a cell's lines are measured against: the line pitch, and with drawn borders the cell's right text edge. */
interface Geometry {
  pitch: number;
  right?: number;
  widthOf?: (font: string, size: number, text: string) => number;
  /** Words the document has whole: between two others on a line, so neither broken nor wrapped there. */
  words?: Set<string>;
}

/** A word without the punctuation around it, in lower case, to look it up among the document's words. */
function bare(word: string): string {
  return word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '').toLowerCase();
}

/**
 * The document's whole words. A word too long for its line is broken only after it was moved to a
 * line of its own, so a broken word's head is a line's only word and its tail the first word of
 * the next line; every other word on a line is whole (the first and last word of a cell or of a
 * tagged paragraph too), except a word broken after a hyphen.
 */
function wholeWords(cellLists: CellLine[][]): Set<string> {
  const words = new Set<string>();
  for (const lines of cellLists)
    lines.forEach((line, i) => {
      const tokens = line.text.split(' ');
      const prev = lines[i - 1];
      const next = lines[i + 1];
      const starts =
        i === 0 ||
        (line.para !== undefined && prev?.para !== line.para) ||
        (prev !== undefined && prev.text.includes(' ') && !/-$/.test(prev.text));
      const ends = i === lines.length - 1 || (line.para !== undefined && next?.para !== line.para) || tokens.length > 1;
      tokens.forEach((t, j) => {
        if ((j > 0 || starts) && (j < tokens.length - 1 || (ends && !/-$/.test(t)))) words.add(bare(t));
      });
    });
  return words;
}

/** How far (pt) a character's measured width may be from the room left on a line and still be called fitting or not. */
const EDGE_TOLERANCE = 0.3;

function joinLines(
  lines: CellLine[],
  avail: number,
  kind: 'cell' | 'paragraph',
  geometry: Geometry,
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
    const tagged = prev.para !== undefined && line.para !== undefined && !line.pageJoin;
    // A new paragraph: a tagged PDF says so; otherwise paragraph spacing (a gap wider than the
    // line pitch) does, or, failing both, the first word would clearly have fitted after the line
    // (font widths are estimated), or after a full sentence when it would have fitted at all.
    const room = avail - prev.width - (firstWord.length + 1) * charWidth;
    const sentence = /[.!?:]$/.test(prev.text) && /^[\p{Lu}\d"”-]/u.test(line.text);
    const fits = room > 2.5 * charWidth + firstWord.length * charWidth * 0.25 || (sentence && room > 0.5 * charWidth);
    const spaced = !line.pageJoin && prev.y - line.y > geometry.pitch * 1.2;
    // With the cell's edge and the font's widths known, "would have fitted" is measured, not estimated.
    const measured =
      geometry.right !== undefined && geometry.widthOf && line.font
        ? geometry.right - prev.end > geometry.widthOf(line.font, line.size ?? 0, ` ${firstWord}`) + EDGE_TOLERANCE
        : undefined;
    // Across a page break nothing is measured against the same line: a sentence that ends there
    // and a capital after it end the paragraph, as the readers join a row a page break split.
    const newParagraph = tagged
      ? prev.para !== line.para
      : spaced ||
        (measured ?? fits) ||
        (line.pageJoin === true && /[.!?:]$/.test(prev.text) && /^\p{Lu}/u.test(line.text));
    const lower = /^\p{Ll}/u.test(line.text);
    const word = !SMALL_WORDS.has(firstWord.toLowerCase());
    const full = prev.width + 1.0 * charWidth > avail;
    const hyphen = brokenAfterHyphen(prev.text, line.text);
    if (kind === 'cell' && newParagraph && !(hyphen && !tagged)) out += `\n${line.text}`;
    else if (hyphen) out += line.text;
    else if (geometry.right !== undefined && geometry.widthOf && prev.font && line.font && !newParagraph) {
      // A word is broken inside only when it alone is wider than the cell, and then the line holds
      // as much of it as fits: a one-word line that ends with room for the next character ended
      // at a space. When the character would not have fitted, the line is either a broken word or
      // a whole word that happened to fill the cell; the document's own words tell which (a word
      // seen whole elsewhere in it), and without them the guess is a warning.
      // Punctuation that follows a word without a space ("Avdelningschef|, Controller",
      // "Avdelningschef|/enhetschef") is broken off it the same way.
      const punctuation = /^[,.;:!?)\]/]/.test(line.text);
      const oneWord =
        !prev.text.includes(' ') && /\p{L}$/u.test(prev.text) && (punctuation || /^\p{L}/u.test(line.text));
      const left = geometry.right - prev.end;
      const next = geometry.widthOf(line.font, line.size ?? 0, line.text.slice(0, 1));
      const known = (w: string) => geometry.words?.has(bare(w)) ?? false;
      if (!oneWord || left > next + EDGE_TOLERANCE) out += ` ${line.text}`;
      else if (punctuation || known(prev.text + firstWord)) out += line.text;
      // A one-letter tail ("strateg|i") may look like a word; it is no evidence.
      else if (known(prev.text) || (bare(firstWord).length > 1 && known(firstWord))) out += ` ${line.text}`;
      else {
        out += line.text;
        unsure?.(`${prev.text}${firstWord}`, `${prev.text} ${firstWord}`);
      }
    } else if (lower && word && !prev.text.includes(' ') && full) {
      out += line.text;
      unsure?.(`${prev.text}${firstWord}`, `${prev.text} ${firstWord}`);
    } else if (lower && word && !prev.text.includes(' ') && prev.width + 2.5 * charWidth > avail) {
      out += ` ${line.text}`;
      unsure?.(`${prev.text} ${firstWord}`, `${prev.text}${firstWord}`);
    } else out += ` ${line.text}`;
  });
  return out;
}
