/**
 * The activityLifecycle workflow's input, signals, updates and queries: defined once here and
 * imported by the workflow, the CLI's import --apply and the web app.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PassedDeadlines, ScheduleEvent } from '../calendar/schedule';
import type { GatheredInto } from '../domain/notice';
import type { PlanTimed } from '../domain/plan-clock';
import type { Cadence, IsoDate, Role, RoleRef, Status } from '../domain/vocabulary';
import type { Rules } from '../rules/schema';

/** Where something of a plan sits: plan, avdelning, enhet, avsnitt and mål. */
export interface PlanPlace {
  id: string;
  plan: string;
  department: string;
  unit?: string;
  section: string;
  goal: string;
}

/** What the workflow knows of its activity: a plan Activity with where it sits, flattened. */
export interface LifecycleActivity extends PlanPlace {
  text: string;
  deadline?: IsoDate;
  deadlineRaw: string;
  /** Delmål, and the yearly checkpoints of a multi-year deadline, each with its own deadline and owners. */
  milestones: { id: string; text?: string; deadline?: IsoDate; owners: RoleRef[] }[];
  /** Year-end checkpoints of a multi-year deadline (`2022-2024`); absent when there are none. */
  checkpoints?: IsoDate[];
  owners: RoleRef[];
  cadences: Cadence[];
  followUp: string;
  source: { file: string; line: number };
}

export interface Reporter {
  personId: string;
  name: string;
  /** The roles the organisation gives this person in the activity's department. */
  roles: Role[];
}

export interface StatusReport {
  reporter: Reporter;
  status: Status;
  comment?: string;
  /** Required with `late`: when the owner now expects it done. */
  proposedDate?: IsoDate;
  /** Report on one delmål only; absent: the activity as a whole. */
  milestoneId?: string;
}

export type TimelineEntry =
  | {
      at: string;
      type: 'sent';
      event: Pick<ScheduleEvent, 'key' | 'kind' | 'to' | 'reason' | 'milestoneId' | 'period'>;
      recipients: string[];
      /** The digests it was gathered into (from the deliver receipt); absent: sent when delivered. */
      digests?: GatheredInto[];
    }
  | { at: string; type: 'reported'; report: StatusReport }
  /** A Klar report taken back within the undo window ("Ångra"): who did it, and the status it went back to. */
  | { at: string; type: 'undone'; by: string; restored?: Status }
  | { at: string; type: 'acknowledged'; by: string; milestoneId?: string }
  | { at: string; type: 'snoozed'; by: string; until: IsoDate }
  /** `reason`: given with a change made in Planvakt (the activity page), not by importing the plan. */
  | { at: string; type: 'changed'; fields: string[]; by: string; reason?: string }
  | { at: string; type: 'rulesChanged'; version: string }
  | { at: string; type: 'cancelled'; reason: string };

/** What owners and managers have said about the activity so far. */
export interface ReportedState {
  status?: Status;
  comment?: string;
  proposedDate?: IsoDate;
  reportedAt?: string;
  acknowledgedAt?: string;
  snoozedUntil?: IsoDate;
}

/**
 * A Klar report that can still be taken back (patched 'angra-klar'): until when (plan time) and
 * what the activity said before it, which an undo restores.
 */
export interface UndoableKlar {
  at: string;
  until: string;
  before: Pick<ReportedState, 'status' | 'comment' | 'proposedDate' | 'reportedAt'>;
}

/**
 * The lifecycle's search attributes as plain data (searchAttributeValues in state.ts), which the
 * workflow compares to upsert only what changed. An empty string: no unit, deadline or report.
 */
export interface SearchAttributeValues {
  PlanvaktPlan: string;
  PlanvaktDepartment: string;
  PlanvaktUnit: string;
  PlanvaktOwnerRoles: Role[];
  PlanvaktStatus: Status | 'notReported';
  PlanvaktDeadline: string;
  PlanvaktOverdue: boolean;
  PlanvaktLastReport: string;
}

/** Everything that survives continue-as-new. */
export interface CarriedState extends ReportedState {
  /**
   * What the run before last set as search attributes (patched 'sokattribut-vid-andring'): the
   * next run's attributes are the same until a value changes, so it upserts nothing before that.
   */
  published?: SearchAttributeValues;
  /** Set while a Klar report can be undone; only lifecycles on the 'angra-klar' patch set it. */
  klar?: UndoableKlar;
  sent: string[];
  since: string;
  milestones: Record<string, { status?: Status; acknowledgedAt?: string }>;
  timeline: TimelineEntry[];
  runs: number;
}

/** The plan's time shift (PlanTimed) is read only by the plan clock (src/domain/plan-clock.ts). */
export interface ActivityLifecycleInput extends PlanTimed {
  activity: LifecycleActivity;
  /** Already resolved for the activity's department. */
  rules: Rules;
  rulesVersion: string;
  /** The planner's choice at import for a Måldatum that had already passed; absent: `overdue`. */
  passed?: PassedDeadlines;
  carried?: CarriedState;
}

export type LifecycleOutcome = { result: 'done' | 'cancelled'; at: string; reason?: string };

export interface LifecycleView extends ReportedState {
  activity: LifecycleActivity;
  /** The plan's today as the lifecycle sees it (Stockholm date): what "in the future" is measured against. */
  today?: IsoDate;
  overdue: boolean;
  rulesVersion: string;
  milestones: CarriedState['milestones'];
  runs: number;
  /** While a Klar report can still be undone ("Ångra"): until when (plan time, ISO instant). */
  undoUntil?: string;
}

export const reportStatus = defineUpdate<LifecycleView, [StatusReport]>('reportStatus');
/** Takes back a Klar report within the undo window (rules `checkin.undoKlarMinutes`); refused after it. */
export const undoKlar = defineUpdate<LifecycleView, [{ reporter: Reporter }]>('undoKlar');
export const acknowledge = defineSignal<[{ by: string; milestoneId?: string }]>('acknowledge');
export const snooze = defineSignal<[{ by: string; until: IsoDate }]>('snooze');
/** A new Måldatum set in Planvakt; `reason` (why, in the person's words) goes into the timeline. */
export const changeDeadline =
  defineSignal<[{ by: string; deadline?: IsoDate; deadlineRaw: string; reason?: string }]>('changeDeadline');
export const changeOwners = defineSignal<[{ by: string; owners: RoleRef[] }]>('changeOwners');
/** A corrected plan: the whole activity as the new plan has it. */
export const activityCorrected = defineSignal<[{ by: string; activity: LifecycleActivity }]>('activityCorrected');
export const rulesChanged = defineSignal<[{ version: string; rules: Rules }]>('rulesChanged');
export const cancel = defineSignal<[{ reason: string }]>('cancel');

export const stateQuery = defineQuery<LifecycleView>('state');
export const nextEventQuery = defineQuery<ScheduleEvent | null>('nextEvent');
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');
