import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { lifecycleStart, type LifecycleActivity, activityLifecycle } from '../../src/lifecycle';
import { loadRules, rulesFor, type Rules } from '../../src/rules';
import { workflowsPath } from '../../src/worker';

export const rulesPath = fileURLToPath(new URL('../../config/rules.yaml', import.meta.url));

/** The shipped rules for a department without overrides, minus quiet days unless a test wants them. */
export async function testRules(changes: Partial<Rules> = {}): Promise<Rules> {
  return { ...rulesFor(await loadRules(rulesPath), 'stadsutveckling'), quietDays: [], ...changes };
}

export function makeActivity(overrides: Partial<LifecycleActivity> & { id: string }): LifecycleActivity {
  return {
    plan: 'testplan',
    department: 'stadsutveckling',
    section: 'Utveckla',
    goal: 'Medarbetarna har rätt kompetens',
    text: 'Genomföra utbildning i digitala verktyg',
    deadlineRaw: overrides.deadline ?? '',
    milestones: [],
    owners: [{ role: 'enhetschef', raw: 'Enhetschef' }],
    cadences: [],
    followUp: '',
    source: { file: 'test', line: 1 },
    ...overrides,
  };
}

/**
 * Starts an activity's lifecycle on a time-skipping server as if imported at `planNow`: the seed
 * plans are dated 2022 and the server's clock cannot go back, so each gets its own time shift.
 */
export async function launchLifecycle(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  activity: LifecycleActivity,
  planNow: string,
  rules: Rules,
) {
  const serverNow = await env.currentTimeMs();
  const timeShiftMs = Date.parse(planNow) - serverNow;
  const opts = lifecycleStart({ activity, rules, rulesVersion: 'test-1', timeShiftMs }, taskQueue, new Date(serverNow));
  const handle = await env.client.workflow.start(activityLifecycle, opts);
  return { handle, timeShiftMs };
}

/** Skips server time until the plan time `planInstant` of an activity with this shift. */
export async function sleepUntilPlanTime(
  env: TestWorkflowEnvironment,
  planInstant: string,
  timeShiftMs: number,
): Promise<void> {
  const target = Date.parse(planInstant) - timeShiftMs;
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

/**
 * A worker running the real lifecycle workflow on a time-skipping server, with a recording
 * delivery. Each started activity gets its own time shift so its plan time starts where the test
 * says (the seed plans are dated 2022; the server's clock cannot go back).
 */
export class LifecycleHarness {
  readonly delivery = new RecordingDelivery();
  private worker!: Worker;
  private running!: Promise<void>;
  readonly started: string[] = [];

  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue = 'lifecycle-test',
  ) {}

  async start(): Promise<void> {
    this.worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue: this.taskQueue,
      workflowsPath,
      activities: createActivities({ delivery: this.delivery }),
    });
    this.running = this.worker.run();
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
  }

  /** Starts an activity's lifecycle as if it were imported at `planNow`; returns its handle and shift. */
  async launch(activity: LifecycleActivity, planNow: string, rules?: Rules) {
    const launched = await launchLifecycle(this.env, this.taskQueue, activity, planNow, rules ?? (await testRules()));
    this.started.push(launched.handle.workflowId);
    return launched;
  }

  sleepUntil(planInstant: string, timeShiftMs: number): Promise<void> {
    return sleepUntilPlanTime(this.env, planInstant, timeShiftMs);
  }

  messagesOf(workflowId: string) {
    return this.delivery.messages.filter((m) => m.workflowId === workflowId);
  }
}
