import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { currentConfigText, temporalAddress, type Env } from '../config';
import {
  assertPortFree,
  connectClient,
  connectWorker,
  retentionWarning,
  startDevServer,
  temporalCliPath,
  type DevServer,
} from '../temporal';
import { createWorker, prebundleWorkflows } from '../worker';
import { createWebServer } from '../web';
import { ChannelDelivery, type DigestDeps } from '../digest';
import { SqlReportStore } from '../follow-up';
import {
  channelsFromEnv,
  closeChannels,
  deliveryFiles,
  DevOutbox,
  FileDeliveryLedger,
  isUnconfigured,
  UndeliverableLog,
} from '../delivery';
import { startPruning } from '../personal-data';
import { loadOrganisation, parseOrganisation, type OrganisationSource } from '../organisation';
import { loadRules, parseRules } from '../rules';
import { openStore, sharedStoreOptions, type SqlDeliveryLedger, type Store } from '../store';

/** `load`, remembered for `ms`; a failed load is not remembered. */
function fresh<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ms) {
      const value = load();
      cached = { at: Date.now(), value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

export { deliveryFiles };

/**
 * The parts of a running Planvakt: the embedded dev server (only without TEMPORAL_ADDRESS), the
 * worker and the web app. `planvakt start` runs all three in one process; production runs
 * `planvakt worker` (N copies) and `planvakt web` against a cluster.
 */
export interface Parts {
  worker?: boolean;
  web?: boolean;
}

export interface RunningService {
  temporalAddress: string;
  temporalUiUrl?: string;
  webUrl?: string;
  /** The dev outbox's SMTP catcher and Teams sink, when nothing real is configured. */
  devOutbox?: { smtp: string; http: string };
  /** Resolves when the worker stops by itself (a crash): the caller then exits non-zero. */
  workerDone?: Promise<void>;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/** What to undo on stop, in reverse order of starting. */
type Stops = (() => Promise<void>)[];

export async function startService(env: Env, parts: Parts = { worker: true, web: true }): Promise<RunningService> {
  const stops: Stops = [];
  const stop = async () => {
    for (const s of stops.reverse())
      await s().catch((err) => console.error(`[planvakt] while stopping: ${err.message}`));
  };
  try {
    await checkBeforeStart(env, parts);
    const devServer = env.TEMPORAL_ADDRESS ? undefined : await startEmbeddedTemporal(env, stops);
    const store = await openSharedStore(env, stops);
    const running = parts.worker ? await startWorkerPart(env, stops, store) : undefined;
    const web = parts.web
      ? await startWebPart(env, stops, { devServer, outbox: running?.outbox, worker: running?.worker }, store)
      : undefined;
    const outbox = running?.outbox;
    return {
      temporalAddress: temporalAddress(env),
      temporalUiUrl: devServer?.uiUrl,
      ...(outbox ? { devOutbox: { smtp: `${outbox.host}:${outbox.smtpPort}`, http: outbox.httpUrl } } : {}),
      webUrl: web
        ? `http://${env.PLANVAKT_HOST === '0.0.0.0' ? 'localhost' : env.PLANVAKT_HOST}:${env.PLANVAKT_PORT}`
        : undefined,
      workerDone: running?.workerDone,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * HR's files are checked before anything starts: an invalid file stops the service with its
 * file, line and field rather than being guessed at later, message by message. So is the web port.
 */
async function checkBeforeStart(env: Env, parts: Parts) {
  await loadOrganisation(join(env.configDir, 'organisation.yaml'));
  await loadRules(join(env.configDir, 'rules.yaml'));
  if (parts.web) await assertPortFree(env.PLANVAKT_PORT, env.PLANVAKT_HOST, 'the Planvakt web app', 'PLANVAKT_PORT');
}

/** The embedded dev server, when no TEMPORAL_ADDRESS is given: development only. */
async function startEmbeddedTemporal(env: Env, stops: Stops): Promise<DevServer> {
  if (env.PLANVAKT_MODE === 'production') {
    throw new StartupError(
      'PLANVAKT_MODE=production needs TEMPORAL_ADDRESS: the embedded dev server is for development only.',
    );
  }
  const devServer = await startDevServer({
    cliPath: temporalCliPath(),
    dbFile: join(env.dataDir, 'temporal.sqlite'),
    logFile: join(env.dataDir, 'temporal.log'),
    namespace: env.TEMPORAL_NAMESPACE,
    port: env.TEMPORAL_PORT,
    uiPort: env.TEMPORAL_UI_PORT,
    retentionDays: env.PLANVAKT_RETENTION_DAYS,
  });
  stops.push(() => devServer.stop());
  return devServer;
}

/**
 * The shared store (PostgreSQL) when the environment names one: every worker and the web app then
 * read and write one ledger and one set of HR's configuration versions; otherwise the data
 * folder's files, for one process per folder.
 */
async function openSharedStore(env: Env, stops: Stops): Promise<Store | undefined> {
  const storeOptions = sharedStoreOptions(env);
  if (!storeOptions) return undefined;
  const store = await openStore(storeOptions);
  stops.push(() => store.close());
  console.log('[planvakt] Delad lagring: PostgreSQL (leveransloggen och inställningarnas versioner)');
  return store;
}

/**
 * HR's rules and organisation as in force: with the shared store, its latest version (saved from
 * the web app, on any machine), else the config folder's file.
 */
export function configSources(env: Env, store: Store | undefined) {
  const versions = store?.configVersions();
  const rulesFile = join(env.configDir, 'rules.yaml');
  const organisationFile = join(env.configDir, 'organisation.yaml');
  return {
    versions,
    rules: async () => parseRules('rules.yaml', (await currentConfigText(versions, 'rules', rulesFile)).text),
    organisation: {
      load: async () =>
        parseOrganisation(
          'organisation.yaml',
          (await currentConfigText(versions, 'organisation', organisationFile)).text,
        ),
    } satisfies OrganisationSource,
  };
}

/** The worker with everything its activities need: channels, ledger, pruning, the digest's and follow-up's dependencies. */
async function startWorkerPart(
  env: Env,
  stops: Stops,
  store: Store | undefined,
): Promise<{ worker: Worker; workerDone: Promise<void>; outbox?: DevOutbox }> {
  const files = deliveryFiles(env.dataDir);
  const { channelsEnv, outbox } = await channelsEnvironment(env, files.outbox, stops);
  const channels = channelsFromEnv(channelsEnv);
  stops.push(() => closeChannels(channels));
  let ledger: SqlDeliveryLedger | FileDeliveryLedger;
  if (store) {
    ledger = store.ledger;
  } else {
    const file = await FileDeliveryLedger.open(files.ledger);
    stops.push(() => file.close());
    ledger = file;
  }
  const clientConnection: Connection = await connectClient(env);
  stops.push(() => clientConnection.close());
  if (env.TEMPORAL_ADDRESS) {
    const warning = await retentionWarning(clientConnection, env.TEMPORAL_NAMESPACE, env.PLANVAKT_RETENTION_DAYS).catch(
      () => undefined,
    );
    if (warning) console.warn(`[planvakt] ${warning}`);
  }
  const stopPruning = await startPruning({
    dataDir: env.dataDir,
    days: env.PLANVAKT_RETENTION_DAYS,
    ledger,
    ...(outbox ? { outbox } : {}),
    ...(store ? { shared: { undeliverable: store.undeliverable, configVersions: store.configVersions() } } : {}),
    log: (line) => console.log(`[planvakt] ${line}`),
  });
  stops.push(async () => stopPruning());
  const config = configSources(env, store);
  const digest: DigestDeps = {
    client: new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE }),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    // Read at send time, so an edit applies to the next message; kept 10 s, since a morning's
    // thousands of deliveries would otherwise parse the same YAML thousands of times.
    organisation: { load: fresh(10_000, () => config.organisation.load()) },
    rules: fresh(10_000, config.rules),
    channels,
    ledger,
    undeliverable: store ? store.undeliverable : await UndeliverableLog.open(files.undeliverable),
    baseUrl: env.baseUrl,
  };

  const nativeConnection: NativeConnection = await connectWorker(env);
  stops.push(() => nativeConnection.close());
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: env.PLANVAKT_MAX_CACHED_WORKFLOWS,
    // With the shared store the data folder may be read-only (production): the bundle is a
    // build product of this process, so it goes to the temporary folder.
    workflowBundle: await prebundleWorkflows(
      join(store ? tmpdir() : env.dataDir, store ? `planvakt-workflow-bundle-${process.pid}.js` : 'workflow-bundle.js'),
    ),
    deps: {
      delivery: new ChannelDelivery(digest),
      digest,
      followUp: {
        client: digest.client,
        dataDir: env.dataDir,
        ...(store ? { reports: new SqlReportStore(store.sql) } : {}),
        organisation: config.organisation,
      },
    },
  });
  const workerDone = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone.catch(() => undefined);
  });
  return { worker, workerDone, ...(outbox ? { outbox } : {}) };
}

/**
 * With no SMTP, Graph or webhook configured (development only), the real channels deliver to the
 * embedded SMTP catcher and Teams sink; the web app's Utkorg page shows what arrived.
 */
async function channelsEnvironment(
  env: Env,
  outboxFile: string,
  stops: Stops,
): Promise<{ channelsEnv: Record<string, string | undefined>; outbox?: DevOutbox }> {
  if (!isUnconfigured(process.env)) return { channelsEnv: process.env };
  if (env.PLANVAKT_MODE === 'production') {
    console.warn(
      '[planvakt] No SMTP_*, GRAPH_* or TEAMS_WEBHOOK_URL* set: every message will be listed as undeliverable.',
    );
    return { channelsEnv: process.env };
  }
  const outbox = await DevOutbox.start({ file: outboxFile });
  stops.push(() => outbox.stop());
  return { channelsEnv: outbox.env, outbox };
}

/** The web server (health check, Utkorg, check-in pages, the web app), listening. */
async function startWebPart(
  env: Env,
  stops: Stops,
  started: { devServer?: DevServer; outbox?: DevOutbox; worker?: Worker },
  store: Store | undefined,
): Promise<FastifyInstance> {
  const connection: Connection = await connectClient(env);
  stops.push(() => connection.close());
  const web = await createWebServer({
    temporal: {
      connection,
      address: temporalAddress(env),
      namespace: env.TEMPORAL_NAMESPACE,
      uiUrl: started.devServer?.uiUrl,
    },
    workerState: () => started.worker?.getState() ?? 'RUNNING',
    ...(store ? { store } : {}),
    ...(env.PLANVAKT_TIME_SHIFT_MS ? { app: { settings: { timeShiftMs: env.PLANVAKT_TIME_SHIFT_MS } } } : {}),
    // Development only: the page lists people's messages and is not behind the sign-in.
    ...(started.outbox || (env.PLANVAKT_MODE !== 'production' && isUnconfigured(process.env))
      ? { delivery: { ...deliveryFiles(env.dataDir), devOutbox: true } }
      : {}),
  });
  await web.listen({ port: env.PLANVAKT_PORT, host: env.PLANVAKT_HOST });
  stops.push(() => web.close());
  return web;
}
