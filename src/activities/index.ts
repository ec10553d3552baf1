/**
 * The activities the worker registers: all of Planvakt's I/O (delivery, ledger, reports) lives
 * here, each idempotent under retry. Workflows reach them only through
 * `proxyActivities<ReturnType<typeof createActivities>>`.
 */
export interface ActivityDeps {
  dataDir: string;
}

export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
