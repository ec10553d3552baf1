/**
 * PostgreSQL through node-postgres' pool: `DATABASE_URL` or the libpq `PG*` variables
 * (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), which `pg` reads itself.
 */
import pg from 'pg';
import type { Sql, SqlExecutor, SqlRows } from './sql';

export interface PostgresOptions {
  /** A connection string; unset = the PG* variables. */
  connectionString?: string;
  /** Pool size per process. Workers send a few messages at a time: 5 is plenty. */
  max?: number;
}

export function postgresSql(options: PostgresOptions = {}): Sql {
  const pool = new pg.Pool({
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    max: options.max ?? 5,
    application_name: 'planvakt',
  });
  // An idle client's error (the server restarted) must not crash the worker: the next query reconnects.
  pool.on('error', (err) => console.warn(`[planvakt] PostgreSQL: ${err.message}`));
  const run = async <R>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]): Promise<SqlRows<R>> => {
    const res = await client.query(text, params);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  };
  return {
    query: (text, params) => run(pool, text, params),
    exec: async (script) => void (await pool.query(script)),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: SqlExecutor = {
          query: (text, params) => run(client, text, params),
          exec: async (script) => void (await client.query(script)),
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
