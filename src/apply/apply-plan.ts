import { readFile } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { placedActivities, type Plan } from '../plan';
import { parseRules, rulesFor } from '../rules';
import {
  activityCorrected,
  activityLifecycle,
  cancel,
  changedFields,
  lifecycleStart,
  planId,
  rulesVersion,
  stateQuery,
  timelineQuery,
  toLifecycleActivity,
  type LifecycleActivity,
  type TimelineEntry,
} from '../lifecycle';
import { startFollowUps } from '../follow-up';
import { lifecycleWorkflowId, planClock, type IsoDate, type PlanTimed } from '../domain';
import { stockholmDate, type PassedDeadlines } from '../calendar';

/**
 * What importing a plan would change in what runs. Temporal is the record of what runs: the
 * running workflows are read back (visibility for the plan's list, a query for each one's
 * activity), never a copy of our own.
 */
export interface PlanChanges {
  plan: string;
  /** The plan as read, for the follow-up cycles. */
  document: Plan;
  added: LifecycleActivity[];
  changed: { activity: LifecycleActivity; fields: string[] }[];
  /** Workflow ids of running activities the new plan no longer has. */
  removed: string[];
  unchanged: string[];
  /** Activities whose lifecycle already ended (reported done or removed): not started again. */
  finished: string[];
  /**
   * Running activities whose Måldatum was changed in Planvakt (the activity page's "Ändra
   * måldatum") and differs from the plan's: an import keeps that Måldatum unless the planner
   * chooses the plan's (`ApplyOptions.planDeadlines`). Not in `changed` or `unchanged`.
   */
  local: LocalDeadline[];
}

/** A Måldatum set in Planvakt that the plan being imported does not have. */
export interface LocalDeadline {
  /** The activity as the plan has it (with the plan's Måldatum). */
  activity: LifecycleActivity;
  /** The activity as the plan has it, but with the Måldatum set in Planvakt: what an import that keeps it sends. */
  kept: LifecycleActivity;
  /** What the plan changes besides the Måldatum (corrected either way). */
  fields: string[];
  /** The change in Planvakt: who, when, why. */
  by: string;
  at: string;
  reason: string;
}

/**
 * The last Måldatum change in the lifecycle's timeline when it was made in Planvakt (it has a
 * reason; an import's correction has none), so a later import's correction cancels it.
 */
export function localDeadlineChange(
  timeline: readonly TimelineEntry[],
): Extract<TimelineEntry, { type: 'changed' }> | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i]!;
    if (e.type === 'changed' && e.fields.includes('måldatum')) return e.reason ? e : undefined;
  }
  return undefined;
}

const BATCH = 50;

async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await Promise.all(items.slice(i, i + BATCH).map(fn))));
  return out;
}

export async function planChanges(client: Client, plan: Plan): Promise<PlanChanges> {
  const id = planId(plan);
  const wanted = placedActivities(plan).map((p) => toLifecycleActivity(plan, p));
  const changes: PlanChanges = {
    plan: id,
    document: plan,
    added: [],
    changed: [],
    removed: [],
    unchanged: [],
    finished: [],
    local: [],
  };

  await inBatches(wanted, async (activity) => {
    const handle = client.workflow.getHandle(lifecycleWorkflowId(activity.id));
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return changes.finished.push(handle.workflowId);
      const running = await handle.query(stateQuery);
      const fields = changedFields(running.activity, activity);
      const local = fields.includes('måldatum') ? localDeadlineChange(await handle.query(timelineQuery)) : undefined;
      if (local) {
        const kept = { ...activity, deadline: running.activity.deadline, deadlineRaw: running.activity.deadlineRaw };
        changes.local.push({
          activity,
          kept,
          fields: fields.filter((f) => f !== 'måldatum'),
          by: local.by,
          at: local.at,
          reason: local.reason!,
        });
      } else if (fields.length > 0) changes.changed.push({ activity, fields });
      else changes.unchanged.push(handle.workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      changes.added.push(activity);
    }
  });

  const keep = new Set(wanted.map((a) => lifecycleWorkflowId(a.id)));
  for await (const wf of client.workflow.list({ query: `PlanvaktPlan = "${id}" AND ExecutionStatus = "Running"` })) {
    if (!keep.has(wf.workflowId)) changes.removed.push(wf.workflowId);
  }
  return changes;
}

/**
 * What a planner may choose for the new activities whose Måldatum has already passed, in the
 * words Importera and `planvakt import --passed` use. The default is the least noisy.
 */
export const PASSED_CHOICES: readonly { value: PassedDeadlines; label: string }[] = [
  { value: 'historical', label: 'Markera dem som historiska: inga utskick' },
  { value: 'ask', label: 'Fråga de ansvariga en gång om slutstatus' },
  { value: 'overdue', label: 'Starta dem som försenade: påminnelser och eskaleringstrappan löper' },
];
export const DEFAULT_PASSED: PassedDeadlines = 'historical';

export function isPassedChoice(value: unknown): value is PassedDeadlines {
  return PASSED_CHOICES.some((c) => c.value === value);
}

/** The new activities whose Måldatum (or a delmål's) is before `today` (plan time, Stockholm). */
export function passedDeadlines(changes: PlanChanges, today: IsoDate): LifecycleActivity[] {
  return changes.added.filter(
    (a) =>
      (a.deadline !== undefined && a.deadline < today) ||
      a.milestones.some((m) => m.deadline !== undefined && m.deadline < today),
  );
}

/** Today in plan time, for `passedDeadlines`. */
export function planToday(timed: PlanTimed = {}): IsoDate {
  return stockholmDate(planClock(timed).now());
}

/** "12 av 73 nya aktiviteter har ett Måldatum som redan har passerat." or undefined when none. */
export function passedSummary(changes: PlanChanges, today: IsoDate): string | undefined {
  const passed = passedDeadlines(changes, today).length;
  if (passed === 0) return undefined;
  return `${passed} av ${changes.added.length} nya aktiviteter har ett Måldatum som redan har passerat (i dag ${today}).`;
}

/** The plan time shift (PlanTimed; simulation and tests only) is handed to what starts, through the plan clock. */
export interface ApplyOptions extends PlanTimed {
  taskQueue: string;
  rulesPath: string;
  /** The rules in force when they are not the file's (the shared store's latest version). */
  rulesText?: string;
  /** Who the timeline names as the source of corrections. */
  by: string;
  /** The running clock at the start (a time-skipping server's, in tests). */
  now?: () => Date;
  /** For a Måldatum that has already passed; default DEFAULT_PASSED (no messages). */
  passed?: PassedDeadlines;
  /** The planner chose the plan's Måldatum over those changed in Planvakt (`PlanChanges.local`); default: keep them. */
  planDeadlines?: boolean;
}

/**
 * Starts the added, corrects the changed and cancels the removed, then starts (or updates) each
 * department's follow-up cycles with the plan as it now is; idempotent.
 */
export async function applyChanges(
  client: Client,
  changes: PlanChanges,
  opts: ApplyOptions,
): Promise<{ started: number; signalled: number; cancelled: number }> {
  const text = opts.rulesText ?? (await readFile(opts.rulesPath, 'utf8'));
  const rulesFile = parseRules(opts.rulesPath, text);
  const version = rulesVersion(text);
  const now = opts.now ?? (() => new Date());
  const clock = planClock(opts);

  const started = await inBatches(changes.added, async (activity): Promise<number> => {
    const input = {
      activity,
      rules: rulesFor(rulesFile, activity.department),
      rulesVersion: version,
      passed: opts.passed ?? DEFAULT_PASSED,
      ...clock.carry(),
    };
    try {
      // REJECT_DUPLICATE: an activity reported done keeps its closed history and is not started over.
      await client.workflow.start(activityLifecycle, {
        ...lifecycleStart(input, opts.taskQueue, now()),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return 1;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 0; // a concurrent import got there first
      throw err;
    }
  });
  await inBatches(changes.changed, ({ activity }) =>
    client.workflow.getHandle(lifecycleWorkflowId(activity.id)).signal(activityCorrected, { by: opts.by, activity }),
  );
  // A Måldatum changed in Planvakt is kept unless the planner chose the plan's; the plan's other
  // corrections go through either way.
  const local = changes.local.filter((l) => opts.planDeadlines || l.fields.length > 0);
  await inBatches(local, (l) =>
    client.workflow
      .getHandle(lifecycleWorkflowId(l.activity.id))
      .signal(activityCorrected, { by: opts.by, activity: opts.planDeadlines ? l.activity : l.kept }),
  );
  await inBatches(changes.removed, (workflowId) =>
    client.workflow.getHandle(workflowId).signal(cancel, { reason: 'Borttagen ur planen' }),
  );
  await startFollowUps(client, opts.taskQueue, changes.document, rulesFile, now(), clock.shiftMs);
  return {
    started: started.reduce((a, b) => a + b, 0),
    signalled: changes.changed.length + local.length,
    cancelled: changes.removed.length,
  };
}

/** The diff as a person reads it before anything is changed. */
export function formatChanges(changes: PlanChanges): string {
  const lines = [
    `Plan ${changes.plan}: ${changes.added.length} nya, ${changes.changed.length} ändrade, ${changes.removed.length} borttagna, ` +
      `${changes.unchanged.length} oförändrade, ${changes.finished.length} redan avslutade` +
      (changes.local.length ? `, ${changes.local.length} med måldatum ändrat i Planvakt.` : '.'),
  ];
  for (const a of changes.added)
    lines.push(`  + ${a.id} ${truncate(a.text)} (${a.deadline ?? (a.deadlineRaw || 'inget måldatum')})`);
  for (const c of changes.changed)
    lines.push(`  ~ ${c.activity.id} ${truncate(c.activity.text)}: ${c.fields.join(', ')}`);
  for (const l of changes.local) lines.push(`  ! ${l.activity.id} ${truncate(l.activity.text)}: ${localText(l)}`);
  for (const r of changes.removed) lines.push(`  - ${r.replace(/^activity-/, '')} avbryts (borttagen ur planen)`);
  return lines.join('\n');
}

/** "måldatum 2022-06-25 satt i Planvakt av Hanna HR-chef (skäl: …); planen säger 2022-08-31" */
export function localText(l: LocalDeadline): string {
  const plan = l.activity.deadline ?? (l.activity.deadlineRaw || 'inget måldatum');
  const also = l.fields.length ? `; planen ändrar också ${l.fields.join(', ')}` : '';
  return `måldatum ${l.kept.deadline ?? 'inget'} satt i Planvakt av ${l.by} (skäl: ${l.reason}); planen säger ${plan}${also}`;
}

const truncate = (text: string) => (text.length > 70 ? `${text.slice(0, 67)}…` : text);
