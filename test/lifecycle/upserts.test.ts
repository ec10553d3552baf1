/**
 * Search attributes cost an action per upsert: a lifecycle upserts only when a value Översikt reads
 * changes (patched 'sokattribut-vid-andring'), also across continue-as-new at the new year, and
 * asks about one patch per run (each patch the SDK sees costs a marker and an upsert of
 * TemporalChangeVersion). Counted in the history of every run, on the time-skipping server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { acknowledge, reportStatus, type Reporter } from '../../src/lifecycle';
import { PlanvaktOverdue, PlanvaktStatus } from '../../src/temporal/search-attributes';
import { timeSkippingEnv } from '../helpers/temporal';
import { LifecycleHarness, makeActivity } from '../helpers/lifecycle';
import { recordHistories } from '../helpers/histories';

const enhetschef: Reporter = { personId: 'p-anna', name: 'Anna Enhetschef', roles: ['enhetschef'] };
const { EventType } = proto.temporal.api.enums.v1;

let env: TestWorkflowEnvironment;
let h: LifecycleHarness;

beforeAll(async () => {
  env = await timeSkippingEnv();
  h = new LifecycleHarness(env, 'upserts-test');
  await h.start();
});
afterAll(async () => {
  // The patched path's history becomes a replay case for test/lifecycle/replay.test.ts.
  if (h) await recordHistories(env.client, h.started);
  await h?.stop();
  await env?.teardown();
});

/** The attribute names of every upsert in every run of the chain, oldest run first. */
async function upsertsOf(workflowId: string): Promise<{ runs: number; upserts: string[][] }> {
  let runId: string | undefined = (await env.client.workflow.getHandle(workflowId).describe()).runId;
  const runs: string[][][] = [];
  while (runId) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(
      (history.events ?? [])
        .filter(
          (e) =>
            e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ||
            String(e.eventType) === 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
        )
        .map((e) =>
          Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).sort(),
        ),
    );
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return { runs: runs.length, upserts: runs.flat() };
}

describe('the lifecycle’s search attribute upserts', () => {
  it('over a plan year: one upsert per change Översikt can see, none for the new year or an acknowledgement', async () => {
    // Imported 2022-01-10 with monthly APT, due Wed 2023-03-15. What changes an attribute:
    //  1. 2022-04-20 report Pågår (inProgress): status and last report;
    //  2. 2022-10-12 report Pågår (inProgress) again: last report only;
    //     (January 2023: continue-as-new at the new year: nothing changed, nothing to upsert)
    //  3. Thu 2023-03-16: the deadline has passed, overdue;
    //     (2023-03-17 the overdue reminder acknowledged: no attribute says so)
    //  4. 2023-03-20 report Klar: status, overdue (Klar is not overdue) and last report.
    // Status, unit, deadline, plan, department and owners were set at start.
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'a-sokattribut', deadline: '2023-03-15', cadences: ['apt'] }),
      '2022-01-10T09:00:00+01:00',
    );
    await h.sleepUntil('2022-04-20T12:00:00+02:00', timeShiftMs);
    await handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'inProgress', comment: 'Start' }],
    });
    await h.sleepUntil('2022-10-12T12:00:00+02:00', timeShiftMs);
    await handle.executeUpdate(reportStatus, {
      args: [{ reporter: enhetschef, status: 'inProgress', comment: 'Halvvägs' }],
    });
    await h.sleepUntil('2023-03-16T12:00:00+01:00', timeShiftMs);
    expect((await handle.describe()).typedSearchAttributes.get(PlanvaktOverdue)).toBe(true);
    await h.sleepUntil('2023-03-17T12:00:00+01:00', timeShiftMs);
    await handle.signal(acknowledge, { by: 'Anna Enhetschef' });
    await h.sleepUntil('2023-03-20T12:00:00+01:00', timeShiftMs);
    await handle.executeUpdate(reportStatus, { args: [{ reporter: enhetschef, status: 'done' }] });
    expect(await handle.result()).toMatchObject({ result: 'done' });

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(PlanvaktStatus)).toBe('done');
    expect(described.typedSearchAttributes.get(PlanvaktOverdue)).toBe(false);

    const { runs, upserts } = await upsertsOf(handle.workflowId);
    expect(runs).toBe(2); // 2022, and 2023 after continue-as-new
    const planvakt = upserts.filter((names) => !names.includes('TemporalChangeVersion'));
    expect(planvakt).toEqual([
      ['PlanvaktLastReport', 'PlanvaktStatus'],
      ['PlanvaktLastReport'],
      ['PlanvaktOverdue'],
      ['PlanvaktLastReport', 'PlanvaktOverdue', 'PlanvaktStatus'],
    ]);
    // The SDK's own upsert for a patch marker: one patch asked about per run.
    expect(upserts.filter((names) => names.includes('TemporalChangeVersion'))).toEqual(
      Array.from({ length: runs }, () => ['TemporalChangeVersion']),
    );
  });
});
