/** Planvakt's own shared state: one Store, on PostgreSQL or embedded (PGlite). */
export * from './store';
export { SqlDeliveryLedger, CLAIM_LEASE_MS } from './ledger';
export { SqlConfigVersions } from './config-versions';
export { SqlUndeliverableLog } from './undeliverable';
export { migrate, migrationFiles, type Migration } from './migrations';
export type { Sql, SqlExecutor, SqlRows } from './sql';
export { postgresSql, type PostgresOptions } from './postgres';
export { embeddedSql } from './embedded';
