/**
 * The follow-up workflows' inputs, updates and queries: defined once here and used by the
 * workflows (followUpDepartment, followUpCycle), the report activity and the check-in page.
 * Workflow-safe: only types and Temporal definitions.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PeriodOccasion } from '../calendar/periods';
import type { PlanTimed } from '../domain/plan-clock';
import type { FollowUpPeriod, IsoDate, RoleRef } from '../domain/vocabulary';
import type { Rules } from '../rules/schema';
import type { LifecycleActivity, PlanPlace } from '../lifecycle/messages';

/** A verksamhetsplan's indicator as the cycles follow it up: asked of the unit head. */
export interface CycleIndicator extends PlanPlace {
  /** `id` is stable within the plan: plan, department, goal and name hashed by the starter. */
  name: string;
  /** Årsmål and KF:s årsmål as the plan writes them (text: "1,9", "2 % energieffektivisering"). */
  annualTarget?: string;
  kfAnnualTarget?: string;
  periodicityRaw: string;
  periods: FollowUpPeriod[];
  owners: RoleRef[];
}

/** One dated follow-up occasion (src/calendar/periods.ts) with the instants the cycle acts on. */
export interface CycleOccasion extends PeriodOccasion {
  /** Plan instant the window opens: the lifecycle's status request time (send time on the first working day). */
  openAt: string;
  /** Plan instant the cycle closes: send time on the first working day after `due`. */
  closeAt: string;
  /** Plan instant of the reminder before the due date (rules `remindWorkingDaysBeforeDue`), if any. */
  remindAt?: string;
}

export interface CycleActivity {
  activity: LifecycleActivity;
  /**
   * True when the activity's own lifecycle asks its owners for this period (its cadences name
   * it); false when only the cycle does (VB covers every activity of the year, tertial 3 included).
   */
  askedByLifecycle: boolean;
}

/** The plan's time shift (PlanTimed) is the lifecycles', read only by the plan clock. */
export interface FollowUpCycleInput extends PlanTimed {
  /** `cycle-<department>-<year>-<period>` (monthly periods: `…-<period>-<MM-DD>`). */
  cycleId: string;
  department: string;
  year: number;
  occasion: CycleOccasion;
  activities: CycleActivity[];
  indicators: CycleIndicator[];
  /** The department's previous cycle: reports after it closed appear as corrections in this one. */
  previous?: { cycleId: string; label: string; closeAt: string };
}

export interface IndicatorSubmission {
  /** The form's submission id: the same submission twice records once. */
  submissionId: string;
  indicatorId: string;
  value: string;
  comment?: string;
  personId: string;
  name: string;
}

export interface IndicatorValue extends IndicatorSubmission {
  at: string;
}

export type CyclePhase = 'waiting' | 'open' | 'closing' | 'closed';

export interface CycleView {
  cycleId: string;
  department: string;
  phase: CyclePhase;
  occasion: CycleOccasion;
  activityIds: string[];
  indicators: CycleIndicator[];
  values: Record<string, IndicatorValue>;
}

export interface NonResponder {
  activityId: string;
  activityText: string;
  /** Owners' names (roles when the organisation is not at hand). */
  owners: string[];
}

export interface CycleReportSummary {
  files: { html: string; xlsx: string };
  nonResponders: NonResponder[];
  missingIndicators: string[];
  totals: {
    activities: number;
    reported: number;
    notReported: number;
    overdue: number;
    indicators: number;
    indicatorsReported: number;
  };
}

export interface CycleOutcome extends CycleReportSummary {
  cycleId: string;
  closedAt: string;
}

export const reportIndicator = defineUpdate<IndicatorValue, [IndicatorSubmission]>('reportIndicator');
export const cycleStateQuery = defineQuery<CycleView>('cycleState');

/** The department's long-running workflow: one per department, continued as new each year. */
export interface FollowUpDepartmentInput extends PlanTimed {
  department: string;
  year: number;
  /** Last plan year to run cycles for. */
  untilYear: number;
  /** Activities and indicators per plan id, so a second plan of the department adds itself by signal. */
  plans: Record<string, { activities: LifecycleActivity[]; indicators: CycleIndicator[] }>;
  rules: Rules;
}

export const followUpPlanUpdated =
  defineSignal<[{ plan: string; activities: LifecycleActivity[]; indicators: CycleIndicator[] }]>(
    'followUpPlanUpdated',
  );
export const followUpRulesChanged = defineSignal<[{ rules: Rules }]>('followUpRulesChanged');
export const followUpStartedQuery = defineQuery<string[]>('followUpStarted');
