/**
 * The layer every plan format is read into before the plan readers see it: the document's
 * paragraphs and tables in reading order, each row with its cells as the planner wrote them
 * (paragraphs inside a cell joined by "\n"). A text rendering (pipe or tab tables), a Word
 * document and a spreadsheet all become a PlanDocument, so the kompetensförsörjningsplan and
 * verksamhetsplan readers read them the same way and give the same Plan.
 */
import { cleanCell } from './text';
import { PlanError, type Place } from './errors';

export type { Place } from './errors';

export interface DocRow {
  at: Place;
  cells: string[];
  /** The first row on a new page of a table that runs over pages (PDF): it may go on with the row above. */
  afterPageBreak?: boolean;
}

export interface DocTable {
  kind: 'table';
  at: Place;
  /**
   * The row in the header position (a text table's line above the `|---|` separator, a Word
   * table's first row); absent when the table has none. Readers decide whether it names columns,
   * is empty (a table continued after a page break) or is data.
   */
  header?: DocRow;
  rows: DocRow[];
}

export interface DocParagraph {
  kind: 'paragraph';
  at: Place;
  text: string;
}

export type DocBlock = DocTable | DocParagraph;

export interface PlanDocument {
  file: string;
  /** `text`, `docx`, `xlsx`, `pdf`: for messages only. */
  format: string;
  blocks: DocBlock[];
  /** What the format reader had to guess (a word a PDF column edge broke), as warnings with their place. */
  notes?: { at: Place; field?: string; detail: string; detailSv: string }[];
}

/** A table-of-contents line ("Inledning.....\t3") is tab-separated but no table. */
const TOC_LINE = /\.{3,}\t\s*\d+\s*$/;

function isPipeLine(line: string): boolean {
  return line.trimStart().startsWith('|');
}

function isTabLine(line: string): boolean {
  return line.includes('\t') && line.trim() !== '' && !TOC_LINE.test(line);
}

function isSeparator(line: string): boolean {
  return line.includes('-') && /^[\s|:-]+$/.test(line);
}

/** `| a | b |` → ["a", "b"]; `\|` inside a cell is a literal bar. */
export function splitPipeRow(line: string): string[] {
  const body = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, '|'));
}

/**
 * A text rendering as a document: runs of `|` lines are pipe tables (a header when the second
 * line is a `|---|` separator), runs of tab-separated lines are tables whose first line is the
 * header, every other non-empty line is a paragraph.
 */
export function textDocument(file: string, lines: readonly string[]): PlanDocument {
  const blocks: DocBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const text = lines[i] ?? '';
    const line = i + 1;
    const kind = isPipeLine(text) ? 'pipe' : isTabLine(text) ? 'tab' : undefined;
    if (!kind) {
      if (text.trim() !== '') blocks.push({ kind: 'paragraph', at: { line }, text });
      i++;
      continue;
    }
    const run: DocRow[] = [];
    const raw: string[] = [];
    while (i < lines.length) {
      const t = lines[i] ?? '';
      if (kind === 'pipe' ? !isPipeLine(t) : isPipeLine(t) || !isTabLine(t)) break;
      raw.push(t);
      const cells = kind === 'pipe' ? splitPipeRow(t) : t.split('\t');
      run.push({ at: { line: i + 1 }, cells: cells.map(cleanCell) });
      i++;
    }
    blocks.push(
      kind === 'pipe' ? pipeTable(run, raw) : { kind: 'table', at: { line }, header: run[0], rows: run.slice(1) },
    );
  }
  refuseTextExport(file, lines);
  return { file, format: 'text', blocks };
}

/**
 * Word's plain-text export writes a table row as one tab-separated line, but a cell with more than
 * one paragraph breaks the row over several lines: the row's first piece has the cells up to that
 * cell, its last piece the cells from it on (its paragraphs between them as lines of their own),
 * so the two pieces' cells add up to the header's and one more. Read as a plan it gives
 * activities cut in pieces; it is refused instead, with what to import. (A row whose empty last
 * cells lost their tabs is short too, but is no first piece of such a pair.)
 */
function refuseTextExport(file: string, lines: readonly string[]): void {
  let columns = 0;
  let open: { line: number; cells: number } | undefined;
  let previousTab = false;
  const broken: number[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') {
      open = undefined;
      previousTab = false;
      return;
    }
    if (isPipeLine(text) || !isTabLine(text)) {
      previousTab = false;
      return;
    }
    const cells = text.split('\t').length;
    if (!previousTab && !open && cells >= 3) columns = cells;
    else if (columns > 0) {
      if (open && open.cells + cells - 1 === columns) {
        broken.push(open.line);
        open = undefined;
      } else open = cells < columns ? { line: i + 1, cells } : undefined;
    }
    previousTab = true;
  });
  if (broken.length < 2) return;
  throw new PlanError(
    { file, line: broken[0] ?? 0 },
    `looks like a plain-text export of a Word table: ${broken.length} table rows are broken over several lines (a cell with more than one paragraph); import the .docx file itself`,
    `ser ut som en textexport av en Word-tabell: ${broken.length} tabellrader är brutna över flera rader (en cell med mer än ett stycke); importera .docx-filen direkt`,
  );
}

function pipeTable(run: DocRow[], raw: string[]): DocTable {
  const at = run[0]?.at ?? { line: 0 };
  const separatorAt = raw.findIndex(isSeparator);
  const rows = run.filter((_, k) => !isSeparator(raw[k] ?? ''));
  if (separatorAt !== 1) return { kind: 'table', at, rows };
  const [header, ...rest] = rows;
  return header ? { kind: 'table', at, header, rows: rest } : { kind: 'table', at, rows: rest };
}

/** The document's paragraphs' text, for the readers' "does this look like …" checks. */
export function paragraphs(doc: PlanDocument): DocParagraph[] {
  return doc.blocks.filter((b): b is DocParagraph => b.kind === 'paragraph');
}

export function tables(doc: PlanDocument): DocTable[] {
  return doc.blocks.filter((b): b is DocTable => b.kind === 'table');
}
