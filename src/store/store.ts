/**
 * Planvakt's own shared state in one store that every process (workers, the web app) reads and
 * writes: PostgreSQL in production (`DATABASE_URL` or the PG* variables), PGlite embedded for
 * `npm start`. Both run the same SQL and migrations. Today it holds the delivery ledger; the
 * configuration versions, the undeliverable log, the stored reports and the check-in replay guard
 * follow (README, "Production").
 */
import { SqlDeliveryLedger } from './ledger';
import { migrate } from './migrations';
import { embeddedSql } from './embedded';
import { postgresSql } from './postgres';
import type { Sql } from './sql';

export interface Store {
  /** 'postgresql' (shared by every process) or 'embedded' (this process only). */
  readonly kind: 'postgresql' | 'embedded';
  readonly ledger: SqlDeliveryLedger;
  /** The connection, for the tables that move here next and for tests. */
  readonly sql: Sql;
  close(): Promise<void>;
}

export type StoreOptions =
  | { kind: 'postgresql'; connectionString?: string; max?: number }
  | { kind: 'embedded'; /** unset = in memory */ dataDir?: string };

async function over(kind: Store['kind'], sql: Sql): Promise<Store> {
  try {
    await migrate(sql);
  } catch (err) {
    await sql.close().catch(() => undefined);
    throw err;
  }
  return { kind, sql, ledger: new SqlDeliveryLedger(sql), close: () => sql.close() };
}

/** Opens the store and brings its schema up to date (every process may: the migrations lock). */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.kind === 'postgresql'
    ? over('postgresql', postgresSql(options))
    : over('embedded', await embeddedSql(options.dataDir));
}

/** The shared store the environment names (DATABASE_URL, or the PG* variables with PGHOST), if any. */
export function sharedStoreOptions(env: { DATABASE_URL?: string; PGHOST?: string }): StoreOptions | undefined {
  if (env.DATABASE_URL) return { kind: 'postgresql', connectionString: env.DATABASE_URL };
  if (env.PGHOST) return { kind: 'postgresql' };
  return undefined;
}
