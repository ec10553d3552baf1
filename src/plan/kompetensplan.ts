/**
 * Reads a kompetensförsörjningsplan exported from Word to markdown: one "Aktivitetsplan
 * avdelning(en) …" heading per department, each followed by pipe tables that page breaks split.
 * A split starts a new table whose header is empty (or is the next section row); its first row
 * may go on with the sentence the previous page ended.
 */
import { buildActivity, sourceRef, type RowContext } from './activity-row';
import { defaultCadences, parseCadences } from './cadence';
import type { Warnings } from './errors';
import { giveIds } from './ids';
import {
  SECTION_KINDS,
  type Activity,
  type Department,
  type Goal,
  type Plan,
  type Section,
  type SectionKind,
} from './model';
import { splitPipeRow, type DocParagraph, type DocRow, type DocTable, type Place, type PlanDocument } from './document';
import { capitalise } from '../domain';
import { fold, joinContinued, slug } from './text';

type Column = 'goal' | 'text' | 'deadline' | 'owners' | 'followUp';

/** The plan's column names, used to find columns and to name the field in warnings. */
const FIELD: Record<Column, string> = {
  goal: 'Vad ska vi uppnå?',
  text: 'Aktivitet',
  deadline: 'Måldatum',
  owners: 'Ansvarig',
  followUp: 'Uppföljning/kommentar',
};
const HEADER_WORDS: [Column, RegExp][] = [
  ['goal', /^vad ska/i],
  ['text', /^(?:aktivitet|hur gör)/i],
  ['deadline', /^(?:måldatum|när ska|slutdatum|datum)/i],
  ['owners', /^ansvarig/i],
  ['followUp', /^(?:uppföljning|kommentar)/i],
];
const STANDARD_COLUMNS: Column[] = ['goal', 'text', 'deadline', 'owners', 'followUp'];

const DEPARTMENT_HEADING = /^\s*aktivitetsplan\s+(?:för\s+)?avdelning(?:en)?\s+(.+?)\s*$/i;
const PLAN_FOLLOW_UP = /^\s*uppföljning\s+av\s/i;

/** Section words as they are folded ("behalla"); "avveckla" is the same section as "avsluta". */
const SECTION_WORDS: Record<string, SectionKind> = {
  ...Object.fromEntries(Object.keys(SECTION_KINDS).map((k) => [k, k as SectionKind])),
  behalla: 'behalla',
  ovrigt: 'ovrigt',
  avveckla: 'avsluta',
};

export function looksLikeKompetensplan(doc: PlanDocument): boolean {
  return doc.blocks.some((b) =>
    b.kind === 'paragraph'
      ? DEPARTMENT_HEADING.test(b.text)
      : [b.header, ...b.rows].some((r) => r?.cells.some((c) => /vad ska vi uppnå/i.test(c))),
  );
}

export function readKompetensplan(doc: PlanDocument, warnings: Warnings): Plan {
  const { file } = doc;
  const firstDepartment = doc.blocks.findIndex((b) => b.kind === 'paragraph' && DEPARTMENT_HEADING.test(b.text));
  const preamble = firstDepartment < 0 ? doc.blocks : doc.blocks.slice(0, firstDepartment);
  const followUpRaw = preamble
    .find((b): b is DocParagraph => b.kind === 'paragraph' && PLAN_FOLLOW_UP.test(b.text))
    ?.text.trim();
  const plan: Plan = {
    kind: 'kompetensforsorjningsplan',
    title: readTitle(doc),
    file,
    defaultCadences: defaultCadences(followUpRaw),
    departments: [],
  };
  if (followUpRaw) plan.followUpRaw = followUpRaw;

  let reader: DepartmentReader | undefined;
  for (const block of doc.blocks) {
    if (block.kind === 'paragraph') {
      const heading = DEPARTMENT_HEADING.exec(block.text)?.[1];
      if (heading) reader = new DepartmentReader(departmentFor(plan, heading), plan, warnings);
      continue;
    }
    const table = splitTable(block);
    if (!reader) {
      // Tables before the first department (the table of contents) are not activity tables.
      if (table.header?.kind !== 'columns') continue;
      warnings.add(
        block.at,
        undefined,
        'activity table before any "Aktivitetsplan avdelning …" heading',
        'aktivitetstabell före rubriken "Aktivitetsplan avdelning …"',
      );
      reader = new DepartmentReader(departmentFor(plan, 'okänd'), plan, warnings);
    }
    reader.readTable(table);
  }

  if (plan.departments.length === 0) {
    warnings.add(
      undefined,
      undefined,
      'no department activity plan found',
      'ingen aktivitetsplan per avdelning hittades',
    );
  }
  return giveIds(plan);
}

function departmentFor(plan: Plan, heading: string): Department {
  const id = slug(heading) || 'okand';
  let department = plan.departments.find((d) => d.id === id);
  if (!department) {
    department = { id, name: capitalise(heading), sections: [] };
    plan.departments.push(department);
  }
  return department;
}

/** "Kompetens- försörjningsplan 2021- 2023" as it was before Word's hyphenation. */
function readTitle(doc: PlanDocument): string {
  const first =
    doc.blocks.find((b): b is DocParagraph => b.kind === 'paragraph' && b.text.trim() !== '')?.text.trim() ?? '';
  return first.replace(/(\p{L})- (\p{Ll})/gu, '$1$2').replace(/(\d)- (\d)/g, '$1-$2');
}

export function isTableLine(line: string): boolean {
  return line.trimStart().startsWith('|');
}

interface Table {
  header?: { kind: 'columns'; columns: (Column | undefined)[] } | { kind: 'empty' } | { kind: 'data'; row: DocRow };
  rows: DocRow[];
  at: Place;
}

function splitTable(table: DocTable): Table {
  const { at, header, rows } = table;
  if (!header) return { rows, at };
  const cells = header.cells;
  if (cells.every((c) => c === '')) return { header: { kind: 'empty' }, rows, at };
  const columns = cells.map((c) => HEADER_WORDS.find(([, re]) => re.test(c))?.[0]);
  if (columns.filter((c) => c !== undefined).length >= 2) {
    // A header row repeated inside the table (Word's or a PDF's repeated header on a new page) is no data.
    const same = (r: DocRow) => r.cells.length === cells.length && r.cells.every((c, i) => c === cells[i]);
    return { header: { kind: 'columns', columns }, rows: rows.filter((r) => !same(r)), at };
  }
  return { header: { kind: 'data', row: header }, rows, at };
}

/** `| a | b |` → ["a", "b"]; `\|` inside a cell is a literal bar. */
export const splitRow = splitPipeRow;

/** The state of reading one department's tables, across its page breaks. */
class DepartmentReader {
  private columns: (Column | undefined)[] | undefined;
  private section: Section | undefined;
  private goal: Goal | undefined;
  /** The activity the last non-empty row belonged to; a continued row goes on with it. */
  private last: { activity: Activity; goal: Goal } | undefined;
  private readonly ctx: RowContext;

  constructor(
    private readonly department: Department,
    private readonly plan: Plan,
    private readonly warnings: Warnings,
  ) {
    this.ctx = { warnings, defaultCadences: plan.defaultCadences, fields: FIELD };
  }

  readTable(table: Table): void {
    const { header } = table;
    let rows = table.rows;
    let pageBreak = true;
    if (!header) {
      this.warnings.add(table.at, undefined, 'table with no header row', 'tabell utan rubrikrad');
    } else if (header.kind === 'columns') {
      this.columns = header.columns;
      pageBreak = false;
      const missing = STANDARD_COLUMNS.filter((c) => !header.columns.includes(c));
      if (missing.length > 0) {
        this.warnings.add(
          table.at,
          missing.map((c) => FIELD[c]).join(', '),
          `table has no column ${missing.map((c) => `"${FIELD[c]}"`).join(', ')}`,
          `tabellen saknar kolumnen ${missing.map((c) => `"${FIELD[c]}"`).join(', ')}`,
        );
      }
    } else if (header.kind === 'data') {
      rows = [header.row, ...rows];
    }
    let first = pageBreak;
    for (const row of rows) {
      if (row.afterPageBreak) first = true;
      const read = this.readRow(row, first);
      if (read) first = false;
    }
  }

  /** Reads one row; false for an empty row, which does not end the "first row after a break". */
  private readRow(row: DocRow, firstAfterBreak: boolean): boolean {
    const columns = this.columns ?? STANDARD_COLUMNS;
    const cells = row.cells;
    if (cells.length !== columns.length && cells.some((c) => c !== '')) {
      this.warnings.add(
        row.at,
        undefined,
        `row has ${cells.length} cells, the table has ${columns.length} columns`,
        `raden har ${cells.length} celler, tabellen har ${columns.length} kolumner`,
      );
    }
    const v: Record<Column, string> = { goal: '', text: '', deadline: '', owners: '', followUp: '' };
    cells.forEach((c, i) => {
      // Cells past the last column are kept with it, so no text the planner wrote is lost.
      const column = columns[Math.min(i, columns.length - 1)];
      if (column) v[column] = joinContinued(v[column], c);
    });
    if (Object.values(v).every((x) => x === '')) return false;

    const kinds = sectionKinds(v.goal);
    if (kinds && v.text === '' && v.deadline === '' && v.owners === '' && v.followUp === '') {
      this.section = { name: v.goal, kinds, goals: [], source: sourceRef(this.plan.file, row.at) };
      this.department.sections.push(this.section);
      this.goal = undefined;
      this.last = undefined;
      return true;
    }
    const noDateNoOwner = v.deadline === '' && v.owners === '';
    if (firstAfterBreak && noDateNoOwner && this.last) {
      this.continueLast(v);
      return true;
    }
    if (noDateNoOwner && v.text === '') {
      this.addNote(v, row.at);
      return true;
    }
    this.addActivity(v, row.at);
    return true;
  }

  /** A row a page break split: its words go on with the row above. */
  private continueLast(v: Record<Column, string>): void {
    const last = this.last;
    if (!last) return;
    last.goal.text = joinContinued(last.goal.text, v.goal);
    last.activity.text = joinContinued(last.activity.text, v.text);
    if (v.followUp !== '') this.extendFollowUp(last.activity, v.followUp);
  }

  /** A goal-like sentence with only a comment belongs to the activity above as a note. */
  private addNote(v: Record<Column, string>, line: Place): void {
    const last = this.last;
    if (!last) {
      this.warnings.add(
        line,
        FIELD.text,
        'row has no activity, deadline or owner, and no activity above it to belong to',
        'raden saknar aktivitet, måldatum och ansvarig, och det finns ingen aktivitet ovanför som den hör till',
      );
      return;
    }
    if (v.goal !== '') last.activity.notes.push(v.goal);
    if (v.followUp !== '') this.extendFollowUp(last.activity, v.followUp);
  }

  private extendFollowUp(activity: Activity, more: string): void {
    activity.followUp = activity.followUp === '' ? more : `${activity.followUp}\n${more}`;
    activity.cadences = parseCadences(activity.followUp, this.plan.defaultCadences);
  }

  private addActivity(v: Record<Column, string>, line: Place): void {
    if (!this.section) {
      this.section = { name: '', kinds: [], goals: [], source: sourceRef(this.plan.file, line) };
      this.department.sections.push(this.section);
    }
    if (v.goal !== '' && v.goal !== this.goal?.text) {
      this.goal = {
        level: 'goal',
        text: v.goal,
        activities: [],
        indicators: [],
        source: sourceRef(this.plan.file, line),
      };
      this.section.goals.push(this.goal);
    }
    if (!this.goal) {
      this.warnings.add(line, FIELD.goal, 'activity without a goal', 'aktivitet utan mål');
      this.goal = { level: 'goal', text: '', activities: [], indicators: [], source: sourceRef(this.plan.file, line) };
      this.section.goals.push(this.goal);
    }
    if (v.text === '') this.warnings.add(line, FIELD.text, 'no activity text', 'aktivitetstext saknas');
    const activity: Activity = {
      id: '',
      ...buildActivity(
        { text: v.text, deadline: v.deadline, owners: v.owners, followUp: v.followUp, at: line },
        this.ctx,
      ),
    };
    this.goal.activities.push(activity);
    this.last = { activity, goal: this.goal };
  }
}

/** The section words a heading row names ("Rekrytera samt attrahera" → rekrytera, attrahera). */
export function sectionKinds(cell: string): SectionKind[] | undefined {
  // Section headings are a few words; don't fold whole goal sentences to find that out.
  if (cell === '' || cell.length > 60) return undefined;
  const words = fold(cell)
    .split(/[\s/,&+]+|\b(?:och|samt)\b/)
    .filter((w) => w !== '' && w !== 'och' && w !== 'samt');
  if (words.length === 0) return undefined;
  const kinds: SectionKind[] = [];
  for (const w of words) {
    const kind = SECTION_WORDS[w];
    if (!kind) return undefined;
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
