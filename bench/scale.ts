/**
 * Scale on the real dev server (SQLite), with the worker in its own process:
 *  - start rate of 10,000 activityLifecycle workflows against 10,000 empty ones, each measured
 *    from the first start until the worker has completed every first workflow task (counted by
 *    the worker's own Prometheus metrics); goal: ratio >= 0.8;
 *  - the worker loads a bundle made beforehand, as `planvakt worker` does (src/worker/bundle.ts);
 *  - the worker's RSS with those 10,000 lifecycles open (sticky cache PLANVAKT_MAX_CACHED_WORKFLOWS,
 *    default 250); goal < 400 MB.
 *
 *   node --import tsx bench/scale.ts [N]
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { lifecycleStart, activityLifecycle } from '../src/lifecycle';
import { rulesVersion, toLifecycleActivity } from '../src/lifecycle/from-plan';
import { placedActivities, readPlanFile } from '../src/plan';
import { loadRules, rulesFor } from '../src/rules';
import { startBenchServer } from './dev-server';

const N = Number(process.argv[2] ?? 10_000);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const { server, dir, port } = await startBenchServer('scale', 17_600);
const cache = Number(process.env.PLANVAKT_MAX_CACHED_WORKFLOWS ?? 250);
const { code } = await bundleWorkflowCode({ workflowsPath: here('./scale-workflows.ts') });
writeFileSync(join(dir, 'bundle.js'), code);
// WORKER_NODE_ARGS: node flags for the worker alone (e.g. --max-old-space-size=192).
const workerArgs = (process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const worker = spawn(process.execPath, [...workerArgs, '--import', 'tsx', here('./scale-worker.ts')], {
  env: {
    ...process.env,
    WORKFLOW_BUNDLE: join(dir, 'bundle.js'),
    TEMPORAL_ADDRESS: server.address,
    PLANVAKT_MAX_CACHED_WORKFLOWS: String(cache),
    METRICS_ADDRESS: `127.0.0.1:${port + 2000}`,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => worker.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
let mem: NodeJS.MemoryUsage | undefined;
worker.stdout.on('data', (d) => {
  const line = String(d)
    .split('\n')
    .filter((l) => l.startsWith('mem '))
    .at(-1);
  if (line) mem = JSON.parse(line.slice(4)) as NodeJS.MemoryUsage;
});
const mb = (n = 0) => (n / 2 ** 20).toFixed(0);
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))![1]) / 1024;

const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection, namespace: 'planvakt' });

/** Workflow tasks the worker has completed so far, from its Prometheus endpoint. */
async function tasksDone(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port + 2000}/metrics`)).text();
  // One line per label set (workflow type, task queue …): add them up.
  return text
    .split('\n')
    .filter((l) => l.startsWith('temporal_workflow_task_execution_latency_count'))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
}

/** Starts n workflows 100 at a time and waits until the worker has taken every first task. */
async function measure(label: string, start: (i: number) => Promise<unknown>): Promise<number> {
  const before = await tasksDone();
  const t0 = Date.now();
  for (let i = 0; i < N; i += 100)
    await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => start(i + k)));
  const started = Date.now();
  while ((await tasksDone()) - before < N) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - t0) / 1000;
  const rate = N / seconds;
  console.log(
    `${label}: ${N} in ${seconds.toFixed(1)} s (${((started - t0) / 1000).toFixed(1)} s to start), ${rate.toFixed(0)} workflows/s`,
  );
  return rate;
}

const { plan } = await readPlanFile(here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md'));
const rulesFile = await loadRules(here('../config/rules.yaml'));
const seed = placedActivities(plan).map((p) => toLifecycleActivity(plan, p));
// Imported at the plan's start, as a real import would be: every first task ends on a timer.
const timeShiftMs = Date.parse('2022-01-10T09:00:00+01:00') - Date.now();
const rssIdle = rssMb();

// SCALE_MEMORY_ONLY=1 skips the empty workflows: for trying cache sizes and heap settings.
const memoryOnly = process.env.SCALE_MEMORY_ONLY === '1';
const emptyRate = memoryOnly
  ? NaN
  : await measure('empty', (i) => client.workflow.start('empty', { taskQueue: 'scale', workflowId: `empty-${i}` }));
const lifecycleRate = await measure('activityLifecycle', (i) => {
  const base = seed[i % seed.length]!;
  const activity = { ...base, id: `${base.id}-${i}` };
  return client.workflow.start(
    activityLifecycle,
    lifecycleStart(
      { activity, rules: rulesFor(rulesFile, activity.department), rulesVersion: rulesVersion('bench'), timeShiftMs },
      'scale',
      new Date(),
    ),
  );
});
await new Promise((r) => setTimeout(r, 2000));
const rssOpen = rssMb();
// And once the worker has had half a minute of quiet to collect what the evicted workflows left.
await new Promise((r) => setTimeout(r, 30_000));
const rssSettled = rssMb();
const open = (await client.workflow.count('WorkflowType = "activityLifecycle" AND ExecutionStatus = "Running"')).count;

console.log(
  `start-rate: lifecycle ${lifecycleRate.toFixed(0)}/s, empty ${emptyRate.toFixed(0)}/s, ratio ${(lifecycleRate / emptyRate).toFixed(2)} (goal >= 0.8)`,
);
console.log(
  `worker-rss: ${rssOpen.toFixed(0)} MB with ${open} open lifecycles, sticky cache ${cache} (idle ${rssIdle.toFixed(0)} MB; goal < 400 MB)`,
);
console.log(
  `worker-heap: V8 heap ${mb(mem?.heapUsed)} of ${mb(mem?.heapTotal)} MB, external ${mb(mem?.external)} MB, array buffers ${mb(mem?.arrayBuffers)} MB; 30 s later RSS ${rssSettled.toFixed(0)} MB; worker flags '${workerArgs.join(' ')}' MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? ''}`,
);

worker.kill('SIGTERM');
await new Promise((r) => worker.once('exit', r));
await connection.close();
await server.stop();
