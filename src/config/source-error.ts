/**
 * An error in something a person wrote (a plan, organisation.yaml, rules.yaml): it names the file,
 * the line and the field so the person can find it, in Swedish for HR and in English for logs.
 */
export interface SourceLocation {
  file: string;
  /** 1-based; undefined only when the whole file is at fault (empty, binary, unknown format). */
  line?: number;
  column?: number;
  /** Where in a document that has no lines (a Word table and row, an Excel sheet and cell, a PDF page and row); named instead of the line. */
  place?: string;
  /** Dotted path of the field (`people.3.email`) or the column name in a plan table (`Måldatum`). */
  field?: string;
}

export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    readonly location: SourceLocation,
    /** English, for logs. */
    readonly detail: string,
    /** Swedish, for HR and planners. Defaults to the English text. */
    readonly detailSv: string = detail,
  ) {
    super(`${formatLocation(location)}: ${detail}`);
  }

  /** The same message in Swedish, for the web app and the CLI's HR-facing output. */
  get messageSv(): string {
    return `${formatLocation(this.location, 'sv')}: ${this.detailSv}`;
  }
}

export function formatLocation(loc: SourceLocation, lang: 'en' | 'sv' = 'en'): string {
  const parts = [loc.file];
  if (loc.place !== undefined) parts.push(loc.place);
  else if (loc.line !== undefined) parts.push(`${lang === 'sv' ? 'rad' : 'line'} ${loc.line}`);
  if (loc.field) parts.push(`${lang === 'sv' ? 'fält' : 'field'} ${loc.field}`);
  return parts.join(', ');
}

/** Several errors of one file, reported together so HR can fix them in one go. */
export class SourceErrors extends Error {
  override name = 'SourceErrors';
  constructor(readonly errors: SourceError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}
