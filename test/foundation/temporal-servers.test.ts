import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fixtureWorkflowsPath, localEnv, timeSkippingEnv } from '../helpers/temporal';
import { PlanvaktDepartment, PlanvaktOwnerRoles, PlanvaktStatus } from '../../src/temporal/search-attributes';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(() => env?.teardown());

  it('runs a workflow that sleeps 120 days in seconds of wall time', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'foundation',
      workflowsPath: fixtureWorkflowsPath,
    });
    const wallStart = Date.now();
    const serverStart = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute('sleeper', { args: [120], taskQueue: 'foundation', workflowId: 'sleeper-120' }),
    );
    expect(result).toBe('120 days later');
    expect((await env.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(120 * 86_400_000);
    // Not a timing claim about speed, only proof that time was skipped rather than waited.
    expect(Date.now() - wallStart).toBeLessThan(60_000);
  });
});

describe('dev server (createLocal)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await localEnv();
  });
  afterAll(() => env?.teardown());

  it('runs a workflow and records Planvakt search attributes in visibility', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'planvakt',
      taskQueue: 'foundation',
      workflowsPath: fixtureWorkflowsPath,
    });
    const handle = await env.client.workflow.start('tagged', {
      args: ['forskola'],
      taskQueue: 'foundation',
      workflowId: 'tagged-1',
    });
    await worker.runUntil(handle.result());
    const described = await handle.describe();
    expect(described.status.name).toBe('COMPLETED');
    expect(described.typedSearchAttributes.get(PlanvaktDepartment)).toBe('forskola');
    expect(described.typedSearchAttributes.get(PlanvaktStatus)).toBe('inProgress');
    expect(described.typedSearchAttributes.get(PlanvaktOwnerRoles)).toEqual(['enhetschef', 'rektor']);
  });
});
