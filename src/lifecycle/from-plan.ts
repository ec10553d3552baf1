import { createHash } from 'node:crypto';
import type { PlacedActivity, Plan } from '../plan';
import type { LifecycleActivity } from './messages';

/**
 * A plan's id in Temporal (the PlanvaktPlan search attribute): its kind and its title's years and
 * words, so a corrected version of the same plan document is the same plan.
 */
export function planId(plan: Plan): string {
  const slug = plan.title
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/-\s+/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug.startsWith(plan.kind) ? slug : `${plan.kind}-${slug}`;
}

/** What the lifecycle workflow needs of an activity, flattened from where it sits in the plan. */
export function toLifecycleActivity(plan: Plan, placed: PlacedActivity): LifecycleActivity {
  const { department, section, goal, activity } = placed;
  return {
    id: activity.id,
    plan: planId(plan),
    department: department.id,
    ...(department.unit ? { unit: department.unit } : {}),
    section: section.name,
    goal: goal.text,
    text: activity.text,
    ...(activity.deadline.date ? { deadline: activity.deadline.date } : {}),
    deadlineRaw: activity.deadline.raw,
    // The year-end checkpoints of `2022-2024`: status requests in the lifecycle (schedule()).
    ...(activity.deadline.checkpoints.length > 0 ? { checkpoints: [...activity.deadline.checkpoints] } : {}),
    // Delmål keep their order in the cell, so "delmal-2" is the same delmål in a corrected plan.
    milestones: activity.milestones.map((m, i) => ({
      id: `delmal-${i + 1}`,
      ...(m.text ? { text: m.text } : {}),
      ...(m.deadline.date ? { deadline: m.deadline.date } : {}),
      owners: m.owners,
    })),
    owners: activity.owners,
    cadences: activity.cadences,
    followUp: activity.followUp,
    source: activity.source,
  };
}

/** The version of a rules file the workflows run with: its content hash, short. */
export function rulesVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
