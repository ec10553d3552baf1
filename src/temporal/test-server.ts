import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { testServerExecutable } from './binaries';
import { SEARCH_ATTRIBUTES } from './search-attributes';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_TYPE: Record<string, number> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/**
 * Temporal's time-skipping test server from the provisioned binary, with Planvakt's search
 * attributes registered: the same code that runs in production runs months ahead in seconds.
 * `planvakt simulate` and the tests use it; it is never a fake of Temporal.
 */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  // The test server knows only Temporal's own attributes until told about Planvakt's.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_TYPE[k.type]!])),
  });
  return env;
}
