/**
 * Avbrott: the SMTP relay refuses connections for an hour and Graph answers 503 and 429, while
 * the real lifecycle and personDigest workflows deliver on the time-skipping server through the
 * real channels (nodemailer to an SMTP server, Graph over HTTP) to servers the test owns.
 *
 * Each scenario is one day of four people with eight activities due that day: Pia (email and
 * Teams, 3 activities), Olle (email only, 2), Ada (email and Teams, 2) and Frida (email only, 1).
 * Every person's digest must arrive exactly once, by the channel expected, and nothing may end in
 * the undeliverable log unless the scenario says why. A message whose budget runs out during the
 * outage is surfaced (log and HR) and still arrives once the relay is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readUndeliverableFile } from '../../src/delivery/undeliverable';
import type { RoleRef } from '../../src/domain/vocabulary';
import type { Delivery } from '../../src/rules';
import { digestStateQuery, type DigestView, type PersonalChannel } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { DeliveryHarness, startFaultyGraph, testRulesFile } from '../helpers/delivery';
import { recordHistories } from '../helpers/histories';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { timeSkippingEnv } from '../helpers/temporal';
import { startSmtp, type TestSmtp } from '../delivery/servers';
import { recordReliability } from './record';

interface Person {
  id: string;
  email: string;
  /** Teams UPN in the test organisation; absent: email is the person's only channel. */
  upn?: string;
  owner: RoleRef;
  unit?: string;
  activities: number;
}
const PEOPLE: Person[] = [
  {
    id: 'pia-chef',
    email: 'pia@testby.se',
    upn: 'pia@testby.se',
    owner: { role: 'enhetschef', raw: 'Enhetschef' },
    unit: 'u1',
    activities: 3,
  },
  {
    id: 'olle-chef',
    email: 'olle@testby.se',
    owner: { role: 'enhetschef', raw: 'Enhetschef' },
    unit: 'u2',
    activities: 2,
  },
  {
    id: 'ada-avd',
    email: 'ada@testby.se',
    upn: 'ada@testby.se',
    owner: { role: 'avdelningschef', raw: 'Avdelningschef' },
    activities: 2,
  },
  {
    id: 'frida-chef',
    email: 'frida@testby.se',
    owner: { role: 'forvaltningschef', raw: 'Förvaltningschef' },
    activities: 1,
  },
];
const HR_EMAIL = 'hugo@testby.se';

let env: TestWorkflowEnvironment;
let graph: Awaited<ReturnType<typeof startFaultyGraph>>;
/** Every SMTP server that has listened on the relay's port, in order: closing one is the outage. */
const relays: TestSmtp[] = [];
let relayUp = false;
let h: DeliveryHarness;
/** Simulated time of the Graph request being answered, and of every request by its number. */
let graphNow = 0;
const graphTimes = new Map<number, number>();

const relay = () => relays.at(-1)!;
const allMails = () => relays.flatMap((s) => s.mails);
const addressesOf = (m: TestSmtp['mails'][number]) =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((t) => t.value.map((v) => v.address));

async function relayDown() {
  await relay().close();
  relayUp = false;
}
async function relayBack() {
  relays.push(await startSmtp(undefined, relay().port));
  relayUp = true;
}

beforeAll(async () => {
  env = await timeSkippingEnv();
  graph = await startFaultyGraph();
  relays.push(await startSmtp());
  relayUp = true;
  h = new DeliveryHarness(env, {
    channelsEnv: {
      ...graph.env,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(relay().port),
      MAIL_FROM: 'Planvakt <planvakt@testby.se>',
    },
    rules: await testRulesFile(),
    taskQueue: 'reliability-outages',
  });
  await h.start();
  graph.onRequest = async () => {
    graphNow = await env.currentTimeMs();
  };
});
afterAll(async () => {
  // Replay case for test/lifecycle/replay.test.ts: surfaced, then delivered after the outage (the patched path).
  if (h) await recordHistories(env.client, [digestWorkflowId('olle-chef', '2023-10-17')]);
  await h?.stop();
  await graph?.close();
  if (relayUp) await relay().close();
  await env?.teardown();
});

/**
 * What a person's digest of the day must come to. `afterOutage`: no channel took it within the
 * budget, so it is surfaced, and then arrives by email once the relay is back.
 */
type Outcome = { channel: PersonalChannel; fallback: boolean } | { afterOutage: true };

interface Scenario {
  name: string;
  day: string;
  delivery: Partial<Delivery>;
  /** Graph's answer to the n-th request (to `user`) until the outage ends; undefined: 204 accepted. */
  graphFault?: (n: number, user: string) => { status: number; headers?: Record<string, string> } | undefined;
  smtpDown?: boolean;
  expected: Record<string, Outcome>;
}

const at = (day: string, time: string, shift: number) => Date.parse(`${day}T${time}:00+02:00`) - shift;

interface Tally {
  messages: number;
  fallback: number;
  afterOutage: number;
  hrNotices: number;
  refusedAttempts: number;
  graphFaults: number;
}

/**
 * Launches the day's eight activities, runs the outage from before 08:00 to `outageEnd` (the
 * digests send at 08:05, so 09:05 is an hour of refusals), and checks every person's message.
 */
async function run(s: Scenario, outageEnd: string, tally: Tally): Promise<void> {
  h.options.rules = await testRulesFile(s.delivery);
  const surfaced = Object.values(s.expected).filter((o) => 'afterOutage' in o).length;
  const mailMark = allMails().length;
  const graphMark = graph.requests.length;
  const rules = await testRules({ reminders: { beforeDeadline: [0] } });
  const handles = [];
  let shift = 0;
  for (const p of PEOPLE) {
    for (let k = 1; k <= p.activities; k++) {
      const activity = makeActivity({
        id: `${s.name}-${p.id}-${k}`,
        deadline: s.day,
        owners: [p.owner],
        text: `Aktivitet ${s.name} ${p.id} ${k}`,
        ...(p.unit ? { unit: p.unit } : {}),
      });
      const launched = await h.launch(activity, `${s.day}T00:30:00+02:00`, rules);
      handles.push(launched.handle);
      shift = launched.timeShiftMs;
    }
  }
  const end = at(s.day, outageEnd, shift);
  graph.state.fault = (n, user) => {
    graphTimes.set(n, graphNow);
    return graphNow < end ? s.graphFault?.(n, user) : undefined;
  };
  if (s.smtpDown) await relayDown();
  await h.sleepUntil(`${s.day}T${outageEnd}:00+02:00`, shift);

  if (s.smtpDown) {
    // An hour into the outage: every digest that tries email is still retrying a refused connection.
    for (const p of PEOPLE) {
      const d = await env.client.workflow.getHandle(digestWorkflowId(p.id, s.day)).describe();
      const o = s.expected[p.id]!;
      if ('channel' in o && o.channel === 'email') {
        const pending = d.raw.pendingActivities ?? [];
        expect(pending, `${s.name}: ${p.id} still sending`).toHaveLength(1);
        expect(pending[0]!.attempt ?? 0, `${s.name}: ${p.id} attempts`).toBeGreaterThanOrEqual(5);
        expect(pending[0]!.lastFailure?.message, `${s.name}: ${p.id}`).toMatch(/ECONNREFUSED/);
        tally.refusedAttempts += (pending[0]!.attempt ?? 1) - 1;
      }
      if ('afterOutage' in o) {
        // Budget spent: surfaced, and telling HR waits for the relay like everything else.
        const pending = d.raw.pendingActivities ?? [];
        expect(
          pending.map((a) => a.activityType?.name),
          `${s.name}: ${p.id} surfacing`,
        ).toEqual(['surfaceUndeliverable']);
        expect(pending[0]!.lastFailure?.message, `${s.name}: ${p.id}`).toMatch(/ECONNREFUSED/);
        expect(
          (await env.client.workflow.getHandle(digestWorkflowId(p.id, s.day)).query(digestStateQuery)).phase,
          `${s.name}: ${p.id}`,
        ).toBe('undeliverable');
      }
    }
    expect(allMails().length, `${s.name}: nothing got through the closed relay`).toBe(mailMark);
    // What reached no channel is listed at once, not only when HR can be mailed.
    const listed = (await readUndeliverableFile(h.deps.undeliverable.path)).filter((e) => e.date === s.day);
    expect(listed, `${s.name}: listed during the outage`).toHaveLength(surfaced);
    await relayBack();
  }
  await h.sleepUntil(`${s.day}T12:00:00+02:00`, shift);

  const mails = allMails().slice(mailMark);
  const accepted = graph.requests.slice(graphMark).filter((r) => r.status === 204);
  tally.graphFaults += graph.requests.slice(graphMark).filter((r) => r.status !== 204).length;
  const undeliverable = (await readUndeliverableFile(h.deps.undeliverable.path)).filter((e) => e.date === s.day);
  for (const p of PEOPLE) {
    const handle = env.client.workflow.getHandle(digestWorkflowId(p.id, s.day));
    // Closed: nothing more can go out for this person and day, so the counts below are final.
    expect((await handle.describe()).status.name, `${s.name}: ${p.id}'s digest closed`).toBe('COMPLETED');
    const view: DigestView = await handle.query(digestStateQuery);
    expect(view.items, `${s.name}: ${p.id}'s items`).toHaveLength(p.activities);
    const byEmail = mails.filter((m) => addressesOf(m).includes(p.email));
    const byTeams = accepted.filter((r) => r.user === p.upn);
    const o = s.expected[p.id]!;
    if ('afterOutage' in o) {
      expect(view, `${s.name}: ${p.id}`).toMatchObject({
        phase: 'sent',
        channel: 'email',
        deliveredAfterOutage: true,
        forwarded: 0,
      });
      // The refused relay counts as temporary, the missing Teams address as permanent.
      for (const f of view.failures)
        expect(f.temporary, `${s.name}: ${p.id} ${f.channel} failure`).toBe(f.channel === 'email');
      expect(
        view.failures.some((f) => f.channel === 'email'),
        `${s.name}: ${p.id} email failed first`,
      ).toBe(true);
      expect([byEmail.length, byTeams.length], `${s.name}: ${p.id} [email, teams] after recovery`).toEqual([1, 0]);
      for (let k = 1; k <= p.activities; k++) expect(byEmail[0]!.text).toContain(`Aktivitet ${s.name} ${p.id} ${k}`);
      expect(
        undeliverable.filter((e) => e.personId === p.id),
        `${s.name}: ${p.id} surfaced once`,
      ).toHaveLength(1);
      expect((await handle.describe()).memo, `${s.name}: ${p.id} memo`).toMatchObject({
        undeliverable: false,
        deliveredAfterOutage: true,
      });
      tally.messages += 1;
      tally.afterOutage += 1;
      continue;
    }
    expect(view, `${s.name}: ${p.id}`).toMatchObject({ phase: 'sent', channel: o.channel, forwarded: 0 });
    expect(view.failures.length > 0, `${s.name}: ${p.id} by fallback`).toBe(o.fallback);
    expect([byEmail.length, byTeams.length], `${s.name}: ${p.id} [email, teams]`).toEqual(
      o.channel === 'email' ? [1, 0] : [0, 1],
    );
    // One message, listing every activity of the person's day.
    if (o.channel === 'email')
      for (let k = 1; k <= p.activities; k++) expect(byEmail[0]!.text).toContain(`Aktivitet ${s.name} ${p.id} ${k}`);
    tally.messages += 1;
    if (o.fallback) tally.fallback += 1;
  }
  expect(undeliverable, `${s.name}: undeliverable log`).toHaveLength(surfaced);
  // HR hears of each surfaced message once, whenever the relay lets it through.
  const hr = mails.filter((m) => addressesOf(m).includes(HR_EMAIL));
  expect(hr, `${s.name}: HR notices`).toHaveLength(surfaced);
  tally.hrNotices += hr.length;
  expect(new Set(mails.map((m) => m.messageId)).size, `${s.name}: one Message-ID (delivery key) per mail`).toBe(
    mails.length,
  );
  for (const handle of handles) await handle.terminate('scenario done');
}

/** Times of each user's Graph requests in this scenario, in order. */
function timesOf(user: string, fromRequest: number): number[] {
  return graph.requests
    .slice(fromRequest)
    .filter((r) => r.user === user)
    .map((r) => graphTimes.get(r.n)!);
}
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('Avbrott: SMTP refuses connections for an hour, Graph answers 429 and 503', () => {
  it(
    'every message arrives once, after recovery or by the fallback channel; none lost',
    { timeout: 300_000 },
    async () => {
      await recordReliability(
        {
          id: '03-outages',
          test: 'Avbrott: SMTP vägrar en timme, Graph svarar 429 och 503 (SMTP down, Graph throttled)',
          file: 'test/reliability/outages.test.ts',
        },
        async (r) => {
          const tally: Tally = {
            messages: 0,
            fallback: 0,
            afterOutage: 0,
            hrNotices: 0,
            refusedAttempts: 0,
            graphFaults: 0,
          };
          const emailAll = {
            'pia-chef': { channel: 'email', fallback: false },
            'olle-chef': { channel: 'email', fallback: false },
            'ada-avd': { channel: 'email', fallback: false },
            'frida-chef': { channel: 'email', fallback: false },
          } as const;
          // Teams preferred: the people without a Teams address get email at once.
          const teamsOrEmail = {
            'pia-chef': { channel: 'teams', fallback: false },
            'olle-chef': { channel: 'email', fallback: true },
            'ada-avd': { channel: 'teams', fallback: false },
            'frida-chef': { channel: 'email', fallback: true },
          } as const;

          // 1. The relay refuses every connection for an hour; email only, a retry budget longer than the outage.
          await run(
            {
              name: 'smtp',
              day: '2023-09-05',
              smtpDown: true,
              delivery: {
                preferredChannel: 'email',
                fallbackChannel: 'none',
                retry: { fallbackAfterMinutes: 180, maxAttempts: 30 },
              },
              expected: emailAll,
            },
            '09:05',
            tally,
          );

          // 2. The same outage with Teams as fallback after 30 minutes: Pia and Ada get Teams, never a
          // second copy by email once the relay is back. Olle and Frida have no Teams address, so no
          // channel reaches them within the budget: surfaced, HR told once the relay is back, and
          // then their email goes out, once.
          await run(
            {
              name: 'smtp-teams',
              day: '2023-09-12',
              smtpDown: true,
              delivery: {
                preferredChannel: 'email',
                fallbackChannel: 'teams',
                retry: { fallbackAfterMinutes: 30, maxAttempts: 30 },
              },
              expected: {
                'pia-chef': { channel: 'teams', fallback: true },
                'olle-chef': { afterOutage: true },
                'ada-avd': { channel: 'teams', fallback: true },
                'frida-chef': { afterOutage: true },
              },
            },
            '09:05',
            tally,
          );

          // 2b. The shipped rules (Teams first, email after, an hour's budget) and the relay down for
          // an hour and a half: Pia and Ada get Teams at once; Olle's and Frida's email budget runs out
          // at 09:05 while the relay still refuses, and their messages arrive once it is back.
          await run(
            {
              name: 'smtp-shipped',
              day: '2023-10-17',
              smtpDown: true,
              delivery: {},
              expected: {
                'pia-chef': { channel: 'teams', fallback: false },
                'olle-chef': { afterOutage: true },
                'ada-avd': { channel: 'teams', fallback: false },
                'frida-chef': { afterOutage: true },
              },
            },
            '09:35',
            tally,
          );

          // 3. Graph answers 503 with Retry-After: 600 for an hour; a budget longer than that: Teams after recovery, each wait the server's.
          let mark = graph.requests.length;
          await run(
            {
              name: 'graph-503-ra',
              day: '2023-09-19',
              graphFault: () => ({ status: 503, headers: { 'retry-after': '600' } }),
              delivery: {
                preferredChannel: 'teams',
                fallbackChannel: 'email',
                retry: { fallbackAfterMinutes: 180, maxAttempts: 30 },
              },
              expected: teamsOrEmail,
            },
            '09:05',
            tally,
          );
          for (const upn of ['pia@testby.se', 'ada@testby.se']) {
            const g = gaps(timesOf(upn, mark));
            expect(g.length, `503 with Retry-After: ${upn} retried`).toBeGreaterThanOrEqual(5);
            for (const x of g) expect(x, `503 with Retry-After: ${upn}`).toBeGreaterThanOrEqual(599_000);
          }

          // 4. Graph answers 503 without Retry-After for an hour, email fallback after 30 minutes:
          // Temporal's backoff decides the waits, and everyone gets email, once.
          mark = graph.requests.length;
          await run(
            {
              name: 'graph-503',
              day: '2023-09-26',
              graphFault: () => ({ status: 503 }),
              delivery: { preferredChannel: 'teams', fallbackChannel: 'email', retry: { fallbackAfterMinutes: 30 } },
              expected: {
                ...teamsOrEmail,
                'pia-chef': { channel: 'email', fallback: true },
                'ada-avd': { channel: 'email', fallback: true },
              },
            },
            '09:05',
            tally,
          );
          for (const upn of ['pia@testby.se', 'ada@testby.se']) {
            const g = gaps(timesOf(upn, mark));
            expect(g.length, `503: ${upn} retried`).toBeGreaterThanOrEqual(3);
            // 30 s, doubling: each wait at least the one before.
            expect(g[0]!, `503: ${upn} first wait`).toBeGreaterThanOrEqual(29_000);
            for (let i = 1; i < g.length; i++)
              expect(g[i]!, `503: ${upn} backoff`).toBeGreaterThanOrEqual(g[i - 1]! * 0.9);
          }

          // 5. A 429 storm: each Teams user's first four requests answer 429 with Retry-After: 120.
          mark = graph.requests.length;
          await run(
            {
              name: 'graph-429',
              day: '2023-10-03',
              graphFault: (_n, user) =>
                graph.requests.slice(mark).filter((x) => x.user === user).length < 4
                  ? { status: 429, headers: { 'retry-after': '120' } }
                  : undefined,
              delivery: {
                preferredChannel: 'teams',
                fallbackChannel: 'email',
                retry: { fallbackAfterMinutes: 60, initialIntervalSeconds: 1 },
              },
              expected: teamsOrEmail,
            },
            '12:00',
            tally,
          );
          for (const upn of ['pia@testby.se', 'ada@testby.se']) {
            const statuses = graph.requests
              .slice(mark)
              .filter((x) => x.user === upn)
              .map((x) => x.status);
            expect(statuses, `429: ${upn}`).toEqual([429, 429, 429, 429, 204]);
            for (const x of gaps(timesOf(upn, mark)))
              expect(x, `429: ${upn} waited the Retry-After, not the 1 s backoff`).toBeGreaterThanOrEqual(119_000);
          }

          // 6. Both at once for an hour: Graph 503 and the relay refusing; Teams preferred, budget longer than the outage.
          await run(
            {
              name: 'both',
              day: '2023-10-10',
              smtpDown: true,
              graphFault: () => ({ status: 503 }),
              delivery: {
                preferredChannel: 'teams',
                fallbackChannel: 'email',
                retry: { fallbackAfterMinutes: 180, maxAttempts: 30 },
              },
              expected: teamsOrEmail,
            },
            '09:05',
            tally,
          );

          r.size = `1 h SMTP-avbrott ×3 och 1,5 h ×1 (levererade regler), 1 h Graph 503 ×3 (med och utan Retry-After), 429-storm; 7 dagar × 4 personer, ${7 * 8} aktiviteter`;
          r.result =
            `${tally.messages} meddelanden framme exakt en gång, ${tally.fallback} via reservkanal, ` +
            `${tally.afterOutage} efter återställning trots att budgeten tog slut (först i loggen och till HR: ${tally.hrNotices} HR-meddelanden); ` +
            `inga förlorade; ` +
            `minst ${tally.refusedAttempts} vägrade SMTP-anslutningar, ${tally.graphFaults} Graph-fel besvarade med omförsök`;
        },
      );
    },
  );
});
