import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// The SDK's canonical-JSON helpers (@temporalio/common/lib/proto-utils) fail here: npm nests two
// copies of protobufjs 8 (under common and under proto) and the converter checks instanceof across
// them. @temporalio/proto's own toObject/fromObject round-trips a history through one copy.
const { History } = proto.temporal.api.history.v1;
const JSON_OPTIONS = { longs: String, enums: String, bytes: String } as const;

export const historiesDir = fileURLToPath(new URL('../histories', import.meta.url));

/**
 * Saves every run of a workflow as JSON under test/histories/ (once: a committed history is the
 * record the current code must keep replaying; RECORD_HISTORIES=1 overwrites on purpose).
 */
export async function recordHistories(client: Client, workflowIds: string[]): Promise<void> {
  mkdirSync(historiesDir, { recursive: true });
  for (const workflowId of workflowIds) {
    let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
    const runs: { runId: string; history: unknown }[] = [];
    while (runId) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      runs.unshift({ runId, history });
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
    runs.forEach(({ history }, i) => {
      const file = join(historiesDir, `${workflowId}${runs.length > 1 ? `.run${i + 1}` : ''}.json`);
      if (process.env.RECORD_HISTORIES === '1' || !existsSync(file))
        writeFileSync(
          file,
          `${JSON.stringify(History.toObject(History.fromObject(history as object), JSON_OPTIONS))}\n`,
        );
    });
  }
}

export function recordedHistories(): { workflowId: string; history: unknown }[] {
  if (!existsSync(historiesDir)) return [];
  return readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(readFileSync(join(historiesDir, f), 'utf8'))),
    }));
}
