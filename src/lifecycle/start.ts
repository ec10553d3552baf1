import type { WorkflowStartOptions } from '@temporalio/client';
import { stockholmDate } from '../calendar/stockholm';
import { planClock } from '../domain/plan-clock';
import { lifecycleWorkflowId } from '../domain/workflow-ids';
import type { activityLifecycle } from './workflow';
import type { ActivityLifecycleInput } from './messages';
import { searchAttributesAtStart } from './search-attributes';
import { initialState, searchAttributeValues } from './state';

/**
 * How every activityLifecycle is started (import --apply, the web import, simulate, tests), as
 * `client.workflow.start(activityLifecycle, lifecycleStart(…))`: the id that makes a second import
 * start nothing new, and the search attributes set at start so the dashboard sees the activity
 * before its first event, without an extra upsert. `now` is the running clock at the start.
 */
export function lifecycleStart(
  input: ActivityLifecycleInput,
  taskQueue: string,
  now: Date,
): WorkflowStartOptions<typeof activityLifecycle> & { workflowId: string } {
  const planNow = planClock(input, () => now.getTime()).now();
  // With the import's choice, as the workflow publishes them (patched 'historisk-ej-forsenad').
  const values = searchAttributeValues(input.activity, initialState(planNow), stockholmDate(planNow), input.passed);
  return {
    workflowId: lifecycleWorkflowId(input.activity.id),
    taskQueue,
    args: [input],
    typedSearchAttributes: searchAttributesAtStart(values),
  };
}
