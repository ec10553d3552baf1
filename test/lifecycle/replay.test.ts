import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type proto from '@temporalio/proto';
import * as workflows from '../../src/worker/workflows';
import { workflowsPath } from '../../src/worker';
import { recordedHistories } from '../helpers/histories';
import { recordReliability } from '../reliability/record';

/**
 * Every recorded history is replayed against the current workflow code. A change to a workflow
 * that running executions would see differently, made without patched(), fails here. The
 * histories come from the suites that run the workflows (lifecycle, delivery, follow-up), so each
 * workflow type the worker registers has at least one.
 */
describe('replay of recorded histories', () => {
  const histories = recordedHistories();
  const typeOf = (h: { history: unknown }) =>
    (h.history as proto.temporal.api.history.v1.IHistory).events?.[0]?.workflowExecutionStartedEventAttributes
      ?.workflowType?.name ?? '?';

  it('has a recorded history of every workflow type the worker runs', () => {
    const recorded = new Set(histories.map(typeOf));
    expect(Object.keys(workflows).filter((type) => !recorded.has(type))).toEqual([]);
  });

  it('replays every one deterministically against the current code', async () => {
    await recordReliability(
      {
        id: '08-determinism',
        test: 'Determinism: varje inspelad historik spelas upp mot nuvarande kod (every recorded history replays)',
        file: 'test/lifecycle/replay.test.ts',
      },
      async (r) => {
        const count = (...types: string[]) => histories.filter((h) => types.includes(typeOf(h))).length;
        r.size = `${histories.length} historiker (${count('activityLifecycle')} livscykel, ${count('personDigest')} sammandrag, ${count('followUpDepartment', 'followUpCycle')} uppföljning)`;
        const failures: string[] = [];
        for await (const result of Worker.runReplayHistories({ workflowsPath, replayName: 'planvakt' }, histories)) {
          if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
        }
        r.result = `${failures.length} icke-deterministiska`;
        expect(failures).toEqual([]);
      },
    );
  }, 120_000);
});
