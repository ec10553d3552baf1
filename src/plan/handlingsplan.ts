/**
 * Reads a plan in a layout other than the two seeds: activity tables whose columns are found by
 * their headings (columns.ts) or by HR's mapping for that table shape. The rules, as a planner
 * would state them:
 *
 * - A paragraph "Aktivitetsplan avdelning X" or "Avdelning X", or an Avdelning column, starts an
 *   avdelning; without one, an avdelning named in the title, else "Okänd avdelning" (a warning).
 * - A paragraph that is a section word ("Utveckla", "Rekrytera och behålla"), or a row with only
 *   such a word, starts a section (avsnitt); so does a new value in an Avsnitt column.
 * - A paragraph "Mål …" (or "Delmål …") before a table is that table's goal: one table per goal.
 *   A row with one value spanning the row (a merged cell) that is no section word is a goal row
 *   when the table has no Mål column; a new value in a Mål column starts a goal.
 * - Every other row with an activity text is an activity: Måldatum, Ansvarig and Uppföljning read
 *   exactly as in the seed plans (activity-row.ts). A row a page break split goes on with the row above.
 * - A table of three or more columns with rows whose headings are not known is skipped with a
 *   warning naming it (and offered for mapping); smaller tables (document facts) are passed over.
 *   When no table is known, the import stops with UnknownColumnsError, carrying the tables for HR to map.
 */
import { buildActivity, sourceRef, type RowContext } from './activity-row';
import { defaultCadences, parseCadences } from './cadence';
import {
  COLUMN_ROLES,
  headerSignature,
  mappingFor,
  namesActivityColumns,
  rolesOfHeader,
  type ColumnMapping,
  type ColumnRole,
} from './columns';
import { parseDeadline } from './deadline';
import type { DocParagraph, DocRow, DocTable, Place, PlanDocument } from './document';
import { PlanError, type Warnings } from './errors';
import { giveIds } from './ids';
import { sectionKinds } from './kompetensplan';
import type { Activity, Department, Goal, Plan, Section } from './model';
import { fold, joinContinued, slug } from './text';
import { DEPARTMENTS } from './units';
import { capitalise } from '../domain';

const DEPARTMENT_HEADING = /^\s*(?:aktivitetsplan\s+(?:för\s+)?)?avdelning(?:en)?\s*:?\s+(.{2,60}?)\s*$/i;
const GOAL_HEADING = /^\s*(?:del)?mål(?:\s*\d+(?:\.\d+)*)?\s*[:.–-]\s*(.+)$/i;
const PLAN_FOLLOW_UP = /^\s*(?:uppföljning\s+(?:av|sker)\s|planen\s+följs\s+upp\s)/i;

/** The column words of warnings: the plan's own heading where it has one, else the role's name. */
type Fields = Record<ColumnRole, string>;

/** A table whose columns the importer could not tell, as HR sees it in Importera. */
export interface UnknownTable {
  at: Place;
  headings: string[];
  signature: string;
  /** The first rows, to recognise the columns by their content. */
  rows: string[][];
  /** The roles the headings' words suggest (undefined where none), as the form's first choice. */
  guess: (ColumnRole | undefined)[];
}

/** No table's columns are known: what HR must map before the plan can be read. */
export class UnknownColumnsError extends PlanError {
  override name = 'UnknownColumnsError';
  constructor(
    file: string,
    readonly tables: UnknownTable[],
  ) {
    const list = tables.map((t) => `${t.at.label ?? `rad ${t.at.line}`}: ${t.headings.join(' | ')}`).join('; ');
    super(
      { file },
      `cannot tell which column is the activity, deadline and owner (${list}); say which column is what once (Importera in the web app, or planvakt import --kolumner FILE)`,
      `kan inte avgöra vilken kolumn som är aktivitet, måldatum och ansvarig (${list}); ange en gång vilken kolumn som är vad (Importera i webbappen, eller planvakt import --kolumner FIL)`,
    );
  }
}

interface ReadTable {
  table: DocTable;
  header: DocRow;
  roles: (ColumnRole | undefined)[];
  rows: DocRow[];
  /** A goal or section row above the headings (a merged first row), read before the rows. */
  above?: DocRow;
}

/** A table's header and its columns' roles: HR's mapping for its shape first, then the headings' words. */
function columnsOf(table: DocTable, mappings: readonly ColumnMapping[] | undefined): ReadTable | undefined {
  const candidates: { header: DocRow; rows: DocRow[]; above?: DocRow; strict?: boolean }[] = [];
  if (table.header) candidates.push({ header: table.header, rows: table.rows });
  // A first row that is one merged goal or section cell, with the headings in the row below it.
  const [first, ...rest] = table.rows;
  if (table.header && first && singleValue(table.header) !== undefined)
    candidates.push({ header: first, rows: rest, above: table.header, strict: true });
  if (!table.header && first) candidates.push({ header: first, rows: rest, strict: true });
  for (const c of candidates) {
    const mapped = mappingFor(c.header.cells, mappings);
    const roles = mapped ? [...mapped.roles] : rolesOfHeader(c.header.cells);
    // A row below the header position is taken for headings only when every cell is one, not data.
    const allHeadings = c.header.cells.every((cell, i) => cell === '' || roles[i] !== undefined);
    if (mapped || (namesActivityColumns(roles) && (!c.strict || allHeadings))) {
      // A header row repeated inside the table (Word's or a PDF's repeated header on a new page) is no data.
      const cells = c.header.cells;
      const same = (r: DocRow) => r.cells.length === cells.length && r.cells.every((x, i) => x === cells[i]);
      const read: ReadTable = { table, roles, header: c.header, rows: c.rows.filter((r) => !same(r)) };
      if (c.above) read.above = c.above;
      return read;
    }
  }
  return undefined;
}

/** Whether the document has a table whose columns are known by their headings or by HR's mapping. */
export function hasKnownColumns(doc: PlanDocument, mappings?: readonly ColumnMapping[]): boolean {
  return doc.blocks.some((b) => b.kind === 'table' && columnsOf(b, mappings) !== undefined);
}

/** Whether HR's mapping names the shape of one of the document's tables (then it is read by the mapping). */
export function hasMappedTable(doc: PlanDocument, mappings?: readonly ColumnMapping[]): boolean {
  if (!mappings || mappings.length === 0) return false;
  return doc.blocks.some(
    (b) =>
      b.kind === 'table' &&
      [b.header, b.rows[0]].some((r) => r !== undefined && mappingFor(r.cells, mappings) !== undefined),
  );
}

/** The headings and rows of a table, below a merged goal or section row above the headings if it has one. */
function headedRows(table: DocTable): { header?: DocRow; rows: DocRow[] } {
  const [first, ...rest] = table.rows;
  if (table.header && first && singleValue(table.header) !== undefined) return { header: first, rows: rest };
  return table.header ? { header: table.header, rows: table.rows } : { rows: table.rows };
}

/** A table that may hold activities: a header of three or more named columns, and rows under it. */
function looksLikeActivityTable(table: DocTable): boolean {
  const { header, rows } = headedRows(table);
  return (header?.cells.filter((c) => c !== '').length ?? 0) >= 3 && rows.length > 0;
}

/** Tables that look like activity tables whose columns are unknown, one per table shape. */
export function unknownTables(doc: PlanDocument, mappings?: readonly ColumnMapping[]): UnknownTable[] {
  const seen = new Set<string>();
  const out: UnknownTable[] = [];
  for (const b of doc.blocks) {
    if (b.kind !== 'table' || !looksLikeActivityTable(b) || columnsOf(b, mappings)) continue;
    const { header, rows } = headedRows(b);
    if (!header) continue;
    const headings = header.cells;
    const signature = headerSignature(headings);
    // One table per goal repeats the same headings: HR maps the shape once.
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push({
      at: b.at,
      headings,
      signature,
      rows: rows.slice(0, 5).map((r) => r.cells),
      guess: rolesOfHeader(headings),
    });
  }
  return out;
}

/** The one value a row holds when it is a heading row: a single filled cell, or one merged cell repeated. */
function singleValue(row: DocRow): string | undefined {
  const filled = row.cells.filter((c) => c !== '');
  if (filled.length === 0) return undefined;
  const first = filled[0]!;
  if (filled.length === 1 && row.cells[0] === first) return first;
  if (row.cells.length > 1 && row.cells.every((c) => c === first)) return first;
  return undefined;
}

export function readHandlingsplan(doc: PlanDocument, warnings: Warnings, mappings?: readonly ColumnMapping[]): Plan {
  const paragraphs = doc.blocks.filter((b): b is DocParagraph => b.kind === 'paragraph' && b.text.trim() !== '');
  const title = paragraphs[0]?.text.trim() ?? doc.file;
  const followUpRaw = paragraphs.find((p) => PLAN_FOLLOW_UP.test(p.text))?.text.trim();
  const plan: Plan = {
    kind: 'kompetensforsorjningsplan',
    title,
    file: doc.file,
    defaultCadences: defaultCadences(followUpRaw),
    departments: [],
  };
  if (followUpRaw) plan.followUpRaw = followUpRaw;
  const reader = new Reader(plan, warnings, titleDepartment(paragraphs.slice(0, 3)));

  for (const block of doc.blocks) {
    if (block.kind === 'paragraph') {
      reader.paragraph(block);
      continue;
    }
    const read = columnsOf(block, mappings);
    if (read) reader.table(read);
    else if (looksLikeActivityTable(block)) {
      // Small tables (document facts, a table of contents) are no plan; a wide one with rows may be.
      warnings.add(
        block.at,
        undefined,
        `the table's headings (${(block.header?.cells ?? []).join(' | ')}) name no activity column; its rows are skipped`,
        `tabellens rubriker (${(block.header?.cells ?? []).join(' | ')}) anger ingen aktivitetskolumn; raderna hoppas över`,
      );
    }
  }

  return giveIds(plan);
}

/** An avdelning the title names ("Kompetensförsörjningsplan 2024 – avdelning Äldreomsorg"). */
function titleDepartment(paragraphs: DocParagraph[]): string | undefined {
  for (const p of paragraphs) {
    const text = fold(p.text);
    const hit = Object.values(DEPARTMENTS).find((name) => text.includes(fold(name)));
    if (hit) return hit;
  }
  return undefined;
}

/** Where the reading stands: the avdelning, section, goal and last activity, across tables. */
class Reader {
  private department: Department | undefined;
  private section: Section | undefined;
  private goal: Goal | undefined;
  /** The goal a "Mål …" paragraph named, for the next table. */
  private tableGoal: string | undefined;
  /** The goal of the table being read, from its "Mål …" paragraph. */
  private headingGoal: string | undefined;
  private last: Activity | undefined;
  private warnedNoDepartment = false;

  constructor(
    private readonly plan: Plan,
    private readonly warnings: Warnings,
    private readonly defaultDepartment: string | undefined,
  ) {}

  paragraph(p: DocParagraph): void {
    const text = p.text.trim();
    const department = DEPARTMENT_HEADING.exec(text)?.[1];
    if (department) {
      this.useDepartment(department);
      return;
    }
    const kinds = sectionKinds(text);
    if (kinds) {
      this.startSection(text, kinds, p.at);
      return;
    }
    const goal = GOAL_HEADING.exec(text)?.[1];
    if (goal) this.tableGoal = goal.trim();
  }

  table(t: ReadTable): void {
    const fields = this.fields(t);
    const ctx: RowContext = {
      warnings: this.warnings,
      defaultCadences: this.plan.defaultCadences,
      fields: { text: fields.aktivitet, deadline: fields.maldatum, owners: fields.ansvarig },
    };
    this.warnMissing(t, fields);
    // The table's goal holds for the whole table, also under a section row inside it.
    this.headingGoal = this.tableGoal;
    this.tableGoal = undefined;
    if (this.headingGoal !== undefined) this.startGoal(this.headingGoal, t.table.at);
    if (t.above) this.headingRow(t.above, t.roles, true);
    let firstAfterBreak = false;
    for (const row of t.rows) {
      if (row.afterPageBreak) firstAfterBreak = true;
      if (this.row(row, t, fields, ctx, firstAfterBreak)) firstAfterBreak = false;
    }
    this.last = undefined;
    this.headingGoal = undefined;
  }

  /** The plan's own headings for warnings ("Klart senast" rather than "Måldatum"). */
  private fields(t: ReadTable): Fields {
    const fields = Object.fromEntries(Object.entries(COLUMN_ROLES)) as Fields;
    t.roles.forEach((role, i) => {
      const heading = t.header.cells[i];
      if (role && heading && fields[role] === COLUMN_ROLES[role]) fields[role] = heading;
    });
    return fields;
  }

  private warnMissing(t: ReadTable, fields: Fields): void {
    const missing = (['aktivitet', 'maldatum', 'ansvarig'] as const).filter((r) => !t.roles.includes(r));
    if (missing.length === 0) return;
    const names = missing.map((r) => `"${fields[r]}"`).join(', ');
    this.warnings.add(t.table.at, undefined, `table has no column ${names}`, `tabellen saknar kolumnen ${names}`);
  }

  /**
   * A row with one value across it: a section word starts a section, anything else a goal; but a
   * lone value in a Mål, Avsnitt or Avdelning column is that column's value, read as such.
   */
  private headingRow(row: DocRow, roles: readonly (ColumnRole | undefined)[], above = false): boolean {
    const value = singleValue(row);
    if (value === undefined) return false;
    const kinds = sectionKinds(value);
    if (kinds) {
      this.startSection(value, kinds, row.at);
      return true;
    }
    const merged = row.cells.length > 1 && row.cells.every((c) => c === value);
    const ownColumn = roles[0] === 'mal' || roles[0] === 'avsnitt' || roles[0] === 'avdelning';
    if (!above && !merged && (ownColumn || roles.includes('mal'))) return false;
    this.startGoal(GOAL_HEADING.exec(value)?.[1]?.trim() ?? value, row.at);
    return true;
  }

  /** Reads one row; false for an empty row (which does not end "the first row after a page break"). */
  private row(row: DocRow, t: ReadTable, fields: Fields, ctx: RowContext, firstAfterBreak: boolean): boolean {
    const v = this.values(row, t);
    if (Object.values(v).every((x) => x === '')) return false;
    // A heading row spans the table: its one value sits in the first cell (or in every cell, merged).
    if (!(firstAfterBreak && this.last) && this.headingRow(row, t.roles)) {
      this.last = undefined;
      return true;
    }
    if (v.avdelning !== '') this.useDepartment(v.avdelning);
    if (v.avsnitt !== '' && v.avsnitt !== this.section?.name)
      this.startSection(v.avsnitt, sectionKinds(v.avsnitt) ?? [], row.at);
    if (v.mal !== '' && v.mal !== this.goal?.text) this.startGoal(v.mal, row.at);
    const noDateNoOwner = v.maldatum === '' && v.ansvarig === '';
    if (firstAfterBreak && noDateNoOwner && this.last) {
      // A row a page break split: its words go on with the row above.
      this.last.text = joinContinued(this.last.text, v.aktivitet);
      if (v.uppfoljning !== '') this.extendFollowUp(this.last, v.uppfoljning);
      return true;
    }
    if (v.aktivitet === '') {
      if (v.mal !== '' || v.avsnitt !== '' || v.avdelning !== '') return true;
      if (this.last && noDateNoOwner && v.uppfoljning !== '') {
        this.extendFollowUp(this.last, v.uppfoljning);
        return true;
      }
      this.warnings.add(
        row.at,
        fields.aktivitet,
        'row has no activity text; it is skipped',
        'raden saknar aktivitetstext; den hoppas över',
      );
      return true;
    }
    this.addActivity(v, row.at, fields, ctx);
    return true;
  }

  /** The row's text per role; cells past the last column stay with it, so no text is lost. */
  private values(row: DocRow, t: ReadTable): Record<ColumnRole, string> {
    const v = Object.fromEntries(Object.keys(COLUMN_ROLES).map((k) => [k, ''])) as Record<ColumnRole, string>;
    const width = t.roles.length;
    if (row.cells.length !== width && row.cells.some((c) => c !== '') && singleValue(row) === undefined) {
      this.warnings.add(
        row.at,
        undefined,
        `row has ${row.cells.length} cells, the table has ${width} columns`,
        `raden har ${row.cells.length} celler, tabellen har ${width} kolumner`,
      );
    }
    row.cells.forEach((c, i) => {
      const role = t.roles[Math.min(i, width - 1)];
      if (role && role !== 'ovrigt') v[role] = joinContinued(v[role], c);
    });
    return v;
  }

  private addActivity(v: Record<ColumnRole, string>, at: Place, fields: Fields, ctx: RowContext): void {
    const goal = this.currentGoal(at);
    const activity: Activity = {
      id: '',
      ...buildActivity(
        { text: v.aktivitet, deadline: v.maldatum, owners: v.ansvarig, followUp: v.uppfoljning, at },
        ctx,
      ),
    };
    if (v.startdatum !== '') {
      const start = parseDeadline(v.startdatum);
      if (start.kind === 'unreadable') {
        this.warnings.add(
          at,
          fields.startdatum,
          `cannot read "${v.startdatum}" as a date`,
          `kan inte läsa "${v.startdatum}" som ett datum`,
        );
      }
      activity.start = start;
    }
    goal.activities.push(activity);
    this.last = activity;
  }

  private extendFollowUp(activity: Activity, more: string): void {
    activity.followUp = activity.followUp === '' ? more : `${activity.followUp}\n${more}`;
    activity.cadences = parseCadences(activity.followUp, this.plan.defaultCadences);
  }

  private useDepartment(name: string): void {
    const id = slug(name) || 'okand';
    let department = this.plan.departments.find((d) => d.id === id);
    if (!department) {
      department = { id, name: capitalise(name), sections: [] };
      this.plan.departments.push(department);
    }
    if (department !== this.department) {
      this.department = department;
      this.section = undefined;
      this.goal = undefined;
    }
  }

  private currentDepartment(at: Place): Department {
    if (this.department) return this.department;
    if (this.defaultDepartment) this.useDepartment(this.defaultDepartment);
    else {
      if (!this.warnedNoDepartment) {
        this.warnings.add(
          at,
          undefined,
          'no avdelning named (no "Avdelning …" heading, Avdelning column or avdelning in the title); the activities are put under "Okänd avdelning"',
          'ingen avdelning angiven (ingen rubrik "Avdelning …", kolumn Avdelning eller avdelning i rubriken); aktiviteterna hamnar under "Okänd avdelning"',
        );
        this.warnedNoDepartment = true;
      }
      this.useDepartment('Okänd avdelning');
    }
    return this.department!;
  }

  private startSection(name: string, kinds: Section['kinds'], at: Place): void {
    const department = this.currentDepartment(at);
    this.section = { name, kinds, goals: [], source: sourceRef(this.plan.file, at) };
    department.sections.push(this.section);
    this.goal = undefined;
    if (this.headingGoal !== undefined) this.startGoal(this.headingGoal, at);
  }

  private currentSection(at: Place): Section {
    const department = this.currentDepartment(at);
    if (!this.section || !department.sections.includes(this.section)) {
      this.section = { name: '', kinds: [], goals: [], source: sourceRef(this.plan.file, at) };
      department.sections.push(this.section);
    }
    return this.section;
  }

  private startGoal(text: string, at: Place): void {
    const section = this.currentSection(at);
    this.goal = { level: 'goal', text, activities: [], indicators: [], source: sourceRef(this.plan.file, at) };
    section.goals.push(this.goal);
  }

  /** Activities before any goal belong to a goal without text (a plan that states no goals). */
  private currentGoal(at: Place): Goal {
    const section = this.currentSection(at);
    if (!this.goal || !section.goals.includes(this.goal)) this.startGoal('', at);
    return this.goal!;
  }
}
