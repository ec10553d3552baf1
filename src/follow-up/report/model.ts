/**
 * The department report of one follow-up cycle, built from plain data (what the lifecycles and
 * the cycle recorded): per section and goal each activity's status, comment, owner, deadline,
 * overdue flag and whether it was reported; totals and a traffic light per section; the
 * indicators with their values beside Årsmål and KF:s årsmål. Pure: no Temporal, no I/O, no clock.
 */
import { stockholmDate } from '../../calendar/stockholm';
import { STATUSES, type IsoDate, type Status } from '../../domain/vocabulary';
import type { LifecycleActivity } from '../../lifecycle';
import type { CycleIndicator, CycleOccasion } from '../messages';
import { LIGHT_RULE, lightFor, type Light } from '../../domain/traffic-light';

export interface Answer {
  status: Status;
  comment?: string;
  proposedDate?: IsoDate;
  by: string;
  /** ISO instant, plan time. */
  at: string;
}

export interface ReportActivityData {
  activity: Pick<LifecycleActivity, 'id' | 'section' | 'goal' | 'text' | 'deadline' | 'deadlineRaw'>;
  owners: string[];
  /** The latest report inside the cycle's window. */
  answer?: Answer;
  /** The latest report before the window opened (an activity done earlier is Klar, not a non-responder). */
  earlier?: Answer;
  /** Reports that arrived after the previous cycle closed and before this one opened. */
  corrections?: Answer[];
  /** The activity has no lifecycle in Temporal (not imported, or removed). */
  missing?: boolean;
}

export interface ReportIndicatorData {
  indicator: Pick<
    CycleIndicator,
    'id' | 'section' | 'goal' | 'name' | 'annualTarget' | 'kfAnnualTarget' | 'periodicityRaw'
  >;
  owners: string[];
  value?: { value: string; comment?: string; by: string; at: string };
}

export interface ReportInput {
  cycleId: string;
  department: string;
  departmentName: string;
  occasion: Pick<CycleOccasion, 'period' | 'id' | 'label' | 'requestOn' | 'due'>;
  /** ISO instant the cycle closed (plan time). */
  closedAt: string;
  previousLabel?: string;
  activities: ReportActivityData[];
  indicators: ReportIndicatorData[];
}

export type { Light };

export type RowStatus = Status | 'notReported';
export const ROW_STATUS_LABEL: Record<RowStatus, string> = { ...STATUSES, notReported: 'Ej rapporterad' };

export interface ReportRow {
  activityId: string;
  section: string;
  goal: string;
  text: string;
  owners: string;
  /** The planner's Måldatum text, and the date it was read as. */
  deadlineRaw: string;
  deadline?: IsoDate;
  status: RowStatus;
  statusLabel: string;
  comment: string;
  proposedDate?: IsoDate;
  reportedBy?: string;
  reportedOn?: IsoDate;
  /** Answered before the window opened (done earlier): not asked again. */
  earlier: boolean;
  overdue: boolean;
  notReported: boolean;
  corrections: string[];
}

export interface Counts {
  total: number;
  done: number;
  inProgress: number;
  late: number;
  notStarted: number;
  notReported: number;
  overdue: number;
  onTrack: number;
  /** onTrack / total, 0–1 (1 for an empty section). */
  share: number;
  light: Light;
}

export interface ReportSection {
  name: string;
  goals: { text: string; rows: ReportRow[] }[];
  counts: Counts;
}

export interface IndicatorRow {
  indicatorId: string;
  section: string;
  goal: string;
  name: string;
  annualTarget: string;
  kfAnnualTarget: string;
  periodicity: string;
  value?: string;
  comment: string;
  reportedBy?: string;
  owners: string;
  notReported: boolean;
}

export interface DepartmentReport {
  cycleId: string;
  department: string;
  departmentName: string;
  period: string;
  label: string;
  opensOn: IsoDate;
  due: IsoDate;
  closedOn: IsoDate;
  previousLabel?: string;
  lightRule: string;
  sections: ReportSection[];
  indicators: IndicatorRow[];
  totals: Counts & { indicators: number; indicatorsReported: number };
  nonResponders: { activityId: string; text: string; owners: string }[];
}

const day = (instant: string) => stockholmDate(instant);

export function buildDepartmentReport(input: ReportInput): DepartmentReport {
  const due = input.occasion.due;
  const rows = input.activities.map((a) => toRow(a, due, input.previousLabel));
  const sections: ReportSection[] = [];
  for (const row of rows) {
    let section = sections.find((s) => s.name === row.section);
    if (!section) sections.push((section = { name: row.section, goals: [], counts: emptyCounts() }));
    let goal = section.goals.find((g) => g.text === row.goal);
    if (!goal) section.goals.push((goal = { text: row.goal, rows: [] }));
    goal.rows.push(row);
  }
  for (const s of sections) s.counts = count(s.goals.flatMap((g) => g.rows));
  const indicators = input.indicators.map(toIndicatorRow);
  return {
    cycleId: input.cycleId,
    department: input.department,
    departmentName: input.departmentName,
    period: input.occasion.period,
    label: input.occasion.label,
    opensOn: input.occasion.requestOn,
    due,
    closedOn: day(input.closedAt),
    ...(input.previousLabel ? { previousLabel: input.previousLabel } : {}),
    lightRule: `Trafikljus per avsnitt: ${LIGHT_RULE}`,
    sections,
    indicators,
    totals: {
      ...count(rows),
      indicators: indicators.length,
      indicatorsReported: indicators.filter((i) => !i.notReported).length,
    },
    nonResponders: rows
      .filter((r) => r.notReported)
      .map((r) => ({ activityId: r.activityId, text: r.text, owners: r.owners })),
  };
}

function toRow(a: ReportActivityData, due: IsoDate, previousLabel?: string): ReportRow {
  const doneEarlier = !a.answer && a.earlier?.status === 'done';
  const shown = a.answer ?? (doneEarlier ? a.earlier : undefined);
  const status: RowStatus = shown?.status ?? 'notReported';
  const deadline = a.activity.deadline;
  const lastKnown =
    !shown && a.earlier ? `Senast rapporterat ${day(a.earlier.at)}: ${STATUSES[a.earlier.status]}.` : '';
  return {
    activityId: a.activity.id,
    section: a.activity.section,
    goal: a.activity.goal,
    text: a.activity.text,
    owners: a.owners.join(', '),
    deadlineRaw: a.activity.deadlineRaw,
    ...(deadline ? { deadline } : {}),
    status,
    statusLabel: ROW_STATUS_LABEL[status] + (doneEarlier ? ' (tidigare)' : ''),
    comment: shown?.comment ?? (a.missing ? 'Aktiviteten följs inte i Planvakt.' : lastKnown),
    ...(shown?.status === 'late' && shown.proposedDate ? { proposedDate: shown.proposedDate } : {}),
    ...(shown ? { reportedBy: shown.by, reportedOn: day(shown.at) } : {}),
    earlier: doneEarlier,
    overdue: deadline !== undefined && deadline < due && status !== 'done',
    notReported: status === 'notReported',
    corrections: (a.corrections ?? []).map(
      (c) =>
        `Sent svar${previousLabel ? ` efter ${previousLabel}` : ''}, ${day(c.at)} av ${c.by}: ${STATUSES[c.status]}` +
        (c.proposedDate ? ` (nytt datum ${c.proposedDate})` : '') +
        (c.comment ? ` – ${c.comment}` : ''),
    ),
  };
}

function toIndicatorRow(i: ReportIndicatorData): IndicatorRow {
  return {
    indicatorId: i.indicator.id,
    section: i.indicator.section,
    goal: i.indicator.goal,
    name: i.indicator.name,
    annualTarget: i.indicator.annualTarget ?? '',
    kfAnnualTarget: i.indicator.kfAnnualTarget ?? '',
    periodicity: i.indicator.periodicityRaw,
    ...(i.value ? { value: i.value.value, reportedBy: i.value.by } : {}),
    comment: i.value?.comment ?? '',
    owners: i.owners.join(', '),
    notReported: i.value === undefined,
  };
}

function emptyCounts(): Counts {
  return {
    total: 0,
    done: 0,
    inProgress: 0,
    late: 0,
    notStarted: 0,
    notReported: 0,
    overdue: 0,
    onTrack: 0,
    share: 1,
    light: 'grön',
  };
}

export function count(rows: readonly ReportRow[]): Counts {
  const c = emptyCounts();
  for (const r of rows) {
    c.total++;
    c[r.status]++;
    if (r.overdue) c.overdue++;
    if (r.status === 'done' || (r.status === 'inProgress' && !r.overdue)) c.onTrack++;
  }
  c.share = c.total === 0 ? 1 : c.onTrack / c.total;
  c.light = lightFor(c.share);
  return c;
}
