import { SourceError, type SourceLocation } from '../config';

/**
 * Something in a plan file the importer could not read as written. Thrown only when nothing usable
 * is left (empty, binary, neither format); otherwise returned as a warning beside the plan.
 */
export class PlanError extends SourceError {
  override name = 'PlanError';
  constructor(location: SourceLocation, detail: string, detailSv: string = detail) {
    super(location, detail, detailSv);
  }
}

/** Collects warnings for one file so readers need not repeat the file name everywhere. */
export class Warnings {
  readonly list: PlanError[] = [];
  constructor(readonly file: string) {}

  add(at: Place | undefined, field: string | undefined, detail: string, detailSv: string): void {
    const location: SourceLocation = { file: this.file };
    if (at?.label !== undefined) location.place = cellPlace(at, field);
    else if (at) location.line = at.line;
    if (field !== undefined) location.field = field;
    this.list.push(new PlanError(location, detail, detailSv));
  }
}

/** "blad Förskola, rad 7" → "blad Förskola, cell C7" when the field is a column of the row's table. */
function cellPlace(at: Place, field: string | undefined): string {
  const label = at.label ?? '';
  if (!at.cells || !field) return label;
  const name = field.replace(/\s*\(.*\)$/, '').toLowerCase();
  const cell = at.cells.find((c) => c.header.toLowerCase().startsWith(name));
  return cell ? label.replace(/(^|, )rad \d+$/, `$1cell ${cell.address}`) : label;
}

/**
 * Where something sits in its file. `line` is the text line (1-based) for text files, and a
 * running 1-based ordinal of paragraphs and rows in reading order for other formats; `label`
 * names the place as the planner finds it there ("tabell 3, rad 5", "blad Förskola, cell B7").
 */
export interface Place {
  line: number;
  label?: string;
  /**
   * Formats with cell addresses (Excel): the address of the cell under each header, so a warning
   * about a field names its cell ("blad Förskola, cell C7").
   */
  cells?: { header: string; address: string }[];
}
