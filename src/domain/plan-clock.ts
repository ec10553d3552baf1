/**
 * The plan's clock: the one place that knows plan time can differ from the clock Planvakt runs
 * on. In production they are the same (shift 0). `planvakt simulate` and the tests run plans dated
 * 2022 on a time-skipping server whose clock cannot go back, so they start every workflow with a
 * shift: plan time = running time + shift. Workflow inputs carry it as `timeShiftMs` (the recorded
 * histories have that field); only this module reads it.
 *
 * Workflow-safe: no I/O; in a workflow `Date.now()` is Temporal's deterministic workflow time.
 */

/** What a workflow input (or an activity request) carries of the plan's time. */
export interface PlanTimed {
  /** Added to the running clock to get plan time. Absent or 0 in production. */
  timeShiftMs?: number;
}

export interface PlanClock {
  /** Plan time minus running time, in ms (0 in production). */
  readonly shiftMs: number;
  /** Plan time now, in ms since the epoch. */
  nowMs(): number;
  /** Plan time now, as an ISO instant. */
  now(): string;
  /** A running-clock instant (ms) as plan time (ms): a workflow's start time, an attempt's schedule time. */
  toPlanMs(runningMs: number): number;
  /** A plan instant (ms) on the running clock: what to sleep until, what a time-skipping server must reach. */
  toRunningMs(planMs: number): number;
  /** The field to hand on to a workflow or activity this one starts, so it keeps the same plan time. */
  carry(): PlanTimed;
}

/**
 * A plan clock with the shift of `timed` (a workflow input, a request, or the shift itself) over a
 * running clock (Date.now: workflow time in a workflow, wall time elsewhere).
 */
export function planClock(timed?: PlanTimed | number, runningNowMs: () => number = () => Date.now()): PlanClock {
  const shiftMs = (typeof timed === 'number' ? timed : timed?.timeShiftMs) ?? 0;
  const nowMs = () => runningNowMs() + shiftMs;
  return {
    shiftMs,
    nowMs,
    now: () => new Date(nowMs()).toISOString(),
    toPlanMs: (runningMs) => runningMs + shiftMs,
    toRunningMs: (planMs) => planMs - shiftMs,
    carry: () => (shiftMs ? { timeShiftMs: shiftMs } : {}),
  };
}

/** The clock whose plan time reads `planNowMs` while the running clock reads `runningNowMs`. */
export function planClockAt(planNowMs: number, runningNowMs: number): PlanClock {
  return planClock(planNowMs - runningNowMs);
}
