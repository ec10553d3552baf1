/**
 * PreviewQueue: the order, the per-person replacement, the concurrency and the time limit of
 * Förhandsvisning's runs. A job here is a stand-in that reports days and waits to be stopped, so
 * the 2-minute limit is met on vitest's fake clock at its real length.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PreviewQueue, type PreviewJob } from '../../src/simulate/runs';
import type { SimulationRun } from '../../src/simulate/simulate';

const LIMIT = 120_000;
const range = { from: '2026-01-01', to: '2026-12-31' };

/** A job that reports the days it is told to, ends when `finish` is called, or stops at its signal. */
function controllableJob() {
  let progress: (d: string) => void = () => {};
  let finish: () => void = () => {};
  let days: string[] = [];
  const started = vi.fn();
  const job: PreviewJob = (signal, onProgress) => {
    started();
    progress = (d) => {
      days.push(d);
      onProgress(d);
    };
    return new Promise<SimulationRun>((resolve) => {
      const result = (complete: boolean): SimulationRun => ({
        messages: [],
        refused: [],
        activities: 1,
        reached: complete ? range.to : (days.at(-1) ?? '2025-12-31'),
        complete,
      });
      finish = () => resolve(result(true));
      signal.addEventListener('abort', () => resolve(result(false)));
    });
  };
  return {
    job,
    started,
    reach: (d: string) => progress(d),
    finish: () => finish(),
    reset: () => (days = []),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PreviewQueue', () => {
  it('runs two at once; a third person waits in order and starts when a slot is free', async () => {
    const q = new PreviewQueue<string>({ concurrency: 2, timeLimitMs: LIMIT });
    const [a, b, c] = [controllableJob(), controllableJob(), controllableJob()];
    q.submit('anna', 'a', range, a.job);
    q.submit('bo', 'b', range, b.job);
    q.submit('clara', 'c', range, c.job);
    expect(q.current('anna')!.state).toBe('running');
    expect(q.current('bo')!.state).toBe('running');
    expect(q.current('clara')!.state).toBe('queued');
    expect(q.queuedBefore('clara')).toBe(0);
    expect(c.started).not.toHaveBeenCalled();
    a.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.current('anna')!.state).toBe('finished');
    expect(q.current('anna')!.stoppedBy).toBeUndefined();
    expect(q.current('clara')!.state).toBe('running');
    expect(c.started).toHaveBeenCalledOnce();
  });

  it('stops a run at the time limit and keeps the day it reached', async () => {
    const q = new PreviewQueue<string>({ concurrency: 2, timeLimitMs: LIMIT });
    const a = controllableJob();
    q.submit('anna', 'a', range, a.job);
    a.reach('2026-03-13');
    a.reach('2026-03-14');
    await vi.advanceTimersByTimeAsync(LIMIT - 1);
    expect(q.current('anna')!.state).toBe('running');
    expect(q.current('anna')!.reached).toBe('2026-03-14');
    await vi.advanceTimersByTimeAsync(1);
    const run = q.current('anna')!;
    expect(run.state).toBe('finished');
    expect(run.stoppedBy).toBe('timeLimit');
    expect(run.reached).toBe('2026-03-14');
    expect(run.result?.complete).toBe(false);
  });

  it('counts the limit from the first plan day; a setup that never gets there is stopped at the limit too', async () => {
    const q = new PreviewQueue<string>({ concurrency: 2, timeLimitMs: LIMIT });
    const [slow, hung] = [controllableJob(), controllableJob()];
    q.submit('anna', 'slow setup', range, slow.job);
    q.submit('bo', 'hung setup', range, hung.job);
    await vi.advanceTimersByTimeAsync(LIMIT - 10_000);
    slow.reach('2026-01-01');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.current('anna')!.state).toBe('running');
    // Nothing run: it reached the day before the year (as simulate() says it).
    expect(q.current('bo')).toMatchObject({ state: 'finished', stoppedBy: 'timeLimit', reached: '2025-12-31' });
    await vi.advanceTimersByTimeAsync(LIMIT - 10_000);
    expect(q.current('anna')).toMatchObject({ state: 'finished', stoppedBy: 'timeLimit', reached: '2026-01-01' });
  });

  it('stops everything when the web server closes, and waits for the running runs to end', async () => {
    const q = new PreviewQueue<string>({ concurrency: 1, timeLimitMs: LIMIT });
    const [a, b] = [controllableJob(), controllableJob()];
    q.submit('anna', 'a', range, a.job);
    q.submit('bo', 'b', range, b.job);
    a.reach('2026-01-05');
    await q.close();
    expect(q.current('anna')).toMatchObject({ state: 'finished', stoppedBy: 'cancelled', reached: '2026-01-05' });
    expect(q.current('bo')).toMatchObject({ state: 'finished', stoppedBy: 'cancelled' });
    expect(b.started).not.toHaveBeenCalled();
  });

  it('replaces a person’s run with her next one, stopping the first; others’ runs go on', async () => {
    const q = new PreviewQueue<string>({ concurrency: 2, timeLimitMs: LIMIT });
    const [first, second, other] = [controllableJob(), controllableJob(), controllableJob()];
    q.submit('anna', 'first', range, first.job);
    q.submit('bo', 'bo', range, other.job);
    const firstRun = q.current('anna')!;
    q.submit('anna', 'second', range, second.job);
    await vi.advanceTimersByTimeAsync(0);
    expect(firstRun.stoppedBy).toBe('cancelled');
    expect(q.current('anna')!.meta).toBe('second');
    expect(q.current('anna')!.state).toBe('running');
    expect(q.current('bo')!.state).toBe('running');
  });

  it('cancels a queued run without starting it, and a running one where it is', async () => {
    const q = new PreviewQueue<string>({ concurrency: 1, timeLimitMs: LIMIT });
    const [a, b] = [controllableJob(), controllableJob()];
    q.submit('anna', 'a', range, a.job);
    q.submit('bo', 'b', range, b.job);
    expect(q.cancel('bo')).toBe(true);
    expect(q.current('bo')).toMatchObject({ state: 'finished', stoppedBy: 'cancelled' });
    a.reach('2026-02-02');
    expect(q.cancel('anna')).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(q.current('anna')).toMatchObject({ state: 'finished', stoppedBy: 'cancelled', reached: '2026-02-02' });
    expect(b.started).not.toHaveBeenCalled();
    expect(q.cancel('anna')).toBe(false);
  });
});
