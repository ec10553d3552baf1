/**
 * Stable activity ids. The lifecycle workflow is `activity-<id>`, so the id must survive a
 * corrected plan: it comes from the plan kind, the department and the activity's words, never
 * from its deadline, owners or row, which corrections change.
 */
import { createHash } from 'node:crypto';
import type { Department, Plan, PlanKind } from './model';
import { fold } from './text';

/** Words only: case, diacritics, punctuation, `<p>` tags and line breaks do not change an id. */
export function normaliseForId(text: string): string {
  return fold(text.replace(/<[^>]*>/g, ' '))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 12);
}

export interface IdInput {
  goal: string;
  text: string;
}

/**
 * Ids for one department's activities, in plan order. The first activity with a given text gets
 * the id of its text alone; a later one with the same text is told apart by its goal, and then by
 * its occurrence, so adding a duplicate later never moves the id of the one already running.
 */
export function assignIds(kind: PlanKind, departmentId: string, activities: readonly IdInput[]): string[] {
  const used = new Set<string>();
  return activities.map(({ goal, text }) => {
    const base = [kind, departmentId, normaliseForId(text)];
    const candidates = [base, [...base, normaliseForId(goal)]];
    for (const parts of candidates) {
      const id = hash(parts);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
    for (let n = 2; ; n++) {
      const id = hash([...base, normaliseForId(goal), String(n)]);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  });
}

/** Every activity of the department, in plan order, gets its id (the readers' last step). */
export function giveDepartmentIds(kind: PlanKind, department: Department): void {
  const placed = department.sections.flatMap((s) => s.goals.flatMap((g) => g.activities.map((a) => ({ g, a }))));
  const ids = assignIds(
    kind,
    department.id,
    placed.map(({ g, a }) => ({ goal: g.text, text: a.text })),
  );
  placed.forEach(({ a }, i) => (a.id = ids[i] ?? ''));
}

/** Every activity of every avdelning gets its id. */
export function giveIds(plan: Plan): Plan {
  for (const department of plan.departments) giveDepartmentIds(plan.kind, department);
  return plan;
}
