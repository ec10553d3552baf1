import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { temporalAddress, type Env } from '../config/env';
import { temporalCliPath } from '../temporal/binaries';
import { connectClient, connectWorker } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { assertPortFree } from '../temporal/ports';
import { createWorker } from '../worker';
import { prebundleWorkflows } from '../worker/bundle';
import { createWebServer } from '../web/server';
import { ChannelDelivery, type DigestDeps } from '../digest';
import { channelsFromEnv, closeChannels, isUnconfigured } from '../delivery/channels';
import { DevOutbox } from '../delivery/dev-sink';
import { deliveryFiles } from '../delivery/files';
import { startPruning } from '../personal-data/prune';
import { retentionWarning } from '../temporal/retention';
import { FileDeliveryLedger } from '../delivery/ledger';
import { UndeliverableLog } from '../delivery/undeliverable';
import { FileOrganisationSource } from '../organisation/source';
import { loadRules } from '../rules/load';
import { loadOrganisation } from '../organisation/load';

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

export async function startService(env: Env, parts: Parts = { worker: true, web: true }): Promise<RunningService> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => console.error(`[planvakt] while stopping: ${err.message}`));
  };
  try {
    // HR's files are checked before anything starts: an invalid file stops the service with its
    // file, line and field rather than being guessed at later, message by message.
    await loadOrganisation(join(env.configDir, 'organisation.yaml'));
    await loadRules(join(env.configDir, 'rules.yaml'));
    if (parts.web) await assertPortFree(env.PLANVAKT_PORT, env.PLANVAKT_HOST, 'the Planvakt web app', 'PLANVAKT_PORT');

    let devServer: DevServer | undefined;
    if (!env.TEMPORAL_ADDRESS) {
      if (env.PLANVAKT_MODE === 'production') {
        throw new StartupError('PLANVAKT_MODE=production needs TEMPORAL_ADDRESS: the embedded dev server is for development only.');
      }
      devServer = await startDevServer({
        cliPath: temporalCliPath(),
        dbFile: join(env.dataDir, 'temporal.sqlite'),
        logFile: join(env.dataDir, 'temporal.log'),
        namespace: env.TEMPORAL_NAMESPACE,
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        retentionDays: env.PLANVAKT_RETENTION_DAYS,
      });
      stops.push(() => devServer!.stop());
    }

    let worker: Worker | undefined;
    let workerDone: Promise<void> | undefined;
    let outbox: DevOutbox | undefined;
    if (parts.worker) {
      const files = deliveryFiles(env.dataDir);
      // With no SMTP, Graph or webhook configured (development only), the real channels deliver
      // to the embedded SMTP catcher and Teams sink; the web app's Utkorg page shows what arrived.
      let channelsEnv: Record<string, string | undefined> = process.env;
      if (isUnconfigured(process.env)) {
        if (env.PLANVAKT_MODE === 'production') {
          console.warn('[planvakt] No SMTP_*, GRAPH_* or TEAMS_WEBHOOK_URL* set: every message will be listed as undeliverable.');
        } else {
          outbox = await DevOutbox.start({ file: files.outbox });
          stops.push(() => outbox!.stop());
          channelsEnv = outbox.env;
        }
      }
      const channels = channelsFromEnv(channelsEnv);
      stops.push(() => closeChannels(channels));
      const ledger = await FileDeliveryLedger.open(files.ledger);
      stops.push(() => ledger.close());
      const clientConnection: Connection = await connectClient(env);
      stops.push(() => clientConnection.close());
      if (env.TEMPORAL_ADDRESS) {
        const warning = await retentionWarning(clientConnection, env.TEMPORAL_NAMESPACE, env.PLANVAKT_RETENTION_DAYS).catch(() => undefined);
        if (warning) console.warn(`[planvakt] ${warning}`);
      }
      const stopPruning = await startPruning({ dataDir: env.dataDir, days: env.PLANVAKT_RETENTION_DAYS, ledger, ...(outbox ? { outbox } : {}), log: (line) => console.log(`[planvakt] ${line}`) });
      stops.push(async () => stopPruning());
      const digest: DigestDeps = {
        client: new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE }),
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        // Read at send time, so an edit applies to the next message; kept 10 s, since a morning's
        // thousands of deliveries would otherwise parse the same YAML thousands of times.
        organisation: { load: fresh(10_000, () => new FileOrganisationSource(join(env.configDir, 'organisation.yaml')).load()) },
        rules: fresh(10_000, () => loadRules(join(env.configDir, 'rules.yaml'))),
        channels,
        ledger,
        undeliverable: await UndeliverableLog.open(files.undeliverable),
        baseUrl: env.baseUrl,
      };

      const nativeConnection: NativeConnection = await connectWorker(env);
      stops.push(() => nativeConnection.close());
      worker = await createWorker({
        connection: nativeConnection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        maxCachedWorkflows: env.PLANVAKT_MAX_CACHED_WORKFLOWS,
        workflowBundle: await prebundleWorkflows(join(env.dataDir, 'workflow-bundle.js')),
        deps: {
          delivery: new ChannelDelivery(digest),
          digest,
          followUp: { client: digest.client, dataDir: env.dataDir, organisation: new FileOrganisationSource(join(env.configDir, 'organisation.yaml')) },
        },
      });
      workerDone = worker.run();
      stops.push(async () => {
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await workerDone!.catch(() => undefined);
      });
    }

    let web: FastifyInstance | undefined;
    if (parts.web) {
      const connection: Connection = await connectClient(env);
      stops.push(() => connection.close());
      web = await createWebServer({
        temporal: { connection, address: temporalAddress(env), namespace: env.TEMPORAL_NAMESPACE, uiUrl: devServer?.uiUrl },
        workerState: () => worker?.getState() ?? 'RUNNING',
        // Development only: the page lists people's messages and is not behind the sign-in.
        ...(outbox || (env.PLANVAKT_MODE !== 'production' && isUnconfigured(process.env))
          ? { delivery: { ...deliveryFiles(env.dataDir), devOutbox: true } }
          : {}),
      });
      await web.listen({ port: env.PLANVAKT_PORT, host: env.PLANVAKT_HOST });
      stops.push(() => web!.close());
    }

    return {
      temporalAddress: temporalAddress(env),
      temporalUiUrl: devServer?.uiUrl,
      ...(outbox ? { devOutbox: { smtp: `${outbox.host}:${outbox.smtpPort}`, http: outbox.httpUrl } } : {}),
      webUrl: web ? `http://${env.PLANVAKT_HOST === '0.0.0.0' ? 'localhost' : env.PLANVAKT_HOST}:${env.PLANVAKT_PORT}` : undefined,
      workerDone,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
