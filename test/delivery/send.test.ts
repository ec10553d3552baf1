import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channels, DeliveryChannel } from '../../src/delivery/channel';
import { EmailChannel } from '../../src/delivery/email';
import { DeliveryError } from '../../src/delivery/errors';
import { FileDeliveryLedger, MemoryDeliveryLedger, type DeliveryLedger } from '../../src/delivery/ledger';
import { sendMessage } from '../../src/delivery/send';
import { message } from './fixtures';
import { startSmtp, type TestSmtp } from './servers';

let smtp: TestSmtp;
let email: EmailChannel;
let channels: Channels;
let dir: string;

beforeAll(async () => {
  smtp = await startSmtp();
  email = new EmailChannel({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    from: 'Planvakt <planvakt@kommun.se>',
  });
  channels = { email };
  dir = await mkdtemp(join(tmpdir(), 'planvakt-send-'));
});
afterAll(async () => {
  email.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

function mailsWithKey(key: string): number {
  return smtp.mails.filter((m) => m.messageId?.startsWith(`<${key}@`)).length;
}

describe('sendMessage', () => {
  it('sends once when called twice with the same key', async () => {
    const ledger = new MemoryDeliveryLedger();
    const msg = message({ eventKey: 'twice' });
    const first = await sendMessage(msg, channels, ledger, () => new Date('2025-12-17T07:00:00Z'));
    const second = await sendMessage(msg, channels, ledger);
    expect(first).toMatchObject({
      status: 'sent',
      record: { key: msg.key, recipientId: 'p-anna', channel: 'email', sentAt: '2025-12-17T07:00:00.000Z' },
    });
    expect(first.record.providerMessageId).toBe(`<${msg.key}@planvakt.kommun.se>`);
    expect(second).toEqual({ status: 'alreadySent', record: first.record });
    expect(mailsWithKey(msg.key)).toBe(1);
  });

  it('sends once when two attempts of one key run at the same time', async () => {
    const ledger = new MemoryDeliveryLedger();
    const msg = message({ eventKey: 'concurrent' });
    const outcomes = await Promise.all([
      sendMessage(msg, channels, ledger),
      sendMessage(msg, channels, ledger),
      sendMessage(msg, channels, ledger),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    expect(mailsWithKey(msg.key)).toBe(1);
  });

  it('does not send again after a restart (a new process reopening the ledger file)', async () => {
    const file = join(dir, 'ledger.jsonl');
    const msg = message({ eventKey: 'restart' });
    const before = await FileDeliveryLedger.open(file);
    await sendMessage(msg, channels, before);
    await before.close();
    const after = await FileDeliveryLedger.open(file);
    expect((await sendMessage(msg, channels, after)).status).toBe('alreadySent');
    await after.close();
    expect(mailsWithKey(msg.key)).toBe(1);
  });

  it('records nothing when the send fails, so the retry sends', async () => {
    let calls = 0;
    const flaky: DeliveryChannel = {
      channel: 'teams',
      async send() {
        calls++;
        if (calls === 1)
          throw new DeliveryError('teams: HTTP 503', { code: 'serverError', retryable: true, channel: 'teams' });
        return {};
      },
    };
    const ledger = new MemoryDeliveryLedger();
    const msg = message({ channel: 'teams', eventKey: 'flaky' });
    await expect(sendMessage(msg, { teams: flaky }, ledger)).rejects.toMatchObject({ retryable: true });
    expect(await ledger.has(msg.key)).toBe(false);
    expect((await sendMessage(msg, { teams: flaky }, ledger)).status).toBe('sent');
    expect(calls).toBe(2);
  });

  it('turns an unexpected channel error into a retryable DeliveryError', async () => {
    const broken: DeliveryChannel = {
      channel: 'teams',
      send: () => Promise.reject(new TypeError('fetch failed')),
    };
    await expect(
      sendMessage(message({ channel: 'teams' }), { teams: broken }, new MemoryDeliveryLedger()),
    ).rejects.toMatchObject({
      name: 'DeliveryError',
      code: 'network',
      retryable: true,
    });
  });

  it('fails permanently for a channel that is not configured', async () => {
    await expect(
      sendMessage(message({ channel: 'teamsChannel' }), channels, new MemoryDeliveryLedger()),
    ).rejects.toMatchObject({
      code: 'notConfigured',
      retryable: false,
    });
  });

  it('reports a failed ledger write instead of failing a send that went out', async () => {
    const ledger: DeliveryLedger = Object.assign(new MemoryDeliveryLedger(), {
      record: () => Promise.reject(new Error('ENOSPC')),
    });
    const msg = message({ eventKey: 'disk-full' });
    const outcome = await sendMessage(msg, channels, ledger);
    expect(outcome.status).toBe('sent');
    expect(outcome.status === 'sent' && (outcome.ledgerError as Error).message).toBe('ENOSPC');
    expect(mailsWithKey(msg.key)).toBe(1);
  });
});
