import { join } from 'node:path';
import type { Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { temporalAddress, type Env } from './config/env';
import { temporalCliPath } from './temporal/binaries';
import { connectClient, connectWorker } from './temporal/connection';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { assertPortFree } from './temporal/ports';
import { createWorker } from './worker';
import { createWebServer } from './web/server';
import { RecordingDelivery } from './activities/deliver';

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
      });
      stops.push(() => devServer!.stop());
    }

    let worker: Worker | undefined;
    let workerDone: Promise<void> | undefined;
    if (parts.worker) {
      const nativeConnection: NativeConnection = await connectWorker(env);
      stops.push(() => nativeConnection.close());
      worker = await createWorker({
        connection: nativeConnection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        deps: { delivery: new RecordingDelivery() },
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
      });
      await web.listen({ port: env.PLANVAKT_PORT, host: env.PLANVAKT_HOST });
      stops.push(() => web!.close());
    }

    return {
      temporalAddress: temporalAddress(env),
      temporalUiUrl: devServer?.uiUrl,
      webUrl: web ? `http://${env.PLANVAKT_HOST === '0.0.0.0' ? 'localhost' : env.PLANVAKT_HOST}:${env.PLANVAKT_PORT}` : undefined,
      workerDone,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
