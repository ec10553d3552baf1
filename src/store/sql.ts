/**
 * The little SQL surface the store needs, with one adapter per engine: a `pg` pool (PostgreSQL,
 * production) and PGlite (PostgreSQL compiled to WebAssembly, in-process: the embedded store).
 * Both speak the same SQL, so every query and migration is one code path for both.
 */
export interface SqlRows<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlRows<R>>;
  /** A script of several statements without parameters (a migration file). */
  exec(script: string): Promise<void>;
}

export interface Sql extends SqlExecutor {
  /** `fn` inside BEGIN … COMMIT on one connection; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
