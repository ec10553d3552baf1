/**
 * The retention prune: Planvakt's own files keep a name or an address no longer than
 * PLANVAKT_RETENTION_DAYS after the record was made. A record is a fact about one message (sent,
 * undeliverable, caught by the dev outbox) or one saved organisation file, so an activity that has
 * ended leaves nothing behind longer than the period after its last message. Temporal's histories
 * follow the same period through the namespace's retention (src/temporal/retention.ts).
 *
 * It runs in the worker process, at start and then once a day, rather than as a Temporal Schedule:
 * the files belong to the worker that writes them (each worker has its own data directory), a
 * schedule's activity could run on any worker, and a day missed (the worker was down) costs
 * nothing, since the next run removes everything older than the cutoff.
 */
import {
  deliveryFiles,
  rewriteJsonLines,
  type DeliveryRecord,
  type DevOutbox,
  type FileDeliveryLedger,
  type OutboxEntry,
  type UndeliverableEntry,
} from '../delivery';
import { ConfigStore, configVersionsDir, type ConfigVersionStore } from '../config';

const DAY_MS = 86_400_000;

export interface PruneCounts {
  ledger: number;
  undeliverable: number;
  outbox: number;
  configVersions: number;
}

/** The worker's open ledger: the data folder's file, or the shared store's (src/store), which prunes in SQL. */
export type PrunableLedger = FileDeliveryLedger | { pruneSentBefore(before: Date): Promise<number> };

export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Removes every record made before `cutoff`. `live` are the worker's open ledger and dev outbox,
 * which then drop the records from memory too; without them the files are rewritten directly.
 */
export async function prunePersonalData(
  dataDir: string,
  cutoff: Date,
  live: { ledger?: PrunableLedger; outbox?: DevOutbox; shared?: SharedPrunable } = {},
): Promise<PruneCounts> {
  const files = deliveryFiles(dataDir);
  // A record without a readable date is kept: the prune never guesses.
  const old = (at: string | undefined) => at !== undefined && Date.parse(at) < cutoff.getTime();
  const drop = async <T>(path: string, at: (entry: T) => string | undefined) => {
    const r = await rewriteJsonLines<T>(path, (e) => (old(at(e)) ? undefined : e));
    return r.before - r.after;
  };

  const ledger =
    live.ledger && 'pruneSentBefore' in live.ledger
      ? await live.ledger.pruneSentBefore(cutoff)
      : live.ledger
        ? await live.ledger.removeWhere((r) => old(r.sentAt))
        : await drop<DeliveryRecord>(files.ledger, (r) => r.sentAt);
  // With the shared store the data folder holds none of this (it may be read-only): only the store is pruned.
  const shared = live.shared;
  const undeliverable = shared
    ? await shared.undeliverable.pruneBefore(cutoff)
    : await drop<UndeliverableEntry>(files.undeliverable, (e) => e.recordedAt);
  const outbox = shared && !live.outbox ? 0 : await drop<OutboxEntry>(files.outbox, (e) => e.receivedAt);
  if (outbox > 0) await live.outbox?.reload();

  const versions = shared ? shared.configVersions : new ConfigStore(configVersionsDir(dataDir), {});
  let configVersions = 0;
  for (const name of await versions.names()) configVersions += await versions.forget(name, (meta) => old(meta.savedAt));
  return { ledger, undeliverable, outbox, configVersions };
}

/** The shared store's parts with personal data besides the ledger (production). */
export interface SharedPrunable {
  undeliverable: { pruneBefore(before: Date): Promise<number> };
  configVersions: ConfigVersionStore;
}

/**
 * The worker's prune: once now (before the worker takes work) and then every 24 hours, logging
 * what went. Returns the function that stops the daily timer.
 */
export async function startPruning(opts: {
  dataDir: string;
  days: number;
  ledger: PrunableLedger;
  outbox?: DevOutbox;
  shared?: SharedPrunable;
  log: (line: string) => void;
}): Promise<() => void> {
  const prune = async () => {
    const n = await prunePersonalData(opts.dataDir, retentionCutoff(new Date(), opts.days), opts);
    if (n.ledger + n.undeliverable + n.outbox + n.configVersions === 0) return;
    opts.log(
      `Gallring (${opts.days} dagar): ${n.ledger} leveransposter, ${n.undeliverable} olevererbara, ${n.outbox} i utkorgen, ${n.configVersions} konfigurationsversioner borttagna`,
    );
  };
  await prune();
  const timer = setInterval(
    () => void prune().catch((e: Error) => opts.log(`Gallringen misslyckades, nytt försök om ett dygn: ${e.message}`)),
    DAY_MS,
  );
  // The worker's own lifetime decides when the process ends, never this timer.
  timer.unref();
  return () => clearInterval(timer);
}
