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
  /** `reason`: given when paused on the activity page ("Pausa till"). */
  | { at: string; type: 'snoozed'; by: string; until: IsoDate; reason?: string }
  /** `reason`: given with a change made in Planvakt (the activity page), not by importing the plan. */
  | { at: string; type: 'changed'; fields: string[]; by: string; reason?: string }
  | { at: string; type: 'rulesChanged'; version: string }
  /** `by`: who closed it as Avbruten on the activity page; absent: removed by an import. */
  | { at: string; type: 'cancelled'; reason: string; by?: string }
  /** Closed as Klar on the activity page (HR or the avdelningschef), with why. */
  | { at: string; type: 'closed'; by: string; reason: string }
  /** Opened again on the activity page after Klar or Avbruten: the first entry of the new run. */
  | { at: string; type: 'reopened'; by: string; reason: string; was: 'done' | 'cancelled' }
  /** Added by hand on the activity page (not from a plan document): the lifecycle's first entry. */
  | { at: string; type: 'added'; by: string; reason: string };

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
  /**
   * Set when the activity page starts the lifecycle: `added` (a new activity added by hand) or
   * `reopened` (a new run of a closed one, with its state carried); the run writes it as its
   * first timeline entry, with the plan time of its start.
   */
  origin?:
    | { type: 'added'; by: string; reason: string }
    | { type: 'reopened'; by: string; reason: string; was: 'done' | 'cancelled' };
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
/** Pause: the reminders, overdue reminders and escalation wait until `until`; `reason` goes into the timeline. */
export const snooze = defineSignal<[{ by: string; until: IsoDate; reason?: string }]>('snooze');
/** A new Måldatum set in Planvakt; `reason` (why, in the person's words) goes into the timeline. */
export const changeDeadline =
  defineSignal<[{ by: string; deadline?: IsoDate; deadlineRaw: string; reason?: string }]>('changeDeadline');
/** New owners set in Planvakt (roles or named people); `reason` goes into the timeline. */
export const changeOwners = defineSignal<[{ by: string; owners: RoleRef[]; reason?: string }]>('changeOwners');
/** A corrected plan: the whole activity as the new plan has it. */
export const activityCorrected = defineSignal<[{ by: string; activity: LifecycleActivity }]>('activityCorrected');
export const rulesChanged = defineSignal<[{ version: string; rules: Rules }]>('rulesChanged');
/** Removed from its plan (an import) or closed as Avbruten on the activity page (`by`). */
export const cancel = defineSignal<[{ reason: string; by?: string }]>('cancel');
/**
 * Closes the activity from the activity page: `done` (Klar) or `cancelled` (Avbruten), with who
 * and why. An update, so a closed or unknown outcome is refused before anything changes.
 */
export const close = defineUpdate<LifecycleView, [{ by: string; outcome: 'done' | 'cancelled'; reason: string }]>(
  'close',
);

export const stateQuery = defineQuery<LifecycleView>('state');
export const nextEventQuery = defineQuery<ScheduleEvent | null>('nextEvent');
export const timelineQuery = defineQuery<TimelineEntry[]>('timeline');
/**
 * What a new run of the activity needs to go on where this one ended (reopening a closed
 * activity): its carried state and the import's choice for a passed Måldatum.
 */
export const restartQuery = defineQuery<{ carried: CarriedState; passed?: PassedDeadlines }>('restart');
