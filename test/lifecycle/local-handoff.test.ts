/**
 * The 08:00 burst's cost per reminder: the lifecycle hands its due notices on in a local activity
 * (patched 'overlamning-lokal'), inside the workflow task the due timer wakes, so a reminder costs
 * that one workflow task and no activity task. Counted in the history on the time-skipping server;
 * the history is recorded as a replay case for test/lifecycle/replay.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reportStatus, type Reporter } from '../../src/lifecycle';
import { timeSkippingEnv } from '../helpers/temporal';
import { LifecycleHarness, makeActivity } from '../helpers/lifecycle';
import { recordHistories } from '../helpers/histories';

const { EventType } = proto.temporal.api.enums.v1;
const enhetschef: Reporter = { personId: 'p-anna', name: 'Anna Enhetschef', roles: ['enhetschef'] };

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env, 'local-handoff-test');
  await h.start();
});
afterAll(async () => {
  if (h) await recordHistories(env.client, h.started);
  await h?.stop();
  await env?.teardown();
});

const typeName = (t: unknown) =>
  (typeof t === 'number' ? (EventType[t] ?? String(t)) : String(t)).replace('EVENT_TYPE_', '');

describe('the lifecycle’s hand-off of a due reminder', () => {
  it('is one workflow task per reminder morning: a local activity, no activity task', async () => {
    // Due Sat 2022-12-31, imported Mon 2022-12-19: of the shipped offsets (20, 5, 1, 0 working
    // days) 5 is Fri 12-23, and 1 and 0 both fall on Fri 12-30: two mornings, two messages.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-lokal', deadline: '2022-12-31' }),
      '2022-12-19T09:00:00+01:00',
    );
    await h.sleepUntil('2022-12-30T12:00:00+01:00', timeShiftMs);
    await handle.executeUpdate(reportStatus, { args: [{ reporter: enhetschef, status: 'done' }] });
    expect(await handle.result()).toMatchObject({ result: 'done' });
    expect(h.messagesOf(handle.workflowId).map((m) => m.localDate)).toEqual(['2022-12-23', '2022-12-30']);

    const events = ((await handle.fetchHistory()).events ?? []).map((e) => typeName(e.eventType));
    expect(events.filter((t) => t.startsWith('ACTIVITY_TASK'))).toEqual([]);
    // One marker per hand-off, plus the one patch marker of the run.
    expect(events.filter((t) => t === 'MARKER_RECORDED')).toHaveLength(3);
    // Each morning: the timer fires and one workflow task hands the notices on and sets the next timer.
    const morning = events.slice(events.indexOf('TIMER_FIRED'), events.indexOf('TIMER_FIRED') + 6);
    expect(morning).toEqual([
      'TIMER_FIRED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'MARKER_RECORDED',
      'TIMER_STARTED',
    ]);
  });
});
