/**
 * Messages that reached no channel: surfaced, never dropped. An append-only JSON-lines file in
 * the data directory (the same reasoning as the ledger: one writer, a person can read it, a torn
 * last line is skipped), listed by the web app's Utkorg page. Recording is idempotent by key, so
 * a retried activity does not list a message twice.
 */
import { readJsonLines } from './json-lines';
import { appendFile } from 'node:fs/promises';
import { withFileLock } from './file-lock';

export interface UndeliverableEntry {
  /** The digest workflow id, or `<lifecycle>/<event>/gap/…` for a role nobody could be found for. */
  key: string;
  recordedAt: string;
  kind: 'message' | 'gap';
  personId?: string;
  personName?: string;
  date?: string;
  department?: string;
  /** Swedish: what went wrong, for HR. */
  reason: string;
  failures?: { channel: string; error: string }[];
  activities: { activityId: string; activityText: string; reason: string }[];
  /**
   * Who at HR had been told by email when it was recorded; empty when that failed too (the page
   * still shows it). A relay that was down tells them later: the activity retries until it can.
   */
  hrNotified?: string[];
}

/**
 * Where undeliverable messages are recorded: the data folder's file (embedded, `UndeliverableLog`)
 * or the shared store (production, `SqlUndeliverableLog` in src/store), which every worker writes.
 */
export interface UndeliverableRecorder {
  /** False when the key was already recorded. */
  record(entry: UndeliverableEntry): Promise<boolean>;
}

export class UndeliverableLog implements UndeliverableRecorder {
  private readonly keys = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<UndeliverableLog> {
    const log = new UndeliverableLog(path);
    for (const e of await readUndeliverableFile(path)) log.keys.add(e.key);
    return log;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** False when the key was already recorded. */
  async record(entry: UndeliverableEntry): Promise<boolean> {
    const run = this.queue.then(async () => {
      if (this.keys.has(entry.key)) return false;
      await withFileLock(this.path, () => appendFile(this.path, `${JSON.stringify(entry)}\n`));
      this.keys.add(entry.key);
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Newest first; empty when there is no file yet. */
export async function readUndeliverableFile(path: string): Promise<UndeliverableEntry[]> {
  return (await readJsonLines<UndeliverableEntry>(path)).reverse();
}
