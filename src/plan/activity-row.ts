/**
 * One activity row read into an Activity: deadline, milestones, owners and cadences. Both readers
 * hand their cells here, so a Måldatum in a kompetensförsörjningsplan and a Slutdatum in a
 * verksamhetsplan are read, split and warned about the same way.
 */
import { combineDeadlines, countDeadlineValues, parseDeadline, splitDeadlineCell } from './deadline';
import type { Place } from './document';
import type { Warnings } from './errors';
import type { Activity, Deadline, Milestone } from './model';
import { parseCadences } from './cadence';
import { parseOwners, splitOwnerGroups } from './owners';
import { splitNumbered } from './text';
import type { Cadence, RoleRef } from '../domain';

export interface ActivityCells {
  text: string;
  deadline: string;
  owners: string;
  followUp: string;
  at: Place;
}

export interface RowContext {
  warnings: Warnings;
  defaultCadences: readonly Cadence[];
  /** Who answers for a row with an empty Ansvarig cell (a verksamhetsplan's unit head). */
  defaultOwners?: readonly RoleRef[];
  /** The plan's own column names, for warnings. */
  fields: { text: string; deadline: string; owners: string };
}

export function buildActivity(cells: ActivityCells, ctx: RowContext): Omit<Activity, 'id'> {
  const { warnings, fields } = ctx;
  const line = cells.at;
  const deadlineParts = splitDeadlineCell(cells.deadline);
  const ownerNumbered = splitNumbered(cells.owners);
  const textNumbered = splitNumbered(cells.text);
  const count = Math.max(deadlineParts.length, ownerNumbered?.length ?? 0, textNumbered?.length ?? 0);

  let deadline: Deadline;
  let owners: RoleRef[];
  let milestones: Milestone[] = [];
  if (count > 1) {
    milestones = readMilestones(cells, count, deadlineParts, ctx);
    ({ deadline, owners } = fromMilestones(cells.deadline, milestones));
  } else {
    deadline = parseDeadline(cells.deadline);
    warnAboutDeadline(deadline, line, fields.deadline, warnings);
    owners = readOwners(cells.owners, line, ctx);
  }
  return {
    text: cells.text,
    deadline,
    milestones,
    owners,
    ownersRaw: cells.owners,
    followUp: cells.followUp,
    cadences: parseCadences(cells.followUp, ctx.defaultCadences),
    notes: [],
    source: sourceRef(warnings.file, line),
  };
}

/**
 * A row with milestones is due when its last milestone is (the others are its checkpoints) and is
 * owned by everyone who owns one of them. plan.yaml derives these again after HR's corrections.
 */
export function fromMilestones(
  deadlineRaw: string,
  milestones: readonly Milestone[],
): { deadline: Deadline; owners: RoleRef[] } {
  const owners: RoleRef[] = [];
  for (const m of milestones)
    for (const o of m.owners) if (!owners.some((x) => x.role === o.role && x.unit === o.unit)) owners.push({ ...o });
  return {
    deadline: combineDeadlines(
      deadlineRaw,
      milestones.map((m) => m.deadline),
    ),
    owners,
  };
}

function readMilestones(cells: ActivityCells, count: number, deadlineParts: string[], ctx: RowContext): Milestone[] {
  const { warnings, fields } = ctx;
  const line = cells.at;
  const ownerGroups = splitOwnerGroups(cells.owners);
  if (ownerGroups.length > 1 && ownerGroups.length !== count) {
    warnings.add(
      line,
      fields.owners,
      `${count} milestones but ${ownerGroups.length} owner groups; every milestone gets all owners`,
      `${count} delmål men ${ownerGroups.length} grupper av ansvariga; alla ansvariga gäller för varje delmål`,
    );
  }
  if (deadlineParts.length > 1 && deadlineParts.length !== count) {
    warnings.add(
      line,
      fields.deadline,
      `${count} milestones but ${deadlineParts.length} deadlines; check which date belongs to which`,
      `${count} delmål men ${deadlineParts.length} måldatum; kontrollera vilket datum som hör till vilket`,
    );
  }
  const texts = splitActivityText(cells.text, count);
  return Array.from({ length: count }, (_, k): Milestone => {
    const deadlineRaw = deadlineParts.length === count ? (deadlineParts[k] ?? '') : cells.deadline;
    const ownersRaw = ownerGroups.length === count ? (ownerGroups[k] ?? '') : cells.owners;
    const deadline = parseDeadline(deadlineRaw);
    const field = `${fields.deadline} (delmål ${k + 1})`;
    warnAboutDeadline(deadline, line, field, warnings);
    if (countDeadlineValues(deadlineRaw) > 1) severalDates(line, field, deadlineRaw, deadline, warnings);
    const milestone: Milestone = { deadline, owners: readOwners(ownersRaw, line, ctx), ownersRaw };
    const text = texts?.[k];
    if (text !== undefined) milestone.text = text;
    return milestone;
  });
}

/**
 * The part of the activity text each milestone is about: numbered items, paragraphs, or
 * sentences run together where a capitalised word follows a lower-case one ("Aktivt
 * värdegrundsarbete Ledningen utvecklar…"). Undefined unless the text splits into exactly `count`.
 */
export function splitActivityText(text: string, count: number): string[] | undefined {
  const numbered = splitNumbered(text);
  if (numbered) return numbered.length === count ? numbered.map((p) => p.text) : undefined;
  const paragraphs = text.split('\n');
  if (paragraphs.length === count) return paragraphs;
  const parts = text.split(/(?<=[\p{Ll}][.!?]?)\s+(?=\p{Lu}\p{Ll})/u);
  return parts.length === count ? parts : undefined;
}

function readOwners(raw: string, line: Place, ctx: RowContext): RoleRef[] {
  const owners = parseOwners(raw);
  if (owners.length > 0) return owners;
  if (ctx.defaultOwners && raw.trim() === '') return ctx.defaultOwners.map((o) => ({ ...o }));
  if (raw.trim() === '') {
    ctx.warnings.add(line, ctx.fields.owners, 'no owner', 'ansvarig saknas');
  } else {
    ctx.warnings.add(line, ctx.fields.owners, `no known role in "${raw}"`, `ingen känd roll i "${raw}"`);
  }
  return [];
}

function warnAboutDeadline(deadline: Deadline, line: Place, field: string, warnings: Warnings): void {
  if (deadline.kind === 'missing') {
    warnings.add(line, field, 'no deadline', 'måldatum saknas');
  } else if (deadline.kind === 'unreadable') {
    warnings.add(
      line,
      field,
      `cannot read "${deadline.raw}" as a date`,
      `kan inte läsa "${deadline.raw}" som ett datum`,
    );
  }
}

function severalDates(line: Place, field: string, raw: string, deadline: Deadline, warnings: Warnings): void {
  warnings.add(
    line,
    field,
    `"${raw}" names several dates; reading ${deadline.date} as the deadline and ${deadline.checkpoints.join(', ')} as checkpoints`,
    `"${raw}" anger flera datum; ${deadline.date} läses som måldatum och ${deadline.checkpoints.join(', ')} som avstämning`,
  );
}

/** Where a row is, as plan.yaml keeps it: the line, and the place for formats without lines. */
export function sourceRef(file: string, at: Place): { file: string; line: number; place?: string } {
  return at.label !== undefined ? { file, line: at.line, place: at.label } : { file, line: at.line };
}
