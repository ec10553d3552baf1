/**
 * schedule(): when, to whom and why an activity's next messages go out. The contract between the
 * rules and the activityLifecycle workflow (which sleeps until the returned `at` and delivers) and
 * the preview (which asks for everything up to a horizon). Pure and deterministic: "now" is a
 * parameter, so the same input gives the same events in a workflow, a replay or a test.
 *
 * Events come in chains whose members supersede each other:
 *  - `pre`: reminders at the working-day offsets before the deadline, then the on-the-day reminder
 *    (kind `deadline`; on a deadline that is a day off it goes out the working day before);
 *  - `overdue`: the first working day(s) after the deadline, then every N working days;
 *  - `escalation:<level>`: one event per step of the ladder, counted from the previous step;
 *  - `status:<occasion>`: the request when a follow-up window opens, and optionally a second one
 *    before it closes to owners who have not reported since it opened.
 * Within a chain, once an event is in `state.sent` the earlier ones are obsolete; of several
 * unsent events that are already due, only the latest goes out (a worker that was down, a
 * snooze, or two offsets on one day never produce a burst of stale messages). A due event of a
 * chain whose moment has passed (pre-deadline reminders after the deadline day, a status request
 * after its due date) is dropped.
 *
 * Returns events with `at <= now` first (deliver them now), else the events of the next instant;
 * with `horizon`, every event up to it. Sorted by `at`, then `key`.
 */
import type {
  Cadence,
  EscalationTarget,
  FollowUpPeriod,
  IsoDate,
  RoleRef,
  ScheduleEventKind,
  ScheduleRecipient,
  Status,
} from '../domain/vocabulary';
import type { Rules } from '../rules/schema';
import { periodOccasions, type PeriodOccasion } from './periods';
import { quietDayPredicate } from './quiet-days';
import { parseInstant, stockholmDate, stockholmInstant } from './stockholm';
import { workingCalendar, type WorkingCalendar } from './working-days';
import { maxDate, yearOf } from './dates';

export interface ScheduleMilestone {
  id: string;
  deadline?: IsoDate;
  owners: RoleRef[];
}

export interface ScheduleActivity {
  id: string;
  department: string;
  /** Absent for `Löpande`: only follow-up requests. */
  deadline?: IsoDate;
  milestones?: ScheduleMilestone[];
  owners: RoleRef[];
  cadences: Cadence[];
  /** Year-end checkpoints of a multi-year deadline (`2022-2024` → 2022-12-31, 2023-12-31). */
  checkpoints?: IsoDate[];
}

/**
 * How a deadline that had already passed when the lifecycle started is followed (the planner's
 * choice at import): `ask` the owners once for a final status, keep it `historical` (no messages),
 * or start it as `overdue` (overdue reminders and the ladder count from the start).
 */
export type PassedDeadlines = 'ask' | 'historical' | 'overdue';
export const PASSED_DEADLINES: readonly PassedDeadlines[] = ['ask', 'historical', 'overdue'];

/**
 * Behaviour a workflow pinned with patched(); absent, schedule() behaves as it did for the
 * recorded histories. Never derived from time inside schedule().
 */
export interface ScheduleFeatures {
  /**
   * The escalation ladder of README "Eskaleringstrappan": a Försenad report's new date is the date
   * the chains count from; overdue reminders stop after `overdue.maxReminders`; a
   * deadline already passed at the start follows `passed` instead of counting as handled.
   */
  ladder?: boolean;
  /** Status requests before each year-end checkpoint of a multi-year deadline. */
  checkpoints?: boolean;
}

export interface ScheduleState {
  status?: Status;
  /** When an owner last reported a status (ISO instant); answers a follow-up request. */
  reportedAt?: string;
  /** When an owner acknowledged the overdue state; stops the escalation ladder. */
  acknowledgedAt?: string;
  /** Reminders, overdue reminders and escalations before this date wait until it. */
  snoozedUntil?: IsoDate;
  /** Keys of events already delivered (or deliberately skipped). */
  sent: readonly string[];
  /**
   * Events dated before this instant count as handled: pass the workflow's start so a plan imported
   * late does not fire months-old reminders and escalations at once. Absent: catch up (latest per chain).
   */
  since?: string;
  /** The new date of a Försenad report (with `status: 'late'`); with `ladder`, the chains count from it. */
  proposedDate?: IsoDate;
  /** Per-milestone state; a done milestone yields nothing, an acknowledged one does not escalate. */
  milestones?: Readonly<Record<string, { status?: Status; acknowledgedAt?: string }>>;
}

export interface ScheduleInput {
  activity: ScheduleActivity;
  /** Already resolved for the activity's department: `rulesFor(rules, department)`. */
  rules: Rules;
  state: ScheduleState;
  /** ISO instant; the workflow passes workflow time. */
  now: string;
  /** ISO instant: return every event up to it (for the preview). */
  horizon?: string;
  features?: ScheduleFeatures;
  /** With `ladder`: how a deadline before `state.since` is followed. Default `overdue`. */
  passed?: PassedDeadlines;
}

export type { ScheduleEventKind, ScheduleRecipient } from '../domain/vocabulary';

export interface ScheduleEvent {
  /** ISO instant (UTC) at which to send: the send time in Stockholm on `localDate`. */
  at: string;
  localDate: IsoDate;
  kind: ScheduleEventKind;
  to: ScheduleRecipient;
  milestoneId?: string;
  /** The deadline the event is about (reminder, deadline, overdue, escalation). */
  deadline?: IsoDate;
  period?: FollowUpPeriod;
  /** The last day to report, for status requests. */
  due?: IsoDate;
  /** Escalation step (1 = avdelningschef by default), or the n:th overdue reminder. */
  level?: number;
  /** Deterministic and unique per activity; the idempotency key of the delivery. */
  key: string;
  /** Swedish, shown to people: "påminnelse 5 arbetsdagar före måldatum 2022-12-31". */
  reason: string;
}

interface Chain {
  id: string;
  /** After this Stockholm date, due-but-unsent events of the chain are pointless. */
  staleAfter?: IsoDate;
  snoozable: boolean;
  events: ScheduleEvent[];
}

/**
 * Upper bound on generated repeats, so a years-old overdue activity stays cheap; also what
 * lifecycles from before the ladder had as their (missing) bound.
 */
export const MAX_OVERDUE_REMINDERS = 2_000;
/** A year-end checkpoint's status request goes out this many working days before it. */
export const CHECKPOINT_REQUEST_WORKING_DAYS = 10;
/** A final-status request (`passed: 'ask'`) is to be answered within this many working days. */
export const FINAL_STATUS_WORKING_DAYS = 10;

export function schedule(input: ScheduleInput): ScheduleEvent[] {
  const { activity, rules, state, now } = input;
  if (state.status === 'done') return [];
  const nowMs = parseInstant(now);
  const horizonMs = input.horizon === undefined ? nowMs : Math.max(nowMs, parseInstant(input.horizon));
  const cal = workingCalendar(quietDayPredicate(rules.quietDays));
  const today = stockholmDate(now);
  // Generate far enough to hold the next event after the horizon and after any snooze.
  const generateUntil = maxDate(stockholmDate(new Date(horizonMs).toISOString()), state.snoozedUntil ?? today);
  const ctx: Ctx = {
    rules,
    cal,
    generateUntil,
    send: (date) => ({ localDate: date, at: stockholmInstant(date, rules.delivery.sendTime) }),
    ladder: input.features?.ladder === true,
    since: state.since,
    passed: input.passed ?? 'overdue',
  };

  const chains: Chain[] = [];
  if (activity.deadline) {
    // Ladder: an owner's Försenad with a new date moves every chain of the deadline to that date.
    const moved =
      ctx.ladder &&
      state.status === 'late' &&
      state.proposedDate !== undefined &&
      state.proposedDate > activity.deadline
        ? state.proposedDate
        : undefined;
    chains.push(...deadlineChains(ctx, activity.deadline, '', undefined, state.acknowledgedAt !== undefined, moved));
  }
  for (const m of activity.milestones ?? []) {
    const ms = state.milestones?.[m.id];
    if (!m.deadline || ms?.status === 'done') continue;
    chains.push(...deadlineChains(ctx, m.deadline, `milestone:${m.id}:`, m.id, ms?.acknowledgedAt !== undefined));
  }
  chains.push(...followUpChains(ctx, activity, state, today));
  if (input.features?.checkpoints) chains.push(...checkpointChains(ctx, activity, state));

  const sent = new Set(state.sent);
  const sinceMs = state.since === undefined ? undefined : parseInstant(state.since);
  const pending: ScheduleEvent[] = [];
  for (const chain of chains) {
    const events =
      chain.snoozable && state.snoozedUntil
        ? chain.events.map((e) => snooze(ctx, e, state.snoozedUntil!))
        : chain.events;
    let start = 0;
    events.forEach((e, i) => {
      if (sent.has(e.key) || (sinceMs !== undefined && parseInstant(e.at) < sinceMs)) start = i + 1;
    });
    const open = events.slice(start);
    open.forEach((e, i) => {
      const atMs = parseInstant(e.at);
      const next = open[i + 1];
      // Superseded: the next event of the chain is due by the time this one would go out.
      if (next && parseInstant(next.at) <= Math.max(atMs, nowMs)) return;
      // Past its moment: a pre-deadline reminder due (or snoozed) after the deadline day.
      const sendsOn = atMs <= nowMs ? today : e.localDate;
      if (chain.staleAfter !== undefined && sendsOn > chain.staleAfter) return;
      pending.push(e);
    });
  }

  pending.sort((a, b) => (a.at === b.at ? (a.key < b.key ? -1 : 1) : a.at < b.at ? -1 : 1));
  if (input.horizon !== undefined) return pending.filter((e) => parseInstant(e.at) <= horizonMs);
  const due = pending.filter((e) => parseInstant(e.at) <= nowMs);
  if (due.length > 0) return due;
  const first = pending[0];
  return first ? pending.filter((e) => e.at === first.at) : [];
}

interface Ctx {
  rules: Rules;
  cal: WorkingCalendar;
  generateUntil: IsoDate;
  send(date: IsoDate): { localDate: IsoDate; at: string };
  ladder: boolean;
  since: string | undefined;
  passed: PassedDeadlines;
}

function deadlineChains(
  ctx: Ctx,
  planned: IsoDate,
  scope: string,
  milestoneId: string | undefined,
  acknowledged: boolean,
  moved?: IsoDate,
): Chain[] {
  const { cal, rules } = ctx;
  const about = (text: string) => (milestoneId ? `delmål ${milestoneId}: ${text}` : text);
  // The date the chains count from: the Måldatum, or the new date of a Försenad report (ladder).
  const deadline = moved ?? planned;
  const named = moved ? `nytt datum ${moved} (måldatum ${planned})` : `måldatum ${planned}`;
  const base = { to: 'owners' as const, deadline, ...(milestoneId ? { milestoneId } : {}) };

  // Ladder: a deadline that had passed before the lifecycle started follows the planner's choice.
  const startDate = ctx.since === undefined ? undefined : stockholmDate(ctx.since);
  if (ctx.ladder && !moved && startDate !== undefined && deadline < startDate) {
    return passedChains(ctx, deadline, scope, acknowledged, startDate, about, base);
  }

  const offsets = [...new Set(rules.reminders.beforeDeadline)].sort((a, b) => b - a);
  const pre: ScheduleEvent[] = offsets.map((n) => {
    if (n === 0) {
      const day = cal.onOrBefore(deadline);
      const reason =
        day === deadline ? `${named} är idag` : `${named} infaller på en ledig dag; sista arbetsdagen före`;
      return {
        ...ctx.send(day),
        kind: 'deadline',
        ...base,
        key: `${scope}deadline:${deadline}`,
        reason: about(reason),
      };
    }
    const day = cal.addWorkingDays(deadline, -n);
    return {
      ...ctx.send(day),
      kind: 'reminder',
      ...base,
      key: `${scope}reminder:${deadline}:${n}`,
      reason: about(`påminnelse ${workingDays(n)} före ${named}`),
    };
  });

  return [
    { id: `${scope}pre`, staleAfter: deadline, snoozable: true, events: pre },
    ...afterDeadline(ctx, deadline, scope, deadline, acknowledged, base, {
      overdue: (n) => about(`försenad: ${named} har passerat (påminnelse ${n})`),
      escalation: (to, total) => about(`eskalering till ${ESCALATION_LABEL[to]}: ${workingDays(total)} efter ${named}`),
    }),
  ];
}

/** The overdue reminders, then (unless acknowledged) the ladder, both counted from `from`. */
function afterDeadline(
  ctx: Ctx,
  deadline: IsoDate,
  scope: string,
  from: IsoDate,
  acknowledged: boolean,
  base: EventBase,
  reasons: { overdue: (n: number) => string; escalation: (to: EscalationTarget, total: number) => string },
): Chain[] {
  const overdue = overdueChain(ctx, deadline, scope, from, reasons.overdue, base);
  return acknowledged ? [overdue] : [overdue, ...ladderChains(ctx, deadline, scope, from, reasons.escalation, base)];
}

type EventBase = Pick<ScheduleEvent, 'to' | 'deadline' | 'milestoneId'>;

/** Overdue reminders from `from` (the deadline, or the start of a lifecycle imported late). */
function overdueChain(
  ctx: Ctx,
  deadline: IsoDate,
  scope: string,
  from: IsoDate,
  reason: (n: number) => string,
  base: EventBase,
): Chain {
  const { cal, rules } = ctx;
  const overdue: ScheduleEvent[] = [];
  const max = Math.min(rules.overdue.maxReminders, MAX_OVERDUE_REMINDERS);
  let day = cal.addWorkingDays(from, rules.overdue.firstAfterWorkingDays);
  for (let n = 1; n <= max; n++) {
    overdue.push({
      ...ctx.send(day),
      kind: 'overdue',
      ...base,
      level: n,
      key: `${scope}overdue:${deadline}:${day}`,
      reason: reason(n),
    });
    if (day > ctx.generateUntil) break;
    day = cal.addWorkingDays(day, rules.overdue.repeatEveryWorkingDays);
  }
  return { id: `${scope}overdue`, snoozable: true, events: overdue };
}

/** One chain per step of the ladder, each counted from the previous step, the first from `from`. */
function ladderChains(
  ctx: Ctx,
  deadline: IsoDate,
  scope: string,
  from: IsoDate,
  reason: (to: EscalationTarget, total: number) => string,
  base: EventBase,
): Chain[] {
  let step = from;
  let total = 0;
  return ctx.rules.escalation.map(({ to, afterWorkingDays }, i) => {
    step = ctx.cal.addWorkingDays(step, afterWorkingDays);
    total += afterWorkingDays;
    const event: ScheduleEvent = {
      ...ctx.send(step),
      kind: 'escalation',
      ...base,
      to,
      level: i + 1,
      key: `${scope}escalation:${deadline}:${i + 1}`,
      reason: reason(to, total),
    };
    return { id: `${scope}escalation:${i + 1}`, snoozable: true, events: [event] };
  });
}

/**
 * A deadline that had passed when the lifecycle started (ladder): nothing (`historical`), one
 * final-status request on the first working day from the start (`ask`), or the overdue reminders
 * and the ladder counted from the start (`overdue`), so a plan nobody answers reaches the
 * avdelningschef instead of its ladder counting as handled.
 */
function passedChains(
  ctx: Ctx,
  deadline: IsoDate,
  scope: string,
  acknowledged: boolean,
  startDate: IsoDate,
  about: (text: string) => string,
  base: EventBase,
): Chain[] {
  if (ctx.passed === 'historical') return [];
  if (ctx.passed === 'ask') {
    let day = ctx.cal.onOrAfter(startDate);
    if (ctx.since !== undefined && parseInstant(ctx.send(day).at) < parseInstant(ctx.since)) {
      day = ctx.cal.addWorkingDays(day, 1);
    }
    const due = ctx.cal.addWorkingDays(day, FINAL_STATUS_WORKING_DAYS);
    const event: ScheduleEvent = {
      ...ctx.send(day),
      kind: 'statusRequest',
      ...base,
      due,
      key: `${scope}final:${deadline}`,
      reason: about(`måldatum ${deadline} hade passerat när planen importerades: lämna slutstatus senast ${due}`),
    };
    return [{ id: `${scope}final`, snoozable: false, events: [event] }];
  }
  const since = `måldatum ${deadline} hade passerat när planen importerades ${startDate}`;
  return afterDeadline(ctx, deadline, scope, startDate, acknowledged, base, {
    overdue: (n) => about(`försenad: ${since} (påminnelse ${n})`),
    escalation: (to, total) =>
      about(`eskalering till ${ESCALATION_LABEL[to]}: ${since}; ${workingDays(total)} efter importen`),
  });
}

/** A status request before each year-end checkpoint of a multi-year deadline, from the start on. */
function checkpointChains(ctx: Ctx, activity: ScheduleActivity, state: ScheduleState): Chain[] {
  const chains: Chain[] = [];
  for (const checkpoint of activity.checkpoints ?? []) {
    const day = ctx.cal.addWorkingDays(checkpoint, -CHECKPOINT_REQUEST_WORKING_DAYS);
    const event: ScheduleEvent = {
      ...ctx.send(day),
      kind: 'statusRequest',
      to: 'owners',
      due: checkpoint,
      ...(activity.deadline ? { deadline: activity.deadline } : {}),
      key: `status:checkpoint:${checkpoint}`,
      reason: `statusförfrågan inför delavstämningen ${checkpoint} (flerårig aktivitet${activity.deadline ? `, måldatum ${activity.deadline}` : ''}), svara senast ${checkpoint}`,
    };
    // A checkpoint whose request was due before the lifecycle started is not asked about.
    if (state.since !== undefined && parseInstant(event.at) < parseInstant(state.since)) continue;
    chains.push({ id: `status:checkpoint:${checkpoint}`, staleAfter: checkpoint, snoozable: false, events: [event] });
  }
  return chains;
}

const ESCALATION_LABEL: Record<EscalationTarget, string> = {
  avdelningschef: 'avdelningschef',
  forvaltningschef: 'förvaltningschef',
};

function followUpChains(ctx: Ctx, activity: ScheduleActivity, state: ScheduleState, today: IsoDate): Chain[] {
  const periods = new Set(activity.cadences.flatMap((c) => ctx.rules.followUp.cadences[c]));
  // A year back catches the VB window of last year that is still open in January.
  const fromYear = yearOf(today) - 1;
  const toYear = Math.min(yearOf(ctx.generateUntil), activity.deadline ? yearOf(activity.deadline) : Infinity) + 1;
  const chains: Chain[] = [];
  for (const period of [...periods].sort()) {
    for (let year = fromYear; year <= toYear; year++) {
      for (const occasion of periodOccasions(period, ctx.rules.followUp.periods[period], year, ctx.cal)) {
        if (activity.deadline && occasion.coversFrom > activity.deadline) continue;
        const events = statusEvents(ctx, occasion, state);
        // A window that opened before the workflow existed is not this activity's to report.
        if (state.since !== undefined && parseInstant(events[0]!.at) < parseInstant(state.since)) continue;
        chains.push({ id: `status:${occasion.id}`, staleAfter: occasion.due, snoozable: false, events });
      }
    }
  }
  return chains;
}

function statusEvents(ctx: Ctx, occasion: PeriodOccasion, state: ScheduleState): ScheduleEvent[] {
  const base = { kind: 'statusRequest' as const, to: 'owners' as const, period: occasion.period, due: occasion.due };
  const request = ctx.cal.onOrAfter(occasion.requestOn);
  const events: ScheduleEvent[] = [
    {
      ...ctx.send(request),
      ...base,
      key: `status:${occasion.id}`,
      reason: `statusförfrågan inför ${occasion.label}, svara senast ${occasion.due}`,
    },
  ];
  const rule = ctx.rules.followUp.periods[occasion.period];
  if (rule.every === 'year' && rule.remindWorkingDaysBeforeDue > 0) {
    const day = ctx.cal.addWorkingDays(occasion.due, -rule.remindWorkingDaysBeforeDue);
    const answered = state.reportedAt !== undefined && parseInstant(state.reportedAt) >= parseInstant(events[0]!.at);
    if (day > request && !answered) {
      events.push({
        ...ctx.send(day),
        ...base,
        key: `status:${occasion.id}:reminder`,
        reason: `påminnelse: status för ${occasion.label} ska lämnas senast ${occasion.due}`,
      });
    }
  }
  return events;
}

function snooze(ctx: Ctx, event: ScheduleEvent, until: IsoDate): ScheduleEvent {
  return event.localDate >= until ? event : { ...event, ...ctx.send(ctx.cal.onOrAfter(until)) };
}

function workingDays(n: number): string {
  return n === 1 ? '1 arbetsdag' : `${n} arbetsdagar`;
}
