/**
 * Plan text is written by people in Word and Excel and may contain anything: `<`, `&`, `*`,
 * quotes, `{{`. Each target gets its own escaper here; the renderers never concatenate raw plan
 * text into markup. HTML is written only with the `html` tag (./html.ts), the one caller of
 * escapeHtml outside this file. JSON needs none: cards and notifications are built as objects and
 * serialised.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML text and attribute values (attributes are always double-quoted by the renderer). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * For Adaptive Card TextBlock and Fact values, which hosts render as a CommonMark subset, and
 * whose text may also hold `{{DATE(...)}}`/`{{TIME(...)}}` functions. A backslash before ASCII
 * punctuation is CommonMark's escape, so the reader sees the character itself, and `\{\{` no
 * longer matches the date-function syntax. List and heading markers only act at a line start.
 */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()<>#~|!]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/**
 * Every form a piece of text takes in what Planvakt writes: as written, in an HTML body, on a
 * Teams card. For erasure, which has to find a person's name in each of them.
 */
export function writtenForms(text: string): string[] {
  return [text, escapeHtml(text), escapeCardMarkdown(text)];
}

/** One line for a header, a subject or a notification: no control characters, no line breaks. */
export function plainLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Multi-line plain text without control characters other than line breaks. */
export function plainText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ')
    .trim();
}

/** Cuts at a character boundary (never inside a surrogate pair) and marks the cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** The inverse of escapeCardMarkdown: what a markdown host shows. For the outbox page and tests. */
export function unescapeCardMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** First letter upper case, as a heading or a sentence reads ("förskola" → "Förskola"). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A spreadsheet cell's text, never a formula: text that would start with `=`, `+`, `-`, `@` (or a
 * tab or carriage return) gets a leading apostrophe, so neither Excel nor LibreOffice runs plan
 * text such as `=cmd|' /C calc'!A0`. Every sheet and CSV Planvakt writes goes through here.
 */
export function safeCell(text: string | undefined): string {
  const s = text ?? '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * RFC 4180 CSV (CRLF line ends), every cell through {@link safeCell}; a cell holding the
 * separator, a quote or a line break is quoted. `separator` is `;` for a file that Excel in
 * Swedish opens in columns (its list separator there), `,` otherwise.
 */
export function csvText(rows: readonly (readonly string[])[], separator: ',' | ';' = ','): string {
  const cell = (v: string) => {
    const safe = safeCell(v);
    return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return rows.map((r) => r.map(cell).join(separator)).join('\r\n') + '\r\n';
}
