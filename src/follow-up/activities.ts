/**
 * The follow-up cycle's I/O: reading each activity's answers back from its lifecycle workflow
 * (Temporal is the system of record; the cycle keeps no second copy), compiling the department
 * report, and writing it as HTML and Excel (./report/store.ts: the shared store in production, else
 * <dataDir>/reports/<cycle id>.{html,xlsx}).
 * Idempotent under retry: the same cycle reads the same window and overwrites the same files.
 */
import { join } from 'node:path';
import { ApplicationFailure, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { orgNames } from '../domain/swedish';
import { lifecycleWorkflowId } from '../domain/workflow-ids';
import { resolveAll, type OrganisationSource } from '../organisation';
import type { Organisation } from '../organisation/schema';
import { ROLES, type RoleRef } from '../domain/vocabulary';
import { buildDepartmentReport, type Answer, type DepartmentReport, type ReportActivityData } from './report/model';
import { renderReportHtml } from './report/html';
import { workbookBuffer } from './report/excel';
import { FileReportStore, type ReportStore } from './report/store';
import { endsCancelled, stateQuery, timelineQuery, type LifecycleView, type TimelineEntry } from '../lifecycle';
import type { CycleReportSummary, FollowUpCycleInput, IndicatorValue } from './messages';
import type { NoticeActivities } from '../domain/notice';

export interface FollowUpDeps {
  client: Client;
  /** Reports go to `<dataDir>/reports/` unless `reports` is given. */
  dataDir: string;
  /** Where reports are kept: the shared store in production (every web replica serves them). */
  reports?: ReportStore;
  /** For owners' names in the report; absent: the roles' Swedish labels. */
  organisation?: OrganisationSource;
}

export interface LifecycleRead {
  exists: boolean;
  view?: LifecycleView;
  timeline: TimelineEntry[];
}

export interface LifecycleBrief {
  exists: boolean;
  finished: boolean;
  /** Reported (the activity as a whole) at or after `since`. */
  answeredSince: boolean;
}

/**
 * What the follow-up workflows proxy: the report activities below, and `deliver` (registered with
 * the lifecycle's activities: the cycle sends its notices through the same seam).
 */
export type FollowUpActivities = ReturnType<typeof createFollowUpActivities> & NoticeActivities;

export function reportsDir(dataDir: string): string {
  return join(dataDir, 'reports');
}

export function createFollowUpActivities(deps: FollowUpDeps | undefined) {
  const need = (): FollowUpDeps => {
    if (!deps)
      throw ApplicationFailure.nonRetryable(
        'follow-up activities are not configured (no Temporal client or data dir)',
        'NotConfigured',
      );
    return deps;
  };
  return {
    /** Which of the cycle's activities are still open and who has answered since the window opened. */
    async followUpLifecycles(req: { activityIds: string[]; since: string }): Promise<Record<string, LifecycleBrief>> {
      const d = need();
      const reads = await readLifecycles(d.client, req.activityIds);
      const out: Record<string, LifecycleBrief> = {};
      for (const [id, r] of Object.entries(reads)) {
        out[id] = {
          exists: r.exists,
          // A reopened activity carries its cancellation in its timeline: only a last one counts.
          finished: !r.exists || r.view?.status === 'done' || endsCancelled(r.timeline),
          answeredSince: reportsOf(r.timeline).some((a) => a.at >= req.since),
        };
      }
      return out;
    },

    /** Reads the answers, compiles the report, stores it; returns what the cycle must tell people. */
    async closeFollowUpCycle(req: {
      cycle: FollowUpCycleInput;
      values: Record<string, IndicatorValue>;
      closedAt: string;
    }): Promise<CycleReportSummary> {
      const d = need();
      const org = await d.organisation?.load();
      const report = await compileReport(d.client, org, req.cycle, req.values, req.closedAt);
      const files = await storeReport(d.reports ?? new FileReportStore(reportsDir(d.dataDir)), report);
      return {
        files,
        nonResponders: report.nonResponders.map((n) => ({
          activityId: n.activityId,
          activityText: n.text,
          owners: n.owners ? n.owners.split(', ') : [],
        })),
        missingIndicators: report.indicators.filter((i) => i.notReported).map((i) => i.indicatorId),
        totals: {
          activities: report.totals.total,
          reported: report.totals.total - report.totals.notReported,
          notReported: report.totals.notReported,
          overdue: report.totals.overdue,
          indicators: report.totals.indicators,
          indicatorsReported: report.totals.indicatorsReported,
        },
      };
    },
  };
}

export async function compileReport(
  client: Client,
  org: Organisation | undefined,
  cycle: FollowUpCycleInput,
  values: Record<string, IndicatorValue>,
  closedAt: string,
): Promise<DepartmentReport> {
  const { occasion } = cycle;
  const reads = await readLifecycles(
    client,
    cycle.activities.map((a) => a.activity.id),
  );
  const ownerNames = (refs: RoleRef[], unit?: string) =>
    org
      ? resolveAll(org, refs, { department: cycle.department, ...(unit ? { unit } : {}) }).people.map((p) => p.name)
      : refs.map(roleLabel);
  const activities: ReportActivityData[] = cycle.activities.map(({ activity }) => {
    const r = reads[activity.id]!;
    const reports = reportsOf(r.timeline);
    // Only what arrived before the close counts; later answers are next report's corrections.
    const inWindow = reports.filter((a) => a.at >= occasion.openAt && a.at < occasion.closeAt);
    const before = reports.filter((a) => a.at < occasion.openAt);
    const corrections = cycle.previous ? before.filter((a) => a.at >= cycle.previous!.closeAt) : [];
    return {
      activity,
      owners: ownerNames(activity.owners, activity.unit),
      ...(inWindow.length ? { answer: inWindow.at(-1)! } : {}),
      ...(before.length ? { earlier: before.at(-1)! } : {}),
      corrections,
      ...(r.exists ? {} : { missing: true }),
    };
  });
  const departmentName = org ? orgNames(org).department(cycle.department) : cycle.department;
  return buildDepartmentReport({
    cycleId: cycle.cycleId,
    department: cycle.department,
    departmentName,
    occasion,
    closedAt,
    ...(cycle.previous ? { previousLabel: cycle.previous.label } : {}),
    activities,
    indicators: cycle.indicators.map((indicator) => {
      const v = values[indicator.id];
      return {
        indicator,
        owners: ownerNames(indicator.owners, indicator.unit),
        ...(v ? { value: { value: v.value, ...(v.comment ? { comment: v.comment } : {}), by: v.name, at: v.at } } : {}),
      };
    }),
  });
}

/** Writes `<cycle id>.html` and `.xlsx` atomically (write, then rename): a retry overwrites the same files. */
export async function storeReport(
  store: ReportStore,
  report: DepartmentReport,
): Promise<{ html: string; xlsx: string }> {
  return store.put({
    cycleId: report.cycleId,
    department: report.department,
    html: renderReportHtml(report),
    xlsx: await workbookBuffer([report], `Uppföljning ${report.label}`),
  });
}

function roleLabel(ref: RoleRef): string {
  return ROLES[ref.role] + (ref.unit ? ` (${ref.unit})` : '');
}

/**
 * Whole-activity reports of a timeline as answers (delmål reports are not the activity's status);
 * a Klar taken back ("Ångra") is no answer.
 */
export function reportsOf(timeline: readonly TimelineEntry[]): Answer[] {
  const answers: Answer[] = [];
  for (const t of timeline) {
    if (t.type === 'undone') {
      if (answers.at(-1)?.status === 'done') answers.pop();
    } else if (t.type === 'reported' && !t.report.milestoneId)
      answers.push({
        status: t.report.status,
        ...(t.report.comment ? { comment: t.report.comment } : {}),
        ...(t.report.proposedDate ? { proposedDate: t.report.proposedDate } : {}),
        by: t.report.reporter.name,
        at: t.at,
      });
  }
  return answers;
}

/** State and timeline of each lifecycle, a few at a time; a lifecycle that does not exist reads as empty. */
export async function readLifecycles(
  client: Client,
  activityIds: readonly string[],
): Promise<Record<string, LifecycleRead>> {
  const out: Record<string, LifecycleRead> = {};
  const queue = [...activityIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const handle = client.workflow.getHandle(lifecycleWorkflowId(id));
      try {
        const [view, timeline] = await Promise.all([handle.query(stateQuery), handle.query(timelineQuery)]);
        out[id] = { exists: true, view, timeline };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) out[id] = { exists: false, timeline: [] };
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, activityIds.length) }, worker));
  return out;
}
