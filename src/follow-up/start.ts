/**
 * How the follow-up workflows are started from a plan: one `followUpDepartment` per department
 * (id `follow-up-<department>`), signalled-with-start so a second plan of the same department adds
 * its activities and indicators to the running one. `applyChanges` calls it after the lifecycles.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { planId, toLifecycleActivity } from '../lifecycle';
import { stockholmDate } from '../calendar';
import { placedActivities, type Plan } from '../plan';
import { rulesFor, type RulesFile } from '../rules';
import { followUpDepartmentWorkflowId, planClock } from '../domain';
import { followUpDepartment } from './workflow';
import { followUpPlanUpdated, type CycleIndicator, type FollowUpDepartmentInput } from './messages';

/** A plan's indicators as the cycles follow them up: asked of the unit's head (enhetschef), else the avdelningschef. */
export function indicatorsOf(plan: Plan): CycleIndicator[] {
  const id = planId(plan);
  const out: CycleIndicator[] = [];
  for (const d of plan.departments)
    for (const s of d.sections)
      for (const g of s.goals)
        for (const i of g.indicators) {
          out.push({
            id: createHash('sha256').update(`${id}\n${d.id}\n${g.text}\n${i.name}`).digest('hex').slice(0, 12),
            plan: id,
            department: d.id,
            ...(d.unit ? { unit: d.unit } : {}),
            section: s.name,
            goal: g.text,
            name: i.name,
            ...(i.annualTarget ? { annualTarget: i.annualTarget } : {}),
            ...(i.kfAnnualTarget ? { kfAnnualTarget: i.kfAnnualTarget } : {}),
            periodicityRaw: i.periodicity.raw,
            periods: i.periodicity.periods,
            owners: d.unit
              ? [{ role: 'enhetschef', unit: d.unit, raw: 'Enhetschef' }]
              : [{ role: 'avdelningschef', raw: 'Avdelningschef' }],
          });
        }
  return out;
}

/** The plan's years: from its title ("2021-2023", "2020") and its deadlines. */
export function planYears(plan: Plan): { from: number; until: number } {
  const years = [...plan.title.matchAll(/\b(20\d\d)\b/g)].map((m) => Number(m[1]));
  for (const p of placedActivities(plan))
    if (p.activity.deadline.date) years.push(Number(p.activity.deadline.date.slice(0, 4)));
  return years.length
    ? { from: Math.min(...years), until: Math.max(...years) }
    : { from: new Date().getUTCFullYear(), until: new Date().getUTCFullYear() };
}

/**
 * One input per department of the plan, for the plan year `now` (the running clock) falls in on
 * the plan clock of `shiftMs` (never before the plan's first year).
 */
export function followUpInputs(plan: Plan, rules: RulesFile, now: Date, shiftMs?: number): FollowUpDepartmentInput[] {
  const clock = planClock(shiftMs, () => now.getTime());
  const id = planId(plan);
  const { from, until } = planYears(plan);
  const year = Math.max(from, Number(stockholmDate(clock.now()).slice(0, 4)));
  const indicators = indicatorsOf(plan);
  return plan.departments.map((d) => ({
    department: d.id,
    year,
    untilYear: until,
    plans: {
      [id]: {
        activities: placedActivities(plan)
          .filter((p) => p.department.id === d.id)
          .map((p) => toLifecycleActivity(plan, p)),
        indicators: indicators.filter((i) => i.department === d.id),
      },
    },
    rules: rulesFor(rules, d.id),
    ...clock.carry(),
  }));
}

/** Starts (or updates) each department's follow-up workflow; idempotent. */
export async function startFollowUps(
  client: Client,
  taskQueue: string,
  plan: Plan,
  rules: RulesFile,
  now = new Date(),
  shiftMs?: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const input of followUpInputs(plan, rules, now, shiftMs)) {
    const [planKey, content] = Object.entries(input.plans)[0]!;
    const workflowId = followUpDepartmentWorkflowId(input.department);
    await client.workflow.signalWithStart(followUpDepartment, {
      workflowId,
      taskQueue,
      args: [input],
      signal: followUpPlanUpdated,
      signalArgs: [{ plan: planKey, ...content }],
    });
    ids.push(workflowId);
  }
  return ids;
}
