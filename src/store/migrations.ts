/**
 * Versioned SQL files (migrations/NNNN_name.sql), applied in order, each once, all pending ones in
 * one transaction under an advisory lock. Why not a migration tool: node-pg-migrate drives a `pg`
 * client only, and the embedded store (PGlite) must run the very same migrations; the whole job
 * is a table of applied versions and a lock, which this file does in 40 lines. Two processes
 * starting at once (two workers and the web app) serialise on the lock: the second finds nothing
 * left to do. Files are never edited once released; a change is a new file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from './sql';

const folder = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any constant both engines agree on; 'planvakt' in ASCII. */
const LOCK_ID = 0x706c616e76616b74n;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrationFiles(): Migration[] {
  return readdirSync(folder)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql: readFileSync(folder + f, 'utf8') }));
}

/** Applies what is pending; returns the versions it applied (none when up to date). */
export async function migrate(sql: Sql, migrations: Migration[] = migrationFiles()): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [LOCK_ID.toString()]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS planvakt_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM planvakt_migrations')).rows.map((r) => r.version),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO planvakt_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
