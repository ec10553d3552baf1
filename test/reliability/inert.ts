/**
 * Judges whether hostile text stayed text in an output: HTML (tags and attributes that came from
 * the text, counted against the same output rendered with harmless text), Adaptive Cards (actions
 * and markdown), spreadsheets and CSV (formulas). Each function returns the problems it found;
 * an empty list means the text is inert there.
 */
import ExcelJS from 'exceljs';
import { escapeCardMarkdown, unescapeCardMarkdown } from '../../src/domain/escape';

/** Whitespace and control characters as one space: how text reads once rendered. */
export function norm(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

const TAG = /<([a-zA-Z][\w:-]*)([^<>]*)>/g;
const ATTRIBUTE = /([^\s"'=/<>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;
const LINK_ATTRIBUTE = /^(href|src|action|formaction|xlink:href)$/i;

/** Live markup of a document: each tag, each attribute (`tag@attr`), and each script-URL attribute. */
function markup(html: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [, tag, attrs] of html.matchAll(TAG)) {
    const t = tag!.toLowerCase();
    add(`<${t}`);
    for (const [whole, name] of attrs!.matchAll(ATTRIBUTE)) {
      const a = name!.toLowerCase();
      add(`@${a}`);
      if (a.startsWith('on')) add('@on*');
      if (LINK_ATTRIBUTE.test(a) && /=\s*["']?\s*(javascript|vbscript|data):/i.test(whole)) add('script-url');
    }
  }
  return counts;
}

/** The tags and attributes a hostile text would create if it were pasted into markup unescaped. */
function markupIn(text: string): string[] {
  const own = [...markup(text).keys()];
  // Tags cut off or with unquoted junk still name themselves: `"><img src=x onerror=…>`.
  for (const m of text.matchAll(/<([a-zA-Z][\w:-]*)/g)) own.push(`<${m[1]!.toLowerCase()}`);
  for (const m of text.matchAll(/[\s"'/]([a-zA-Z][\w:-]*)\s*=/g)) own.push(`@${m[1]!.toLowerCase()}`);
  return [...new Set([...own, '<script', '@on*', 'script-url'])];
}

/** Text as a reader sees it: tags gone, entities decoded, whitespace as single spaces. */
export function visibleText(html: string): string {
  return norm(
    html
      .replace(/<[^>]*>/g, ' ')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
      .replace(
        /&(lt|gt|quot|apos|nbsp|amp);/g,
        (_, n: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', amp: '&' })[n]!,
      ),
  );
}

/**
 * HTML with `hostile` in it against the same kind of output without it: every tag or attribute the
 * hostile text would make (and any script, event handler or script URL at all) may occur no more
 * often than in the baseline. With `shown`, the text must also be readable on the page.
 */
export function htmlProblems(html: string, baseline: string, hostile: string, shown = true): string[] {
  const live = markup(html);
  const base = markup(baseline);
  const problems = markupIn(hostile)
    .filter((k) => (live.get(k) ?? 0) > (base.get(k) ?? 0))
    .map((k) => `live ${k}: ${live.get(k)} against ${base.get(k) ?? 0} without the text`);
  // Documents inside attributes (the Utkorg's sandboxed email frames) are documents too.
  const inner = (doc: string) => [...doc.matchAll(/\ssrcdoc="([^"]*)"/g)].map((m) => visibleDecode(m[1]!));
  const [innerHtml, innerBase] = [inner(html), inner(baseline)];
  innerHtml.forEach((doc, i) =>
    problems.push(
      ...htmlProblems(doc, innerBase[i] ?? innerBase[0] ?? '', hostile, false).map((p) => `in srcdoc: ${p}`),
    ),
  );
  if (shown && norm(hostile) && !visibleText(html).includes(norm(hostile)))
    problems.push('the text is not shown as text');
  return problems;
}

/** An attribute value back to the markup it holds. */
function visibleDecode(value: string): string {
  return value.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_, n: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[n]!,
  );
}

interface CardNode {
  type?: string;
  text?: string;
  value?: string;
  [k: string]: unknown;
}

function walk(v: unknown, visit: (node: CardNode) => void): void {
  if (Array.isArray(v)) return v.forEach((x) => walk(x, visit));
  if (v && typeof v === 'object') {
    visit(v as CardNode);
    Object.values(v).forEach((x) => walk(x, visit));
  }
}

/**
 * An Adaptive Card as posted (JSON text) against the card for harmless text: it parses, has
 * exactly the baseline's actions, every text is fully markdown-escaped (so the host shows it
 * literally), and the hostile text is among what the reader sees.
 */
export function cardProblems(json: string, baselineJson: string, hostile: string): string[] {
  let card: unknown;
  try {
    card = JSON.parse(json);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  const actions = (c: unknown) => {
    const out: unknown[] = [];
    walk(c, (n) => void (typeof n.type === 'string' && n.type.startsWith('Action.') && out.push(n)));
    return JSON.stringify(out);
  };
  const problems: string[] = [];
  if (actions(card) !== actions(JSON.parse(baselineJson))) problems.push(`actions differ: ${actions(card)}`);
  const texts: string[] = [];
  walk(card, (n) => {
    for (const t of [
      n.type === 'TextBlock' ? n.text : undefined,
      typeof n.title === 'string' && 'value' in n ? n.value : undefined,
    ]) {
      if (typeof t !== 'string') continue;
      if (escapeCardMarkdown(unescapeCardMarkdown(t)) !== t)
        problems.push(`markdown not escaped: ${JSON.stringify(t)}`);
      texts.push(norm(unescapeCardMarkdown(t)));
    }
  });
  if (norm(hostile) && !texts.some((t) => t.includes(norm(hostile)))) problems.push('the text is not shown as text');
  return problems;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Every cell of an xlsx file: none is a formula, no text starts like one, and the hostile text is in a cell as text. */
export async function workbookProblems(xlsx: Buffer, hostile: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  // exceljs declares its own, older Buffer type.
  await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  const problems: string[] = [];
  let found = false;
  const neutral = FORMULA_START.test(hostile) ? `'${hostile}` : hostile;
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const where = `${ws.name}!${cell.address}`;
        if (cell.type === ExcelJS.ValueType.Formula || cell.formula)
          problems.push(`${where} is a formula: ${cell.formula}`);
        else if (typeof cell.value === 'string') {
          if (FORMULA_START.test(cell.value))
            problems.push(`${where} starts like a formula: ${JSON.stringify(cell.value)}`);
          // XML keeps no carriage return: "\r\n" reads back as "\n".
          if (norm(cell.value) === norm(neutral)) found = true;
        } else if (cell.value !== null && typeof cell.value === 'object' && !(cell.value instanceof Date)) {
          problems.push(`${where} is not plain text: ${JSON.stringify(cell.value)}`);
        }
      }),
    ),
  );
  if (!found) problems.push(`no cell holds the text (as ${JSON.stringify(neutral)})`);
  return problems;
}

/**
 * RFC 4180 rows; quoted fields may hold the separator, quotes and line breaks. Rows end with CRLF,
 * or LF as LibreOffice writes them on Linux; `separator` is `;` for a CSV made for Excel in Swedish.
 */
export function parseCsv(csv: string, separator: ',' | ';' = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === separator) (row.push(field), (field = ''));
    else if (c === '\n' || (c === '\r' && csv[i + 1] === '\n')) {
      (row.push(field), rows.push(row), (row = []), (field = ''));
      if (c === '\r') i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) (row.push(field), rows.push(row));
  return rows;
}

/** A CSV file against its expected shape: the same rows and columns, no cell that starts like a formula. */
export function csvProblems(
  csv: string,
  shape: { rows: number; columns: number; separator?: ',' | ';' },
  hostile: string,
): string[] {
  const rows = parseCsv(csv, shape.separator);
  const problems: string[] = [];
  if (rows.length !== shape.rows) problems.push(`${rows.length} rows, expected ${shape.rows}`);
  rows.forEach((r, i) => {
    if (r.length !== shape.columns) problems.push(`row ${i + 1} has ${r.length} cells, expected ${shape.columns}`);
    r.forEach(
      (cell, j) =>
        FORMULA_START.test(cell) &&
        problems.push(`row ${i + 1} cell ${j + 1} starts like a formula: ${JSON.stringify(cell)}`),
    );
  });
  if (norm(hostile) && !rows.some((r) => r.some((cell) => norm(cell).includes(norm(hostile)))))
    problems.push('the text is in no cell');
  return problems;
}
