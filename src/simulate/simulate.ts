import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { installRuntime, startTimeSkippingServer } from '../temporal';
import { lifecycleWorkflowId, planClockAt, RecordingDelivery, ROLES, type RecordedMessage, type Role } from '../domain';
import { createActivities, prebundleWorkflows } from '../worker';
import {
  acknowledge,
  activityLifecycle,
  lifecycleStart,
  reportStatus,
  toLifecycleActivity,
  type LifecycleActivity,
} from '../lifecycle';
import { addDays, stockholmInstant, type ScheduleEventKind } from '../calendar';
import { placedActivities, type Plan } from '../plan';
import { resolveRecipients, type Organisation } from '../organisation';
import { rulesFor, type RulesFile } from '../rules';
import type { Scenario } from './scenario';

export interface SimulationOptions {
  plan: Plan;
  rules: RulesFile;
  rulesVersion: string;
  organisation: Organisation;
  /** Stockholm dates, inclusive. The plan is imported at 00:00 on `from`. */
  from: string;
  to: string;
  scenario?: Scenario;
  /** Only these departments (ids); all when absent. */
  departments?: string[];
  /** Called with the workflow ids before the server is torn down, to read histories (benchmarks). */
  inspect?: (client: Client, workflowIds: string[]) => Promise<void>;
  /** Stops the run where it is (a time limit, a cancel): what was sent until then is the result. */
  signal?: AbortSignal;
  /** Told each plan day the server has run through (Stockholm date), for a progress line. */
  onProgress?: (reached: string) => void;
}

/** "Anna Andersson (Enhetschef)": who, and in which role, a simulated message reaches. */
export const recipientLabel = (name: string, role: string) => `${name} (${role})`;
export const personOfLabel = (label: string) => label.replace(/ \([^)]*\)$/, '');

/** A lifecycle's message: a simulation runs only lifecycles, so its kinds are the schedule's. */
export interface SimulatedMessage extends RecordedMessage {
  kind: ScheduleEventKind;
  activity: LifecycleActivity;
  channel: string;
}

export interface Simulation {
  messages: SimulatedMessage[];
  /** Scenario lines the workflows refused (an answer by someone who may not report, say). */
  refused: string[];
  activities: number;
}

/** A simulation as `simulate()` returns it: how far it ran as well. */
export interface SimulationRun extends Simulation {
  /** The last plan day run through (Stockholm date): `to` when the run was not stopped. */
  reached: string;
  /** False when `signal` stopped the run before `to`: `messages` then end at `reached`. */
  complete: boolean;
}

/**
 * The workflow bundle, made once per process in a child process (prebundleWorkflows): webpack took
 * about 5 s of every run and its memory stayed in the web server; each run now only loads the file.
 */
let bundle: Promise<{ codePath: string }> | undefined;
function workflowBundle(): Promise<{ codePath: string }> {
  if (!bundle) {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-simulate-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    bundle = prebundleWorkflows(join(dir, 'workflows.js')).catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
  }
  return bundle;
}

/**
 * Runs the real activityLifecycle workflows of a plan on Temporal's time-skipping server with a
 * recording delivery: the same workflow, schedule and rules code as production, a year in seconds.
 */
export async function simulate(opts: SimulationOptions): Promise<SimulationRun> {
  installRuntime();
  const activities = placedActivities(opts.plan)
    .filter((p) => !opts.departments || opts.departments.includes(p.department.id))
    .map((p) => toLifecycleActivity(opts.plan, p));
  const byId = new Map(activities.map((a) => [a.id, a]));
  const delivery = new RecordingDelivery((ref, about) =>
    resolveRecipients(opts.organisation, ref, {
      department: about.department,
      unit: ref.unit ?? about.unit,
    }).people.map((p) => recipientLabel(p.name, ROLES[ref.role])),
  );

  const [env, workflows] = await Promise.all([startTimeSkippingServer(), workflowBundle()]);
  const taskQueue = 'simulate';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflows,
    activities: createActivities({ delivery }),
  });
  const running = worker.run();
  const refused: string[] = [];
  // The plan day before `from`: nothing run yet.
  let reached = addDays(opts.from, -1);
  try {
    const serverNow = await env.currentTimeMs();
    // The plan is imported at 00:00 on `from`: the server's clock, shifted.
    const clock = planClockAt(Date.parse(stockholmInstant(opts.from, '00:00')), serverNow);
    for (const activity of activities) {
      const input = {
        activity,
        rules: rulesFor(opts.rules, activity.department),
        rulesVersion: opts.rulesVersion,
        ...clock.carry(),
      };
      await env.client.workflow.start(activityLifecycle, lifecycleStart(input, taskQueue, new Date(serverNow)));
    }
    const sleepUntil = async (planInstant: string) => {
      const target = clock.toRunningMs(Date.parse(planInstant));
      const now = await env.currentTimeMs();
      if (target > now) await env.sleep(target - now);
    };
    const stopped = abortPromise(opts.signal);
    /**
     * A day at a time up to `date` (exclusive), so a stop is seen within a day of plan time and
     * the progress line moves; a day with nothing due costs the server a few milliseconds.
     */
    const runUntil = async (date: string): Promise<boolean> => {
      while (reached < addDays(date, -1)) {
        if (opts.signal?.aborted) return false;
        const day = addDays(reached, 1);
        const step = sleepUntil(stockholmInstant(addDays(day, 1), '00:00')).then(
          () => true,
          // The server is torn down under a step a stop left behind: that failure is the stop's.
          (err: unknown) => {
            if (opts.signal?.aborted) return false;
            throw err;
          },
        );
        if (!(await Promise.race([step, stopped]))) return false;
        reached = day;
        opts.onProgress?.(reached);
      }
      return true;
    };

    for (const step of scenarioSteps(opts.scenario, activities)) {
      if ('error' in step) {
        refused.push(step.error);
        continue;
      }
      if (!(await runUntil(step.date))) break;
      await sleepUntil(stockholmInstant(step.date, '09:00'));
      const handle = env.client.workflow.getHandle(lifecycleWorkflowId(step.activity.id));
      const person = opts.organisation.people.find((p) => p.id === step.by);
      if (!person) {
        refused.push(`${step.date} ${step.by}: ingen sådan person i organisationen`);
        continue;
      }
      try {
        if (step.kind === 'answer') {
          const roles = [...new Set(person.roles.map((r) => r.role))] as Role[];
          await handle.executeUpdate(reportStatus, {
            args: [
              {
                reporter: { personId: person.id, name: person.name, roles },
                status: step.status,
                comment: step.comment,
                proposedDate: step.proposedDate,
              },
            ],
          });
        } else {
          await handle.signal(acknowledge, { by: person.name });
        }
      } catch (err) {
        // An update the workflow's validator refused carries the workflow's own reason as its cause.
        const e = err as Error & { cause?: Error };
        refused.push(`${step.date} ${person.name}: ${e.cause?.message ?? e.message}`);
      }
    }
    if (!opts.signal?.aborted) await runUntil(addDays(opts.to, 1));
    await opts.inspect?.(
      env.client,
      activities.map((a) => lifecycleWorkflowId(a.id)),
    );
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }

  const complete = reached >= opts.to;
  // A stopped run: what was sent on the days it ran through, not the half of the day it was in.
  const end = stockholmInstant(addDays(complete ? opts.to : reached, 1), '00:00');
  const messages = delivery.messages
    .filter((m): m is RecordedMessage & { kind: ScheduleEventKind } => m.at < end && m.kind !== 'report')
    .map((m) => {
      const activity = byId.get(m.activityId)!;
      return { ...m, activity, channel: rulesFor(opts.rules, activity.department).delivery.preferredChannel };
    })
    .sort((a, b) => a.at.localeCompare(b.at) || a.activityId.localeCompare(b.activityId));
  return { messages, refused, activities: activities.length, reached: complete ? opts.to : reached, complete };
}

/** Resolves false when `signal` aborts (never otherwise): raced against each step of the server's clock. */
function abortPromise(signal: AbortSignal | undefined): Promise<false> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
}

type Step =
  | {
      kind: 'answer';
      date: string;
      by: string;
      activity: LifecycleActivity;
      status: Scenario['answers'][number]['status'];
      comment?: string;
      proposedDate?: string;
    }
  | { kind: 'acknowledge'; date: string; by: string; activity: LifecycleActivity }
  | { error: string };

/** The scenario in date order, each line matched to exactly one activity by id or text. */
function scenarioSteps(scenario: Scenario | undefined, activities: LifecycleActivity[]): Step[] {
  if (!scenario) return [];
  const find = (ref: string): LifecycleActivity | string => {
    const exact = activities.find((a) => a.id === ref);
    if (exact) return exact;
    const matches = activities.filter((a) => a.text.toLowerCase().includes(ref.toLowerCase()));
    if (matches.length === 1) return matches[0]!;
    return matches.length === 0
      ? `ingen aktivitet matchar "${ref}"`
      : `"${ref}" matchar ${matches.length} aktiviteter; ange id`;
  };
  const steps: Step[] = [];
  for (const a of scenario.answers) {
    const activity = find(a.activity);
    steps.push(
      typeof activity === 'string' ? { error: `${a.date} ${a.by}: ${activity}` } : { kind: 'answer', ...a, activity },
    );
  }
  for (const a of scenario.acknowledgements) {
    const activity = find(a.activity);
    steps.push(
      typeof activity === 'string'
        ? { error: `${a.date} ${a.by}: ${activity}` }
        : { kind: 'acknowledge', ...a, activity },
    );
  }
  return steps.sort((x, y) => ('date' in x ? x.date : '').localeCompare('date' in y ? y.date : ''));
}
