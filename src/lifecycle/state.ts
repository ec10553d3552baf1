/**
 * The rules of one activity's life, without Temporal: who may report, what a report, an
 * acknowledgement or a correction changes, when an activity counts as overdue, and what the
 * search attributes say, and what a due event tells people (its Notice). The workflow only wires
 * these to signals, timers and activities; this file is deterministic by construction (no clock,
 * no I/O).
 */
import {
  MAX_OVERDUE_REMINDERS,
  type PassedDeadlines,
  type ScheduleEvent,
  type ScheduleFeatures,
  type ScheduleInput,
} from '../calendar/schedule';
import type { Notice, NoticeSubject } from '../domain/notice';
import { DEFAULT_MAX_OVERDUE_REMINDERS, LINE_MANAGERS, type Role, type RoleRef } from '../domain/vocabulary';
import type { Rules } from '../rules/schema';
import { stockholmDate, stockholmTime } from '../calendar/stockholm';
import type {
  CarriedState,
  LifecycleActivity,
  LifecycleView,
  Reporter,
  SearchAttributeValues,
  StatusReport,
  TimelineEntry,
} from './messages';

export type { SearchAttributeValues } from './messages';

export function initialState(now: string): CarriedState {
  return { sent: [], since: now, milestones: {}, timeline: [], runs: 1 };
}

function ownerRoles(activity: LifecycleActivity, milestoneId?: string): Set<Role> {
  const refs: RoleRef[] = milestoneId
    ? (activity.milestones.find((m) => m.id === milestoneId)?.owners ?? [])
    : [...activity.owners, ...activity.milestones.flatMap((m) => m.owners)];
  return new Set(refs.map((r) => r.role));
}

function mayNotReport(activity: LifecycleActivity, reporter: Reporter, milestoneId?: string): string | undefined {
  const allowed = ownerRoles(activity, milestoneId);
  const named = [...activity.owners, ...activity.milestones.flatMap((m) => m.owners)].some(
    (o) => o.person !== undefined && o.person === reporter.personId,
  );
  const may = named || reporter.roles.some((r) => allowed.has(r) || LINE_MANAGERS.includes(r));
  if (!may) {
    return `${reporter.name} är varken ansvarig för aktiviteten eller chef i linjen och kan inte rapportera status.`;
  }
  return undefined;
}

/** Why a report must be refused, or undefined. Checked before the report touches any state. */
export function reportProblem(activity: LifecycleActivity, report: StatusReport): string | undefined {
  if (report.milestoneId && !activity.milestones.some((m) => m.id === report.milestoneId)) {
    return `Okänt delmål ${report.milestoneId}.`;
  }
  if (report.status === 'late' && !report.proposedDate) {
    return 'Försenad kräver ett nytt föreslaget datum.';
  }
  if (report.proposedDate && !/^\d{4}-\d{2}-\d{2}$/.test(report.proposedDate)) {
    return `Föreslaget datum ${report.proposedDate} är inte ett datum ÅÅÅÅ-MM-DD.`;
  }
  return mayNotReport(activity, report.reporter, report.milestoneId);
}

/**
 * `ladder` (patched 'escalation-ladder'): a Försenad report's new date is the date schedule()
 * counts the chains from, not a snooze of the old ladder. `undoUntil` (patched 'angra-klar'): a
 * Klar report can be taken back until then, so what the activity said before it is kept.
 */
export function applyReport(
  state: CarriedState,
  report: StatusReport,
  at: string,
  ladder = false,
  undoUntil?: string,
): void {
  state.timeline.push({ at, type: 'reported', report });
  if (report.milestoneId) {
    state.milestones[report.milestoneId] = { ...state.milestones[report.milestoneId], status: report.status };
    return;
  }
  if (report.status === 'done' && undoUntil && state.status !== 'done') {
    const { status, comment, proposedDate, reportedAt } = state;
    state.klar = { at, until: undoUntil, before: { status, comment, proposedDate, reportedAt } };
  } else if (report.status !== 'done') {
    // Another status in the undo window replaces Klar as an undo would: nothing left to take back.
    state.klar = undefined;
  }
  state.status = report.status;
  state.comment = report.comment;
  state.proposedDate = report.status === 'late' ? report.proposedDate : undefined;
  state.reportedAt = at;
  // A report answers the ladder as much as an acknowledgement does; a later overdue restarts it.
  if (report.status === 'late' && !ladder) state.snoozedUntil = report.proposedDate;
}

/** Why taking back Klar must be refused at `now` (plan time), or undefined. */
export function undoProblem(
  activity: LifecycleActivity,
  state: CarriedState,
  reporter: Reporter,
  now: string,
): string | undefined {
  if (state.status !== 'done' || !state.klar)
    return 'Aktiviteten är inte rapporterad som Klar, så det finns inget att ångra.';
  if (Date.parse(now) >= Date.parse(state.klar.until))
    return `Klar kan inte längre ångras: tiden för att ångra gick ut ${stockholmDate(state.klar.until)} kl ${stockholmTime(state.klar.until)}.`;
  return mayNotReport(activity, reporter);
}

/**
 * Takes Klar back: the status, comment, new date and report time from before it, so the
 * reminders and the ladder go on as they would have; the timeline keeps both entries.
 */
export function applyUndo(state: CarriedState, by: string, at: string): void {
  const before = state.klar?.before ?? {};
  state.status = before.status;
  state.comment = before.comment;
  state.proposedDate = before.proposedDate;
  state.reportedAt = before.reportedAt;
  state.klar = undefined;
  state.timeline.push({ at, type: 'undone', by, ...(before.status ? { restored: before.status } : {}) });
}

/**
 * Whether the lifecycle's timeline ends cancelled: a cancellation not followed by a reopening (a
 * reopened activity carries its closed run's timeline, the cancellation included).
 */
export function endsCancelled(timeline: readonly TimelineEntry[]): boolean {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const type = timeline[i]!.type;
    if (type === 'cancelled') return true;
    if (type === 'reopened') return false;
  }
  return false;
}

/** Why closing the activity from the activity page must be refused, or undefined. */
export function closeProblem(
  state: CarriedState,
  request: { by: string; outcome: string; reason: string },
  cancelled: boolean,
): string | undefined {
  if (request.outcome !== 'done' && request.outcome !== 'cancelled') return 'Välj Klar eller Avbruten.';
  if (!request.reason.trim()) return 'Skriv varför aktiviteten avslutas.';
  if (cancelled) return 'Aktiviteten är redan avbruten.';
  if (request.outcome === 'done' && state.status === 'done') return 'Aktiviteten är redan Klar.';
  return undefined;
}

/**
 * Klar from the activity page: done at once, with no time to undo (reopening does that), the
 * reason as the comment the page shows beside the status.
 */
export function applyClose(state: CarriedState, by: string, reason: string, at: string): void {
  state.status = 'done';
  state.comment = reason;
  state.proposedDate = undefined;
  state.reportedAt = at;
  state.klar = undefined;
  state.timeline.push({ at, type: 'closed', by, reason });
}

export function applyAcknowledge(state: CarriedState, by: string, at: string, milestoneId?: string): void {
  state.timeline.push({ at, type: 'acknowledged', by, milestoneId });
  if (milestoneId) state.milestones[milestoneId] = { ...state.milestones[milestoneId], acknowledgedAt: at };
  else state.acknowledgedAt = at;
}

/** The fields a correction changes, in the words the timeline shows. */
export function changedFields(before: LifecycleActivity, after: LifecycleActivity): string[] {
  const fields: [string, (a: LifecycleActivity) => unknown][] = [
    ['måldatum', (a) => a.deadline ?? a.deadlineRaw],
    // A named owner (`person`) adds to the key, so histories without one compare as before.
    ['ansvariga', (a) => a.owners.map((o) => `${o.role}/${o.unit ?? ''}${o.person ? `/${o.person}` : ''}`).sort()],
    ['uppföljning', (a) => [...a.cadences].sort()],
    ['text', (a) => a.text],
    ['delmål', (a) => a.milestones.map((m) => [m.id, m.deadline, m.owners.map((o) => o.role)])],
    ['mål', (a) => a.goal],
  ];
  return fields.filter(([, get]) => JSON.stringify(get(before)) !== JSON.stringify(get(after))).map(([name]) => name);
}

/**
 * A new deadline starts the deadline's chains over (new reminders, no old escalation), so the
 * acknowledgement and snooze that answered the old deadline no longer apply.
 */
export function resetForNewDeadline(state: CarriedState): void {
  state.acknowledgedAt = undefined;
  state.snoozedUntil = undefined;
  if (state.status === 'late') state.status = undefined;
}

/** Rules as recorded in a lifecycle's history: `overdue.maxReminders` may be missing. */
export type RecordedRules = Omit<Rules, 'overdue'> & {
  overdue: Omit<Rules['overdue'], 'maxReminders'> & { maxReminders?: number };
};

/**
 * Rules as a lifecycle's input or a rulesChanged signal carried them before `overdue.maxReminders`
 * had its default in the schema: absent meant 3 on the 'escalation-ladder' patch and no bound
 * before it. Completed here, when the workflow takes them, so schedule() reads one number and
 * running lifecycles and recorded histories keep what they did.
 */
export function withRecordedDefaults(rules: RecordedRules, ladder: boolean): Rules {
  const max = rules.overdue.maxReminders;
  if (max !== undefined) return { ...rules, overdue: { ...rules.overdue, maxReminders: max } };
  return {
    ...rules,
    overdue: { ...rules.overdue, maxReminders: ladder ? DEFAULT_MAX_OVERDUE_REMINDERS : MAX_OVERDUE_REMINDERS },
  };
}

export function scheduleInput(
  activity: LifecycleActivity,
  rules: Rules,
  state: CarriedState,
  now: string,
  features?: ScheduleFeatures,
  passed?: PassedDeadlines,
): ScheduleInput {
  return {
    activity,
    rules,
    now,
    ...(features ? { features } : {}),
    ...(passed ? { passed } : {}),
    state: {
      status: state.status,
      ...(features?.ladder && state.proposedDate ? { proposedDate: state.proposedDate } : {}),
      reportedAt: state.reportedAt,
      acknowledgedAt: state.acknowledgedAt,
      snoozedUntil: state.snoozedUntil,
      sent: state.sent,
      since: state.since,
      milestones: state.milestones,
    },
  };
}

/**
 * Past its deadline (Stockholm date) and not reported done. With `passed: 'historical'` (the
 * planner's choice at import, patched 'historisk-ej-forsenad'), a Måldatum that had already passed
 * when the lifecycle started is history, not a delay: such an activity is never overdue, as
 * schedule() sends nothing for it.
 */
export function isOverdue(
  activity: LifecycleActivity,
  state: CarriedState,
  today: string,
  passed?: PassedDeadlines,
): boolean {
  if (activity.deadline === undefined || state.status === 'done' || today <= activity.deadline) return false;
  return !(passed === 'historical' && activity.deadline < stockholmDate(state.since));
}

/**
 * `now` (plan time, ISO instant): with it the view says until when Klar can be undone; `passed`:
 * the import's choice for a Måldatum already passed, as isOverdue takes it.
 */
export function view(
  activity: LifecycleActivity,
  state: CarriedState,
  rulesVersion: string,
  today: string,
  now?: string,
  passed?: PassedDeadlines,
): LifecycleView {
  const undoOpen = state.klar && now !== undefined && Date.parse(now) < Date.parse(state.klar.until);
  return {
    activity,
    today,
    status: state.status,
    comment: state.comment,
    proposedDate: state.proposedDate,
    reportedAt: state.reportedAt,
    acknowledgedAt: state.acknowledgedAt,
    snoozedUntil: state.snoozedUntil,
    overdue: isOverdue(activity, state, today, passed),
    rulesVersion,
    milestones: state.milestones,
    runs: state.runs,
    ...(undoOpen ? { undoUntil: state.klar!.until } : {}),
  };
}

/** The search attribute values, as plain data, so the workflow upserts only what changed. `passed`: as isOverdue. */
export function searchAttributeValues(
  activity: LifecycleActivity,
  state: CarriedState,
  today: string,
  passed?: PassedDeadlines,
): SearchAttributeValues {
  return {
    PlanvaktPlan: activity.plan,
    PlanvaktDepartment: activity.department,
    PlanvaktUnit: activity.unit ?? '',
    PlanvaktOwnerRoles: [
      ...new Set([...activity.owners, ...activity.milestones.flatMap((m) => m.owners)].map((o) => o.role)),
    ].sort(),
    PlanvaktStatus: state.status ?? 'notReported',
    PlanvaktDeadline: activity.deadline ? `${activity.deadline}T00:00:00.000Z` : '',
    PlanvaktOverdue: isOverdue(activity, state, today, passed),
    PlanvaktLastReport: state.reportedAt ?? '',
  };
}

/** The activity as the subject of a notice. */
export function activitySubject(activity: LifecycleActivity): NoticeSubject {
  return {
    type: 'activity',
    id: activity.id,
    text: activity.text,
    ...(activity.goal ? { goal: activity.goal } : {}),
    department: activity.department,
    ...(activity.unit ? { unit: activity.unit } : {}),
    ...(activity.deadline ? { deadline: activity.deadline } : {}),
  };
}

/** Whom an event is for: the owners (of the delmål, when it is one's) or a step of the ladder. */
export function recipientsOf(activity: LifecycleActivity, event: ScheduleEvent): RoleRef[] {
  if (event.to !== 'owners') return [{ role: event.to, raw: event.to }];
  if (event.milestoneId) return activity.milestones.find((m) => m.id === event.milestoneId)?.owners ?? activity.owners;
  return activity.owners;
}

/** A due schedule event as the notice that tells its recipients. */
export function noticeOf(activity: LifecycleActivity, event: ScheduleEvent): Notice {
  return eventNotice(event, activitySubject(activity), recipientsOf(activity, event));
}

/** A schedule event (or a pre-Notice request's event, which may be a report) about `about`, for `recipients`. */
export function eventNotice(
  event: Omit<ScheduleEvent, 'kind'> & { kind: Notice['kind'] },
  about: NoticeSubject,
  recipients: RoleRef[],
): Notice {
  return {
    key: event.key,
    kind: event.kind,
    about,
    to: event.to,
    recipients,
    at: event.at,
    localDate: event.localDate,
    reason: event.reason,
    ...(event.deadline ? { deadline: event.deadline } : {}),
    ...(event.milestoneId ? { milestoneId: event.milestoneId } : {}),
    ...(event.period ? { period: event.period } : {}),
    ...(event.due ? { due: event.due } : {}),
  };
}
