import { placedActivities, type Plan } from '../plan';

/** The years the plan's Måldatum, delmål and year-end checkpoints fall in, each with how many, in order. */
export function planYears(plan: Plan): { year: number; dates: number }[] {
  const count = new Map<number, number>();
  for (const { activity } of placedActivities(plan)) {
    const dates = [
      activity.deadline.date,
      ...activity.deadline.checkpoints,
      ...activity.milestones.map((m) => m.deadline.date),
    ];
    for (const d of dates) if (d) count.set(Number(d.slice(0, 4)), (count.get(Number(d.slice(0, 4))) ?? 0) + 1);
  }
  return [...count].map(([year, dates]) => ({ year, dates })).sort((a, b) => a.year - b.year);
}

/**
 * The year Förhandsvisning runs when HR names none: this year if the plan has dates in it,
 * otherwise the year most of its dates fall in (the earliest of equals), so a 2021–2023 plan is
 * previewed in a year it is followed up, not years after its last Måldatum. A plan without dates: this year.
 */
export function defaultPreviewYear(plan: Plan, thisYear: number): number {
  const years = planYears(plan);
  if (years.length === 0 || years.some((y) => y.year === thisYear)) return thisYear;
  return [...years].sort((a, b) => b.dates - a.dates || a.year - b.year)[0]!.year;
}
