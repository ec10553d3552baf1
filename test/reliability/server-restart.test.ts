/**
 * Serveromstart: the embedded default (the Temporal CLI's dev server on a SQLite file) is stopped
 * in the middle of a run three times (SIGTERM, SIGKILL, and SIGKILL while messages go out) and
 * started again on the same file and port. One worker, started once, runs the real
 * activityLifecycle and personDigest workflows and delivers through the real channel path
 * (ChannelDelivery → personDigest → sendDigest → nodemailer) to an SMTP server the test owns.
 *
 * The dev server runs on the wall clock, so each wave of lifecycles gets a `timeShiftMs` that puts
 * its 08:00 reminder a few seconds of real time after its start: the property under test is the
 * restart, not the calendar, and the shift is how `planvakt simulate` and the delivery benchmark
 * also run 2023 plans today. The server is down across that instant, so the timers fall due while
 * nobody can fire them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../src/worker/activities';
import { ChannelDelivery, type DigestDeps } from '../../src/digest';
import {
  lifecycleStart,
  acknowledge,
  nextEventQuery,
  reportStatus,
  stateQuery,
  timelineQuery,
  type Reporter,
  activityLifecycle,
} from '../../src/lifecycle';
import { channelsFromEnv, closeChannels } from '../../src/delivery/channels';
import { FileDeliveryLedger } from '../../src/delivery/ledger';
import { readUndeliverableFile, UndeliverableLog } from '../../src/delivery/undeliverable';
import { OrganisationSchema } from '../../src/organisation/schema';
import { temporalCliPath } from '../../src/temporal/binaries';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { workflowsPath } from '../../src/worker';
import { digestStateQuery } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { startSmtp, type TestSmtp } from '../delivery/servers';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { testRulesFile } from '../helpers/delivery';
import { freePort } from '../helpers/ports';
import { until } from '../digest/fixtures/worker-process';
import { recordReliability } from './record';

/** One activity per person and wave: each person's digest of a day then holds exactly one item. */
const PEOPLE = 6;
const TASK_QUEUE = 'reliability-restart';
const NAMESPACE = 'planvakt';
/** Real time from a wave's start to its 08:00: its first workflow tasks and one server stop fit well inside. */
const LEAD_MS = 12_000;
/**
 * A and B: the server stops before the wave's 08:00 and is down while its timers fall due.
 * C: SIGKILL as the first message of the wave has gone out, with the rest of the deliveries (and
 * their completions) in flight, and an immediate restart.
 */
const WAVES = [
  { name: 'A', day: '2023-09-05', stop: 'SIGTERM', when: 'beforeDue' },
  { name: 'B', day: '2023-09-12', stop: 'SIGKILL', when: 'beforeDue' },
  { name: 'C', day: '2023-09-19', stop: 'SIGKILL', when: 'whileSending' },
] as const;

const person = (i: number) => ({
  id: `p${i}`,
  name: `Person ${i}`,
  email: `p${i}@restart.test`,
  roles: [{ role: 'enhetschef' as const, unit: `u${i}` }],
});
const organisation = OrganisationSchema.parse({
  forvaltning: { id: 'restart', name: 'Omstartsby stadsdelsförvaltning' },
  departments: [
    {
      id: 'stadsutveckling',
      name: 'Avdelning stadsutveckling',
      units: Array.from({ length: PEOPLE }, (_, i) => ({ id: `u${i}`, name: `Enhet ${i}` })),
    },
  ],
  people: [
    { id: 'hr', name: 'Hanna HR', email: 'hr@restart.test', roles: [{ role: 'hr', department: 'stadsutveckling' }] },
    ...Array.from({ length: PEOPLE }, (_, i) => person(i)),
  ],
});
const reporter = (i: number): Reporter => ({ personId: `p${i}`, name: `Person ${i}`, roles: ['enhetschef'] });

let dir: string;
let port: number;
let uiPort: number;
let server: DevServer | undefined;
let smtp: TestSmtp;
let connection: Connection;
let client: Client;
let deps: DigestDeps;
let worker: Worker;
let running: Promise<void>;
let workerSettled: string | undefined;

const startServer = () =>
  startDevServer({
    cliPath: temporalCliPath(),
    dbFile: join(dir, 'temporal.sqlite'),
    logFile: join(dir, 'temporal.log'),
    namespace: NAMESPACE,
    port,
    uiPort,
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planvakt-restart-'));
  [port, uiPort] = [await freePort(), await freePort()];
  server = await startServer();
  smtp = await startSmtp();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: NAMESPACE });
  const rules = await testRulesFile({
    preferredChannel: 'email',
    fallbackChannel: 'none',
    digest: true,
    gatherMinutes: 0,
  });
  deps = {
    client,
    taskQueue: TASK_QUEUE,
    organisation: { load: async () => organisation },
    rules: async () => rules,
    channels: channelsFromEnv({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Planvakt <planvakt@restart.test>',
    }),
    ledger: await FileDeliveryLedger.open(join(dir, 'ledger.jsonl')),
    undeliverable: await UndeliverableLog.open(join(dir, 'undeliverable.jsonl')),
    baseUrl: 'http://planvakt.test',
  };
  worker = await Worker.create({
    connection: await NativeConnection.connect({ address: server.address }),
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    workflowsPath,
    activities: createActivities({ delivery: new ChannelDelivery(deps), digest: deps }),
  });
  running = worker.run().then(
    () => void (workerSettled = 'stopped'),
    (e: Error) => void (workerSettled = `failed: ${e.message}`),
  );
});

afterAll(async () => {
  if (worker && worker.getState() === 'RUNNING') {
    worker.shutdown();
    await running;
  }
  if (deps) await closeChannels(deps.channels);
  await connection?.close();
  await server?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Wave {
  handles: WorkflowHandle<typeof activityLifecycle>[];
  /** Real instant of the wave's 08:00 plan time, and the shift that puts it there. */
  eventAt: number;
  shift: number;
}

/** One lifecycle per person, due on `day`, whose on-the-day reminder falls LEAD_MS from now. */
async function launchWave(name: string, day: string): Promise<Wave> {
  // Klar final at once (no "Ångra" time): on this real-time server the test waits for Klar to end a lifecycle.
  const rules = await testRules({ reminders: { beforeDeadline: [0] }, checkin: { undoKlarMinutes: 0 } });
  const eventAt = Date.now() + LEAD_MS;
  const shift = Date.parse(`${day}T08:00:00+02:00`) - eventAt;
  const handles = [];
  for (let i = 0; i < PEOPLE; i++) {
    const activity = makeActivity({
      id: `restart-${name}-${i}`,
      deadline: day,
      unit: `u${i}`,
      text: `Aktivitet ${name}${i}`,
    });
    handles.push(
      await client.workflow.start(
        activityLifecycle,
        lifecycleStart({ activity, rules, rulesVersion: 'restart', timeShiftMs: shift }, TASK_QUEUE, new Date()),
      ),
    );
  }
  // A query answers only once the first workflow task has run, which fixes `since` before 08:00.
  for (const h of handles) expect((await h.query(stateQuery)).activity.id).toMatch(/^restart-/);
  return { handles, eventAt, shift };
}

type Mail = TestSmtp['mails'][number];
/** The wave and person a mail is about, by the activity it lists (`■ Aktivitet A3`). */
const aboutOf = (m: Mail) => /■ Aktivitet ([A-Z])(\d+)/.exec(m.text ?? '');
const mailsOf = (wave: string) => smtp.mails.filter((m) => aboutOf(m)?.[1] === wave);
const addressesOf = (m: Mail) =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((t) => t.value.map((v) => v.address));

async function lifecycleIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({
    query: `WorkflowType = 'activityLifecycle' AND TaskQueue = '${TASK_QUEUE}'`,
  }))
    ids.push(w.workflowId);
  return ids.sort();
}

/** Every digest of the wave's day closed as sent, and every lifecycle past its 08:00: nothing more can go out today. */
async function waveSettled(wave: Wave, day: string): Promise<boolean> {
  for (let i = 0; i < PEOPLE; i++) {
    const d = await client.workflow
      .getHandle(digestWorkflowId(`p${i}`, day))
      .describe()
      .catch(() => undefined);
    if (d?.status.name !== 'COMPLETED') return false;
  }
  for (const h of wave.handles) {
    const d = await h.describe();
    if (d.status.name !== 'RUNNING') continue;
    const next = await h.query(nextEventQuery);
    if (next && Date.parse(next.at) <= Date.now() + wave.shift) return false;
  }
  return true;
}

describe('Serveromstart: the dev server (SQLite) stopped and started in the middle of a run', () => {
  it(
    'SIGTERM and SIGKILL of the server: the same workflows, late timers fire, one message each, updates accepted after each restart',
    { timeout: 600_000 },
    async () => {
      await recordReliability(
        {
          id: '02-server-restart',
          test: 'Serveromstart: dev-servern (SQLite) stoppas och startas mitt i en körning (dev server restarted mid-run)',
          file: 'test/reliability/server-restart.test.ts',
        },
        async (r) => {
          r.size = `${WAVES.length} omstarter (SIGTERM och SIGKILL före förfallotid, SIGKILL mitt i utskicket), ${WAVES.length * PEOPLE} arbetsflöden, ${PEOPLE} personer`;
          const downtimes: number[] = [];
          const latencies: number[] = [];
          let accepted = 0;
          let sentAtKill = 0;
          const waves: Wave[] = [];

          for (const [w, spec] of WAVES.entries()) {
            const wave = await launchWave(spec.name, spec.day);
            waves.push(wave);
            const before = smtp.mails.length;

            let stoppedAt: number;
            if (spec.when === 'beforeDue') {
              stoppedAt = Date.now();
              if (spec.stop === 'SIGTERM') await server!.stop();
              else await server!.kill();
              // Otherwise the timers might have fired before the stop, and nothing would be proved.
              expect(Date.now(), `the server stopped before the ${spec.day} 08:00 timers fell due`).toBeLessThan(
                wave.eventAt,
              );
              // Down across the instant the timers fall due; the wall clock is the dev server's only clock.
              await new Promise((resolve) => setTimeout(resolve, wave.eventAt + 1_000 - Date.now()));
              expect(smtp.mails.length).toBe(before);
            } else {
              await until(`${spec.day}: the first message`, () => mailsOf(spec.name).length > 0, 60_000);
              stoppedAt = Date.now();
              await server!.kill();
              sentAtKill = mailsOf(spec.name).length;
            }
            // Nothing can be handled before the new process starts; it fires due timers as soon as it is up.
            const startingAt = Date.now();
            server = await startServer();
            const restartedAt = Date.now();
            downtimes.push(restartedAt - stoppedAt);

            // The same workflows are there: every lifecycle started so far, in visibility and by describe.
            const expected = waves.flatMap((x) => x.handles.map((h) => h.workflowId)).sort();
            // Visibility is written behind the history: allow it to catch up after a restart.
            await until(
              'every lifecycle in visibility',
              async () => JSON.stringify(await lifecycleIds()) === JSON.stringify(expected),
              30_000,
            );
            for (const h of waves.flatMap((x) => x.handles)) {
              expect(['RUNNING', 'COMPLETED']).toContain((await h.describe()).status.name);
            }

            // The worker, never restarted, picks the fired timers up and each person gets one message.
            await until(`${spec.day}: ${PEOPLE} messages`, () => mailsOf(spec.name).length >= PEOPLE, 200_000);
            latencies.push(Date.now() - startingAt);
            await until(`${spec.day}: digests closed and lifecycles idle`, () => waveSettled(wave, spec.day), 200_000);
            expect(worker.getState()).toBe('RUNNING');
            expect(workerSettled).toBeUndefined();

            for (let i = 0; i < PEOPLE; i++) {
              const sent = (await wave.handles[i]!.query(timelineQuery)).filter((t) => t.type === 'sent');
              expect(sent.length).toBeGreaterThan(0);
              // The timer fell due while the server was down and was handled after it came back.
              if (spec.when === 'beforeDue')
                for (const t of sent) expect(Date.parse(t.at) - wave.shift).toBeGreaterThanOrEqual(startingAt);
              expect(sent.every((t) => t.type === 'sent' && t.recipients.join() === `Person ${i}`)).toBe(true);
              const digest = await client.workflow
                .getHandle(digestWorkflowId(`p${i}`, spec.day))
                .query(digestStateQuery);
              expect(digest).toMatchObject({ phase: 'sent', channel: 'email', forwarded: 0 });
              expect(digest.items.map((x) => x.activityText)).toEqual([`Aktivitet ${spec.name}${i}`]);
            }

            // Updates and signals after the restart: validated, applied and visible in the query.
            const h = wave.handles;
            const views = [
              await h[0]!.executeUpdate(reportStatus, {
                args: [{ reporter: reporter(0), status: 'done', comment: 'Klart efter omstart' }],
              }),
              await h[1]!.executeUpdate(reportStatus, {
                args: [{ reporter: reporter(1), status: 'inProgress', comment: `Pågår ${spec.name}` }],
              }),
              await h[2]!.executeUpdate(reportStatus, {
                args: [{ reporter: reporter(2), status: 'late', proposedDate: '2023-12-01' }],
              }),
            ];
            expect(views.map((v) => v.status)).toEqual(['done', 'inProgress', 'late']);
            // The validator still runs: HR is neither owner nor manager in the line.
            const refused = await h[3]!
              .executeUpdate(reportStatus, {
                args: [{ reporter: { personId: 'hr', name: 'Hanna HR', roles: ['hr'] }, status: 'done' }],
              })
              .catch((e: Error) => e);
            expect(String((refused as Error & { cause?: Error }).cause?.message)).toMatch(/varken ansvarig/);
            for (let i = 3; i < PEOPLE; i++) await h[i]!.signal(acknowledge, { by: `p${i}` });
            accepted += 3 + (PEOPLE - 3);
            expect(await h[0]!.result()).toMatchObject({ result: 'done' });
            expect((await h[1]!.query(stateQuery)).comment).toBe(`Pågår ${spec.name}`);
            expect((await h[2]!.query(stateQuery)).proposedDate).toBe('2023-12-01');
            await until('the acknowledgements', async () => {
              for (let i = 3; i < PEOPLE; i++) if (!(await h[i]!.query(stateQuery)).acknowledgedAt) return false;
              return true;
            });
            if (w > 0) {
              // What the earlier waves reported before this (harder) stop is still there.
              const a = waves[0]!.handles;
              expect((await a[0]!.describe()).status.name).toBe('COMPLETED');
              expect(await a[1]!.query(stateQuery)).toMatchObject({ status: 'inProgress', comment: 'Pågår A' });
              expect((await a[2]!.query(stateQuery)).status).toBe('late');
              expect((await a[3]!.query(stateQuery)).acknowledgedAt).toBeTruthy();
            }
          }

          // Exactly once: one mail per person and day, one Message-ID (= delivery key) each, matching the ledger.
          for (const spec of WAVES) {
            const mails = mailsOf(spec.name);
            expect(mails).toHaveLength(PEOPLE);
            // Each to the owner of the activity it names, and every owner once.
            for (const m of mails) expect(addressesOf(m)).toEqual([`p${aboutOf(m)![2]}@restart.test`]);
            expect(new Set(mails.map((m) => aboutOf(m)![2])).size).toBe(PEOPLE);
          }
          expect(smtp.mails).toHaveLength(WAVES.length * PEOPLE);
          expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
          const ledger = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').trim().split('\n');
          expect(ledger).toHaveLength(WAVES.length * PEOPLE);
          expect(await readUndeliverableFile(join(dir, 'undeliverable.jsonl'))).toEqual([]);

          r.result =
            `alla ${WAVES.length * PEOPLE} arbetsflöden återfanns efter varje omstart; ${WAVES.filter((x) => x.when === 'beforeDue').length * PEOPLE} timrar som föll ut under avbrotten ` +
            `avfyrades efter omstart; SIGKILL när ${sentAtKill} av ${PEOPLE} meddelanden var ute; ${smtp.mails.length} meddelanden, alla exakt en gång; ${accepted} uppdateringar/signaler efter omstart godtagna; ` +
            `workern återansluten utan omstart; nere ${downtimes.map((d) => `${(d / 1000).toFixed(1)} s`).join(' / ')}, ` +
            `alla meddelanden framme ${latencies.map((l) => `${(l / 1000).toFixed(1)} s`).join(' / ')} efter omstarten`;
        },
      );
    },
  );
});
