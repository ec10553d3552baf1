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

/** Upper bound on generated repeats, so a years-old overdue activity stays cheap. */
const MAX_OVERDUE_REMINDERS = 2_000;

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
  };

  const chains: Chain[] = [];
  if (activity.deadline) {
    chains.push(...deadlineChains(ctx, activity.deadline, '', undefined, state.acknowledgedAt !== undefined));
  }
  for (const m of activity.milestones ?? []) {
    const ms = state.milestones?.[m.id];
    if (!m.deadline || ms?.status === 'done') continue;
    chains.push(...deadlineChains(ctx, m.deadline, `milestone:${m.id}:`, m.id, ms?.acknowledgedAt !== undefined));
  }
  chains.push(...followUpChains(ctx, activity, state, today));

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
}

function deadlineChains(
  ctx: Ctx,
  deadline: IsoDate,
  scope: string,
  milestoneId: string | undefined,
  acknowledged: boolean,
): Chain[] {
  const { cal, rules } = ctx;
  const about = (text: string) => (milestoneId ? `delmål ${milestoneId}: ${text}` : text);
  const base = { to: 'owners' as const, deadline, ...(milestoneId ? { milestoneId } : {}) };

  const offsets = [...new Set(rules.reminders.beforeDeadline)].sort((a, b) => b - a);
  const pre: ScheduleEvent[] = offsets.map((n) => {
    if (n === 0) {
      const day = cal.onOrBefore(deadline);
      const reason =
        day === deadline
          ? `måldatum ${deadline} är idag`
          : `måldatum ${deadline} infaller på en ledig dag; sista arbetsdagen före`;
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
      reason: about(`påminnelse ${workingDays(n)} före måldatum ${deadline}`),
    };
  });

  const overdue: ScheduleEvent[] = [];
  const max = Math.min(rules.overdue.maxReminders ?? MAX_OVERDUE_REMINDERS, MAX_OVERDUE_REMINDERS);
  let day = cal.addWorkingDays(deadline, rules.overdue.firstAfterWorkingDays);
  for (let n = 1; n <= max; n++) {
    overdue.push({
      ...ctx.send(day),
      kind: 'overdue',
      ...base,
      level: n,
      key: `${scope}overdue:${deadline}:${day}`,
      reason: about(`försenad: måldatum ${deadline} har passerat (påminnelse ${n})`),
    });
    if (day > ctx.generateUntil) break;
    day = cal.addWorkingDays(day, rules.overdue.repeatEveryWorkingDays);
  }

  const chains: Chain[] = [
    { id: `${scope}pre`, staleAfter: deadline, snoozable: true, events: pre },
    { id: `${scope}overdue`, snoozable: true, events: overdue },
  ];
  if (!acknowledged) {
    let step = deadline;
    let total = 0;
    rules.escalation.forEach(({ to, afterWorkingDays }, i) => {
      step = cal.addWorkingDays(step, afterWorkingDays);
      total += afterWorkingDays;
      const event: ScheduleEvent = {
        ...ctx.send(step),
        kind: 'escalation',
        ...base,
        to,
        level: i + 1,
        key: `${scope}escalation:${deadline}:${i + 1}`,
        reason: about(`eskalering till ${ESCALATION_LABEL[to]}: ${workingDays(total)} efter måldatum ${deadline}`),
      };
      chains.push({ id: `${scope}escalation:${i + 1}`, snoozable: true, events: [event] });
    });
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
