import { readFile } from 'node:fs/promises';

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
