/**
 * What the web app needs besides Temporal: read from the environment (the same variables as the
 * rest of Planvakt), overridable by tests and benchmarks.
 */
import { assertProductionWebEnvironment, PRODUCTION_WEB_VARIABLES, readEnv } from '../../config';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface AppSettings {
  mode: 'development' | 'production';
  taskQueue: string;
  /** organisation.yaml and rules.yaml. */
  configDir: string;
  /** Saved configuration versions go under `<dataDir>/config-versions`. */
  dataDir: string;
  baseUrl: string;
  /** Signs the session and CSRF cookies. */
  sessionSecret: string;
  /** Entra ID (OpenID Connect); absent: the development sign-in (refused in production). */
  oidc?: OidcSettings;
  /**
   * Added to real time to get the plan's time. Zero in production; tests and benchmarks set it
   * (as `planvakt simulate` does) because the seed plans are dated 2022.
   */
  timeShiftMs: number;
  /** Secure cookies (https only); on in production. */
  secureCookies: boolean;
  /** How long the dashboard's per-department counts are shared (ms); 0: never. Default 5 s. */
  countsCacheMs?: number;
}

export const DEV_SESSION_SECRET = 'planvakt-dev-session-secret--NOT-FOR-PRODUCTION--change-me';

export function settingsFromEnv(source: NodeJS.ProcessEnv = process.env): AppSettings {
  const env = readEnv(source);
  const mode = env.PLANVAKT_MODE;
  // Every missing variable of the sign-in named at once, before the checks of one variable each
  // (the web server names the check-in secret with them: createWebServer).
  assertProductionWebEnvironment(
    source,
    PRODUCTION_WEB_VARIABLES.filter((v) => v !== 'PLANVAKT_CHECKIN_SECRET'),
  );
  const oidcVars = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const;
  const set = oidcVars.filter((v) => source[v]);
  if (set.length > 0 && set.length < oidcVars.length) {
    throw new Error(
      `Entra ID sign-in needs all of ${oidcVars.join(', ')}; missing: ${oidcVars.filter((v) => !source[v]).join(', ')}.`,
    );
  }
  const oidc =
    set.length === oidcVars.length
      ? {
          issuer: source.OIDC_ISSUER!,
          clientId: source.OIDC_CLIENT_ID!,
          clientSecret: source.OIDC_CLIENT_SECRET!,
          redirectUri: source.OIDC_REDIRECT_URI!,
        }
      : undefined;
  if (mode === 'production' && !oidc) {
    throw new Error(
      'PLANVAKT_MODE=production needs Entra ID sign-in: set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI (the development sign-in is refused in production).',
    );
  }
  const secret = source.PLANVAKT_SESSION_SECRET;
  if (mode === 'production') {
    if (!secret)
      throw new Error('PLANVAKT_SESSION_SECRET must be set in production (a random string of at least 32 characters).');
    if (secret === DEV_SESSION_SECRET || secret.length < 32)
      throw new Error('PLANVAKT_SESSION_SECRET must be at least 32 characters and not the development default.');
  }
  return {
    mode,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    configDir: env.configDir,
    dataDir: env.dataDir,
    baseUrl: env.baseUrl,
    sessionSecret: secret || DEV_SESSION_SECRET,
    ...(oidc ? { oidc } : {}),
    timeShiftMs: 0,
    secureCookies: mode === 'production',
  };
}
