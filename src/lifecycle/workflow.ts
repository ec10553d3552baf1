import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { schedule } from '../calendar/schedule';
import { stockholmDate } from '../calendar/stockholm';
import { planClock } from '../domain/plan-clock';
import { DEFAULT_UNDO_KLAR_MINUTES } from '../domain/vocabulary';
import type { Rules } from '../rules/schema';
import type { LifecycleActivities } from './activities';
import {
  acknowledge,
  activityCorrected,
  cancel,
  changeDeadline,
  changeOwners,
  close,
  nextEventQuery,
  reportStatus,
  restartQuery,
  rulesChanged,
  snooze,
  stateQuery,
  timelineQuery,
  undoKlar,
  type ActivityLifecycleInput,
  type LifecycleOutcome,
} from './messages';
import {
  applyAcknowledge,
  applyReport,
  applyClose,
  applyUndo,
  changedFields,
  closeProblem,
  initialState,
  noticeOf,
  reportProblem,
  resetForNewDeadline,
  scheduleInput,
  searchAttributeValues,
  undoProblem,
  view,
  withRecordedDefaults,
  type SearchAttributeValues,
} from './state';
import { searchAttributeUpdates, type SearchAttributeName } from './search-attributes';

const { deliver } = proxyActivities<LifecycleActivities>({
  startToCloseTimeout: '2 minutes',
  // Delivery is idempotent by event key, so retrying forever is safe; a message is never dropped.
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/** Continue-as-new well before Temporal's own limits, so a three-year activity stays cheap to replay. */
const MAX_HISTORY_EVENTS = 2_000;

/**
 * One activity of a plan, from import until it is reported done or removed from the plan: sleeps
 * until the next event that schedule() gives, delivers it, and listens for reports,
 * acknowledgements, snoozes and corrections in between.
 */
export async function activityLifecycle(input: ActivityLifecycleInput): Promise<LifecycleOutcome> {
  const clock = planClock(input);
  const now = clock.now;
  let { activity, rulesVersion } = input;
  const { passed } = input;
  // Pinned once per run: a run that began on older code keeps its behaviour until continue-as-new.
  //  - 'sokattribut-vid-andring': a run carries the search attributes it last set into the next,
  //    which then upserts only a value that changed (before it, every run upserted all of them).
  //    It stands for every patch below as well: the SDK records a marker and an upsert of
  //    TemporalChangeVersion for each patch a run asks about, two billed actions each, so a run on
  //    this patch asks only about this one. Runs without its marker ask about the others as before.
  //    The next patch does the same: `const next = patched('<id>')`, then `next || patched(...)` here.
  const current = patched('sokattribut-vid-andring');
  //  - 'escalation-ladder': Försenad moves the ladder to the new date, overdue reminders are bounded,
  //    a deadline passed before the start follows the import's choice instead of counting as handled;
  //  - 'multi-year-checkpoints': status requests before the year-end checkpoints of `2022-2024`.
  const features = {
    ladder: current || patched('escalation-ladder'),
    checkpoints: current || patched('multi-year-checkpoints'),
  };
  //  - 'angra-klar': after Klar the lifecycle stays open for rules.checkin.undoKlarMinutes, and an
  //    undoKlar update in that time takes Klar back; older runs end on Klar as before.
  let rules = withRecordedDefaults(input.rules, features.ladder);
  const angraKlar = current || patched('angra-klar');
  //  - 'historisk-ej-forsenad': a Måldatum already passed at import, kept *historisk*, is not
  //    overdue (Översikt, search attributes); older runs keep calling it overdue.
  const overduePassed = current || patched('historisk-ej-forsenad') ? passed : undefined;
  // Events count from when Temporal accepted the start, not from the first workflow task: on a
  // busy server that task can run after an event that was due just after the import, which would
  // then count as already handled and never be sent.
  const startedAt = () =>
    current || patched('since-run-start')
      ? new Date(clock.toPlanMs(workflowInfo().startTime.getTime())).toISOString()
      : now();
  const state = input.carried ?? initialState(startedAt());
  // Started from the activity page (added by hand, or a closed one reopened): its first entry.
  // Only the input says so, so a replay writes the same entry; continue-as-new does not pass it on.
  if (input.origin) state.timeline.push({ at: now(), ...input.origin });
  // One run per plan year at most: a three-year activity's history stays small whatever it sends.
  const runYear = now().slice(0, 4);
  // What the client set at start (lifecycleStart), taken before setHandler: a report that arrived
  // with the first task is applied inside setHandler, and must still count as a change to publish.
  // A continued run starts with the attributes its predecessor last set (Temporal copies them).
  let published: SearchAttributeValues | undefined = input.carried
    ? current
      ? input.carried.published
      : undefined
    : searchAttributeValues(activity, initialState(now()), stockholmDate(now()), overduePassed);
  let cancelled: string | undefined;
  let cancelledBy: string | undefined; // who closed it as Avbruten on the activity page
  let woken = false; // set by every handler: the schedule must be asked again
  const wake = () => (woken = true);

  setHandler(
    reportStatus,
    (report) => {
      applyReport(state, report, now(), features.ladder, angraKlar ? undoUntil() : undefined);
      wake();
      return view(activity, state, rulesVersion, stockholmDate(now()), now(), overduePassed);
    },
    {
      validator: (report) => {
        const problem = reportProblem(activity, report);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(
    undoKlar,
    ({ reporter }) => {
      applyUndo(state, reporter.name, now());
      wake();
      return view(activity, state, rulesVersion, stockholmDate(now()), now(), overduePassed);
    },
    {
      validator: ({ reporter }) => {
        const problem = undoProblem(activity, state, reporter, now());
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(acknowledge, ({ by, milestoneId }) => {
    applyAcknowledge(state, by, now(), milestoneId);
    wake();
  });
  setHandler(snooze, ({ by, until, reason }) => {
    state.snoozedUntil = until;
    state.timeline.push({ at: now(), type: 'snoozed', by, until, ...(reason ? { reason } : {}) });
    wake();
  });
  setHandler(changeDeadline, ({ by, deadline, deadlineRaw, reason }) =>
    correct(by, { ...activity, deadline, deadlineRaw }, reason),
  );
  setHandler(changeOwners, ({ by, owners, reason }) => correct(by, { ...activity, owners }, reason));
  setHandler(activityCorrected, ({ by, activity: next }) => correct(by, next));
  setHandler(rulesChanged, ({ version, rules: next }) => {
    rules = withRecordedDefaults(next, features.ladder);
    rulesVersion = version;
    state.timeline.push({ at: now(), type: 'rulesChanged', version });
    wake();
  });
  setHandler(cancel, ({ reason, by }) => {
    cancelled = reason;
    cancelledBy = by;
    wake();
  });
  // Klar or Avbruten from the activity page. A new handler adds no command to a history without
  // it, so running lifecycles and recorded histories replay as before (no patch needed).
  setHandler(
    close,
    ({ by, outcome, reason }) => {
      if (outcome === 'cancelled') {
        cancelled = reason;
        cancelledBy = by;
      } else applyClose(state, by, reason, now());
      wake();
      return view(activity, state, rulesVersion, stockholmDate(now()), now(), overduePassed);
    },
    {
      validator: (request) => {
        const problem = closeProblem(state, request, cancelled !== undefined);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(stateQuery, () => view(activity, state, rulesVersion, stockholmDate(now()), now(), overduePassed));
  setHandler(nextEventQuery, () => schedule(scheduleInput(activity, rules, state, now(), features, passed))[0] ?? null);
  setHandler(timelineQuery, () => state.timeline);
  setHandler(restartQuery, () => ({ carried: state, ...(passed ? { passed } : {}) }));

  /**
   * Until when a Klar reported now can be undone; undefined when the rules give no time (0).
   * Rules carried from a run that began before `checkin` existed have none: the default applies.
   */
  function undoUntil(): string | undefined {
    const minutes = (rules.checkin as Rules['checkin'] | undefined)?.undoKlarMinutes ?? DEFAULT_UNDO_KLAR_MINUTES;
    return minutes > 0 ? new Date(clock.nowMs() + minutes * 60_000).toISOString() : undefined;
  }

  // `reason` only adds to the timeline entry (state, not a command): no patch needed for replay.
  function correct(by: string, next: typeof activity, reason?: string) {
    const fields = changedFields(activity, next);
    if (fields.length === 0) return;
    if (next.deadline !== activity.deadline) resetForNewDeadline(state);
    activity = { ...next, id: activity.id };
    state.timeline.push({ at: now(), type: 'changed', fields, by, ...(reason ? { reason } : {}) });
    wake();
  }

  function publish() {
    const values = searchAttributeValues(activity, state, stockholmDate(now()), overduePassed);
    const changed = (Object.keys(values) as SearchAttributeName[]).filter(
      (k) => JSON.stringify(values[k]) !== JSON.stringify(published?.[k]),
    );
    if (changed.length === 0) return;
    upsertSearchAttributes(searchAttributeUpdates(values, changed));
    published = values;
  }

  for (;;) {
    while (!cancelled && state.status !== 'done') {
      publish();
      const events = schedule(scheduleInput(activity, rules, state, now(), features, passed));
      const nowMs = clock.nowMs();
      const due = events.filter((e) => Date.parse(e.at) <= nowMs);
      if (due.length > 0) {
        const receipts = await deliver({
          workflowId: workflowInfo().workflowId,
          planNow: now(),
          ...clock.carry(),
          notices: due.map((event) => noticeOf(activity, event)),
        });
        for (const r of receipts) {
          const event = due.find((e) => e.key === r.key)!;
          state.sent.push(r.key);
          state.timeline.push({
            at: now(),
            type: 'sent',
            event: {
              key: event.key,
              kind: event.kind,
              to: event.to,
              reason: event.reason,
              milestoneId: event.milestoneId,
              period: event.period,
            },
            recipients: r.recipients,
            // Waiting in a digest is not sent: the page tells them apart (timelineText).
            ...(r.digests?.length ? { digests: r.digests } : {}),
          });
        }
        continue;
      }
      woken = false;
      const next = events[0];
      // No event ahead (an activity with no deadline and no cadence): wait for a signal.
      await condition(() => woken, next ? Math.max(1, Date.parse(next.at) - nowMs) : undefined);

      if (!woken && (workflowInfo().historyLength > MAX_HISTORY_EVENTS || now().slice(0, 4) !== runYear)) {
        await condition(allHandlersFinished);
        state.runs += 1;
        await continueAsNew<typeof activityLifecycle>({
          activity,
          rules,
          rulesVersion,
          ...(passed ? { passed } : {}),
          ...clock.carry(),
          // The input is not compared on replay: carried whatever this run's patches, read on the next.
          carried: { ...state, ...(published ? { published } : {}) },
        });
      }
    }

    // Klar, on the 'angra-klar' patch: open until the undo window closes; an undo (or another
    // status) reopens the follow-up, and the loop above goes on where it was.
    const klar = state.klar;
    if (cancelled || !klar) break;
    publish();
    const reopened = await condition(
      () => cancelled !== undefined || state.status !== 'done',
      Math.max(1, Date.parse(klar.until) - clock.nowMs()),
    );
    if (!reopened) {
      state.klar = undefined;
      break;
    }
  }

  await condition(allHandlersFinished);
  publish();
  if (cancelled) {
    state.timeline.push({
      at: now(),
      type: 'cancelled',
      reason: cancelled,
      ...(cancelledBy ? { by: cancelledBy } : {}),
    });
    log.info('Activity removed from its plan: lifecycle cancelled', { activityId: activity.id, reason: cancelled });
    return { result: 'cancelled', at: now(), reason: cancelled };
  }
  return { result: 'done', at: now() };
}
