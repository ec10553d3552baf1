/**
 * Text helpers both readers share: decoding a file into lines, finding table blocks, cleaning
 * cells and joining text a page break split.
 */
import { PlanError } from './errors';

/**
 * Lines of a plan, 1-based through `lines[i]` ↔ line i + 1. A BOM and CRLF/CR line ends (Word
 * exports on Windows) are normalised; text that is not text stops here with a PlanError.
 */
export function toLines(file: string, text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  if (looksBinary(body)) {
    throw new PlanError({ file }, 'binary file: not a plan in text form', 'binär fil: inte en plan i textform');
  }
  if (body.trim() === '') throw new PlanError({ file }, 'empty file', 'tom fil');
  return body.split(/\r\n|\r|\n/);
}

/** NUL bytes, or many control or undecodable characters, mean a binary file (a .docx, a PDF). */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 8192);
  if (sample.length === 0) return false;
  let odd = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c)) odd++;
  }
  return odd / sample.length > 0.05;
}

export interface BlockLine {
  /** 1-based. */
  line: number;
  text: string;
}

/** Runs of consecutive lines that belong to one table (`isRow` decides), with their line numbers. */
export function collectBlocks(lines: readonly string[], isRow: (line: string) => boolean): BlockLine[][] {
  const blocks: BlockLine[][] = [];
  let current: BlockLine[] | undefined;
  lines.forEach((text, i) => {
    if (isRow(text)) {
      if (!current) blocks.push((current = []));
      current.push({ line: i + 1, text });
    } else current = undefined;
  });
  return blocks;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * A cell's text as a planner wrote it: `<p>` paragraphs (from the Word export) become lines,
 * other tags and entities go, runs of spaces collapse.
 */
export function cleanCell(raw: string): string {
  // Most cells are plain text already; skip the rewriting for them (bulk imports read many).
  if (!/[<&\n\r\t\u00a0]| {2}/.test(raw)) return raw.trim();
  return raw
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return safeChar(parseInt(name.slice(2), 16)) ?? m;
      if (name.startsWith('#')) return safeChar(parseInt(name.slice(1), 10)) ?? m;
      return ENTITIES[name.toLowerCase()] ?? m;
    })
    .split('\n')
    .map((p) => p.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((p) => p !== '')
    .join('\n');
}

function safeChar(code: number): string | undefined {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/**
 * Joins text a page break split: a sentence that goes on continues on the same line, a new
 * sentence after a full stop starts a new line (as a new `<p>` would).
 */
export function joinContinued(before: string, after: string): string {
  if (before === '') return after;
  if (after === '') return before;
  return /[.!?:]$/.test(before) && /^[A-ZÅÄÖ]/.test(after) ? `${before}\n${after}` : `${before} ${after}`;
}

/** Lower case without diacritics, for matching words and for ids ("Äldreomsorg" → "aldreomsorg"). */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** "Individ och familj" → "individ-och-familj". */
export function slug(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export interface NumberedPart {
  number: number;
  text: string;
}

/**
 * A cell written as a numbered list ("1.2022-12-31 2.Tertial 1 2022", "1.Enhetschef
 * 2.Avdelningchef") split into its items; undefined when the cell is not such a list. Only
 * markers counting 1, 2, 3… from the start of the cell count, so "Specialpedagogik 1" or a
 * date is never taken for one.
 */
export function splitNumbered(cell: string): NumberedPart[] | undefined {
  const markers: { number: number; start: number; end: number }[] = [];
  for (const m of cell.matchAll(/(^|\s)(\d{1,2})\.(?!\d{1,2}\.)/g)) {
    const number = Number(m[2]);
    if (number !== markers.length + 1) continue;
    const start = (m.index ?? 0) + (m[1]?.length ?? 0);
    if (markers.length === 0 && cell.slice(0, start).trim() !== '') return undefined;
    markers.push({ number, start, end: start + m[0].length - (m[1]?.length ?? 0) });
  }
  if (markers.length < 2) return undefined;
  return markers.map((m, i) => ({
    number: m.number,
    text: cell.slice(m.end, markers[i + 1]?.start ?? cell.length).trim(),
  }));
}
