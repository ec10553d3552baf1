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
import { lifecycleWorkflowId, planClock, plural, type IsoDate, type PlanTimed } from '../domain';
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
  /** Running activities the new plan no longer has, with their text: what a person will see cancelled. */
  removed: RemovedActivity[];
  unchanged: string[];
  /** Activities whose lifecycle already ended (reported done or removed): not started again. */
  finished: string[];
  /**
   * Running activities with a field changed in Planvakt (the activity page's "Ändra måldatum",
   * "Ändra ansvariga") that differs from the plan's: an import keeps those values unless the
   * planner chooses the plan's (`ApplyOptions.planValues`). Not in `changed` or `unchanged`.
   */
  local: LocalActivity[];
  /**
   * Running activities added by hand in Planvakt that the plan does not have: kept, never
   * cancelled silently, unless the planner chooses to (`ApplyOptions.cancelHandAdded`). Not in `removed`.
   */
  handAdded: HandAdded[];
}

/** The fields the activity page changes and an import keeps, in the words of `changedFields`. */
export type LocalField = 'måldatum' | 'ansvariga';
export const LOCAL_FIELDS: readonly LocalField[] = ['måldatum', 'ansvariga'];

/** One field changed in Planvakt: who, when, why. */
export interface LocalChange {
  field: LocalField;
  by: string;
  at: string;
  reason: string;
}

/** A running activity with values set in Planvakt that the plan being imported does not have. */
export interface LocalActivity {
  /** The activity as the plan has it. */
  activity: LifecycleActivity;
  /** The activity as the plan has it, with the values set in Planvakt: what an import that keeps them sends. */
  kept: LifecycleActivity;
  /** What the plan changes besides the fields changed in Planvakt (corrected either way). */
  fields: string[];
  /** One per field changed in Planvakt. */
  changes: LocalChange[];
}

/** An activity added by hand on the activity page. */
export interface RemovedActivity {
  workflowId: string;
  text: string;
}

export interface HandAdded {
  workflowId: string;
  text: string;
  by: string;
  at: string;
  reason: string;
}

/**
 * The last change of `field` in the lifecycle's timeline when it was made in Planvakt (it has a
 * reason; an import's correction has none), so a later import's correction hands it back to the plan.
 */
export function localChange(timeline: readonly TimelineEntry[], field: LocalField): LocalChange | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i]!;
    if (e.type === 'changed' && e.fields.includes(field))
      return e.reason ? { field, by: e.by, at: e.at, reason: e.reason } : undefined;
  }
  return undefined;
}

/** The activity as `to` has it, with the value of each field taken from `from`. */
function withFields(to: LifecycleActivity, from: LifecycleActivity, fields: readonly LocalField[]): LifecycleActivity {
  const out = { ...to };
  for (const f of fields) {
    if (f === 'måldatum') {
      delete out.deadline;
      Object.assign(out, from.deadline ? { deadline: from.deadline } : {}, { deadlineRaw: from.deadlineRaw });
    } else out.owners = from.owners;
  }
  return out;
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
    handAdded: [],
  };

  await inBatches(wanted, async (activity) => {
    const handle = client.workflow.getHandle(lifecycleWorkflowId(activity.id));
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return changes.finished.push(handle.workflowId);
      const running = await handle.query(stateQuery);
      const fields = changedFields(running.activity, activity);
      const differ = LOCAL_FIELDS.filter((f) => fields.includes(f));
      const timeline = differ.length > 0 ? await handle.query(timelineQuery) : [];
      const local = differ.flatMap((f) => localChange(timeline, f) ?? []);
      if (local.length > 0) {
        const kept = withFields(
          activity,
          running.activity,
          local.map((l) => l.field),
        );
        changes.local.push({
          activity,
          kept,
          fields: fields.filter((f) => !local.some((l) => l.field === f)),
          changes: local,
        });
      } else if (fields.length > 0) changes.changed.push({ activity, fields });
      else changes.unchanged.push(handle.workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      changes.added.push(activity);
    }
  });

  const keep = new Set(wanted.map((a) => lifecycleWorkflowId(a.id)));
  const missing: string[] = [];
  for await (const wf of client.workflow.list({ query: `PlanvaktPlan = "${id}" AND ExecutionStatus = "Running"` })) {
    if (!keep.has(wf.workflowId)) missing.push(wf.workflowId);
  }
  // One the activity page added is not the plan's to remove: listed apart, with who added it.
  await inBatches(missing, async (workflowId) => {
    const handle = client.workflow.getHandle(workflowId);
    const [timeline, view] = await Promise.all([handle.query(timelineQuery), handle.query(stateQuery)]);
    const added = timeline.find((e) => e.type === 'added');
    if (added)
      changes.handAdded.push({
        workflowId,
        text: view.activity.text,
        by: added.by,
        at: added.at,
        reason: added.reason,
      });
    else changes.removed.push({ workflowId, text: view.activity.text });
  });
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
  /** The planner chose the plan's values over those changed in Planvakt (`PlanChanges.local`); default: keep them. */
  planValues?: boolean;
  /** The planner chose to cancel the activities added in Planvakt that the plan lacks (`PlanChanges.handAdded`); default: keep them. */
  cancelHandAdded?: boolean;
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
  // Values changed in Planvakt are kept unless the planner chose the plan's; the plan's other
  // corrections go through either way.
  const local = changes.local.filter((l) => opts.planValues || l.fields.length > 0);
  await inBatches(local, (l) =>
    client.workflow
      .getHandle(lifecycleWorkflowId(l.activity.id))
      .signal(activityCorrected, { by: opts.by, activity: opts.planValues ? l.activity : l.kept }),
  );
  const cancelled = [
    ...changes.removed.map(({ workflowId }) => ({ workflowId, reason: 'Borttagen ur planen' })),
    ...(opts.cancelHandAdded
      ? changes.handAdded.map((a) => ({ workflowId: a.workflowId, reason: 'Tillagd i Planvakt, finns inte i planen' }))
      : []),
  ];
  await inBatches(cancelled, ({ workflowId, reason }) =>
    client.workflow.getHandle(workflowId).signal(cancel, { reason, by: opts.by }),
  );
  await startFollowUps(client, opts.taskQueue, changes.document, rulesFile, now(), clock.shiftMs);
  return {
    started: started.reduce((a, b) => a + b, 0),
    signalled: changes.changed.length + local.length,
    cancelled: cancelled.length,
  };
}

/**
 * The diff's counts in words, with number agreement ("1 ny, 2 ändrade"): Importera's summary and
 * `planvakt import` say the same.
 */
export function changeSummary(c: PlanChanges): string {
  return (
    [
      plural(c.added.length, 'ny', 'nya'),
      plural(c.changed.length, 'ändrad', 'ändrade'),
      plural(c.removed.length, 'borttagen', 'borttagna'),
      plural(c.unchanged.length, 'oförändrad', 'oförändrade'),
      `${plural(c.finished.length, 'redan avslutad', 'redan avslutade')}`,
    ].join(', ') +
    (c.local.length ? `, ${plural(c.local.length, 'ändrad', 'ändrade')} i Planvakt` : '') +
    (c.handAdded.length ? `, ${plural(c.handAdded.length, 'tillagd', 'tillagda')} i Planvakt` : '')
  );
}

/** The diff as a person reads it before anything is changed. */
export function formatChanges(changes: PlanChanges): string {
  const lines = [`Plan ${changes.plan}: ${changeSummary(changes)}.`];
  for (const a of changes.added)
    lines.push(`  + ${a.id} ${truncate(a.text)} (${a.deadline ?? (a.deadlineRaw || 'inget måldatum')})`);
  for (const c of changes.changed)
    lines.push(`  ~ ${c.activity.id} ${truncate(c.activity.text)}: ${c.fields.join(', ')}`);
  for (const l of changes.local) lines.push(`  ! ${l.activity.id} ${truncate(l.activity.text)}: ${localText(l)}`);
  for (const r of changes.removed)
    lines.push(`  - ${r.workflowId.replace(/^activity-/, '')} ${truncate(r.text)} avbryts (borttagen ur planen)`);
  for (const a of changes.handAdded) lines.push(`  ! ${truncate(a.text)}: ${handAddedText(a)}`);
  return lines.join('\n');
}

const ownersOf = (a: LifecycleActivity) => a.owners.map((o) => o.raw).join(', ') || 'inga ansvariga';

/**
 * "måldatum 2022-06-25 satt i Planvakt av Hanna HR-chef (skäl: …); planen säger 2022-08-31", and
 * "ansvariga Sven Rektor satta i Planvakt av …; planen säger Rektorerna", one per field.
 */
export function localText(l: LocalActivity): string {
  const parts = l.changes.map((c) =>
    c.field === 'måldatum'
      ? `måldatum ${l.kept.deadline ?? 'inget'} satt i Planvakt av ${c.by} (skäl: ${c.reason}); planen säger ${l.activity.deadline ?? (l.activity.deadlineRaw || 'inget måldatum')}`
      : `ansvariga ${ownersOf(l.kept)} satta i Planvakt av ${c.by} (skäl: ${c.reason}); planen säger ${ownersOf(l.activity)}`,
  );
  const also = l.fields.length ? `; planen ändrar också ${l.fields.join(', ')}` : '';
  return `${parts.join('; ')}${also}`;
}

/** "tillagd i Planvakt av Hanna HR-chef (skäl: …); finns inte i planen" */
export function handAddedText(a: HandAdded): string {
  return `tillagd i Planvakt av ${a.by} (skäl: ${a.reason}); finns inte i planen`;
}

const truncate = (text: string) => (text.length > 70 ? `${text.slice(0, 67)}…` : text);
