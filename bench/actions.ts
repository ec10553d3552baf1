/**
 * Temporal actions per activity-year for the seed kompetensförsörjningsplan: every activity runs
 * through 2022 on the time-skipping server with nobody answering (the worst case), and the
 * actions are counted from the recorded histories, the way Temporal Cloud bills them.
 *
 *   node --import tsx bench/actions.ts
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { RecordingDelivery } from '../src/activities/deliver';
import { createActivities } from '../src/activities';
import { lifecycleStart } from '../src/apply/lifecycle-start';
import { rulesVersion, toLifecycleActivity } from '../src/apply/plan-to-lifecycle';
import { placedActivities, readPlanFile } from '../src/plan';
import { loadRules, rulesFor } from '../src/rules';
import { workflowsPath } from '../src/worker';
import { timeSkippingEnv } from '../test/helpers/temporal';

/** History events that are billable actions. */
const ACTION_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_MARKER_RECORDED',
]);

const planFile = fileURLToPath(new URL('../../shared/plans/kompetensforsorjningsplan-2021-2023.md', import.meta.url));
const rulesPath = fileURLToPath(new URL('../config/rules.yaml', import.meta.url));
const from = '2022-01-01T00:00:00+01:00';
const to = '2023-01-01T00:00:00+01:00';

Runtime.install({ logger: new DefaultLogger('WARN') });
const { plan } = await readPlanFile(planFile);
const rulesFile = await loadRules(rulesPath);
const env = await timeSkippingEnv();
const delivery = new RecordingDelivery();
const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'bench', workflowsPath, activities: createActivities({ delivery }) });
const running = worker.run();

const wall = Date.now();
const serverNow = await env.currentTimeMs();
const timeShiftMs = Date.parse(from) - serverNow;
const ids: string[] = [];
for (const placed of placedActivities(plan)) {
  const activity = toLifecycleActivity(plan, placed);
  const input = { activity, rules: rulesFor(rulesFile, activity.department), rulesVersion: rulesVersion('bench'), timeShiftMs };
  const opts = lifecycleStart(input, 'bench', new Date(serverNow));
  await env.client.workflow.start('activityLifecycle', opts);
  ids.push(opts.workflowId);
}
await env.sleep(Date.parse(to) - Date.parse(from));

const counts = new Map<string, number>();
let actions = 0;
for (const id of ids) {
  let runId: string | undefined = (await env.client.workflow.getHandle(id).describe()).runId;
  while (runId) {
    const history = await env.client.workflow.getHandle(id, runId).fetchHistory();
    for (const e of history.events ?? []) {
      const type = String(typeof e.eventType === 'number' ? eventTypeName(e.eventType) : e.eventType);
      if (ACTION_EVENTS.has(type)) {
        actions++;
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
    }
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
}
worker.shutdown();
await running;
await env.teardown();

const perActivityYear = actions / ids.length;
console.log(`activities: ${ids.length}, simulated: ${from.slice(0, 10)} to ${to.slice(0, 10)}, messages: ${delivery.messages.length}, wall: ${((Date.now() - wall) / 1000).toFixed(1)} s`);
for (const [type, n] of [...counts].sort()) console.log(`  ${type.replace('EVENT_TYPE_', '').toLowerCase()}: ${n}`);
console.log(`actions-per-activity-year: ${perActivityYear.toFixed(1)} (goal <= 25; a daily polling design needs >= 365)`);

function eventTypeName(n: number): string {
  return proto.temporal.api.enums.v1.EventType[n] ?? String(n);
}
