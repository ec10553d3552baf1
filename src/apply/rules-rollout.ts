import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { parseRules, rulesFor, type RulesFile } from '../rules';
import { rulesChanged, rulesVersion, stateQuery } from '../lifecycle';

export interface RulesRollout {
  version: string;
  /** Running activities that now run with the new version. */
  signalled: number;
  /** Running activities that already had it. */
  current: number;
}

/**
 * Sends a new version of rules.yaml to every running activity, resolved for its department, so
 * the next event already follows it; no restart, no redeploy. Running it twice sends nothing new.
 */
/** `text`: the rules in force when they are not the file's (the shared store's latest version). */
export async function rolloutRules(client: Client, rulesPath: string, text?: string): Promise<RulesRollout> {
  text ??= await readFile(rulesPath, 'utf8');
  const file: RulesFile = parseRules(rulesPath, text);
  const version = rulesVersion(text);
  const result: RulesRollout = { version, signalled: 0, current: 0 };
  for await (const wf of client.workflow.list({
    query: `WorkflowType = "activityLifecycle" AND ExecutionStatus = "Running"`,
  })) {
    const handle = client.workflow.getHandle(wf.workflowId);
    const view = await handle.query(stateQuery);
    if (view.rulesVersion === version) {
      result.current++;
      continue;
    }
    await handle.signal(rulesChanged, { version, rules: rulesFor(file, view.activity.department) });
    result.signalled++;
  }
  return result;
}
