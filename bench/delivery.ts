/**
 * Delivery under load, end to end on the real dev server (SQLite): N activityLifecycle workflows
 * (default 10,000) whose on-the-day reminder for the seed's 2022-12-31 deadline falls due at the
 * same instant (Fri 2022-12-30 08:00 Stockholm), owned by P people (default 250, so 40 each).
 * The worker runs in this process with the production ChannelDelivery, file ledger and the dev
 * outbox's SMTP catcher; the clock is shifted so 08:00 plan time is a few seconds after the last
 * start. Measured from 08:00:
 *  - handedMs: until the last lifecycle's deliver activity has handed its item to a digest;
 *  - lastSmtpMs: until the SMTP catcher has accepted the last digest (includes the gathering
 *    window, 1 minute here instead of the production 5, reported separately);
 *  - messages per person and day (must be 1).
 * It also counts, from the histories, the server's history events per reminder by type (where
 * the transactions go). It runs on the dev server and on the PostgreSQL cluster one after the other
 * (bench/servers.ts; BENCH_SERVERS=dev or =cluster for one), prints one JSON line per server and
 * then the two side by side. BENCH_SMTP_PER_MINUTE=30 paces the email channel as Exchange Online
 * requires (SMTP_MAX_PER_MINUTE) and reports the busiest minute at the catcher.
 *
 *   node --import tsx bench/delivery.ts [N] [P]
 */

import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, NamespaceNotFoundError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../src/worker/activities';
import { ChannelDelivery, type DigestDeps } from '../src/digest';
import type { NoticeRequest } from '../src/domain/notice';
import { lifecycleStart, type LifecycleActivity, activityLifecycle } from '../src/lifecycle';
import { channelsFromEnv, closeChannels } from '../src/delivery/channels';
import { DevOutbox } from '../src/delivery/dev-sink';
import { FileDeliveryLedger } from '../src/delivery/ledger';
import { UndeliverableLog } from '../src/delivery/undeliverable';
import { OrganisationSchema } from '../src/organisation/schema';
import { loadRules, rulesFor } from '../src/rules';
import { benchServerNames, sideBySide, startBenchTarget, type BenchServer } from './servers';
import { workflowsPath } from '../src/worker';
import { lifecycleWorkflowId } from '../src/domain';

const N = Number(process.argv[2] ?? 10_000);
const P = Number(process.argv[3] ?? 250);
const GATHER_MINUTES = 1;
const SEND_AT = Date.parse('2022-12-30T08:00:00+01:00');

Runtime.install({ logger: new DefaultLogger('ERROR') });
const PER_MINUTE = process.env.BENCH_SMTP_PER_MINUTE;

const org = OrganisationSchema.parse({
  forvaltning: { id: 'bench', name: 'Benchby stadsdelsförvaltning' },
  departments: [
    {
      id: 'stadsutveckling',
      name: 'Avdelning stadsutveckling',
      units: Array.from({ length: P }, (_, i) => ({ id: `u${i}`, name: `Enhet ${i}` })),
    },
  ],
  people: [
    { id: 'hr', name: 'Hanna HR', email: 'hr@bench.se', roles: [{ role: 'hr', department: 'stadsutveckling' }] },
    ...Array.from({ length: P }, (_, i) => ({
      id: `p${i}`,
      name: `Person ${i}`,
      email: `p${i}@bench.se`,
      roles: [{ role: 'enhetschef', unit: `u${i}` }],
    })),
  ],
});
const file = await loadRules(new URL('../config/rules.yaml', import.meta.url).pathname);
const rulesFile = {
  ...file,
  quietDays: [],
  delivery: { ...file.delivery, preferredChannel: 'email' as const, gatherMinutes: GATHER_MINUTES },
  departments: {},
};
const rules = rulesFor(rulesFile, 'stadsutveckling');

async function runOn(target: BenchServer) {
  const server = target;
  const { dir } = target;
  const outbox = await DevOutbox.start();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const channels = channelsFromEnv({ ...outbox.env, ...(PER_MINUTE ? { SMTP_MAX_PER_MINUTE: PER_MINUTE } : {}) });
  const deps: DigestDeps = {
    client,
    taskQueue: 'bench-delivery',
    organisation: { load: async () => org },
    rules: async () => rulesFile,
    channels,
    ledger: await FileDeliveryLedger.open(join(dir, 'ledger.jsonl')),
    undeliverable: await UndeliverableLog.open(join(dir, 'undeliverable.jsonl')),
    baseUrl: 'http://localhost:3000',
  };
  const failures = new Map<string, number>();
  const handedIds = new Set<string>();
  let lastHanded = 0;
  let handOffs = 0;
  const sink = new ChannelDelivery(deps);
  const delivery = {
    async deliver(request: NoticeRequest) {
      const r = await sink.deliver(request).catch((e: Error) => {
        failures.set(e.message.slice(0, 120), (failures.get(e.message.slice(0, 120)) ?? 0) + 1);
        throw e;
      });
      handOffs += 1;
      if (!handedIds.has(request.workflowId)) lastHanded = Date.now();
      handedIds.add(request.workflowId);
      return r;
    },
  };
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: server.address }),
    namespace: server.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath,
    activities: createActivities({ delivery, digest: deps }),
    maxConcurrentActivityTaskExecutions: 200,
  });
  const running = worker.run();

  // 08:00 plan time must come after the last start: a lifecycle counts events from the moment
  // Temporal accepted its start (a first workflow task that runs after 08:00 still sends the 08:00
  // reminder, late). Starts run at some 20 a second on two quiet cores with SQLite; the budget per
  // start is BENCH_START_MS (default 60 ms, at least 30 s in all), to be raised on a loaded machine.
  const startedAt = Date.now();
  const t0 = startedAt + Math.max(30_000, N * Number(process.env.BENCH_START_MS ?? 60));
  const timeShiftMs = SEND_AT - t0;
  const activity = (i: number): LifecycleActivity => ({
    id: `bench-${i}`,
    plan: 'bench',
    department: 'stadsutveckling',
    unit: `u${i % P}`,
    section: 'Utveckla',
    goal: 'Medarbetarna har rätt kompetens',
    text: `Aktivitet ${i}`,
    deadline: '2022-12-31',
    deadlineRaw: '2022-12-31',
    milestones: [],
    owners: [{ role: 'enhetschef', raw: 'Enhetschef' }],
    cadences: [],
    followUp: '',
    source: { file: 'bench', line: i },
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < N) {
        const i = next++;
        const now = new Date(Date.now());
        const options = lifecycleStart(
          { activity: activity(i), rules, rulesVersion: 'bench', timeShiftMs },
          deps.taskQueue,
          now,
        );
        // A fresh server's history service can take a few seconds more than its frontend to know the namespace.
        for (let attempt = 0; ; attempt++) {
          try {
            await client.workflow.start(activityLifecycle, options);
            break;
          } catch (e) {
            if (!(e instanceof NamespaceNotFoundError) || attempt > 100) throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    }),
  );
  const startMs = Date.now() - startedAt;
  if (Date.now() > t0)
    throw new Error(
      `bench: starting took longer than planned: 08:00 passed ${Date.now() - t0} ms before the last start; raise BENCH_START_MS`,
    );
  console.error(`[bench] ${N} lifecycles started in ${startMs} ms; 08:00 in ${t0 - Date.now()} ms`);

  // Done when every lifecycle has handed its reminder on and every person has had their digest, or
  // when nothing has moved for the gathering window plus 30 s (then `notHanded` says how many are missing).
  let lastProgress = Date.now();
  let seen = 0;
  let handed = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    handed = handedIds.size;
    if (handed !== seen) [seen, lastProgress] = [handed, Date.now()];
    const mailsNow = outbox.listOutbox().filter((e) => e.channel === 'email').length;
    if (Date.now() > t0 && (Date.now() - t0) % 10_000 < 100)
      console.error(`[bench] ${Math.round((Date.now() - t0) / 1000)} s: ${handed} handed, ${mailsNow} messages`, [
        ...failures,
      ]);
    if (handed === N && mailsNow >= P && outbox.listOutbox().length >= P) break;
    if (mailsNow >= P && Date.now() - lastProgress > GATHER_MINUTES * 60_000 + 30_000) break;
    if (Date.now() - t0 > Number(process.env.BENCH_TIMEOUT_MIN ?? 30) * 60_000)
      throw new Error(`bench: timed out with ${handed} of ${N} handed`);
  }
  const mails = outbox.listOutbox().filter((e) => e.channel === 'email');
  const lastSmtp = Math.max(...mails.map((e) => Date.parse(e.receivedAt)));
  // Give late duplicates a chance to show before counting.
  await new Promise((r) => setTimeout(r, 2_000));
  const perPerson = new Map<string, number>();
  for (const m of outbox.listOutbox()) perPerson.set(m.to, (perPerson.get(m.to) ?? 0) + 1);
  const counts = [...perPerson.values()];

  // Where the server's work goes per reminder: the history events of a sample of lifecycles and of
  // every digest, by type, per reminder. Each workflow task (scheduled, started, completed) and each
  // activity task is a round trip between worker and server and one or more persistence writes.
  const sample = Array.from({ length: Math.min(N, 50) }, (_, k) => `bench-${Math.floor((k * N) / Math.min(N, 50))}`);
  const byType = async (ids: string[]) => {
    const out = new Map<string, number>();
    for (const id of ids) {
      const wf = id.startsWith('digest-') ? id : lifecycleWorkflowId(id);
      const history = await client.workflow.getHandle(wf).fetchHistory();
      for (const e of history.events ?? []) {
        const type =
          Object.keys(e)
            .find((k) => k.endsWith('EventAttributes'))
            ?.replace('EventAttributes', '') ?? '?';
        out.set(type, (out.get(type) ?? 0) + 1);
      }
    }
    return out;
  };
  const perReminder = (m: Map<string, number>, reminders: number) =>
    Object.fromEntries(
      [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / reminders) * 100) / 100]),
    );
  const lifecycleEvents = await byType(sample);
  const digestIds: string[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowType = 'personDigest'` })) digestIds.push(w.workflowId);
  const digestEvents = await byType(digestIds);

  // With the relay's limit: the busiest 60 seconds at the catcher (must not exceed it).
  const accepted = mails.map((e) => Date.parse(e.receivedAt)).sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < accepted.length; i++) {
    while (accepted[i]! - accepted[j]! >= 60_000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  const result = {
    bench: 'delivery',
    server: target.name,
    describe: target.describe,
    reminders: N,
    people: P,
    handed,
    notHanded: N - handed,
    // Hand-off calls: more than `handed` when a workflow task timed out and its local activity ran again.
    handOffs,
    startMs,
    handedMs: lastHanded - t0,
    lastSmtpMs: lastSmtp - t0,
    gatherWindowMs: GATHER_MINUTES * 60_000,
    lastSmtpAfterWindowMs: lastSmtp - t0 - GATHER_MINUTES * 60_000,
    smtpPerMinuteLimit: PER_MINUTE ? Number(PER_MINUTE) : null,
    busiestMinute: busiest,
    firstToLastSmtpMs: accepted.length ? accepted.at(-1)! - accepted[0]! : 0,
    messages: outbox.listOutbox().length,
    messagesPerPersonPerDay: { min: Math.min(...counts), max: Math.max(...counts) },
    itemsPerMessage: handed / P,
    // Lifecycles of the sample whose first workflow task ran before 08:00 (slept on a timer): the rest
    // started late on a busy worker and handed on in their first task.
    sampleOnTimer: lifecycleEvents.get('timerFired') ?? 0,
    sample: sample.length,
    historyEventsPerReminder: {
      lifecycle: perReminder(lifecycleEvents, sample.length),
      digest: perReminder(digestEvents, handed),
    },
    cores: cpus().length,
    memGb: Math.round(totalmem() / 2 ** 30),
    loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
  };
  console.log(JSON.stringify(result));

  worker.shutdown();
  await running;
  await closeChannels(channels);
  await outbox.stop();
  await connection.close();
  return result;
}

const results: Awaited<ReturnType<typeof runOn>>[] = [];
for (const [k, name] of benchServerNames().entries()) {
  const target = await startBenchTarget(name, 18_600 + k * 400);
  try {
    results.push(await runOn(target));
  } finally {
    await target.stop();
  }
}
const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
console.log(
  `\n${N} reminders for ${P} people at 08:00; ${cpus().length} cores shared with other sessions (1-min load average at the end: ${results.map((r) => r.loadAverage1m).join(' / ')})\n` +
    sideBySide(
      results.map((r) => `${r.server}: ${r.describe}`),
      [
        ['all handed to their digests after 08:00', ...results.map((r) => `${s(r.handedMs)} (${r.notHanded} missing)`)],
        ['last email at SMTP after 08:00', ...results.map((r) => s(r.lastSmtpMs))],
        ['  of which gathering window', ...results.map((r) => s(r.gatherWindowMs))],
        [
          'busiest minute at SMTP (limit)',
          ...results.map((r) => `${r.busiestMinute} (${r.smtpPerMinuteLimit ?? 'none'})`),
        ],
        [
          'messages per person that day',
          ...results.map((r) => `${r.messagesPerPersonPerDay.min}–${r.messagesPerPersonPerDay.max}`),
        ],
        ['starting the lifecycles', ...results.map((r) => s(r.startMs))],
        ['sample slept until 08:00', ...results.map((r) => `${r.sampleOnTimer} of ${r.sample}`)],
      ],
    ),
);
