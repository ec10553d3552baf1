/**
 * Per-department figures for the CLI and the web import preview: how many activities, when they
 * are due, who owns them, how they are followed up, and the warnings that concern them.
 */
import { SourceError, SourceErrors } from '../config';
import { placedActivities, type Plan } from './model';
import { CADENCES, ROLES, type Cadence, type Role } from '../domain';

export interface DepartmentSummary {
  id: string;
  name: string;
  unit?: string;
  activities: number;
  milestones: number;
  indicators: number;
  /** `YYYY-MM` → count, plus `löpande` and `saknas` for activities without a date. */
  deadlinesByMonth: Record<string, number>;
  owners: Partial<Record<Role, number>>;
  cadences: Partial<Record<Cadence, number>>;
  warnings: SourceError[];
}

export function summarise(plan: Plan, warnings: readonly SourceError[]): DepartmentSummary[] {
  const starts = plan.departments.map((d) => Math.min(...d.sections.map((s) => s.source.line), Infinity));
  return plan.departments.map((d, i) => {
    const placed = placedActivities(plan).filter((p) => p.department === d);
    const byMonth: Record<string, number> = {};
    const owners: Partial<Record<Role, number>> = {};
    const cadences: Partial<Record<Cadence, number>> = {};
    for (const { activity } of placed) {
      const deadlines =
        activity.milestones.length > 0 ? activity.milestones.map((m) => m.deadline) : [activity.deadline];
      for (const dl of deadlines) {
        const key = dl.date?.slice(0, 7) ?? (dl.kind === 'ongoing' ? 'löpande' : 'saknas');
        byMonth[key] = (byMonth[key] ?? 0) + 1;
      }
      for (const o of activity.owners) owners[o.role] = (owners[o.role] ?? 0) + 1;
      for (const c of activity.cadences) cadences[c] = (cadences[c] ?? 0) + 1;
    }
    const start = starts[i] ?? Infinity;
    const next = Math.min(...starts.filter((s) => s > start), Infinity);
    const summary: DepartmentSummary = {
      id: d.id,
      name: d.name,
      activities: placed.length,
      milestones: placed.reduce((n, p) => n + p.activity.milestones.length, 0),
      indicators: d.sections.reduce((n, s) => n + s.goals.reduce((m, g) => m + g.indicators.length, 0), 0),
      deadlinesByMonth: Object.fromEntries(Object.entries(byMonth).sort(([a], [b]) => a.localeCompare(b))),
      owners,
      cadences,
      warnings: warnings.filter(
        (w) =>
          plan.departments.length === 1 ||
          (w.location.line !== undefined && w.location.line >= start && w.location.line < next),
      ),
    };
    if (d.unit) summary.unit = d.unit;
    return summary;
  });
}

/** The summary as Swedish text for people. */
export function formatSummary(
  plan: Plan,
  summaries: readonly DepartmentSummary[],
  warnings: readonly SourceError[],
): string {
  const out: string[] = [`${plan.title} (${plan.file})`];
  for (const s of summaries) {
    out.push('', `Avdelning ${s.name}${s.unit ? `, enhet ${s.unit}` : ''}`);
    out.push(`  Antal aktiviteter: ${s.activities}${s.milestones ? ` (varav delmål: ${s.milestones})` : ''}`);
    if (s.indicators) out.push(`  Antal indikatorer: ${s.indicators}`);
    out.push(
      `  Måldatum per månad: ${
        Object.entries(s.deadlinesByMonth)
          .map(([m, n]) => `${m}: ${n}`)
          .join(', ') || '–'
      }`,
    );
    out.push(
      `  Ansvariga: ${
        Object.entries(s.owners)
          .map(([r, n]) => `${ROLES[r as Role]} (${n})`)
          .join(', ') || '–'
      }`,
    );
    out.push(
      `  Uppföljning: ${
        Object.entries(s.cadences)
          .map(([c, n]) => `${CADENCES[c as Cadence]} (${n})`)
          .join(', ') || '–'
      }`,
    );
    out.push(`  Varningar: ${s.warnings.length}`);
  }
  if (warnings.length > 0) {
    out.push('', `Varningar (${warnings.length}):`);
    for (const w of warnings) out.push(`  ${w.messageSv}`);
  }
  return out.join('\n');
}

/** A warning or error as machines read it (`--json`). */
export function errorJson(e: SourceError) {
  return { ...e.location, message: e.detail, messageSv: e.detailSv };
}

/** The summary for `--json`. */
export function summaryJson(plan: Plan, summaries: readonly DepartmentSummary[], warnings: readonly SourceError[]) {
  return {
    file: plan.file,
    kind: plan.kind,
    title: plan.title,
    activities: summaries.reduce((n, s) => n + s.activities, 0),
    departments: summaries.map((s) => ({ ...s, warnings: s.warnings.map(errorJson) })),
    warnings: warnings.map(errorJson),
  };
}

/** The problems of a file that could not be read, one per line; undefined for anything else. */
export function readErrors(e: unknown): SourceError[] | undefined {
  if (e instanceof SourceErrors) return e.errors;
  if (e instanceof SourceError) return [e];
  return undefined;
}
