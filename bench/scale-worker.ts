/** A worker process for bench/scale.ts, so its RSS is the worker's alone. */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { RecordingDelivery } from '../src/domain/notice';
import { createActivities } from '../src/worker/activities';
import { createWorker } from '../src/worker';

// Metrics tell the parent exactly how many workflow tasks this worker has completed.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: {
    logging: { filter: { core: 'ERROR', other: 'ERROR' } },
    metrics: { prometheus: { bindAddress: process.env.METRICS_ADDRESS! } },
  },
});
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await createWorker({
  connection,
  namespace: 'planvakt',
  taskQueue: 'scale',
  ...(process.env.WORKFLOW_BUNDLE
    ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE } }
    : { workflowsPath: fileURLToPath(new URL('./scale-workflows.ts', import.meta.url)) }),
  activities: createActivities({ delivery: new RecordingDelivery() }),
  maxCachedWorkflows: Number(process.env.PLANVAKT_MAX_CACHED_WORKFLOWS ?? 250),
  deps: { delivery: new RecordingDelivery() },
});
process.once('SIGTERM', () => worker.shutdown());
// Where the memory is, for the parent to print next to the RSS it reads from /proc.
setInterval(() => console.log(`mem ${JSON.stringify(process.memoryUsage())}`), 1000).unref();
console.log('ready');
await worker.run();
await connection.close();
