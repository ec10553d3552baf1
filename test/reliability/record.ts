import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where each reliability test leaves its line for the README's "Tillförlitlighet" table. */
export const RESULTS_DIR = fileURLToPath(new URL('../../.data/reliability', import.meta.url));

/** One row of the table: what was proved, how big the test was, what came out. */
export interface ReliabilityRow {
  /** Stable key and sort order, e.g. `01-crash`. */
  id: string;
  /** The property under test, in the issue's words (Swedish first). */
  test: string;
  /** The test's file, relative to the project. */
  file: string;
  /** Its size: kills, hours of outage, fuzz cases … */
  size: string;
  /** What came out, in numbers. */
  result: string;
  ok: boolean;
  finishedAt: string;
}

/**
 * Runs `body`, which fills in `size` and `result` as it goes, and records the row whether it
 * passes or fails: a failing run shows up in the table as failed, not as an old success.
 */
export async function recordReliability(
  row: Pick<ReliabilityRow, 'id' | 'test' | 'file'>,
  body: (r: { size: string; result: string }) => Promise<void> | void,
): Promise<void> {
  const r = { size: '', result: '' };
  let ok = false;
  try {
    await body(r);
    ok = true;
  } catch (e) {
    r.result = `${r.result ? `${r.result}; ` : ''}failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    throw e;
  } finally {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out: ReliabilityRow = { ...row, ...r, ok, finishedAt: new Date().toISOString() };
    writeFileSync(join(RESULTS_DIR, `${row.id}.json`), `${JSON.stringify(out, null, 2)}\n`);
  }
}
