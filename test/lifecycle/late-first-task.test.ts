import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { RecordingDelivery } from '../../src/domain/notice';
import { createActivities } from '../../src/worker/activities';
import { lifecycleStart, activityLifecycle } from '../../src/lifecycle';
import { workflowsPath } from '../../src/worker';
import { localEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await localEnv();
});
afterAll(async () => {
  await env?.teardown();
});

/**
 * On a busy server (or while every worker restarts) the first workflow task can run after an event
 * that fell due just after the import. The event counts from the moment Temporal accepted the
 * start, so it is sent late rather than taken as already handled. The time-skipping server does not
 * skip a start delay, so this runs on the dev server with a start delay of 3 s standing in for the
 * late task, and the plan's 08:00 one second after the start.
 */
it('an event due between the import and a late first workflow task is still sent', async () => {
  const delivery = new RecordingDelivery();
  const activity = makeActivity({ id: 'a-late-first-task', deadline: '2022-12-31' });
  const startedAt = Date.now();
  const input = {
    activity,
    rules: await testRules(),
    rulesVersion: 'test-1',
    timeShiftMs: Date.parse('2022-12-30T07:59:59+01:00') - startedAt,
  };
  const handle = await env.client.workflow.start(activityLifecycle, {
    ...lifecycleStart(input, 'late-first-task', new Date(startedAt)),
    startDelay: '3 seconds',
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'planvakt',
    taskQueue: 'late-first-task',
    workflowsPath,
    activities: createActivities({ delivery }),
  });
  await worker.runUntil(async () => {
    while (delivery.messages.length === 0) await new Promise((r) => setTimeout(r, 50));
  });
  const history = await handle.fetchHistory();
  const started = Number(history.events![0]!.eventTime!.seconds) * 1000;
  const firstTask = history.events!.find((e) => e.workflowTaskStartedEventAttributes)!;
  // The premise: the first task really ran after 08:00 plan time.
  expect(Number(firstTask.eventTime!.seconds) * 1000 + input.timeShiftMs).toBeGreaterThan(
    Date.parse('2022-12-30T08:00:00+01:00'),
  );
  expect(started + input.timeShiftMs).toBeLessThan(Date.parse('2022-12-30T08:00:00+01:00'));
  expect(delivery.messages[0]).toMatchObject({
    kind: 'deadline',
    localDate: '2022-12-30',
    workflowId: handle.workflowId,
  });
  await handle.terminate('test done');
});
