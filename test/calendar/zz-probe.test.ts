import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { test, expect } from 'vitest';
import { temporal } from '@temporalio/proto';
import { fileURLToPath } from 'node:url';
test('bundle', async () => {
  const t0 = Date.now();
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./fixtures/calendar-workflow.ts', import.meta.url)), logger: undefined });
  console.log('bundle ms', Date.now() - t0, 'size', bundle.code.length);
  const history = { events: [
    { eventId: '1', eventTime: { seconds: 1640995200 }, eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', workflowExecutionStartedEventAttributes: { workflowType: { name: 'calendarProbe' }, taskQueue: { name: 'q' }, workflowTaskTimeout: { seconds: 10 }, originalExecutionRunId: 'r', firstExecutionRunId: 'r', attempt: 1 } },
    { eventId: '2', eventTime: { seconds: 1640995200 }, eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', workflowTaskScheduledEventAttributes: { taskQueue: { name: 'q' }, startToCloseTimeout: { seconds: 10 }, attempt: 1 } },
    { eventId: '3', eventTime: { seconds: 1640995200 }, eventType: 'EVENT_TYPE_WORKFLOW_TASK_STARTED', workflowTaskStartedEventAttributes: { scheduledEventId: '2', identity: 'x', requestId: 'y' } },
    { eventId: '4', eventTime: { seconds: 1640995200 }, eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', workflowTaskCompletedEventAttributes: { scheduledEventId: '2', startedEventId: '3', identity: 'x' } },
    { eventId: '5', eventTime: { seconds: 1640995200 }, eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: 'calendarOk' }, taskQueue: { name: 'q' }, startToCloseTimeout: { seconds: 60 }, workflowTaskCompletedEventId: '4' } },
  ] };
  const t1 = Date.now();
  await Worker.runReplayHistory({ workflowBundle: bundle }, temporal.api.history.v1.History.fromObject(history), 'wf-1');
  console.log('replay ms', Date.now() - t1);
}, 120000);
