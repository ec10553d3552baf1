/**
 * What importing a new version of a plan does to the running activities: which are new, which
 * are gone, and which changed in a way their workflows must hear about. Activities are matched by
 * id; raw text that reads the same (a "2022" corrected to "2022-12-31") is no change.
 */
import { isDeepStrictEqual } from 'node:util';
import { placedActivities, type Activity, type Deadline, type Plan } from './model';
import type { RoleRef } from '../domain';

export type ChangedField =
  | 'text'
  | 'goal'
  | 'section'
  | 'department'
  | 'start'
  | 'deadline'
  | 'milestones'
  | 'owners'
  | 'followUp'
  | 'cadences'
  | 'notes';

export interface ActivityChange {
  id: string;
  department: string;
  fields: { field: ChangedField; old: unknown; new: unknown }[];
}

export interface ActivitySummary {
  id: string;
  department: string;
  text: string;
}

export interface PlanDiff {
  added: ActivitySummary[];
  removed: ActivitySummary[];
  changed: ActivityChange[];
  unchanged: number;
}

export function diffPlans(oldPlan: Plan, newPlan: Plan): PlanDiff {
  const before = new Map(placedActivities(oldPlan).map((p) => [p.activity.id, p]));
  const after = new Map(placedActivities(newPlan).map((p) => [p.activity.id, p]));
  const summary = (p: { department: { id: string }; activity: Activity }): ActivitySummary => ({
    id: p.activity.id,
    department: p.department.id,
    text: p.activity.text,
  });
  const diff: PlanDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [id, p] of before) if (!after.has(id)) diff.removed.push(summary(p));
  for (const [id, n] of after) {
    const o = before.get(id);
    if (!o) {
      diff.added.push(summary(n));
      continue;
    }
    const compared: [ChangedField, unknown, unknown][] = [
      ['department', o.department.id, n.department.id],
      ['section', o.section.name, n.section.name],
      ['goal', o.goal.text, n.goal.text],
      ['text', o.activity.text, n.activity.text],
      ['start', o.activity.start && readDeadline(o.activity.start), n.activity.start && readDeadline(n.activity.start)],
      ['deadline', readDeadline(o.activity.deadline), readDeadline(n.activity.deadline)],
      ['milestones', o.activity.milestones.map(readMilestone), n.activity.milestones.map(readMilestone)],
      ['owners', readOwners(o.activity.owners), readOwners(n.activity.owners)],
      ['followUp', o.activity.followUp, n.activity.followUp],
      ['cadences', [...o.activity.cadences].sort(), [...n.activity.cadences].sort()],
      ['notes', o.activity.notes, n.activity.notes],
    ];
    const fields = compared
      .filter(([, a, b]) => !isDeepStrictEqual(a, b))
      .map(([field, a, b]) => ({ field, old: a, new: b }));
    if (fields.length > 0) diff.changed.push({ id, department: n.department.id, fields });
    else diff.unchanged++;
  }
  return diff;
}

/** A deadline as it is used, without the words it was read from. */
function readDeadline(d: Deadline) {
  return { kind: d.kind, date: d.date, checkpoints: d.checkpoints };
}

function readOwners(owners: readonly RoleRef[]) {
  return owners.map((o) => `${o.role}${o.unit ? `@${o.unit}` : ''}${o.all ? '*' : ''}`).sort();
}

function readMilestone(m: Activity['milestones'][number]) {
  return { text: m.text, deadline: readDeadline(m.deadline), owners: readOwners(m.owners) };
}
