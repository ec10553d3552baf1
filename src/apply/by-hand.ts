/**
 * Lifecycles the activity page starts, not an import: an activity added by hand, and a new run of
 * a closed activity (reopened). Both run with the rules file as it is now, like an import's.
 */
import { readFile } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { parseRules, rulesFor } from '../rules';
import {
  activityLifecycle,
  lifecycleStart,
  restartQuery,
  rulesVersion,
  stateQuery,
  type ActivityLifecycleInput,
  type LifecycleActivity,
} from '../lifecycle';
import { lifecycleWorkflowId, planClock, type PlanTimed } from '../domain';
import { DEFAULT_PASSED } from './apply-plan';

export interface ByHandOptions extends PlanTimed {
  taskQueue: string;
  rulesPath: string;
  /** The running clock at the start (a time-skipping server's, in tests). */
  now?: () => Date;
}

async function rulesOf(rulesPath: string, department: string) {
  const text = await readFile(rulesPath, 'utf8');
  return { rules: rulesFor(parseRules(rulesPath, text), department), rulesVersion: rulesVersion(text) };
}

/**
 * Starts the lifecycle of an activity added by hand; false when one with its id exists already
 * (running or closed: the same words in the same avdelning are the same activity).
 */
export async function startAddedActivity(
  client: Client,
  activity: LifecycleActivity,
  who: { by: string; reason: string },
  opts: ByHandOptions,
): Promise<boolean> {
  const input: ActivityLifecycleInput = {
    activity,
    ...(await rulesOf(opts.rulesPath, activity.department)),
    passed: DEFAULT_PASSED,
    ...(opts.timeShiftMs ? { timeShiftMs: opts.timeShiftMs } : {}),
    origin: { type: 'added', ...who },
  };
  try {
    await client.workflow.start(activityLifecycle, {
      ...lifecycleStart(input, opts.taskQueue, (opts.now ?? (() => new Date()))()),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * Opens a closed activity again. A closed workflow run cannot be resumed, and a Temporal reset
 * would rewrite its history (dropping what happened after the reset point) and is an operator's
 * repair tool, not a business action. So, as an experienced Temporal engineer would, this starts
 * a new run under the same workflow id, carrying the closed run's state (its timeline, what was
 * sent, its delmål) the way continue-as-new does: the closed run stays as the record of how it
 * ended, the page and Översikt follow the newest run, and the first entry of the new run says who
 * opened it and why. Works the same for Klar and Avbruten. Klar's status is taken back (the
 * reminders resume); after Avbruten the status reported before it stays. Returns false when the
 * activity runs already (someone else opened it first).
 */
export async function reopenActivity(
  client: Client,
  activityId: string,
  who: { by: string; reason: string; was: 'done' | 'cancelled' },
  opts: ByHandOptions,
): Promise<boolean> {
  const handle = client.workflow.getHandle(lifecycleWorkflowId(activityId));
  const [{ status }, { activity }, { carried, passed }] = await Promise.all([
    handle.describe(),
    handle.query(stateQuery),
    handle.query(restartQuery),
  ]);
  if (status.name === 'RUNNING') return false;
  const now = (opts.now ?? (() => new Date()))();
  // The new run sets its own search attributes (none are copied from a closed run): not `published`.
  const { published: _published, klar: _klar, ...rest } = carried;
  const state =
    who.was === 'done'
      ? { ...rest, status: undefined, comment: undefined, proposedDate: undefined, reportedAt: undefined }
      : rest;
  const input: ActivityLifecycleInput = {
    activity,
    ...(await rulesOf(opts.rulesPath, activity.department)),
    ...(passed ? { passed } : {}),
    ...(opts.timeShiftMs ? { timeShiftMs: opts.timeShiftMs } : {}),
    // Counted from now: what fell due while it was closed is not sent late as a catch-up.
    carried: { ...state, since: planClock(opts, () => now.getTime()).now(), runs: carried.runs + 1 },
    origin: { type: 'reopened', ...who },
  };
  try {
    await client.workflow.start(activityLifecycle, {
      ...lifecycleStart(input, opts.taskQueue, now),
      // The closed run's id may be used again; a running one may not (the conflict answers false).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
