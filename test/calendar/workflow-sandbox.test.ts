import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { expect, it } from 'vitest';

/**
 * src/calendar must bundle for, and run inside, Temporal's workflow sandbox (webpack bundle,
 * deterministic V8 context). The fixture workflow runs the calendar there and names the activity
 * it schedules after the outcome; replaying a history that expects `calendarOk` needs no server
 * and fails as nondeterministic on any other outcome.
 */

const at = { seconds: 1_640_995_200 };
const history = temporal.api.history.v1.History.fromObject({
  events: [
    {
      eventId: 1,
      eventTime: at,
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'calendarProbe' },
        taskQueue: { name: 'probe' },
        workflowTaskTimeout: { seconds: 10 },
        originalExecutionRunId: 'run',
        firstExecutionRunId: 'run',
        attempt: 1,
      },
    },
    {
      eventId: 2,
      eventTime: at,
      eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
      workflowTaskScheduledEventAttributes: {
        taskQueue: { name: 'probe' },
        startToCloseTimeout: { seconds: 10 },
        attempt: 1,
      },
    },
    {
      eventId: 3,
      eventTime: at,
      eventType: 'EVENT_TYPE_WORKFLOW_TASK_STARTED',
      workflowTaskStartedEventAttributes: { scheduledEventId: 2 },
    },
    {
      eventId: 4,
      eventTime: at,
      eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
      workflowTaskCompletedEventAttributes: { scheduledEventId: 2, startedEventId: 3 },
    },
    {
      eventId: 5,
      eventTime: at,
      eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      activityTaskScheduledEventAttributes: {
        activityId: '1',
        activityType: { name: 'calendarOk' },
        taskQueue: { name: 'probe' },
        startToCloseTimeout: { seconds: 60 },
        workflowTaskCompletedEventId: 4,
      },
    },
  ],
});

it('bundles with bundleWorkflowCode and computes the same results in the sandbox', async () => {
  const logger = new DefaultLogger('WARN');
  const bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./fixtures/calendar-workflow.ts', import.meta.url)),
    logger,
  });
  expect(bundle.code.length).toBeGreaterThan(0);
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, 'calendar-probe')).resolves.toBeUndefined();
});
