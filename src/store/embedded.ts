/**
 * The embedded store: PGlite, PostgreSQL built to WebAssembly, running inside the Node process
 * with its data in a folder (or in memory). `npm start` needs no database server, and the store's
 * SQL and migrations are the very ones production runs on PostgreSQL.
 */
import { PGlite } from '@electric-sql/pglite';
import type { Sql, SqlRows } from './sql';

export async function embeddedSql(dataDir?: string): Promise<Sql> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const rows = <R>(res: { rows: unknown[]; affectedRows?: number }): SqlRows<R> => ({
    rows: res.rows as R[],
    rowCount: res.affectedRows ?? res.rows.length,
  });
  return {
    query: async (text, params) => rows(await db.query(text, params)),
    exec: async (script) => void (await db.exec(script)),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (text, params) => rows(await tx.query(text, params)),
          exec: async (script) => void (await tx.exec(script)),
        }),
      ),
    close: () => db.close(),
  };
}
