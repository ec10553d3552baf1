/**
 * Every workflow id Planvakt hands out, in one place: ids that say what they are, and that make a
 * second start of the same thing start nothing new (Temporal refuses a duplicate id).
 * Workflow-safe: plain string functions.
 */
import type { IsoDate } from './vocabulary';

/** One activity's lifecycle: `activity-<activity id>`. */
export const lifecycleWorkflowId = (activityId: string) => `activity-${activityId}`;

/** One person's digest of one day: `digest-<person>-<date>`. */
export const digestWorkflowId = (personId: string, date: IsoDate) => `digest-${personId}-${date}`;

/** A critical event's own message: one workflow per person, day and item batch (`tag`: a hash of the items). */
export const immediateWorkflowId = (personId: string, date: IsoDate, tag: string) =>
  `digest-${personId}-${date}-direkt-${tag}`;

/** A department's long-running follow-up workflow: `follow-up-<department>`. */
export const followUpDepartmentWorkflowId = (department: string) => `follow-up-${department}`;

/**
 * One follow-up cycle: `cycle-<department>-<year>-<period>` for an occasion id `T1:2022`, and
 * `cycle-<department>-<year>-<period>-<MM-DD>` for a monthly one (`APT:2022-03-01`).
 */
export function cycleWorkflowId(department: string, occasion: { period: string; id: string }): string {
  const [, when] = occasion.id.split(':') as [string, string];
  const year = when.slice(0, 4);
  const rest = when.length > 4 ? `-${when.slice(5)}` : '';
  return `cycle-${department}-${year}-${occasion.period}${rest}`;
}

/** A follow-up cycle's workflow id (see cycleWorkflowId). */
export const isCycleWorkflowId = (workflowId: string): boolean => workflowId.startsWith('cycle-');

/**
 * A cycle id read back: the department (the longest of `departments` whose prefix it has; ids may
 * hold `-`) and the occasion as people read it (`2022-T1`, `2022-APT-03-01`).
 */
export function readCycleWorkflowId(
  workflowId: string,
  departments: readonly string[],
): { department: string; occasion: string } | undefined {
  const department = departments
    .filter((d) => workflowId.startsWith(`cycle-${d}-`))
    .sort((a, b) => b.length - a.length)[0];
  return department === undefined
    ? undefined
    : { department, occasion: workflowId.slice(`cycle-${department}-`.length) };
}
