import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withFileLock } from './file-lock';

/**
 * The entries of an append-only JSON-lines file (the dev outbox, the undeliverable log), oldest
 * first; empty when there is no file yet. A torn last line from a crash mid-append is skipped.
 */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const entries: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as T);
    } catch {
      /* a torn last line */
    }
  }
  return entries;
}

export interface Rewrite {
  /** Entries before and after. */
  before: number;
  after: number;
  /** Entries kept but edited. */
  edited: number;
}

/**
 * Rewrites a JSON-lines file of the data directory under its lock (see file-lock.ts): `edit`
 * returns each entry as it should stay, or undefined to drop it. The survivors go to a new file
 * that is renamed over the old, so the file is whole at every instant; a file nothing changes in
 * is left alone, so a writer's open handle stays valid.
 */
export function rewriteJsonLines<T>(path: string, edit: (entry: T) => T | undefined): Promise<Rewrite> {
  return withFileLock(path, async () => {
    const entries = await readJsonLines<T>(path);
    const lines: string[] = [];
    let edited = 0;
    for (const entry of entries) {
      const before = JSON.stringify(entry);
      const kept = edit(entry);
      if (kept === undefined) continue;
      const after = JSON.stringify(kept);
      if (after !== before) edited++;
      lines.push(`${after}\n`);
    }
    const result = { before: entries.length, after: lines.length, edited };
    if (lines.length === entries.length && edited === 0) return result;
    const tmp = `${path}.tmp`;
    const out = await open(tmp, 'w');
    try {
      await out.write(lines.join(''));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
    return result;
  });
}

/** Makes a rename durable; some platforms refuse fsync on a directory, which only costs durability there. */
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
