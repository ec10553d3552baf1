import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable } from '../../src/temporal/binaries';
import { startTimeSkippingServer } from '../../src/temporal/test-server';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

export const fixtureWorkflowsPath = fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url));

/** The real time-skipping test server, from the provisioned binary: never a fake of Temporal. */
export const timeSkippingEnv = startTimeSkippingServer;

/** The real Temporal CLI dev server (in memory), with Planvakt's search attributes registered. */
export function localEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), namespace: 'planvakt', searchAttributes: SEARCH_ATTRIBUTES },
  });
}
