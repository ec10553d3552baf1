import type { SimulationRun } from './simulate';

/**
 * Förhandsvisning's runs, so one person's preview never waits on another's: each person has at
 * most one run (a new one replaces hers, stopping the old), at most `concurrency` run at once
 * (each is a time-skipping server and a worker: two on a two-core machine), the rest wait in
 * order, and a run is stopped `timeLimitMs` after its first plan day (or after as long in setup),
 * keeping what it reached. Only this process knows
 * the runs: a restarted web server has none, and HR starts the preview again.
 */
export type PreviewStop = 'timeLimit' | 'cancelled';

export interface PreviewRun<Meta> {
  readonly owner: string;
  /** What the page shows about the run (file, year, warnings). */
  readonly meta: Meta;
  /** Stockholm dates, inclusive, as simulate() takes them. */
  readonly from: string;
  readonly to: string;
  state: 'queued' | 'running' | 'finished' | 'failed';
  /** The last plan day run through, while running and after. */
  reached?: string;
  result?: SimulationRun;
  /** Set when the run ended before `to`. */
  stoppedBy?: PreviewStop;
  error?: string;
  readonly queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
}

/** A run's work: simulate() with its `signal` and `onProgress`. */
export type PreviewJob = (signal: AbortSignal, onProgress: (reached: string) => void) => Promise<SimulationRun>;

interface Entry<Meta> {
  run: PreviewRun<Meta>;
  job: PreviewJob;
  controller: AbortController;
}

export interface PreviewQueueOptions {
  concurrency: number;
  timeLimitMs: number;
  /** How long a finished run stays to be read. */
  keepMs?: number;
  now?: () => number;
}

export class PreviewQueue<Meta> {
  private readonly byOwner = new Map<string, Entry<Meta>>();
  private readonly waiting: Entry<Meta>[] = [];
  private active = 0;
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly opts: PreviewQueueOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Queues `owner`'s run; her earlier run, queued or running, is stopped and forgotten. */
  submit(owner: string, meta: Meta, range: { from: string; to: string }, job: PreviewJob): PreviewRun<Meta> {
    const previous = this.byOwner.get(owner);
    if (previous) this.stop(previous, 'cancelled');
    const entry: Entry<Meta> = {
      run: { owner, meta, ...range, state: 'queued', queuedAt: this.now() },
      job,
      controller: new AbortController(),
    };
    this.byOwner.set(owner, entry);
    this.waiting.push(entry);
    this.pump();
    return entry.run;
  }

  /** `owner`'s latest run, until it has been finished for `keepMs`. */
  current(owner: string): PreviewRun<Meta> | undefined {
    const entry = this.byOwner.get(owner);
    if (!entry) return undefined;
    const finished = entry.run.finishedAt;
    if (finished !== undefined && this.now() - finished > (this.opts.keepMs ?? 3_600_000)) {
      this.byOwner.delete(owner);
      return undefined;
    }
    return entry.run;
  }

  /** How many queued runs start before `owner`'s (-1 when hers is not queued). */
  queuedBefore(owner: string): number {
    return this.waiting.findIndex((e) => e.run.owner === owner);
  }

  /** Stops `owner`'s run if it is queued or running; what it reached stays. */
  cancel(owner: string): boolean {
    const entry = this.byOwner.get(owner);
    if (!entry || (entry.run.state !== 'queued' && entry.run.state !== 'running')) return false;
    this.stop(entry, 'cancelled');
    return true;
  }

  /**
   * Stops every run, queued or running, and waits until the running ones have torn down their
   * servers: the web server calls it as it closes, so no time-skipping server outlives it.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.byOwner.values()) this.stop(entry, 'cancelled');
    await Promise.all(this.running);
  }

  /** Runs queued or running, for a status line. */
  get load(): { running: number; queued: number } {
    return { running: this.active, queued: this.waiting.length };
  }

  private stop(entry: Entry<Meta>, why: PreviewStop) {
    const { run } = entry;
    if (run.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      run.state = 'finished';
      run.stoppedBy = why;
      run.finishedAt = this.now();
    } else if (run.state === 'running' && !entry.controller.signal.aborted) {
      run.stoppedBy = why;
      entry.controller.abort();
    }
  }

  private pump() {
    while (!this.closed && this.active < this.opts.concurrency && this.waiting.length > 0) {
      const started = this.start(this.waiting.shift()!);
      this.running.add(started);
      void started.finally(() => this.running.delete(started));
    }
  }

  private async start(entry: Entry<Meta>) {
    const { run, controller } = entry;
    this.active++;
    run.state = 'running';
    run.startedAt = this.now();
    // The limit counts the plan's days from the first one run: the setup before it (the process's
    // first run makes the workflow bundle, tens of seconds on a loaded machine) has a limit of its own.
    let timer = setTimeout(() => this.stop(entry, 'timeLimit'), this.opts.timeLimitMs);
    try {
      const result = await entry.job(controller.signal, (reached) => {
        if (run.reached === undefined) {
          clearTimeout(timer);
          timer = setTimeout(() => this.stop(entry, 'timeLimit'), this.opts.timeLimitMs);
        }
        run.reached = reached;
      });
      run.result = result;
      run.reached = result.reached;
      // A stop that came as the last day finished stopped nothing.
      if (result.complete) run.stoppedBy = undefined;
      run.state = 'finished';
    } catch (err) {
      run.error = err instanceof Error ? err.message : String(err);
      run.state = 'failed';
    } finally {
      clearTimeout(timer);
      run.finishedAt = this.now();
      this.active--;
      this.pump();
    }
  }
}
