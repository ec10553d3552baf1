/**
 * Follow-up cycles: tertial 1, tertial 2, VB (and APT and the other cadences a plan asks for),
 * compiled into each department's report.
 *
 * followUpDepartment (id `follow-up-<department>`): long-running, one per department; for its
 * plan year it asks planCycles() which cycles the department has, sleeps until each window opens
 * and starts that cycle as a child (`cycle-<department>-<year>-<period>`, abandoned on close so
 * it outlives a continue-as-new), then continues as new into the next year until the plans end.
 *
 * followUpCycle: one department and period. The activities' own lifecycles already ask their
 * owners when the window opens and remind those who have not answered before the due date
 * (schedule(), through the digest); the cycle asks only what no lifecycle does — the indicators
 * (no lifecycle) and, in the VB, activities whose cadences do not name VB — and reminds those.
 * After the due date it reads every answer back from the lifecycles (activity
 * closeFollowUpCycle), sends the avdelningschef the non-responders (`escalation`), stores the
 * report and sends it (`report`) to the avdelningschef and the department's HR.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ScheduleRecipient } from '../calendar/schedule';
import { parseInstant, stockholmDate } from '../calendar/stockholm';
import type { Notice, NoticeKind, NoticeSubject } from '../domain/notice';
import { planClock } from '../domain/plan-clock';
import type { RoleRef } from '../domain/vocabulary';
import { activitySubject } from '../lifecycle/state';
import type { FollowUpActivities } from './activities';
import {
  cycleStateQuery,
  followUpPlanUpdated,
  followUpRulesChanged,
  followUpStartedQuery,
  reportIndicator,
  type CycleIndicator,
  type CycleOutcome,
  type CyclePhase,
  type FollowUpCycleInput,
  type FollowUpDepartmentInput,
  type IndicatorValue,
} from './messages';
import { planCycles } from './cycles';

const retry = { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' } as const;
const { deliver, followUpLifecycles } = proxyActivities<FollowUpActivities>({
  startToCloseTimeout: '2 minutes',
  retry,
});
const { closeFollowUpCycle } = proxyActivities<FollowUpActivities>({ startToCloseTimeout: '10 minutes', retry });

const AVDELNINGSCHEF: RoleRef = { role: 'avdelningschef', raw: 'Avdelningschef' };
const HR: RoleRef = { role: 'hr', raw: 'HR' };

export async function followUpCycle(input: FollowUpCycleInput): Promise<CycleOutcome> {
  const clock = planClock(input);
  const { nowMs, now } = clock;
  const { occasion, cycleId } = input;
  let phase: CyclePhase = 'waiting';
  const values: Record<string, IndicatorValue> = {};
  const submissions = new Map<string, IndicatorValue>();

  setHandler(cycleStateQuery, () => ({
    cycleId,
    department: input.department,
    phase,
    occasion,
    activityIds: input.activities.map((a) => a.activity.id),
    indicators: input.indicators,
    values,
  }));
  setHandler(
    reportIndicator,
    (s) => {
      const seen = submissions.get(s.submissionId);
      if (seen) return seen; // the same form submitted twice records once
      const value: IndicatorValue = {
        ...s,
        value: s.value.trim(),
        ...(s.comment?.trim() ? { comment: s.comment.trim() } : {}),
        at: now(),
      };
      if (!s.comment?.trim()) delete value.comment;
      values[s.indicatorId] = value;
      submissions.set(s.submissionId, value);
      return value;
    },
    {
      validator: (s) => {
        if (submissions.has(s.submissionId)) return;
        if (phase === 'closing' || phase === 'closed')
          throw new Error(`Uppföljningen ${occasion.label} är stängd; värdet kan inte längre lämnas här.`);
        if (!input.indicators.some((i) => i.id === s.indicatorId))
          throw new Error(`Indikatorn ${s.indicatorId} följs inte upp i ${occasion.label}.`);
        if (!s.value.trim()) throw new Error('Ange ett värde.');
        if (s.value.length > 200 || (s.comment?.length ?? 0) > 2000)
          throw new Error('Värdet eller kommentaren är för lång.');
      },
    },
  );

  const untilPlan = async (instant: string) => {
    const wait = parseInstant(instant) - nowMs();
    if (wait > 0) await sleep(wait);
  };

  // The window opens: ask what no lifecycle asks.
  await untilPlan(occasion.openAt);
  phase = 'open';
  const ownAsked = input.activities.filter((a) => !a.askedByLifecycle).map((a) => a.activity);
  const open = ownAsked.length
    ? await followUpLifecycles({ activityIds: ownAsked.map((a) => a.id), since: occasion.openAt })
    : {};
  const askActivities = ownAsked.filter((a) => open[a.id]?.exists && !open[a.id]?.finished);
  await Promise.all([
    ...askActivities.map((a) =>
      send(
        activitySubject(a),
        'statusRequest',
        `status:${occasion.id}`,
        a.owners,
        `statusförfrågan inför ${occasion.label}, svara senast ${occasion.due}`,
      ),
    ),
    ...input.indicators.map((i) =>
      send(
        indicatorSubject(i),
        'statusRequest',
        `indicator:${occasion.id}`,
        i.owners,
        `ange värdet för indikatorn inför ${occasion.label}, svara senast ${occasion.due}`,
      ),
    ),
  ]);

  // A reminder before the due date to those the cycle asked and who have not answered.
  if (occasion.remindAt && parseInstant(occasion.remindAt) > nowMs()) {
    await untilPlan(occasion.remindAt);
    const answered = askActivities.length
      ? await followUpLifecycles({ activityIds: askActivities.map((a) => a.id), since: occasion.openAt })
      : {};
    const reason = `påminnelse: status för ${occasion.label} ska lämnas senast ${occasion.due}`;
    await Promise.all([
      ...askActivities
        .filter((a) => !answered[a.id]?.answeredSince && !answered[a.id]?.finished)
        .map((a) => send(activitySubject(a), 'reminder', `status:${occasion.id}:reminder`, a.owners, reason)),
      ...input.indicators
        .filter((i) => !values[i.id])
        .map((i) =>
          send(
            indicatorSubject(i),
            'reminder',
            `indicator:${occasion.id}:reminder`,
            i.owners,
            `påminnelse: värdet för indikatorn ska lämnas senast ${occasion.due}`,
          ),
        ),
    ]);
  }

  // After the due date: read the answers, report, tell the avdelningschef who did not answer.
  await untilPlan(occasion.closeAt);
  phase = 'closing';
  await condition(allHandlersFinished);
  const closedAt = now();
  const summary = await closeFollowUpCycle({ cycle: input, values, closedAt });
  const byId = new Map(input.activities.map((a) => [a.activity.id, activitySubject(a.activity)]));
  const byIndicator = new Map(input.indicators.map((i) => [i.id, i]));
  await Promise.all([
    ...summary.nonResponders.map((n) =>
      send(
        byId.get(n.activityId)!,
        'escalation',
        `nonresponder:${occasion.id}`,
        [AVDELNINGSCHEF],
        `ingen status för ${occasion.label} (svar senast ${occasion.due}) från ${n.owners.join(', ') || 'ansvarig'}`,
        'avdelningschef',
      ),
    ),
    ...summary.missingIndicators.map((id) =>
      send(
        indicatorSubject(byIndicator.get(id)!),
        'escalation',
        `nonresponder:${occasion.id}`,
        [AVDELNINGSCHEF],
        `inget värde för indikatorn i ${occasion.label} (svar senast ${occasion.due})`,
        'avdelningschef',
      ),
    ),
  ]);
  const t = summary.totals;
  await send(
    reportSubject(input),
    'report',
    `report:${occasion.id}`,
    [AVDELNINGSCHEF, HR],
    `uppföljningsrapporten för ${occasion.label} är klar: ${t.reported} av ${t.activities} aktiviteter rapporterade` +
      (t.indicators ? `, ${t.indicatorsReported} av ${t.indicators} indikatorer` : ''),
    'avdelningschef',
  );
  phase = 'closed';
  return { cycleId, closedAt, ...summary };

  function send(
    about: NoticeSubject,
    kind: NoticeKind,
    key: string,
    recipients: RoleRef[],
    reason: string,
    to: ScheduleRecipient = 'owners',
  ) {
    // Dated at the occasion's instant (not the moment the activity ran), so a digest's day is the rule's day.
    const at =
      kind === 'statusRequest'
        ? occasion.openAt
        : kind === 'reminder'
          ? (occasion.remindAt ?? now())
          : occasion.closeAt;
    const notice: Notice = {
      key: `${key}:${about.id}`,
      kind,
      about,
      to,
      recipients,
      at,
      localDate: stockholmDate(at),
      reason,
      period: occasion.period,
      due: occasion.due,
      ...(about.deadline ? { deadline: about.deadline } : {}),
    };
    return deliver({ workflowId: workflowInfo().workflowId, planNow: now(), ...clock.carry(), notices: [notice] });
  }
}

/** An indicator as the subject of a notice: the digest shows its name and the plan's goal. */
function indicatorSubject(i: CycleIndicator): NoticeSubject {
  return {
    type: 'indicator',
    id: `indikator-${i.id}`,
    text: `Indikator: ${i.name}`,
    ...(i.goal ? { goal: i.goal } : {}),
    department: i.department,
    ...(i.unit ? { unit: i.unit } : {}),
  };
}

/** The cycle's finished report as the subject of a notice. */
function reportSubject(c: FollowUpCycleInput): NoticeSubject {
  return { type: 'report', id: c.cycleId, text: `Uppföljningsrapport ${c.occasion.label}`, department: c.department };
}

export async function followUpDepartment(input: FollowUpDepartmentInput): Promise<{ started: string[] }> {
  const { nowMs } = planClock(input);
  const plans = { ...input.plans };
  let rules = input.rules;
  const started: string[] = [];
  const running: Promise<unknown>[] = [];
  let woken = false;
  setHandler(followUpPlanUpdated, ({ plan, activities, indicators }) => {
    plans[plan] = { activities, indicators };
    woken = true;
  });
  setHandler(followUpRulesChanged, ({ rules: next }) => {
    rules = next;
    woken = true;
  });
  setHandler(followUpStartedQuery, () => started);

  for (;;) {
    const all = Object.values(plans);
    const cycles = planCycles({
      department: input.department,
      year: input.year,
      activities: all.flatMap((p) => p.activities),
      indicators: all.flatMap((p) => p.indicators),
      rules,
      ...planClock(input).carry(),
    });
    const next = cycles.find((c) => !started.includes(c.cycleId) && parseInstant(c.occasion.closeAt) > nowMs());
    if (!next) break;
    const wait = parseInstant(next.occasion.openAt) - nowMs();
    if (wait > 0) {
      woken = false;
      // A changed plan or rules changes the cycles: plan again.
      if (await condition(() => woken, wait)) continue;
    }
    try {
      const child = await startChild(followUpCycle, {
        workflowId: next.cycleId,
        args: [next],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      running.push(child.result().catch(() => undefined));
    } catch (err) {
      // Already running or run (a restarted department workflow): nothing to start twice.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    started.push(next.cycleId);
  }

  // The year's last cycle (VB) closes in January: continue as new only after it, so every cycle
  // reports to a live parent (the time-skipping test server hangs when a child completes after
  // its parent continued as new). Monthly cycles of January that closed meanwhile are skipped.
  await Promise.all(running);
  await condition(allHandlersFinished);
  if (input.year < input.untilYear) {
    await continueAsNew<typeof followUpDepartment>({ ...input, year: input.year + 1, plans, rules });
  }
  return { started };
}
