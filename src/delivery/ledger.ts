/**
 * The ledger of sent delivery keys: checked before a send, written after it, so a retried or
 * re-run activity does not send a message twice.
 *
 * Storage: an append-only JSON-lines file, fsync'd after every record. Why this and not a
 * database: node:sqlite does not exist on Node 20, and native modules (better-sqlite3) cannot be
 * built here because installs run with --ignore-scripts; Temporal's own store is not ours to write.
 * The volume is small (a digest per person and day: some hundred lines a day), an append is one
 * write plus fsync, a crash can at worst leave a torn last line (skipped on open), and a person
 * can read the file. Rewrites (erasure, the retention prune) may come from another process
 * (`planvakt erase`): a file lock orders them against appends, and the ledger reads the file again
 * when it finds it replaced. Limits: one worker per file; several workers need a shared
 * implementation of DeliveryLedger (e.g. Postgres) behind the same interface.
 */
import { open, readFile, mkdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Channel, DeliveryKey } from './message';
import { withFileLock } from './file-lock';
import { rewriteJsonLines } from './json-lines';

export interface DeliveryRecord {
  key: DeliveryKey;
  recipientId: string;
  channel: Channel;
  /** ISO timestamp of the provider's acceptance. */
  sentAt: string;
  providerMessageId?: string;
}

export type DeliveryInfo = Omit<DeliveryRecord, 'key'>;

export interface DeliveryLedger {
  has(key: DeliveryKey): Promise<boolean>;
  get(key: DeliveryKey): Promise<DeliveryRecord | undefined>;
  record(key: DeliveryKey, info: DeliveryInfo): Promise<void>;
  /** GDPR erasure: forgets every record of a person. Returns how many were removed. */
  eraseRecipient(recipientId: string): Promise<number>;
}

/**
 * Who claims a send. `attempt`: the Temporal activity attempt that sends it (`holder` = workflow
 * id and activity id). Temporal starts attempt n+1 only once attempt n has failed or timed out, so
 * a later attempt of the same activity may take over the earlier one's claim at once instead of
 * waiting out the lease: a worker killed mid-send costs the attempt's timeout, not ten minutes.
 */
export interface ClaimWho {
  recipientId: string;
  channel: Channel;
  attempt?: { holder: string; number: number };
}

/** What `claim` decided: this attempt sends (holding `token`), it was sent already, or another attempt is sending it now. */
export type DeliveryClaim =
  { status: 'claimed'; token: string } | { status: 'sent'; record: DeliveryRecord } | { status: 'busy' };

/**
 * A ledger shared by several workers (src/store): the send is decided by one atomic write, the
 * claim, instead of a read and a later write that two workers could both pass.
 */
export interface ClaimingDeliveryLedger extends DeliveryLedger {
  claim(key: DeliveryKey, who: ClaimWho): Promise<DeliveryClaim>;
  /** The send failed: the key is free again for the next attempt. */
  release(key: DeliveryKey, token: string): Promise<void>;
}

export function isClaimingLedger(ledger: DeliveryLedger): ledger is ClaimingDeliveryLedger {
  return typeof (ledger as Partial<ClaimingDeliveryLedger>).claim === 'function';
}

export class MemoryDeliveryLedger implements DeliveryLedger {
  protected readonly records = new Map<DeliveryKey, DeliveryRecord>();

  async has(key: DeliveryKey): Promise<boolean> {
    return this.records.has(key);
  }

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    return this.records.get(key);
  }

  async record(key: DeliveryKey, info: DeliveryInfo): Promise<void> {
    this.records.set(key, { key, ...info });
  }

  async eraseRecipient(recipientId: string): Promise<number> {
    let n = 0;
    for (const [key, r] of this.records) {
      if (r.recipientId === recipientId) {
        this.records.delete(key);
        n++;
      }
    }
    return n;
  }
}

export class FileDeliveryLedger extends MemoryDeliveryLedger {
  /** Serialises this process's appends and rewrites; the file lock orders them against other processes. */
  private queue: Promise<unknown> = Promise.resolve();
  private handle!: FileHandle;
  /** A crash mid-append leaves a line without its newline; the next append must start a fresh line. */
  private needsNewline = false;

  private constructor(readonly path: string) {
    super();
  }

  static async open(path: string): Promise<FileDeliveryLedger> {
    await mkdir(dirname(path), { recursive: true });
    const ledger = new FileDeliveryLedger(path);
    await ledger.load();
    return ledger;
  }

  override async record(key: DeliveryKey, info: DeliveryInfo): Promise<void> {
    const entry: DeliveryRecord = { key, ...info };
    await this.enqueue(() =>
      withFileLock(this.path, async () => {
        await this.reloadIfReplaced();
        const line = `${this.needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`;
        await this.handle.write(line);
        await this.handle.datasync();
        this.needsNewline = false;
        this.records.set(key, entry);
      }),
    );
  }

  override async eraseRecipient(recipientId: string): Promise<number> {
    return this.removeWhere((r) => r.recipientId === recipientId);
  }

  /** Removes the records `drop` selects, from the file and from memory (erasure, the retention prune). */
  async removeWhere(drop: (r: DeliveryRecord) => boolean): Promise<number> {
    return this.enqueue(async () => {
      const { before, after } = await rewriteJsonLines<DeliveryRecord>(this.path, (r) => (drop(r) ? undefined : r));
      await this.reloadIfReplaced();
      return before - after;
    });
  }

  async close(): Promise<void> {
    await this.enqueue(() => this.handle.close());
  }

  /** Reads the file into memory and opens it for appending. */
  private async load(): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    this.handle = await open(this.path, 'a');
    this.needsNewline = text.length > 0 && !text.endsWith('\n');
    this.records.clear();
    for (const line of text.split('\n')) {
      const r = parseLine(line);
      if (r) this.records.set(r.key, r);
    }
  }

  /** A rewrite (here or by `planvakt erase` in another process) replaced the file: read it again. */
  private async reloadIfReplaced(): Promise<void> {
    const [mine, current] = await Promise.all([this.handle.stat(), stat(this.path).catch(() => undefined)]);
    if (current && current.ino === mine.ino && current.dev === mine.dev) return;
    await this.handle.close();
    await this.load();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function parseLine(line: string): DeliveryRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const r = JSON.parse(line) as Partial<DeliveryRecord>;
    return typeof r.key === 'string' && typeof r.recipientId === 'string' ? (r as DeliveryRecord) : undefined;
  } catch {
    return undefined; // the torn last line of a crash
  }
}
