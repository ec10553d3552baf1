/**
 * Which follow-up cycles a department has in a year, and what each covers: pure and
 * deterministic (workflow-safe: only src/calendar and types), tested without Temporal.
 *
 *  - periods: those the department's activities' cadences name through the rules
 *    (`followUp.cadences`), those its indicators' Periodicitet names, and VB whenever the
 *    department has any activity (the VB covers the year; tertial 3 is reported there);
 *  - an activity is in a cycle when its cadences name the period (then its own lifecycle asks its
 *    owners) or the period is VB (then the cycle asks, if the lifecycle does not), and it is not
 *    finished before the period begins (deadline before `coversFrom`), as schedule() decides;
 *  - the window opens at the lifecycle's status-request instant and the cycle closes at send time
 *    on the first working day after the due date.
 */
import { periodOccasions } from '../calendar/periods';
import { quietDayPredicate } from '../calendar/quiet-days';
import { parseInstant, stockholmInstant } from '../calendar/stockholm';
import { workingCalendar } from '../calendar/working-days';
import type { FollowUpPeriod } from '../domain/vocabulary';
import { planClock, type PlanTimed } from '../domain/plan-clock';
import { cycleWorkflowId } from '../domain/workflow-ids';
import type { Rules } from '../rules/schema';
import type { LifecycleActivity } from '../lifecycle/messages';
import type { CycleIndicator, CycleOccasion, FollowUpCycleInput } from './messages';

export function periodsOfActivity(activity: LifecycleActivity, rules: Rules): Set<FollowUpPeriod> {
  return new Set(activity.cadences.flatMap((c) => rules.followUp.cadences[c] ?? []));
}

export interface DepartmentYear extends PlanTimed {
  department: string;
  year: number;
  activities: LifecycleActivity[];
  indicators: CycleIndicator[];
  rules: Rules;
}

/** Every cycle of the department's year, sorted by when its window opens (ties: by id). */
export function planCycles(d: DepartmentYear, withPrevious = true): FollowUpCycleInput[] {
  const cal = workingCalendar(quietDayPredicate(d.rules.quietDays));
  const sendTime = d.rules.delivery.sendTime;
  const periods = new Set<FollowUpPeriod>();
  for (const a of d.activities) for (const p of periodsOfActivity(a, d.rules)) periods.add(p);
  for (const i of d.indicators) for (const p of i.periods) periods.add(p);
  if (d.activities.length > 0) periods.add('VB');

  const cycles: FollowUpCycleInput[] = [];
  for (const period of [...periods].sort()) {
    for (const o of periodOccasions(period, d.rules.followUp.periods[period], d.year, cal)) {
      const request = cal.onOrAfter(o.requestOn);
      const rule = d.rules.followUp.periods[period];
      // The same reminder day as the lifecycle's (schedule.ts statusEvents).
      const remindOn =
        rule.every === 'year' && rule.remindWorkingDaysBeforeDue > 0
          ? cal.addWorkingDays(o.due, -rule.remindWorkingDaysBeforeDue)
          : undefined;
      const occasion: CycleOccasion = {
        ...o,
        openAt: stockholmInstant(request, sendTime),
        closeAt: stockholmInstant(cal.addWorkingDays(o.due, 1), sendTime),
        ...(remindOn && remindOn > request ? { remindAt: stockholmInstant(remindOn, sendTime) } : {}),
      };
      const activities = d.activities
        .filter((a) => !(a.deadline && o.coversFrom > a.deadline))
        .map((activity) => ({ activity, askedByLifecycle: periodsOfActivity(activity, d.rules).has(period) }))
        .filter((a) => a.askedByLifecycle || period === 'VB');
      const indicators = d.indicators.filter((i) => i.periods.includes(period));
      if (activities.length === 0 && indicators.length === 0) continue;
      cycles.push({
        cycleId: cycleWorkflowId(d.department, o),
        department: d.department,
        year: d.year,
        occasion,
        activities,
        indicators,
        ...planClock(d).carry(),
      });
    }
  }
  cycles.sort(
    (a, b) => parseInstant(a.occasion.openAt) - parseInstant(b.occasion.openAt) || (a.cycleId < b.cycleId ? -1 : 1),
  );
  if (!withPrevious) return cycles;
  // Each cycle's previous: the department's latest cycle that closed before this one opened.
  const earlier = planCycles({ ...d, year: d.year - 1 }, false);
  for (const c of cycles) {
    const opens = parseInstant(c.occasion.openAt);
    const before = [...earlier, ...cycles].filter((p) => parseInstant(p.occasion.closeAt) <= opens);
    const prev = before.sort((a, b) => parseInstant(a.occasion.closeAt) - parseInstant(b.occasion.closeAt)).at(-1);
    if (prev) c.previous = { cycleId: prev.cycleId, label: prev.occasion.label, closeAt: prev.occasion.closeAt };
  }
  return cycles;
}
