import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readUndeliverableFile } from '../../src/delivery/undeliverable';
import type { Delivery } from '../../src/rules';
import { digestStateQuery } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { timeSkippingEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { DeliveryHarness, startFaultyGraph, testRulesFile } from '../helpers/delivery';
import { recordHistories } from '../helpers/histories';
import { startSmtp, type TestSmtp } from '../delivery/servers';

let env: TestWorkflowEnvironment;
let graph: Awaited<ReturnType<typeof startFaultyGraph>>;
let smtp: TestSmtp;
let h: DeliveryHarness;
const rejected = new Set<string>();
/** Server (simulated) time of every Graph request, in order. */
const graphTimes: number[] = [];

beforeAll(async () => {
  env = await timeSkippingEnv();
  graph = await startFaultyGraph();
  smtp = await startSmtp((address) => (rejected.has(address) ? { code: 550, message: 'No such mailbox' } : undefined));
  h = new DeliveryHarness(env, {
    channelsEnv: {
      ...graph.env,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Planvakt <planvakt@testby.se>',
    },
    rules: await testRulesFile(),
  });
  await h.start();
  // Every Graph request is stamped with the server's simulated time before the fault decides.
  graph.onRequest = async () => {
    graphTimes.push(await env.currentTimeMs());
  };
});
afterAll(async () => {
  // Replay cases for test/lifecycle/replay.test.ts: the fallback to email, and the undeliverable message.
  if (h)
    await recordHistories(env.client, [
      digestWorkflowId('pia-chef', '2023-09-05'),
      digestWorkflowId('pia-chef', '2023-09-26'),
    ]);
  await h?.stop();
  await graph?.close();
  await smtp?.close();
  await env?.teardown();
});

/** Rules are read at send time: each test sets the delivery settings its digest starts with. */
async function useDelivery(delivery: Partial<Delivery>) {
  h.options.rules = await testRulesFile(delivery);
  mailMark = smtp.mails.length;
}

let mailMark = 0;
const mailsTo = (address: string) => smtp.mails.slice(mailMark).filter((m) => JSON.stringify(m.to).includes(address));
const state = (personId: string, date: string) =>
  env.client.workflow.getHandle(digestWorkflowId(personId, date)).query(digestStateQuery);

/** One activity of Pia's due on `day` (a reminder on the day only), launched the day before. */
async function dueOn(id: string, day: string) {
  const rules = await testRules({ reminders: { beforeDeadline: [0] } });
  return h.launch(
    makeActivity({ id, deadline: day, unit: 'u1', text: `Aktivitet ${id}` }),
    `${day}T00:30:00+02:00`,
    rules,
  );
}

describe('retry, fallback and surfacing on the time-skipping server', () => {
  it('Graph answers 500 for an hour: after the 30-minute budget the digest goes by email, once; Teams never gets a copy', async () => {
    await useDelivery({ preferredChannel: 'teams', fallbackChannel: 'email', retry: { fallbackAfterMinutes: 30 } });
    const day = '2023-09-05';
    const { handle, timeShiftMs } = await dueOn('outage-a', day);
    const outageEnd = Date.parse(`${day}T09:05:00+02:00`) - timeShiftMs;
    graph.state.fault = () => (graphTimes.at(-1)! < outageEnd ? { status: 500 } : undefined);
    const before = graph.requests.length;
    await h.sleepUntil(`${day}T12:00:00+02:00`, timeShiftMs);

    const s = await state('pia-chef', day);
    expect(s).toMatchObject({ phase: 'sent', channel: 'email', failures: [{ channel: 'teams' }] });
    expect(s.failures[0]!.error).toMatch(/HTTP 500|Timeout/);
    const tries = graph.requests.slice(before);
    expect(tries.length).toBeGreaterThan(3);
    expect(tries.every((r) => r.status === 500)).toBe(true);
    expect(mailsTo('pia@testby.se')).toHaveLength(1);
    expect(graph.accepted.filter((r) => r.user === 'pia@testby.se')).toHaveLength(0);
    await handle.terminate('test done');
  });

  it('without a fallback channel, a 500 for an hour then recovery: the message arrives once, by Teams', async () => {
    await useDelivery({
      preferredChannel: 'teams',
      fallbackChannel: 'none',
      retry: { fallbackAfterMinutes: 180, maxAttempts: 30 },
    });
    const day = '2023-09-12';
    const { handle, timeShiftMs } = await dueOn('outage-b', day);
    const outageEnd = Date.parse(`${day}T09:05:00+02:00`) - timeShiftMs;
    graph.state.fault = () => (graphTimes.at(-1)! < outageEnd ? { status: 500 } : undefined);
    const before = graph.requests.length;
    await h.sleepUntil(`${day}T12:00:00+02:00`, timeShiftMs);

    expect(await state('pia-chef', day)).toMatchObject({ phase: 'sent', channel: 'teams', failures: [] });
    const tries = graph.requests.slice(before);
    expect(tries.filter((r) => r.status === 204)).toHaveLength(1);
    expect(tries.filter((r) => r.status === 500).length).toBeGreaterThan(3);
    expect(mailsTo('pia@testby.se')).toHaveLength(0);
    await handle.terminate('test done');
  });

  it('a 429 storm: every Retry-After is honoured, and the message arrives once by Teams', async () => {
    await useDelivery({
      preferredChannel: 'teams',
      fallbackChannel: 'email',
      retry: { fallbackAfterMinutes: 60, initialIntervalSeconds: 1 },
    });
    const day = '2023-09-19';
    const { handle, timeShiftMs } = await dueOn('storm', day);
    const before = graph.requests.length;
    graph.state.fault = (n) => (n - before <= 5 ? { status: 429, headers: { 'retry-after': '300' } } : undefined);
    const t0 = graphTimes.length;
    await h.sleepUntil(`${day}T12:00:00+02:00`, timeShiftMs);

    expect(await state('pia-chef', day)).toMatchObject({ phase: 'sent', channel: 'teams' });
    const tries = graph.requests.slice(before);
    expect(tries.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 204]);
    const times = graphTimes.slice(t0);
    // 1 s backoff would retry at once; the server said 300 s, and Temporal waited that long.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(299_000);
    expect(mailsTo('pia@testby.se')).toHaveLength(0);
    await handle.terminate('test done');
  });

  it('no channel reaches the person: surfaced in the undeliverable log and mailed to HR, never dropped, and not retried', async () => {
    await useDelivery({ preferredChannel: 'email', fallbackChannel: 'teams', retry: { fallbackAfterMinutes: 10 } });
    const day = '2023-09-26';
    rejected.add('pia@testby.se');
    graph.state.fault = () => ({ status: 403 });
    const acceptedBefore = graph.accepted.length;
    const { handle, timeShiftMs } = await dueOn('nowhere', day);
    await h.sleepUntil(`${day}T12:00:00+02:00`, timeShiftMs);

    const s = await state('pia-chef', day);
    expect(s.phase).toBe('undeliverable');
    expect(s.failures.map((f) => f.channel)).toEqual(['email', 'teams']);
    // 550 and 403 refuse for good: nothing is kept trying, and the closed digest can send no more.
    expect(s.failures.map((f) => f.temporary)).toEqual([false, false]);
    expect((await env.client.workflow.getHandle(digestWorkflowId('pia-chef', day)).describe()).status.name).toBe(
      'COMPLETED',
    );
    expect(graph.accepted.slice(acceptedBefore)).toHaveLength(0);
    const log = (await readUndeliverableFile(h.deps.undeliverable.path)).filter((e) => e.date === day);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      key: digestWorkflowId('pia-chef', day),
      kind: 'message',
      personName: 'Pia Enhetschef',
      hrNotified: ['Hugo HR'],
    });
    const hr = smtp.mails.filter((m) => JSON.stringify(m.to).includes('hugo@testby.se'));
    expect(hr).toHaveLength(1);
    expect(hr[0]!.subject).toMatch(/^Lucka att åtgärda/);
    expect((await env.client.workflow.getHandle(digestWorkflowId('pia-chef', day)).describe()).memo).toMatchObject({
      undeliverable: true,
    });
    rejected.clear();
    graph.state.fault = () => undefined;
    await handle.terminate('test done');
  });
});
