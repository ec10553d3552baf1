/**
 * The namespace's retention: how long Temporal keeps the history of a closed workflow, and with it
 * the names it holds (recipients in a lifecycle's timeline, reporters, a digest's person). The
 * embedded dev server (whose `start-dev` registers the namespace with 1 day and has no flag for
 * it) gets PLANVAKT_RETENTION_DAYS at every start. On a production cluster the namespace belongs
 * to its operators (`temporal operator namespace update`; Temporal Cloud: 1 to 90 days, in its UI
 * or with tcld), so Planvakt only reads it there and says when it is longer than configured.
 */
import type { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

const DAY_MS = 86_400_000;

export async function namespaceRetentionDays(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
): Promise<number | undefined> {
  const described = await connection.workflowService.describeNamespace({ namespace });
  const ttl = described.config?.workflowExecutionRetentionTtl;
  return ttl ? tsToMs(ttl) / DAY_MS : undefined;
}

/** Applies to workflows that close from now on: Temporal fixes a history's deletion time when it closes. */
export async function setNamespaceRetention(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  days: number,
): Promise<void> {
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(days * DAY_MS) },
  });
}

/** A warning for the log when the cluster keeps histories longer than promised; undefined when it does not. */
export async function retentionWarning(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  days: number,
): Promise<string | undefined> {
  const actual = await namespaceRetentionDays(connection, namespace);
  if (actual === undefined || actual <= days) return undefined;
  return (
    `Namespace ${namespace} keeps closed workflow histories (with names) for ${actual} days, longer than PLANVAKT_RETENTION_DAYS=${days}. ` +
    `Run: temporal operator namespace update --namespace ${namespace} --retention ${days}d  (Temporal Cloud: set the retention in its UI, at most 90 days).`
  );
}
