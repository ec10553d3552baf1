/** What every page handler shares: the Temporal client, the settings, the organisation and rules files. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { planClock } from '../../domain';
import { loadOrganisation, type Organisation } from '../../organisation';
import { loadRules, type RulesFile } from '../../rules';
import type { AppSettings } from './settings-env';
import { FileSessionStore, type SessionStore } from '../sessions';
import { CalendarFeedGenerations } from './calendar-feeds';

export interface AppContext {
  client: Client;
  namespace: string;
  settings: AppSettings;
  /** The Utkorg page exists (dev outbox or delivery files configured). */
  outbox: boolean;
  temporalUiUrl?: string;
  organisation(): Promise<Organisation>;
  rules(): Promise<RulesFile>;
  rulesPath: string;
  organisationPath: string;
  /** The plan's time now: real time plus the configured shift (zero in production). */
  planNow(): Date;
  /** Who is signed in, shared by the app's replicas (`<dataDir>/sessions` unless given). */
  sessions: SessionStore;
  /** Each person's calendar feed generation (`<dataDir>/calendar-feeds`). */
  calendarFeeds: CalendarFeedGenerations;
}

/** Reads a file again only when its modification time changed: the dashboard reads the organisation on every request. */
function cachedByMtime<T>(path: string, load: (path: string) => Promise<T>): () => Promise<T> {
  let cache: { mtimeMs: number; size: number; value: Promise<T> } | undefined;
  return async () => {
    const s = await stat(path);
    if (!cache || cache.mtimeMs !== s.mtimeMs || cache.size !== s.size) {
      const value = load(path);
      cache = { mtimeMs: s.mtimeMs, size: s.size, value };
      value.catch(() => (cache = undefined));
    }
    return cache.value;
  };
}

export function createContext(opts: {
  client: Client;
  namespace: string;
  settings: AppSettings;
  outbox: boolean;
  temporalUiUrl?: string;
  sessions?: SessionStore;
}): AppContext {
  const organisationPath = join(opts.settings.configDir, 'organisation.yaml');
  const rulesPath = join(opts.settings.configDir, 'rules.yaml');
  const { sessions, ...rest } = opts;
  return {
    ...rest,
    sessions: sessions ?? new FileSessionStore(join(opts.settings.dataDir, 'sessions')),
    calendarFeeds: new CalendarFeedGenerations(join(opts.settings.dataDir, 'calendar-feeds')),
    organisationPath,
    rulesPath,
    organisation: cachedByMtime(organisationPath, (p) => loadOrganisation(p)),
    rules: cachedByMtime(rulesPath, (p) => loadRules(p)),
    // Read at each call: the setting may move (the journey keeps the app on the test server's clock).
    planNow: () => new Date(planClock(opts.settings.timeShiftMs).nowMs()),
  };
}
