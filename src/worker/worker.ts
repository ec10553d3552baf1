import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';

export const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

export interface PlanvaktWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Sticky cache size (PLANVAKT_MAX_CACHED_WORKFLOWS); the SDK's default when absent. */
  maxCachedWorkflows?: number;
  /** Override for tests that bring their own workflows or recording activities. */
  workflowsPath?: string;
  /** A bundle made beforehand (bundleWorkflows): the worker then never loads webpack. */
  workflowBundle?: { codePath: string };
  activities?: object;
}

/** The one worker: every workflow and activity on one task queue, so N copies share the load. */
export function createWorker(opts: PlanvaktWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: opts.workflowsPath ?? workflowsPath }),
    activities: opts.activities ?? createActivities(opts.deps),
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
}
