import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { digestStateQuery } from '../../src/digest';
import { digestWorkflowId } from '../../src/domain/workflow-ids';
import { timeSkippingEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { DeliveryHarness, testRulesFile } from '../helpers/delivery';
import { startHoldingSmtp, type HoldingSmtp } from '../delivery/servers';
import { isAlive, killProcess as kill, startWorkerProcess, until } from './fixtures/worker-process';

let env: TestWorkflowEnvironment;
let smtp: HoldingSmtp;
let h: DeliveryHarness;
let pauseFile: string;
const children: ChildProcess[] = [];

async function startWorker() {
  const w = await startWorkerProcess({
    TEMPORAL_ADDRESS: env.address,
    TASK_QUEUE: h.taskQueue,
    SMTP_PORT: String(smtp.port),
    LEDGER_FILE: join(h.dir, 'ledger.jsonl'),
    UNDELIVERABLE_FILE: join(h.dir, 'undeliverable.jsonl'),
    PAUSE_FILE: pauseFile,
  });
  children.push(w.child);
  return w;
}

beforeAll(async () => {
  env = await timeSkippingEnv();
  smtp = await startHoldingSmtp();
  h = new DeliveryHarness(env, { channelsEnv: {}, rules: await testRulesFile(), taskQueue: 'sigkill-test' });
  await h.start({ worker: false });
  pauseFile = join(h.dir, 'pause');
});
afterAll(async () => {
  for (const c of children) if (isAlive(c)) c.kill('SIGKILL');
  await h?.stop();
  await smtp?.close();
  await env?.teardown();
});

const digestState = (date: string) =>
  env.client.workflow.getHandle(digestWorkflowId('pia-chef', date)).query(digestStateQuery);
const toPia = () => smtp.accepted.filter((m) => m.to === 'pia@testby.se');

describe('a worker process killed with SIGKILL in the middle of a delivery', () => {
  it('killed while the SMTP server holds the DATA, and restarted: the message arrives exactly once', async () => {
    const rules = await testRules({ reminders: { beforeDeadline: [0] } });
    const w1 = await startWorker();
    const day = '2023-10-10';
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'kill-a', deadline: day, unit: 'u1' }),
      `${day}T00:30:00+02:00`,
      rules,
    );
    smtp.state.hold = true;
    // The digest sends at 08:05 (send time + gathering window); stop the clock inside the attempt.
    await h.sleepUntil(`${day}T08:05:01+02:00`, timeShiftMs);
    await until('the SMTP DATA', () => smtp.held.length > 0);
    await kill(w1.child);
    await until('the dropped connection', () => smtp.discarded.length === smtp.held.length);
    expect(toPia()).toHaveLength(0);

    smtp.state.hold = false;
    await startWorker();
    // The dead attempt times out (3 s, the worker's rules), Temporal retries on the new worker.
    await until('the retried send', () => toPia().length > 0);
    await until('the digest to finish', async () => (await digestState(day)).phase === 'sent');
    expect(toPia()).toHaveLength(1);
    await h.sleepUntil(`${day}T12:00:00+02:00`, timeShiftMs);
    expect(toPia()).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('killed after the SMTP server accepted but before Temporal heard of it: the ledger stops the second send', async () => {
    const rules = await testRules({ reminders: { beforeDeadline: [0] } });
    const before = toPia().length;
    // Only the worker started here may serve the queue.
    for (const c of children) await kill(c);
    writeFileSync(pauseFile, '');
    const w2 = await startWorker();
    const day = '2023-10-17';
    const { handle, timeShiftMs } = await h.launch(
      makeActivity({ id: 'kill-b', deadline: day, unit: 'u1' }),
      `${day}T00:30:00+02:00`,
      rules,
    );
    await h.sleepUntil(`${day}T08:05:01+02:00`, timeShiftMs);
    await until('SENT from the worker', () => w2.lines.some((l) => l.startsWith('SENT sent')));
    expect(toPia()).toHaveLength(before + 1);
    await kill(w2.child);
    rmSync(pauseFile);

    await startWorker();
    await until('the retried activity', async () => (await digestState(day)).phase === 'sent');
    expect(toPia()).toHaveLength(before + 1);
    const ledger = readFileSync(join(h.dir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(ledger).toHaveLength(2);
    await handle.terminate('test done');
  });
});
