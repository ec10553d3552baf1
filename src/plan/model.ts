/**
 * The imported structure of a plan: Plan → Department (avdelning) → Section (avsnitt) → Goal (mål)
 * → Activity (aktivitet) / Indicator (indikator). Every normalised value keeps the planner's raw
 * text beside it, so plan.yaml shows what was read and how it was understood.
 */
import type { Cadence, FollowUpPeriod, IsoDate, RoleRef } from '../domain';

export type PlanKind = 'kompetensforsorjningsplan' | 'verksamhetsplan';

export interface SourceRef {
  file: string;
  /** 1-based line of the row (the first line when a row is continued after a page break). */
  line: number;
  /** Formats without lines: where the row is ("tabell 3, rad 5", "blad Förskola, rad 7"). */
  place?: string;
}

/**
 * How a Måldatum/Slutdatum cell was read:
 * - `date` `2022-12-31`; `year` `2022` → 31 Dec; `range` `2022-2024`, `2022/2023` → 31 Dec of the last
 *   year, with the earlier year ends as checkpoints; `tertial` `Tertial 1 2022` → last day of the tertial;
 * - `ongoing` `Löpande`: no deadline, follow-up cycles only; `missing`: empty cell;
 * - `unreadable`: text no planner's reading turns into a date (a warning names it).
 */
export type DeadlineKind = 'date' | 'year' | 'range' | 'tertial' | 'ongoing' | 'missing' | 'unreadable';

export interface Deadline {
  kind: DeadlineKind;
  /** The day it must be done; absent for ongoing, missing and unreadable. */
  date?: IsoDate;
  /** Earlier days the owner is asked for status: year ends within a range, or the other dates of a cell. */
  checkpoints: IsoDate[];
  raw: string;
}

/** One of several parts of a row ("1. … 2. …"), each with its own deadline and owners (delmål). */
export interface Milestone {
  /** The part of the activity text this milestone is about, when the row makes that clear. */
  text?: string;
  deadline: Deadline;
  owners: RoleRef[];
  ownersRaw: string;
}

export interface Activity {
  /** Stable across corrected versions of the plan; the lifecycle workflow is `activity-<id>`. */
  id: string;
  text: string;
  /** Verksamhetsplan: Startdatum. */
  start?: Deadline;
  deadline: Deadline;
  milestones: Milestone[];
  owners: RoleRef[];
  ownersRaw: string;
  /** Uppföljning/kommentar as written. */
  followUp: string;
  /** Read from followUp; the plan's default cadences when the text names none. */
  cadences: Cadence[];
  /** Rows that belong to this activity without being one (a goal-like sentence with only a comment). */
  notes: string[];
  source: SourceRef;
}

/** A measured follow-up in a verksamhetsplan (Indikator, Årsmål, KF:s årsmål, Periodicitet). */
export interface Indicator {
  name: string;
  annualTarget?: string;
  kfAnnualTarget?: string;
  periodicity: { raw: string; periods: FollowUpPeriod[] };
  source: SourceRef;
}

/**
 * `goal`: a kompetensförsörjningsplan's "Vad ska vi uppnå?"; `kf`, `namnd`, `enhet`: a
 * verksamhetsplan's KF-mål (when indicators hang directly under it), nämndmål and enhetsmål.
 */
export type GoalLevel = 'goal' | 'kf' | 'namnd' | 'enhet';

export interface Goal {
  level: GoalLevel;
  text: string;
  activities: Activity[];
  indicators: Indicator[];
  source: SourceRef;
}

/** The plan's section words; a combined heading ("Rekrytera samt attrahera") has several. */
export const SECTION_KINDS = {
  utveckla: 'Utveckla',
  behalla: 'Behålla',
  attrahera: 'Attrahera',
  rekrytera: 'Rekrytera',
  introducera: 'Introducera',
  avsluta: 'Avsluta',
  ovrigt: 'Övrigt',
} as const;
export type SectionKind = keyof typeof SECTION_KINDS;

export interface Section {
  /** The heading as written ("Rekrytera samt attrahera"; a verksamhetsplan's KF-mål). */
  name: string;
  kinds: SectionKind[];
  /** Verksamhetsplan: the KF:s inriktningsmål this KF-mål sits under. */
  parent?: string;
  goals: Goal[];
  source: SourceRef;
}

export interface Department {
  /** `forskola`, `stadsutveckling`, `aldreomsorg`, `individ-och-familj`, `funktionsnedsattning`. */
  id: string;
  name: string;
  /** A verksamhetsplan belongs to one unit (`resursenheten`). */
  unit?: string;
  sections: Section[];
}

export interface Plan {
  kind: PlanKind;
  title: string;
  file: string;
  /** The plan's own sentence about follow-up, when it has one. */
  followUpRaw?: string;
  /** Given to activities whose follow-up text names no cadence. */
  defaultCadences: Cadence[];
  departments: Department[];
}

/** An activity with where it sits, for summaries, diffs and workflows. */
export interface PlacedActivity {
  department: Department;
  section: Section;
  goal: Goal;
  activity: Activity;
}

export function placedActivities(plan: Plan): PlacedActivity[] {
  const out: PlacedActivity[] = [];
  for (const department of plan.departments)
    for (const section of department.sections)
      for (const goal of section.goals)
        for (const activity of goal.activities) out.push({ department, section, goal, activity });
  return out;
}
