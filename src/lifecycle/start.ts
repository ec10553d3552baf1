import type { WorkflowStartOptions } from '@temporalio/client';
import { stockholmDate } from '../calendar/stockholm';
import * as sa from '../temporal/search-attributes';
import { lifecycleWorkflowId } from '../domain/workflow-ids';
import type { activityLifecycle } from './workflow';
import type { ActivityLifecycleInput } from './messages';
import { initialState, searchAttributeValues } from './state';

/**
 * How every activityLifecycle is started (import --apply, the web import, simulate, tests): the
 * id that makes a second import start nothing new, and the search attributes set at start so the
 * dashboard sees the activity before its first event, without an extra upsert.
 */
export function lifecycleStart(
  input: ActivityLifecycleInput,
  taskQueue: string,
  now: Date,
): WorkflowStartOptions<typeof activityLifecycle> & { workflowId: string } {
  const planNow = new Date(now.getTime() + (input.timeShiftMs ?? 0)).toISOString();
  const v = searchAttributeValues(input.activity, initialState(planNow), stockholmDate(planNow));
  return {
    workflowId: lifecycleWorkflowId(input.activity.id),
    taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: sa.PlanvaktPlan, value: v.PlanvaktPlan },
      { key: sa.PlanvaktDepartment, value: v.PlanvaktDepartment },
      ...(v.PlanvaktUnit ? [{ key: sa.PlanvaktUnit, value: v.PlanvaktUnit }] : []),
      { key: sa.PlanvaktOwnerRoles, value: v.PlanvaktOwnerRoles },
      { key: sa.PlanvaktStatus, value: v.PlanvaktStatus },
      ...(v.PlanvaktDeadline ? [{ key: sa.PlanvaktDeadline, value: new Date(v.PlanvaktDeadline) }] : []),
      { key: sa.PlanvaktOverdue, value: v.PlanvaktOverdue },
    ] as never,
  };
}
