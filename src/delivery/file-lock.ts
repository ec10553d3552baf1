/**
 * A lock between processes on one file of the data directory. The worker appends to the delivery
 * ledger, the undeliverable log and the dev outbox while the daily prune or `planvakt erase` (a
 * process of its own) rewrites them; without the lock, a line appended between the rewriter's read
 * and its rename would be lost. The lock is a file created exclusively that holds its owner's pid,
 * so a lock left by a crashed process is taken over instead of blocking the worker for ever.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Long enough for any rewrite of these files (a few MB at most), short enough to name a stuck holder. */
const WAIT_MS = 30_000;

export async function withFileLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await acquire(lock);
  try {
    return await task();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function acquire(lock: string): Promise<void> {
  await mkdir(dirname(lock), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      const handle = await open(lock, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = await readFile(lock, 'utf8').then(Number, () => undefined);
    // An empty file is a lock being written this instant: its owner is alive.
    if (owner && !isAlive(owner)) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${lock}: held by process ${owner || '?'} for more than ${WAIT_MS / 1000} s; delete the file if that process no longer runs`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
