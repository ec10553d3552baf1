/** What every page handler shares: the Temporal client, the settings, the organisation and rules files. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { planClock } from '../../domain';
import { loadOrganisation, parseOrganisation, type Organisation } from '../../organisation';
import { loadRules, parseRules, type RulesFile } from '../../rules';
import type { ConfigVersionStore } from '../../config';
import type { Store } from '../../store';
import type { AppSettings } from './settings-env';
import { FileSessionStore, SqlSessionStore, type SessionStore } from '../sessions';
import {
  CalendarFeedGenerations,
  SqlCalendarFeedGenerations,
  type CalendarFeedGenerationStore,
} from './calendar-feeds';

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
  /**
   * The shared store (PostgreSQL, production): HR's configuration versions there are what is in
   * force for every process, and the config folder's files only the first version.
   */
  store?: Store;
  /** The text in force of the rules or the organisation (ConfigVersions' latest with a store, else the file). */
  configText(name: 'rules' | 'organisation'): Promise<string>;
  /** The plan's time now: real time plus the configured shift (zero in production). */
  planNow(): Date;
  /** Who is signed in, shared by the app's replicas (the shared store, else `<dataDir>/sessions`). */
  sessions: SessionStore;
  /** Each person's calendar feed generation (the shared store, else `<dataDir>/calendar-feeds`). */
  calendarFeeds: CalendarFeedGenerationStore;
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

/**
 * With the shared store: the latest saved version, parsed once per version (one small query a
 * call, so a save on another replica is seen at once); the config file while nothing is saved.
 */
function cachedByVersion<T>(
  versions: ConfigVersionStore,
  name: string,
  file: () => Promise<T>,
  parse: (text: string) => T,
): () => Promise<T> {
  let cache: { version: number; value: Promise<T> } | undefined;
  return async () => {
    const latest = await versions.latest(name);
    if (!latest) return file();
    if (cache?.version !== latest.version) {
      const value = versions.read(name, latest.version).then(parse);
      cache = { version: latest.version, value };
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
  store?: Store;
}): AppContext {
  const organisationPath = join(opts.settings.configDir, 'organisation.yaml');
  const rulesPath = join(opts.settings.configDir, 'rules.yaml');
  const { sessions, store, ...rest } = opts;
  const organisationFile = cachedByMtime(organisationPath, (p) => loadOrganisation(p));
  const rulesFile = cachedByMtime(rulesPath, (p) => loadRules(p));
  const versions = store?.configVersions();
  return {
    ...rest,
    // With the shared store nothing of the app's own is kept in the data folder (it may be read-only).
    sessions:
      sessions ??
      (store ? new SqlSessionStore(store.sql) : new FileSessionStore(join(opts.settings.dataDir, 'sessions'))),
    calendarFeeds: store
      ? new SqlCalendarFeedGenerations(store.sql)
      : new CalendarFeedGenerations(join(opts.settings.dataDir, 'calendar-feeds')),
    organisationPath,
    rulesPath,
    ...(store ? { store } : {}),
    organisation: versions
      ? cachedByVersion(versions, 'organisation', organisationFile, (t) => parseOrganisation('organisation.yaml', t))
      : organisationFile,
    rules: versions ? cachedByVersion(versions, 'rules', rulesFile, (t) => parseRules('rules.yaml', t)) : rulesFile,
    configText: async (name) => {
      const path = name === 'rules' ? rulesPath : organisationPath;
      const latest = await versions?.latest(name);
      return versions && latest ? versions.read(name, latest.version) : readFile(path, 'utf8');
    },
    // Read at each call: the setting may move (the journey keeps the app on the test server's clock).
    planNow: () => new Date(planClock(opts.settings.timeShiftMs).nowMs()),
  };
}
