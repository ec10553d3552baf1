import { resolve } from 'node:path';
import { z } from 'zod';
import { SourceError } from './source-error';
import { repoRoot } from './paths';

/**
 * Everything Planvakt reads from the environment, validated once at start. Secrets (SMTP, Graph,
 * the check-in signing key, Temporal API keys) come only from here, never from files in git.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const EnvSchema = z.object({
  PLANVAKT_MODE: z.enum(['development', 'production']).default('development'),
  /** host:port of an existing Temporal cluster or Temporal Cloud; unset = start the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('planvakt'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('planvakt'),
  /** Embedded dev server only. */
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** mTLS client certificate and key (self-hosted clusters, Temporal Cloud with certificates). */
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Temporal Cloud API key; implies TLS. */
  TEMPORAL_API_KEY: z.string().optional(),
  /**
   * Sticky cache of the worker: workflows kept in memory between tasks. Lifecycles sleep for weeks,
   * so a small cache costs a short replay at each wake-up and saves memory: with 10,000 open
   * lifecycles the worker measured 331 MB at 250 and 364–407 MB at 500 (bench/scale.ts, README).
   */
  PLANVAKT_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  /**
   * Days that names and emails are kept after their last use: Temporal's history of a closed
   * workflow (namespace retention) and the records of the delivery ledger, the undeliverable log,
   * the dev outbox and old configuration versions. 400, because the year's verksamhetsberättelse
   * closes in late January and must still read the answers of activities that ended on 1 January
   * of that year (about 388 days). Temporal's minimum is 1 day; Temporal Cloud allows at most 90.
   */
  PLANVAKT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  PLANVAKT_HOST: z.string().default('127.0.0.1'),
  PLANVAKT_PORT: port.default(3000),
  PLANVAKT_BASE_URL: z.url().optional(),
  PLANVAKT_DATA_DIR: z.string().optional(),
  PLANVAKT_CONFIG_DIR: z.string().optional(),
  /**
   * Planvakt's own shared store (src/store): a PostgreSQL connection string. Unset, and no PGHOST
   * either: the delivery ledger stays in the data folder (one worker per folder).
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'en anslutningssträng som börjar med postgres:// eller postgresql://')
    .optional(),
  PGHOST: z.string().min(1).optional(),
  /**
   * Development and tests only (refused in production): plan time = real time + this many ms, for
   * the web app's imports, as `planvakt simulate` and the tests shift plans dated 2021–2023. The
   * lifecycles carry the shift; workers read it from them, so only the web app takes this.
   */
  PLANVAKT_TIME_SHIFT_MS: z.coerce.number().int().default(0),
});

export type Env = z.output<typeof EnvSchema> & { dataDir: string; configDir: string; baseUrl: string };

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    throw new SourceError({ file: 'environment', field }, `${field}: ${issue.message}`);
  }
  const env = result.data;
  if (env.PLANVAKT_MODE === 'production' && env.PLANVAKT_TIME_SHIFT_MS !== 0) {
    throw new SourceError(
      { file: 'environment', field: 'PLANVAKT_TIME_SHIFT_MS' },
      'PLANVAKT_TIME_SHIFT_MS är bara för utveckling och tester: i produktion är planens tid den verkliga tiden.',
    );
  }
  if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
    throw new SourceError(
      { file: 'environment', field: 'TEMPORAL_TLS_CERT_PATH' },
      'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together',
    );
  }
  return {
    ...env,
    dataDir: resolve(env.PLANVAKT_DATA_DIR ?? resolve(repoRoot, '.data')),
    configDir: resolve(env.PLANVAKT_CONFIG_DIR ?? resolve(repoRoot, 'config')),
    baseUrl: env.PLANVAKT_BASE_URL ?? `http://localhost:${env.PLANVAKT_PORT}`,
  };
}

/** The address the worker, web and CLI talk to: the configured cluster or the embedded dev server. */
export function temporalAddress(env: Env): string {
  return env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;
}

/** What the web side needs in production: Entra ID sign-in and its own secrets (README, "Säkerhet"). */
export const PRODUCTION_WEB_VARIABLES = [
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_REDIRECT_URI',
  'PLANVAKT_SESSION_SECRET',
  'PLANVAKT_CHECKIN_SECRET',
] as const;

/**
 * In production, every web variable that is missing, named at once: an operator fixes them in one
 * go instead of one start per variable. Development needs none of them.
 */
export function assertProductionWebEnvironment(
  source: NodeJS.ProcessEnv = process.env,
  needed: readonly (typeof PRODUCTION_WEB_VARIABLES)[number][] = PRODUCTION_WEB_VARIABLES,
): void {
  if ((source.PLANVAKT_MODE ?? 'development') !== 'production') return;
  const missing = needed.filter((v) => !source[v]?.trim());
  if (missing.length === 0) return;
  throw new SourceError(
    { file: 'environment', field: missing[0]! },
    `PLANVAKT_MODE=production needs ${missing.join(', ')} (missing: ${missing.length} of ${needed.length}). Entra ID sign-in needs the four OIDC_* variables; PLANVAKT_SESSION_SECRET and PLANVAKT_CHECKIN_SECRET are random strings of at least 32 characters.`,
  );
}
