/**
 * Planvakt's own shared state in one store that every process (workers, the web app) reads and
 * writes: PostgreSQL in production (`DATABASE_URL` or the PG* variables), PGlite embedded for
 * `npm start`. Both run the same SQL and migrations. It holds the delivery ledger, HR's
 * configuration versions and the undeliverable log here; the sessions, calendar feed generations,
 * follow-up reports and column mappings have their SQL classes beside their file ones (src/web,
 * src/follow-up), on this store's `sql` (README, "Production").
 */
import type { ConfigValidator } from '../config';
import { SqlConfigVersions } from './config-versions';
import { SqlDeliveryLedger } from './ledger';
import { SqlUndeliverableLog } from './undeliverable';
import { migrate } from './migrations';
import { embeddedSql } from './embedded';
import { postgresSql } from './postgres';
import type { Sql } from './sql';

export interface Store {
  /** 'postgresql' (shared by every process) or 'embedded' (this process only). */
  readonly kind: 'postgresql' | 'embedded';
  readonly ledger: SqlDeliveryLedger;
  /** Messages that reached no channel, recorded by every worker. */
  readonly undeliverable: SqlUndeliverableLog;
  /** HR's configuration versions; `validators` check a text before it is saved (none: reading only). */
  configVersions(validators?: Readonly<Record<string, ConfigValidator>>): SqlConfigVersions;
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
  return {
    kind,
    sql,
    ledger: new SqlDeliveryLedger(sql),
    undeliverable: new SqlUndeliverableLog(sql),
    configVersions: (validators) => new SqlConfigVersions(sql, validators),
    close: () => sql.close(),
  };
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
