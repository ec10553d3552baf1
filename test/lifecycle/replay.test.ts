import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../src/worker';
import { recordedHistories } from '../helpers/histories';

/**
 * Every recorded history is replayed against the current workflow code. A change to a workflow
 * that running executions would see differently, made without patched(), fails here.
 */
describe('replay of recorded histories', () => {
  const histories = recordedHistories();

  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(8);
  });

  it('replays every one deterministically against the current code', async () => {
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath, replayName: 'planvakt' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
