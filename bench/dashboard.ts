/**
 * The Översikt page with 10,000 activities in 14 avdelningar, worker in process, on the dev server
 * (SQLite) and on the PostgreSQL cluster at its default visibility limit (10 calls a second per
 * namespace), one after the other in one run (bench/servers.ts; BENCH_SERVERS=dev or =cluster):
 * starts N activityLifecycle workflows (the seed plan's 73 activities over and over, spread over
 * the seed's 5 avdelningar and 9 more added to a copy of the organisation, plan time 1 June 2022),
 * reports a status on every 50th, waits for visibility, then 20 viewers at once (HR: every
 * avdelning) load the page, server time measured with app.inject; and the server's log is searched
 * for "rate limit exceeded" over the viewing. Goal: median < 300 ms, p95 < 1 s, none refused.
 *
 *   node --import tsx bench/dashboard.ts [N]
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { RecordingDelivery } from '../src/domain/notice';
import { lifecycleStart, reportStatus, stateQuery, activityLifecycle } from '../src/lifecycle';
import { rulesVersion, toLifecycleActivity } from '../src/lifecycle/from-plan';
import { placedActivities, readPlanFile } from '../src/plan';
import { loadRules, rulesFor } from '../src/rules';
import { benchServerNames, sideBySide, startBenchTarget, type BenchServer } from './servers';
import { installRuntime } from '../src/temporal/runtime';
import { createWorker } from '../src/worker';
import { registerApp } from '../src/web/app';

const N = Number(process.argv[2] ?? 10_000);
/** Viewers at once, and page views each. */
const VIEWERS = 20;
const VIEWS = Number(process.env.BENCH_VIEWS ?? 10);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
installRuntime();

// 14 avdelningar: the seed organisation's 5 and 9 more, in a copy of the configuration folder.
const configDir = mkdtempSync(join(tmpdir(), 'planvakt-bench-config-'));
cpSync(here('../config'), configDir, { recursive: true });
const orgFile = join(configDir, 'organisation.yaml');
const org = parseYaml(readFileSync(orgFile, 'utf8')) as { departments: { id: string; name: string }[] };
for (let k = 6; k <= 14; k++) org.departments.push({ id: `avdelning-${k}`, name: `Avdelning ${k}` });
writeFileSync(orgFile, stringifyYaml(org));
const DEPARTMENTS = org.departments.map((d) => d.id);

const PLAN_START = Date.parse('2022-06-01T09:00:00+02:00');
const { plan } = await readPlanFile(here('../../shared/plans/kompetensforsorjningsplan-2021-2023.md'));
const rulesFile = await loadRules(here('../config/rules.yaml'));
const seed = placedActivities(plan).map((p) => toLifecycleActivity(plan, p));

async function untilAnswered<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i > 600) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!;

async function runOn(target: BenchServer) {
  const native = await NativeConnection.connect({ address: target.address });
  const taskQueue = 'bench-dashboard';
  const worker = await createWorker({
    connection: native,
    namespace: target.namespace,
    taskQueue,
    maxCachedWorkflows: 500,
    deps: { delivery: new RecordingDelivery() },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: target.namespace });
  const timeShiftMs = PLAN_START - Date.now();
  const activityOf = (n: number) => {
    const base = seed[n % seed.length]!;
    return { ...base, id: `${base.id}-${n}`, department: DEPARTMENTS[n % DEPARTMENTS.length]! };
  };

  const t0 = Date.now();
  for (let i = 0; i < N; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, N - i) }, (_, k) => {
        const activity = activityOf(i + k);
        return client.workflow.start(
          activityLifecycle,
          lifecycleStart(
            {
              activity,
              rules: rulesFor(rulesFile, activity.department),
              rulesVersion: rulesVersion('bench'),
              timeShiftMs,
            },
            taskQueue,
            new Date(),
          ),
        );
      }),
    );
  }
  const startS = (Date.now() - t0) / 1000;
  console.error(`[${target.name}] started ${N} lifecycles in ${startS.toFixed(1)} s`);

  // Some variety: one in 50 gets a status from its avdelningschef (done, in progress, late): the
  // first started, whose first workflow task is done soonest (a query answers only then).
  const reported = Array.from({ length: Math.floor(N / 50) }, (_, j) => j);
  const t1 = Date.now();
  for (let i = 0; i < reported.length; i += 100) {
    await Promise.all(
      reported.slice(i, i + 100).map((n, k) => {
        const status = (['done', 'inProgress', 'late'] as const)[k % 3]!;
        const handle = client.workflow.getHandle(`activity-${activityOf(n).id}`);
        // First let the worker finish the workflow's first task (a query answers only then): a report
        // that arrives together with the start is applied before the lifecycle takes its baseline of
        // search attributes, and its status would never be published.
        return untilAnswered(() => handle.query(stateQuery)).then(() =>
          handle.executeUpdate(reportStatus, {
            args: [
              {
                reporter: { personId: 'bench-avdelningschef', name: 'Bench Avdelningschef', roles: ['avdelningschef'] },
                status,
                ...(status === 'late' ? { proposedDate: '2022-12-31' } : {}),
              },
            ],
          }),
        );
      }),
    );
  }
  console.error(`[${target.name}] reported ${reported.length} statuses in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  // Two counts a second at most while waiting: under the cluster's 10 visibility calls a second.
  for (;;) {
    const open = (
      await client.workflow.count(
        `WorkflowType = 'activityLifecycle' AND (ExecutionStatus = 'Running' OR PlanvaktStatus = 'done')`,
      )
    ).count;
    const inProgress = (
      await client.workflow.count(`WorkflowType = 'activityLifecycle' AND PlanvaktStatus = 'inProgress'`)
    ).count;
    if (open === N && inProgress >= Math.floor(reported.length / 3)) break;
    if (Date.now() - t1 > 900_000)
      throw new Error(`visibility shows ${open} of ${N} activities and ${inProgress} in progress`);
    await new Promise((r) => setTimeout(r, 1_000));
  }

  const app = Fastify({ logger: { level: 'warn' } });
  await registerApp(app, {
    temporal: { connection, namespace: target.namespace },
    settings: {
      mode: 'development',
      taskQueue,
      configDir,
      dataDir: target.dir,
      sessionSecret: 'bench-session-secret-0123456789abcdef0123',
      timeShiftMs,
      secureCookies: false,
    },
  });
  await app.ready();
  // Sign in as HR through the development sign-in, as a browser would.
  const login = await app.inject({ method: 'GET', url: '/logga-in' });
  const csrfCookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
  const signedIn = await app.inject({
    method: 'POST',
    url: '/logga-in/utveckling',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, person: 'hanna-hrchef' }).toString(),
  });
  const cookie = [csrfCookie, ...signedIn.cookies.map((c) => `${c.name}=${c.value}`)].join('; ');
  const page = async (url: string) => {
    const s = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    if (!res.body.includes('aktiviteter matchar')) throw new Error('not the dashboard');
    // Every avdelning has its row, the nine added ones too.
    if (url === '/' && !res.body.includes('Avdelning 14')) throw new Error('Avdelning 14 is not on the page');
    return Number(process.hrtime.bigint() - s) / 1e6;
  };

  // 20 viewers at once, each loading the page VIEWS times, half of them filtered to one avdelning.
  const viewing = async (filtered: boolean) => {
    const refusedBefore = target.rateLimited();
    const ms = (
      await Promise.all(
        Array.from({ length: VIEWERS }, async (_, v) => {
          const out: number[] = [];
          for (let k = 0; k < VIEWS; k++)
            out.push(
              await page(
                filtered ? `/?avdelning=${DEPARTMENTS[(v + k) % DEPARTMENTS.length]}&status=notReported` : '/',
              ),
            );
          return out;
        }),
      )
    )
      .flat()
      .sort((a, b) => a - b);
    return {
      views: ms.length,
      medianMs: Math.round(quantile(ms, 0.5)),
      p95Ms: Math.round(quantile(ms, 0.95)),
      maxMs: Math.round(ms.at(-1)!),
      rateLimited: target.rateLimited() - refusedBefore,
    };
  };
  // Measured on a settled worker, as in production where the lifecycles were started long before
  // anyone looks: five seconds in a row without a workflow task in hand.
  const t2 = Date.now();
  for (let quiet = 0; quiet < 5;) {
    await new Promise((r) => setTimeout(r, 1_000));
    quiet = worker.getStatus().numInFlightWorkflowActivations === 0 ? quiet + 1 : 0;
  }
  console.error(`[${target.name}] worker settled after ${((Date.now() - t2) / 1000).toFixed(1)} s more`);
  await page('/'); // the first snapshot
  const overview = await viewing(false);
  const filtered = await viewing(true);

  // Search, sort by text and export need every activity's text: one `state` query per activity to
  // the worker (not visibility), 25 at a time, kept 10 minutes (ActivityTexts). The first search
  // waits at most 4 s and says what is still being read; an export waits for all of them.
  const download = async (url: string) => {
    const s = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    return Math.round(Number(process.hrtime.bigint() - s) / 1e6);
  };
  const features = {
    firstSearchMs: Math.round(await page('/?sok=rektor')),
    excelRightAfterMs: await download('/oversikt.xlsx'),
    searchTextsKnownMs: Math.round(await page('/?sok=rektor&sortera=aktivitet')),
    sortedPageMs: Math.round(await page('/?sortera=status&sida=3')),
    excelMs: await download('/oversikt.xlsx'),
    csvMs: await download('/oversikt.csv'),
  };
  const result = {
    bench: 'dashboard',
    server: target.name,
    describe: target.describe,
    activities: N,
    departments: DEPARTMENTS.length,
    viewers: VIEWERS,
    startS: Math.round(startS),
    overview,
    filtered,
    features,
    rateLimitedWholeRun: target.rateLimited(),
    cores: cpus().length,
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  };
  console.log(JSON.stringify(result));
  await app.close();
  worker.shutdown();
  await running;
  await native.close();
  await connection.close();
  return result;
}

const results: Awaited<ReturnType<typeof runOn>>[] = [];
for (const [k, name] of benchServerNames().entries()) {
  const target = await startBenchTarget(name, 17_900 + k * 400);
  try {
    results.push(await runOn(target));
  } finally {
    await target.stop();
  }
}
console.log(
  `\nÖversikt, ${N} activities in ${DEPARTMENTS.length} avdelningar, ${VIEWERS} viewers at once, ${VIEWS} views each; server time; ${cpus().length} cores shared with other sessions (1-min load average at the end: ${results.map((r) => r.loadAverage1m).join(' / ')})\n` +
    sideBySide(
      results.map((r) => `${r.server}: ${r.describe}`),
      [
        ['Översikt: median / p95', ...results.map((r) => `${r.overview.medianMs} / ${r.overview.p95Ms} ms`)],
        ['filtered: median / p95', ...results.map((r) => `${r.filtered.medianMs} / ${r.filtered.p95Ms} ms`)],
        [
          '"rate limit exceeded" while viewing (whole run)',
          ...results.map((r) => `${r.overview.rateLimited + r.filtered.rateLimited} (${r.rateLimitedWholeRun})`),
        ],
        [
          'first search (texts not yet known) / Excel export right after',
          ...results.map((r) => `${r.features.firstSearchMs} / ${r.features.excelRightAfterMs} ms`),
        ],
        [
          'search sorted by text / another page of a sort (texts known)',
          ...results.map((r) => `${r.features.searchTextsKnownMs} / ${r.features.sortedPageMs} ms`),
        ],
        [
          `export of every row (${N}): Excel / CSV`,
          ...results.map((r) => `${r.features.excelMs} / ${r.features.csvMs} ms`),
        ],
        ['starting the lifecycles', ...results.map((r) => `${r.startS} s`)],
      ],
    ),
);
