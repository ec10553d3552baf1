/**
 * Krasch: a month of reminders while the worker process is killed with SIGKILL at random points
 * and started again each time. The messages that should have gone out are worked out apart from
 * the run, from the pure schedule() and the test organisation; the SMTP sink counts what arrived
 * by the delivery key in each message's Message-ID.
 *
 * A kill inside the lifecycle's deliver activity costs two minutes of real time here: the
 * time-skipping server does not move its clock while an activity is open, so the dead attempt
 * waits out its 2-minute timeout on the wall clock. The month therefore aims its random kills at
 * moments when no deliver is open (at night, and from 08:04, when the digests send), and one kill
 * inside a deliver runs on a second server beside the month, where its two minutes cost no extra
 * wall time.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, schedule, stockholmInstant } from '../../src/calendar';
import { deliveryKey } from '../../src/delivery/key';
import { lifecycleWorkflowId } from '../../src/domain/workflow-ids';
import type { Rules } from '../../src/rules';
import { prebundleWorkflows } from '../../src/worker/bundle';
import { stateQuery, timelineQuery, type LifecycleActivity } from '../../src/lifecycle';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import type { personDigest } from '../../src/digest';
import { timeSkippingEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { DeliveryHarness, testOrganisation, testRulesFile } from '../helpers/delivery';
import { startHoldingSmtp, type HoldingSmtp } from '../delivery/servers';
import { isAlive, killProcess, spareWorkerProcess, startWorkerProcess, until } from '../digest/fixtures/worker-process';
import { recordReliability } from './record';

/** Fixed, so a failure can be run again as it was; CRASH_SEED tries another. */
const SEED = Number(process.env.CRASH_SEED ?? 20231001);
const ACTIVITIES = 24;
const KILLS = 14;
const FIRST_DAY = '2023-10-01';
const LAST_DAY = '2023-10-31';
const IMPORTED_AT = `${FIRST_DAY}T00:30:00+02:00`;
const END = stockholmInstant(LAST_DAY, '12:00');

/** Who each recipient is in TEST_ORGANISATION: the enhetschef of the unit, and the ladder. */
const ENHETSCHEF: Record<string, string> = { u1: 'pia-chef', u2: 'olle-chef' };
const LADDER: Record<string, string> = { avdelningschef: 'ada-avd', forvaltningschef: 'frida-chef' };

/** mulberry32: a small seeded PRNG, so the kill moments are the same on every run of a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ExpectedDigest {
  personId: string;
  date: string;
  /** Digest item ids: `<lifecycle id>/<event key>`. */
  items: string[];
  key: string;
}

const emailKey = (personId: string, date: string) =>
  deliveryKey(digestWorkflowId(personId, date), 'digest', personId, date, 'email');
const keyOf = (messageId: string) => /^<([^@]+)@/.exec(messageId)?.[1] ?? messageId;

/** The digests the month implies, by digest workflow id: every event up to END, per person and day. */
function expectedDigests(activities: LifecycleActivity[], rules: Rules): Map<string, ExpectedDigest> {
  const digests = new Map<string, ExpectedDigest>();
  const start = new Date(IMPORTED_AT).toISOString();
  for (const activity of activities) {
    for (const e of schedule({ activity, rules, state: { sent: [], since: start }, now: start, horizon: END })) {
      const personId = e.to === 'owners' ? ENHETSCHEF[activity.unit!]! : LADDER[e.to]!;
      const id = digestWorkflowId(personId, e.localDate);
      let d = digests.get(id);
      if (!d) digests.set(id, (d = { personId, date: e.localDate, items: [], key: emailKey(personId, e.localDate) }));
      d.items.push(`${lifecycleWorkflowId(activity.id)}/${e.key}`);
    }
  }
  return digests;
}

/**
 * Where a kill is aimed. `night`: idle, every workflow waiting on a timer. `digests`: a random
 * moment in the morning's sending (digest workflow tasks, sendDigest, SMTP, ledger). `data`: while
 * the relay holds an SMTP DATA unanswered. `accepted`: after the relay's 250 and the ledger write,
 * before Temporal hears the attempt finished (the fixture's PAUSE_FILE).
 */
type Kill =
  { mode: 'night'; time: string } | { mode: 'digests'; afterMs: number } | { mode: 'data' } | { mode: 'accepted' };

/** One time-skipping server with its SMTP sink and a worker process's settings. */
interface Rig {
  env: TestWorkflowEnvironment;
  smtp: HoldingSmtp;
  h: DeliveryHarness;
  settings: Record<string, string>;
}

async function startRig(taskQueue: string): Promise<Rig> {
  const env = await timeSkippingEnv();
  const smtp = await startHoldingSmtp();
  const h = new DeliveryHarness(env, { channelsEnv: {}, rules: await testRulesFile(), taskQueue });
  await h.start({ worker: false });
  const settings = {
    TEMPORAL_ADDRESS: env.address,
    TASK_QUEUE: taskQueue,
    SMTP_PORT: String(smtp.port),
    LEDGER_FILE: join(h.dir, 'ledger.jsonl'),
    UNDELIVERABLE_FILE: join(h.dir, 'undeliverable.jsonl'),
    PAUSE_FILE: join(h.dir, 'pause'),
  };
  return { env, smtp, h, settings };
}

const rigs: Rig[] = [];
const children: ChildProcess[] = [];
let bundle: string;

beforeAll(async () => {
  rigs.push(...(await Promise.all([startRig('crash-month'), startRig('crash-deliver')])));
  ({ codePath: bundle } = await prebundleWorkflows(join(rigs[0]!.h.dir, 'workflow-bundle.js')));
});
afterAll(async () => {
  for (const c of children) if (isAlive(c)) c.kill('SIGKILL');
  for (const r of rigs) {
    await r.h.stop();
    await r.smtp.close();
    await r.env.teardown();
  }
});

const readText = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** The month under random kills; returns what the row reports. Asserts as it goes. */
async function month(rig: Rig, row: { result: string }) {
  const { env, smtp, h } = rig;
  const began = Date.now();
  const random = prng(SEED);

  // Activities with deadlines spread over October, half in each unit, under the shipped reminders
  // (20, 5, 1, 0 working days before), overdue reminders and the escalation ladder.
  const rules = await testRules();
  const activities = Array.from({ length: ACTIVITIES }, (_, i) =>
    makeActivity({
      id: `krasch-${i + 1}`,
      text: `Aktivitet ${i + 1}`,
      deadline: addDays(FIRST_DAY, 1 + Math.floor(random() * 30)),
      unit: i % 2 === 0 ? 'u1' : 'u2',
    }),
  );
  const expected = expectedDigests(activities, rules);

  const digestDays = [...new Set([...expected.values()].map((d) => d.date))];
  for (let i = digestDays.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [digestDays[i], digestDays[j]] = [digestDays[j]!, digestDays[i]!];
  }
  const plan = new Map<string, Kill>();
  for (const day of digestDays.slice(0, KILLS)) {
    const x = random();
    const minute = 30 + Math.floor(random() * 420);
    const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    // A morning's sending (from 08:05) takes some hundred ms of real time here.
    plan.set(
      day,
      x < 0.2
        ? { mode: 'night', time }
        : x < 0.45
          ? { mode: 'data' }
          : x < 0.7
            ? { mode: 'accepted' }
            : { mode: 'digests', afterMs: Math.floor(random() * 600) },
    );
  }

  const spareWorker = () =>
    spareWorkerProcess({ ...rig.settings, WORKFLOW_BUNDLE: bundle }).then((w) => (children.push(w.child), w));
  let spare = spareWorker();
  let worker = await (await spare).start();
  spare = spareWorker();
  let timeShiftMs = 0;
  for (const a of activities) ({ timeShiftMs } = await h.launch(a, IMPORTED_AT, rules));

  let postponed = 0;
  /**
   * SIGKILL, but never between the end of an SMTP DATA and the ledger write: a relay that has the
   * whole message delivers it even if the client dies before it reads the 250, and the retry then
   * sends it again under the same Message-ID (SMTP's own duplicate window, RFC 1047; send.ts leaves
   * it to Exchange's duplicate detection). The check reads the sink and the ledger, and the kill
   * goes in the same tick, so no DATA can complete in between.
   */
  const crash = async () => {
    const windowClosed = () => {
      if (smtp.receiving.size > 0) return false;
      const ledger = readText(rig.settings.LEDGER_FILE!);
      return smtp.accepted.every((m) => ledger.includes(keyOf(m.messageId)));
    };
    if (!windowClosed()) postponed++;
    await killProcess(worker.child, windowClosed);
    await until('the dead worker’s SMTP sessions to close', () => smtp.discarded.length === smtp.held.length);
    smtp.state.hold = false;
    rmSync(rig.settings.PAUSE_FILE!, { force: true });
    worker = await (await spare).start();
    spare = spareWorker();
  };

  const kills: string[] = [];
  for (let day = FIRST_DAY; day <= LAST_DAY; day = addDays(day, 1)) {
    const kill = plan.get(day);
    let where = '';
    if (kill?.mode === 'night') {
      await h.sleepUntil(stockholmInstant(day, kill.time), timeShiftMs);
      where = `idle at ${kill.time}`;
      await crash();
    }
    // The morning's deliver activities are done once the clock has passed 08:00 (the server
    // does not move its clock while an activity is open); the digests send at 08:05.
    if (kill?.mode === 'digests') await h.sleepUntil(stockholmInstant(day, '08:04'), timeShiftMs);
    if (kill?.mode === 'data') smtp.state.hold = true;
    if (kill?.mode === 'accepted') writeFileSync(rig.settings.PAUSE_FILE!, '');
    const held = smtp.held.length;
    let dayDone = false;
    const step = h.sleepUntil(stockholmInstant(day, '12:00'), timeShiftMs).then(() => (dayDone = true));
    if (kill?.mode === 'data') {
      await until(`a DATA on ${day}`, () => dayDone || smtp.held.length > held, 120_000);
      where = smtp.held.length > held ? 'SMTP DATA held unanswered' : 'day done before any DATA';
    } else if (kill?.mode === 'accepted') {
      await until(`a sent digest on ${day}`, () => dayDone || worker.lines.some((l) => l.startsWith('SENT ')), 120_000);
      where = dayDone ? 'day done before any send' : 'after the 250 and the ledger, before Temporal heard';
    } else if (kill?.mode === 'digests') {
      const at = Date.now() + kill.afterMs;
      await until(`${kill.afterMs} ms into ${day}`, () => dayDone || Date.now() >= at, 120_000);
      where = dayDone
        ? `morning's sends done before ${kill.afterMs} ms`
        : `${kill.afterMs} ms into the morning's sends`;
    }
    if (kill && kill.mode !== 'night') await crash();
    if (kill) kills.push(`${day} ${where}`);
    await step;
  }
  console.log(
    `crash test, month: ${kills.length} kills (${postponed} waited for a DATA or a ledger write to finish), ${Math.round((Date.now() - began) / 1000)} s\n  ${kills.join('\n  ')}`,
  );
  expect(kills).toHaveLength(KILLS);

  // At the sink: each expected key exactly once, to the right person, and nothing else.
  const email = new Map(testOrganisation().people.map((p) => [p.id, p.email]));
  const arrivals = new Map<string, string[]>();
  for (const m of smtp.accepted) arrivals.set(keyOf(m.messageId), [...(arrivals.get(keyOf(m.messageId)) ?? []), m.to]);
  const expectedKeys = new Map([...expected.values()].map((d) => [d.key, d]));
  const missing = [...expectedKeys.keys()].filter((k) => !arrivals.has(k));
  const duplicates = [...arrivals].filter(([, to]) => to.length > 1).map(([k]) => k);
  const unexpected = [...arrivals.keys()].filter((k) => !expectedKeys.has(k));
  row.result = `${smtp.accepted.length} meddelanden (${expected.size} väntade); ${missing.length} saknas, ${duplicates.length} dubbletter, ${unexpected.length} oväntade`;
  const name = (k: string) =>
    expectedKeys.has(k) ? `${expectedKeys.get(k)!.personId} ${expectedKeys.get(k)!.date}` : k;
  expect({ missing: missing.map(name), duplicates: duplicates.map(name), unexpected }).toEqual({
    missing: [],
    duplicates: [],
    unexpected: [],
  });
  for (const [key, to] of arrivals) expect(to, key).toEqual([email.get(expectedKeys.get(key)!.personId)]);
  expect(readText(rig.settings.LEDGER_FILE!).trim().split('\n')).toHaveLength(expected.size);
  expect(readText(rig.settings.UNDELIVERABLE_FILE!).trim()).toBe('');

  // Every digest closed as sent, by email, with exactly the items the schedule implies.
  for (const [id, d] of expected) {
    const o = await h.deps.client.workflow.getHandle<typeof personDigest>(id).result();
    expect({
      id,
      phase: o.phase,
      channel: o.channel,
      key: o.key,
      items: [...o.itemIds].sort(),
      forwarded: o.forwarded,
    }).toEqual({
      id,
      phase: 'sent',
      channel: 'email',
      key: d.key,
      items: [...d.items].sort(),
      forwarded: 0,
    });
  }

  // Every lifecycle still running, overdue exactly when its deadline has passed, and its
  // timeline holds each event of the month once.
  for (const a of activities) {
    const handle = env.client.workflow.getHandle(lifecycleWorkflowId(a.id));
    expect((await handle.describe()).status.name, a.id).toBe('RUNNING');
    const state = await handle.query(stateQuery);
    expect({ id: a.id, overdue: state.overdue, status: state.status }).toEqual({
      id: a.id,
      overdue: a.deadline! < LAST_DAY,
      status: undefined,
    });
    const sent = (await handle.query(timelineQuery)).flatMap((t) =>
      t.type === 'sent' ? [`${handle.workflowId}/${t.event.key}`] : [],
    );
    const want = [...expected.values()].flatMap((d) => d.items.filter((i) => i.startsWith(`${handle.workflowId}/`)));
    expect(sent.sort(), a.id).toEqual(want.sort());
  }

  const count = (mode: Kill['mode']) => [...plan.values()].filter((k) => k.mode === mode).length;
  return {
    kills: kills.length,
    breakdown: `${count('data')} mitt i SMTP DATA, ${count('accepted')} efter 250 men före Temporal, ${count('digests')} under morgonens utskick, ${count('night')} i vila`,
    messages: smtp.accepted.length,
    expected: expected.size,
    discarded: smtp.discarded.length,
  };
}

/**
 * A kill after the lifecycle's deliver has handed its items to the digest but before Temporal
 * heard it finished (the fixture's PAUSE_ACTIVITY=deliver): the retried deliver hands the same
 * items again, and the digest must take each once and send one message.
 */
async function killInsideDeliver(rig: Rig) {
  const { env, smtp, h } = rig;
  const began = Date.now();
  const settings = { ...rig.settings, WORKFLOW_BUNDLE: bundle, PAUSE_ACTIVITY: 'deliver' };
  writeFileSync(rig.settings.PAUSE_FILE!, '');
  const first = await startWorkerProcess(settings);
  children.push(first.child);
  const day = '2023-10-10';
  const rules = await testRules({ reminders: { beforeDeadline: [0] } });
  const launched: Awaited<ReturnType<DeliveryHarness['launch']>>[] = [];
  for (const id of ['leverans-1', 'leverans-2'])
    launched.push(await h.launch(makeActivity({ id, deadline: day, unit: 'u1' }), `${day}T00:30:00+02:00`, rules));
  const step = h.sleepUntil(stockholmInstant(day, '12:00'), launched[0]!.timeShiftMs);
  await until('a deliver that handed its items on', () => first.lines.some((l) => l.startsWith('DELIVERED ')), 120_000);
  await killProcess(first.child);
  rmSync(rig.settings.PAUSE_FILE!);
  children.push((await startWorkerProcess(settings)).child);
  // About two minutes: the dead attempt times out on the server's clock, which stands still
  // meanwhile. A sleep call blocked that long carries only keepalive pings, and the test server
  // drops such a connection after about 90 s (too_many_pings); the SDK then retries the cut sleep,
  // and the run hung. A call every 10 s keeps the connection busy.
  const keepBusy = setInterval(() => void env.currentTimeMs().catch(() => undefined), 10_000);
  try {
    await step;
  } finally {
    clearInterval(keepBusy);
  }
  console.log(
    `crash test, deliver: killed after ${first.lines.find((l) => l.startsWith('DELIVERED '))}, ${Math.round((Date.now() - began) / 1000)} s`,
  );

  expect(smtp.accepted.map((m) => keyOf(m.messageId))).toEqual([emailKey('pia-chef', day)]);
  const o = await h.deps.client.workflow.getHandle<typeof personDigest>(digestWorkflowId('pia-chef', day)).result();
  const items = launched.map((l) => `${l.handle.workflowId}/deadline:${day}`);
  expect({ phase: o.phase, items: o.items, ids: [...o.itemIds].sort(), forwarded: o.forwarded }).toEqual({
    phase: 'sent',
    items: 2,
    ids: items,
    forwarded: 0,
  });
  for (const { handle } of launched) {
    const sent = (await handle.query(timelineQuery)).flatMap((t) => (t.type === 'sent' ? [t.event.key] : []));
    expect(sent, handle.workflowId).toEqual([`deadline:${day}`]);
  }
  return { messages: smtp.accepted.length };
}

describe('reliability: crash', () => {
  it('Krasch: arbetaren dödas med SIGKILL (worker killed)', { timeout: 300_000 }, async () => {
    await recordReliability(
      {
        id: '01-crash',
        test: 'Krasch: arbetaren dödas med SIGKILL (worker killed)',
        file: 'test/reliability/crash.test.ts',
      },
      async (r) => {
        const began = Date.now();
        console.log(`crash test: seed ${SEED} (CRASH_SEED to change)`);
        r.size = `${KILLS + 1} SIGKILL: ${KILLS} över en simulerad månad (2023-10, ${ACTIVITIES} aktiviteter, 4 mottagare), 1 mitt i en leverans`;
        const [m, d] = await Promise.all([month(rigs[0]!, r), killInsideDeliver(rigs[1]!)]);
        r.size = `${m.kills + 1} SIGKILL: ${m.kills} över en simulerad månad (2023-10, ${ACTIVITIES} aktiviteter, 4 mottagare; ${m.breakdown}), 1 mitt i en leverans`;
        r.result = `${m.messages + d.messages} meddelanden (${m.expected} + 1 väntade), alla exakt en gång; 0 saknas, 0 dubbletter; ${m.discarded} SMTP-sessioner avbrutna mitt i DATA`;
        console.log(`crash test: ${r.result}; ${Math.round((Date.now() - began) / 1000)} s`);
      },
    );
  });
});
