/**
 * Reads a unit's verksamhetsplan exported as text: goal headings ("KF:s inriktningsmål:",
 * "KF:s mål för verksamhetsområdet:", "Nämndmål:", "Enhetsmål:") each followed by their text, and
 * tab-separated Indikator and Aktivitet tables under them. The unit's head owns every activity
 * unless a row names someone else.
 */
import { buildActivity, sourceRef, type RowContext } from './activity-row';
import { defaultCadences, parsePeriodicity } from './cadence';
import { parseDeadline } from './deadline';
import type { Warnings } from './errors';
import { giveDepartmentIds } from './ids';
import type { Department, Goal, GoalLevel, Indicator, Plan, Section } from './model';
import { paragraphs, type DocRow, type DocTable, type Place, type PlanDocument } from './document';
import { joinContinued, slug } from './text';
import { DEPARTMENTS, UNIT_DEPARTMENT } from './units';
import type { RoleRef } from '../domain';

const TITLE = /^\s*verksamhetsplan\s+(\d{4})\s+(?:för\s+)?(.+?)\s*$/i;
const HEADINGS: [RegExp, 'inriktning' | 'kf' | Exclude<GoalLevel, 'goal' | 'kf'>][] = [
  [/^\s*kf:s\s+inriktningsmål\s*:?\s*$/i, 'inriktning'],
  [/^\s*kf:s\s+mål\s+för\s+verksamhetsområdet\s*:?\s*$/i, 'kf'],
  [/^\s*nämndmål\s*:?\s*$/i, 'namnd'],
  [/^\s*enhetsmål\s*:?\s*$/i, 'enhet'],
];
type HeadingKind = (typeof HEADINGS)[number][1];

type IndicatorColumn = 'name' | 'annualTarget' | 'kfAnnualTarget' | 'periodicity';
type ActivityColumn = 'text' | 'start' | 'deadline' | 'owners' | 'followUp';
const INDICATOR_COLUMNS: [IndicatorColumn, RegExp, string][] = [
  ['name', /^indikator/i, 'Indikator'],
  ['kfAnnualTarget', /^kf:?s\s+årsmål/i, 'KF:s årsmål'],
  ['annualTarget', /^årsmål/i, 'Årsmål'],
  ['periodicity', /^periodicitet/i, 'Periodicitet'],
];
const ACTIVITY_COLUMNS: [ActivityColumn, RegExp, string][] = [
  ['text', /^aktivitet/i, 'Aktivitet'],
  ['start', /^startdatum/i, 'Startdatum'],
  ['deadline', /^slutdatum/i, 'Slutdatum'],
  ['owners', /^ansvarig/i, 'Ansvarig'],
  ['followUp', /^uppföljning/i, 'Uppföljning'],
];

export function looksLikeVerksamhetsplan(doc: PlanDocument): boolean {
  return doc.blocks.some((b) =>
    b.kind === 'paragraph'
      ? TITLE.test(b.text)
      : (/^aktivitet$/i.test(b.header?.cells[0] ?? '') && /^startdatum/i.test(b.header?.cells[1] ?? '')) ||
        (/^indikator$/i.test(b.header?.cells[0] ?? '') && /^årsmål/i.test(b.header?.cells[1] ?? '')),
  );
}

export function readVerksamhetsplan(doc: PlanDocument, warnings: Warnings): Plan {
  const { file } = doc;
  const titleBlock = paragraphs(doc).find((p) => TITLE.test(p.text));
  const titleLine = titleBlock?.text;
  const title =
    titleLine?.trim() ??
    paragraphs(doc)
      .find((p) => p.text.trim() !== '')
      ?.text.trim() ??
    '';
  const unit = titleLine ? slug(TITLE.exec(titleLine)?.[2] ?? '') : undefined;
  const departmentId = unit ? UNIT_DEPARTMENT[unit] : undefined;
  if (!unit) {
    warnings.add(
      undefined,
      undefined,
      'no "Verksamhetsplan <year> för <unit>" title: unit unknown',
      'ingen rubrik "Verksamhetsplan <år> för <enhet>": enheten är okänd',
    );
  } else if (!departmentId) {
    warnings.add(
      titleBlock?.at,
      undefined,
      `unit "${unit}" belongs to no known department`,
      `enheten "${unit}" hör inte till någon känd avdelning`,
    );
  }
  const department: Department = {
    id: departmentId ?? unit ?? 'okand',
    name: departmentId ? DEPARTMENTS[departmentId] : 'Okänd avdelning',
    sections: [],
  };
  if (unit) department.unit = unit;
  const plan: Plan = {
    kind: 'verksamhetsplan',
    title,
    file,
    defaultCadences: defaultCadences(undefined),
    departments: [department],
  };
  const defaultOwners: RoleRef[] = [unit ? { role: 'enhetschef', unit, raw: '' } : { role: 'enhetschef', raw: '' }];
  const reader = new Reader(plan, department, {
    warnings,
    defaultCadences: plan.defaultCadences,
    defaultOwners,
    fields: { text: 'Aktivitet', deadline: 'Slutdatum', owners: 'Ansvarig' },
  });

  let pending: HeadingKind | undefined;
  for (const block of doc.blocks) {
    if (block.kind === 'table') {
      reader.readTable(block);
      continue;
    }
    const text = block.text.trim();
    if (text === '') continue;
    const heading = HEADINGS.find(([re]) => re.test(text))?.[1];
    if (heading) pending = heading;
    else if (pending) {
      reader.heading(pending, text, block.at);
      pending = undefined;
    }
  }

  giveDepartmentIds(plan.kind, department);
  return plan;
}

class Reader {
  private inriktning: string | undefined;
  private section: Section | undefined;
  private goal: Goal | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly department: Department,
    private readonly ctx: RowContext,
  ) {}

  heading(kind: HeadingKind, text: string, line: Place): void {
    const source = sourceRef(this.plan.file, line);
    if (kind === 'inriktning') {
      this.inriktning = text;
      this.section = undefined;
      this.goal = undefined;
    } else if (kind === 'kf') {
      this.section = { name: text, kinds: [], goals: [], source };
      if (this.inriktning) this.section.parent = this.inriktning;
      this.department.sections.push(this.section);
      this.goal = undefined;
    } else {
      this.goal = { level: kind, text, activities: [], indicators: [], source };
      this.currentSection(line).goals.push(this.goal);
    }
  }

  readTable(table: DocTable): void {
    const header = table.header;
    const rows = table.rows;
    if (!header) return;
    const names = header.cells;
    if (/^indikator/i.test(names[0] ?? '')) {
      const columns = mapColumns(names, INDICATOR_COLUMNS);
      for (const row of rows) this.readIndicator(row, columns);
    } else if (/^aktivitet/i.test(names[0] ?? '')) {
      const columns = mapColumns(names, ACTIVITY_COLUMNS);
      for (const row of rows) this.readActivity(row, columns);
    } else {
      this.ctx.warnings.add(
        header.at,
        undefined,
        'table with no header row ("Indikator …" or "Aktivitet …"); its rows are skipped',
        'tabell utan rubrikrad ("Indikator …" eller "Aktivitet …"); raderna hoppas över',
      );
    }
  }

  private readIndicator(row: DocRow, columns: ColumnMap<IndicatorColumn>): void {
    const v = cellsOf(row, columns, this.ctx.warnings);
    if (!v.name) {
      if (Object.values(v).some((x) => x))
        this.ctx.warnings.add(row.at, 'Indikator', 'indicator without a name', 'indikator utan namn');
      return;
    }
    const periodicityRaw = v.periodicity ?? '';
    const periods = parsePeriodicity(periodicityRaw);
    if (!periods) {
      this.ctx.warnings.add(
        row.at,
        'Periodicitet',
        `cannot read periodicity "${periodicityRaw}"`,
        `kan inte läsa periodiciteten "${periodicityRaw}"`,
      );
    }
    const indicator: Indicator = {
      name: v.name,
      periodicity: { raw: periodicityRaw, periods: periods ?? [] },
      source: sourceRef(this.plan.file, row.at),
    };
    if (v.annualTarget) indicator.annualTarget = v.annualTarget;
    if (v.kfAnnualTarget) indicator.kfAnnualTarget = v.kfAnnualTarget;
    this.currentGoal(row.at).indicators.push(indicator);
  }

  private readActivity(row: DocRow, columns: ColumnMap<ActivityColumn>): void {
    const v = cellsOf(row, columns, this.ctx.warnings);
    if (!Object.values(v).some((x) => x)) return;
    if (!v.text) this.ctx.warnings.add(row.at, 'Aktivitet', 'no activity text', 'aktivitetstext saknas');
    const built = buildActivity(
      {
        text: v.text ?? '',
        deadline: v.deadline ?? '',
        owners: v.owners ?? '',
        followUp: v.followUp ?? '',
        at: row.at,
      },
      this.ctx,
    );
    const activity = { id: '', ...built };
    if (v.start) {
      const start = parseDeadline(v.start);
      if (start.kind === 'unreadable') {
        this.ctx.warnings.add(
          row.at,
          'Startdatum',
          `cannot read "${v.start}" as a date`,
          `kan inte läsa "${v.start}" som ett datum`,
        );
      }
      activity.start = start;
    }
    this.currentGoal(row.at).activities.push(activity);
  }

  private currentSection(line: Place): Section {
    if (!this.section) {
      this.ctx.warnings.add(line, undefined, 'goal outside any KF goal', 'mål utanför KF:s mål');
      this.section = { name: '', kinds: [], goals: [], source: sourceRef(this.plan.file, line) };
      this.department.sections.push(this.section);
    }
    return this.section;
  }

  /** Indicators straight under a KF goal (no nämndmål yet) measure the KF goal itself. */
  private currentGoal(line: Place): Goal {
    if (!this.goal) {
      const section = this.currentSection(line);
      this.goal = { level: 'kf', text: section.name, activities: [], indicators: [], source: section.source };
      section.goals.push(this.goal);
    }
    return this.goal;
  }
}

type ColumnMap<C extends string> = { columns: (C | undefined)[]; names: string[] };

function mapColumns<C extends string>(names: string[], known: [C, RegExp, string][]): ColumnMap<C> {
  return { columns: names.map((n) => known.find(([, re]) => re.test(n))?.[0]), names };
}

function cellsOf<C extends string>(row: DocRow, map: ColumnMap<C>, warnings: Warnings): Partial<Record<C, string>> {
  const cells = row.cells;
  const expected = map.columns.length;
  if (cells.length !== expected && cells.some((c) => c.trim() !== '')) {
    warnings.add(
      row.at,
      undefined,
      `row has ${cells.length} cells, the table has ${expected} columns`,
      `raden har ${cells.length} celler, tabellen har ${expected} kolumner`,
    );
  }
  const out: Partial<Record<C, string>> = {};
  cells.forEach((c, i) => {
    const column = map.columns[Math.min(i, expected - 1)];
    const text = c;
    if (!column || text === '') return;
    out[column] = joinContinued(out[column] ?? '', text);
  });
  return out;
}
