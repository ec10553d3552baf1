/**
 * The undeliverable log in the shared store: every worker records here, so HR's list is one list
 * however many workers there are. Recording once per key is decided by the primary key
 * (INSERT … ON CONFLICT DO NOTHING), not by reading first: two attempts at once record one row.
 */
import type { UndeliverableEntry, UndeliverableRecorder } from '../delivery';
import type { SqlExecutor } from './sql';

export class SqlUndeliverableLog implements UndeliverableRecorder {
  constructor(private readonly sql: SqlExecutor) {}

  async record(entry: UndeliverableEntry): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `INSERT INTO undeliverable (key, recorded_at, person_id, entry) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO NOTHING`,
      [entry.key, entry.recordedAt, entry.personId ?? null, JSON.stringify(entry)],
    );
    return rowCount === 1;
  }

  /** Newest first, as the file's reader gives them. */
  async list(): Promise<UndeliverableEntry[]> {
    const { rows } = await this.sql.query<{ entry: UndeliverableEntry | string }>(
      'SELECT entry FROM undeliverable ORDER BY recorded_at DESC, key DESC',
    );
    return rows.map((r) => (typeof r.entry === 'string' ? (JSON.parse(r.entry) as UndeliverableEntry) : r.entry));
  }

  /** GDPR erasure: a person's entries. */
  async eraseRecipient(personId: string): Promise<number> {
    return (await this.sql.query('DELETE FROM undeliverable WHERE person_id = $1', [personId])).rowCount;
  }

  /** The retention prune: entries recorded before `before`. */
  async pruneBefore(before: Date): Promise<number> {
    return (await this.sql.query('DELETE FROM undeliverable WHERE recorded_at < $1', [before.toISOString()])).rowCount;
  }
}
