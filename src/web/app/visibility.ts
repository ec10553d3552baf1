/**
 * Reading Temporal visibility: counts and pages of activity lifecycles by their search attributes.
 * Every value that goes into a query has been checked against a fixed set (department ids from
 * the organisation, role ids, statuses) or a date pattern first, so no user text reaches a query.
 */
import type { Client } from '@temporalio/client';
import { lifecycleWorkflowId } from '../../domain';
import { stateQuery, type LifecycleView } from '../../lifecycle';

export const LIFECYCLE = `WorkflowType = 'activityLifecycle'`;
const RUNNING = `${LIFECYCLE} AND ExecutionStatus = 'Running'`;

/** The dashboard's categories: disjoint except `upcoming`, which counts running activities due soon. */
export type Category = 'done' | 'inProgress' | 'notStarted' | 'late' | 'notReported';
export const CATEGORY_LABEL: Record<Category | 'upcoming', string> = {
  done: 'Klar',
  inProgress: 'Pågår',
  notStarted: 'Ej påbörjad',
  late: 'Försenad',
  notReported: 'Ej rapporterad',
  upcoming: 'Kommande 30 dagar',
};
export const CATEGORIES: Category[] = ['done', 'inProgress', 'notStarted', 'late', 'notReported'];

export function categoryQuery(c: Category): string {
  switch (c) {
    case 'done':
      return `${LIFECYCLE} AND PlanvaktStatus = 'done'`;
    case 'late':
      // Reported Försenad, or past its Måldatum without being reported Klar.
      return `${RUNNING} AND (PlanvaktStatus = 'late' OR PlanvaktOverdue = true)`;
    default:
      return `${RUNNING} AND PlanvaktStatus = '${c}' AND PlanvaktOverdue = false`;
  }
}

/** Activities that are followed up or done: removed ones (cancelled) are left out. */
export const LISTED = `${LIFECYCLE} AND (ExecutionStatus = 'Running' OR PlanvaktStatus = 'done')`;

export const quote = (value: string) => {
  if (!/^[\p{L}\p{N} _.:-]*$/u.test(value)) throw new Error(`unsafe value in a visibility query: ${value}`);
  return `'${value}'`;
};

export const inList = (field: string, values: readonly string[]) =>
  values.length === 1 ? `${field} = ${quote(values[0]!)}` : `${field} IN (${values.map(quote).join(', ')})`;

export async function count(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

export interface ListedActivity {
  workflowId: string;
  activityId: string;
  running: boolean;
  department?: string;
  unit?: string;
  ownerRoles: string[];
  status?: string;
  deadline?: string;
  overdue: boolean;
  lastReport?: string;
}

type Payload = { data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null };
function decode(p: Payload | undefined): unknown {
  if (!p?.data || p.data.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(p.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One page of a visibility list, straight from the service so the page token can travel in a link. */
export async function listPage(client: Client, namespace: string, query: string, pageSize: number, token?: string) {
  const res = await client.workflowService.listWorkflowExecutions({
    namespace,
    query,
    pageSize,
    ...(token ? { nextPageToken: Buffer.from(token, 'base64url') } : {}),
  });
  const rows: ListedActivity[] = (res.executions ?? []).map((e) => {
    const f = (e.searchAttributes?.indexedFields ?? {}) as Record<string, Payload>;
    const str = (k: string) => {
      const v = decode(f[k]);
      return typeof v === 'string' && v ? v : undefined;
    };
    const workflowId = e.execution?.workflowId ?? '';
    const roles = decode(f.PlanvaktOwnerRoles);
    return {
      workflowId,
      activityId: workflowId.replace(/^activity-/, ''),
      running: e.status === 1,
      department: str('PlanvaktDepartment'),
      unit: str('PlanvaktUnit'),
      ownerRoles: Array.isArray(roles) ? roles.map(String) : [],
      status: str('PlanvaktStatus'),
      deadline: str('PlanvaktDeadline')?.slice(0, 10),
      overdue: decode(f.PlanvaktOverdue) === true,
      lastReport: str('PlanvaktLastReport'),
    };
  });
  const next =
    res.nextPageToken && res.nextPageToken.length > 0
      ? Buffer.from(res.nextPageToken).toString('base64url')
      : undefined;
  return { rows, next };
}

/** The activities' own state (text, goal) by the workflow query; undefined where it does not answer in time. */
export async function views(
  client: Client,
  activityIds: string[],
  timeoutMs = 3_000,
): Promise<Map<string, LifecycleView>> {
  const out = new Map<string, LifecycleView>();
  await client.withDeadline(Date.now() + timeoutMs, () =>
    Promise.all(
      activityIds.map(async (id) => {
        try {
          out.set(id, await client.workflow.getHandle(lifecycleWorkflowId(id)).query(stateQuery));
        } catch {
          // A query that fails (worker down) leaves the row with its id only.
        }
      }),
    ),
  );
  return out;
}
