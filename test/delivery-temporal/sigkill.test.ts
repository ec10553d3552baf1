import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { digestStateQuery, digestWorkflowId } from '../../src/workflows/digest.messages';
import { timeSkippingEnv } from '../helpers/temporal';
import { makeActivity, testRules } from '../helpers/lifecycle';
import { DeliveryHarness, testRulesFile } from '../helpers/delivery';

const WORKER = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * An SMTP server that counts a message only when it answers 250 to the DATA. With `hold`, it
 * keeps the answer back: a client that dies meanwhile never got an acceptance, and the message
 * is discarded, as a real relay does.
 */
async function startHoldingSmtp() {
  const accepted: { to: string; messageId: string }[] = [];
  const held: string[] = [];
  const discarded: string[] = [];
  const state = { hold: false };
  const pending = new Map<string, () => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => {
        const entry = { to: session.envelope.rcptTo.map((r) => r.address).join(','), messageId: mail.messageId ?? '' };
        if (!state.hold) {
          accepted.push(entry);
          return cb();
        }
        held.push(session.id);
        pending.set(session.id, () => discarded.push(session.id));
      }, cb);
    },
    onClose(session) {
      pending.get(session.id)?.();
      pending.delete(session.id);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    held,
    discarded,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startHoldingSmtp>>;
let h: DeliveryHarness;
let pauseFile: string;
const children: ChildProcess[] = [];

function startWorker(): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TASK_QUEUE: h.taskQueue,
      SMTP_PORT: String(smtp.port),
      LEDGER_FILE: join(h.dir, 'ledger.jsonl'),
      UNDELIVERABLE_FILE: join(h.dir, 'undeliverable.jsonl'),
      PAUSE_FILE: pauseFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let err = '';
  child.stdout!.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (lines.includes('READY')) {
        clearInterval(t);
        resolve({ child, lines });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`worker exited ${code} before READY: ${err}`));
    });
  });
}

async function kill(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  env = await timeSkippingEnv();
  smtp = await startHoldingSmtp();
  h = new DeliveryHarness(env, { channelsEnv: {}, rules: await testRulesFile(), taskQueue: 'sigkill-test' });
  await h.start({ worker: false });
  pauseFile = join(h.dir, 'pause');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h?.stop();
  await smtp?.close();
  await env?.teardown();
});

const digestState = (date: string) => env.client.workflow.getHandle(digestWorkflowId('pia-chef', date)).query(digestStateQuery);
const toPia = () => smtp.accepted.filter((m) => m.to === 'pia@testby.se');

describe('a worker process killed with SIGKILL in the middle of a delivery', () => {
  it('killed while the SMTP server holds the DATA, and restarted: the message arrives exactly once', async () => {
    const rules = await testRules({ reminders: { beforeDeadline: [0] } });
    const w1 = await startWorker();
    const day = '2023-10-10';
    const { handle, timeShiftMs } = await h.launch(makeActivity({ id: 'kill-a', deadline: day, unit: 'u1' }), `${day}T00:30:00+02:00`, rules);
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
    for (const c of children) if (c.exitCode === null && c.signalCode === null) await kill(c);
    writeFileSync(pauseFile, '');
    const w2 = await startWorker();
    const day = '2023-10-17';
    const { handle, timeShiftMs } = await h.launch(makeActivity({ id: 'kill-b', deadline: day, unit: 'u1' }), `${day}T00:30:00+02:00`, rules);
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
