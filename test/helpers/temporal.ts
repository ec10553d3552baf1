import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable, testServerExecutable } from '../../src/temporal/binaries';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

const { temporal } = proto;

export const fixtureWorkflowsPath = fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url));

/** The real time-skipping test server, from the provisioned binary: never a fake of Temporal. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  await registerSearchAttributes(env, 'default');
  return env;
}

/** The test server knows only Temporal's own attributes until told about Planvakt's. */
async function registerSearchAttributes(env: TestWorkflowEnvironment, namespace: string): Promise<void> {
  const types: Record<string, number> = {
    KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, types[k.type]!])),
  });
}

/** The real Temporal CLI dev server (in memory), with Planvakt's search attributes registered. */
export function localEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), namespace: 'planvakt', searchAttributes: SEARCH_ATTRIBUTES },
  });
}
