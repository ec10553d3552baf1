/**
 * The ledger of sent delivery keys: checked before a send, written after it, so a retried or
 * re-run activity does not send a message twice.
 *
 * Storage: an append-only JSON-lines file, fsync'd after every record. Why this and not a
 * database: node:sqlite does not exist on Node 20, and native modules (better-sqlite3) cannot be
 * built here because installs run with --ignore-scripts; Temporal's own store is not ours to write.
 * The volume is small (a digest per person and day: some hundred lines a day), an append is one
 * write plus fsync, a crash can at worst leave a torn last line (skipped on open), and a person
 * can read the file. Limits: one writer process per file (one worker); several workers need a
 * shared implementation of DeliveryLedger (e.g. Postgres) behind the same interface.
 */
import { open, readFile, rename, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Channel } from './message';
import type { DeliveryKey } from './key';

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
  /** Serialises writes: an append must not interleave with a rewrite by eraseRecipient. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    /** A crash mid-append leaves a line without its newline; the next append must start a fresh line. */
    private needsNewline: boolean,
  ) {
    super();
  }

  static async open(path: string): Promise<FileDeliveryLedger> {
    await mkdir(dirname(path), { recursive: true });
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const handle = await open(path, 'a');
    const ledger = new FileDeliveryLedger(path, handle, text.length > 0 && !text.endsWith('\n'));
    for (const line of text.split('\n')) {
      const r = parseLine(line);
      if (r) ledger.records.set(r.key, r);
    }
    return ledger;
  }

  override async record(key: DeliveryKey, info: DeliveryInfo): Promise<void> {
    const entry: DeliveryRecord = { key, ...info };
    await this.enqueue(async () => {
      const line = `${this.needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`;
      await this.handle.write(line);
      await this.handle.datasync();
      this.needsNewline = false;
      this.records.set(key, entry);
    });
  }

  override async eraseRecipient(recipientId: string): Promise<number> {
    return this.enqueue(async () => {
      const removed = await super.eraseRecipient(recipientId);
      if (removed === 0) return 0;
      // Write the survivors to a new file and rename it over the old: the ledger is whole at every instant.
      const tmp = `${this.path}.tmp`;
      const out = await open(tmp, 'w');
      try {
        await out.write([...this.records.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
        await out.sync();
      } finally {
        await out.close();
      }
      await this.handle.close();
      await rename(tmp, this.path);
      await syncDir(dirname(this.path));
      this.handle = await open(this.path, 'a');
      this.needsNewline = false;
      return removed;
    });
  }

  async close(): Promise<void> {
    await this.enqueue(() => this.handle.close());
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

/** Makes the rename durable; some platforms refuse fsync on a directory, which only costs durability there. */
async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r').catch(() => undefined);
  if (!h) return;
  try {
    await h.sync();
  } catch {
    /* not supported on this platform */
  } finally {
    await h.close();
  }
}
