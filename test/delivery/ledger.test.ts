import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryKey } from '../../src/delivery/key';
import { FileDeliveryLedger, MemoryDeliveryLedger } from '../../src/delivery/ledger';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'planvakt-ledger-'));
  file = join(dir, 'data', 'delivery-ledger.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const k = (recipient: string, event = 'e1') => deliveryKey('activity-a1', event, recipient, '2025-12-17', 'email');
const info = (recipientId: string) => ({ recipientId, channel: 'email' as const, sentAt: '2025-12-17T07:00:00.000Z' });

describe('FileDeliveryLedger', () => {
  it('survives a restart: a reopened file knows every sent key', async () => {
    const first = await FileDeliveryLedger.open(file);
    expect(await first.has(k('anna'))).toBe(false);
    await first.record(k('anna'), { ...info('anna'), providerMessageId: '<x@y>' });
    await first.record(k('bo'), info('bo'));
    await first.close();

    const reopened = await FileDeliveryLedger.open(file);
    expect(await reopened.has(k('anna'))).toBe(true);
    expect(await reopened.has(k('bo'))).toBe(true);
    expect(await reopened.has(k('cecilia'))).toBe(false);
    expect(await reopened.get(k('anna'))).toEqual({ key: k('anna'), ...info('anna'), providerMessageId: '<x@y>' });
    await reopened.close();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('skips the torn last line of a crash and keeps appending on a fresh line', async () => {
    const ledger = await FileDeliveryLedger.open(file);
    await ledger.record(k('anna'), info('anna'));
    await ledger.close();
    await appendFile(file, '{"key":"pv1-torn","recipientId":"b');

    const after = await FileDeliveryLedger.open(file);
    expect(await after.has('pv1-torn')).toBe(false);
    await after.record(k('bo'), info('bo'));
    await after.close();
    const again = await FileDeliveryLedger.open(file);
    expect(await again.has(k('anna'))).toBe(true);
    expect(await again.has(k('bo'))).toBe(true);
    await again.close();
  });

  it('keeps every record of concurrent writes', async () => {
    const ledger = await FileDeliveryLedger.open(file);
    const people = Array.from({ length: 50 }, (_, i) => `p${i}`);
    await Promise.all(people.map((p) => ledger.record(k(p), info(p))));
    await ledger.close();
    const reopened = await FileDeliveryLedger.open(file);
    for (const p of people) expect(await reopened.has(k(p))).toBe(true);
    await reopened.close();
  });

  it('erases one person for good and keeps the others', async () => {
    const ledger = await FileDeliveryLedger.open(file);
    await ledger.record(k('anna'), info('anna'));
    await ledger.record(k('anna', 'e2'), info('anna'));
    await ledger.record(k('bo'), info('bo'));
    expect(await ledger.eraseRecipient('anna')).toBe(2);
    expect(await ledger.has(k('anna'))).toBe(false);
    await ledger.record(k('cecilia'), info('cecilia'));
    await ledger.close();

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('"anna"');
    const reopened = await FileDeliveryLedger.open(file);
    expect(await reopened.has(k('bo'))).toBe(true);
    expect(await reopened.has(k('cecilia'))).toBe(true);
    expect(await reopened.eraseRecipient('nobody')).toBe(0);
    await reopened.close();
  });

  it('ignores lines that are not records', async () => {
    await writeFile(join(dir, 'odd.jsonl'), '[]\n{"key":1}\nnull\n\n');
    const ledger = await FileDeliveryLedger.open(join(dir, 'odd.jsonl'));
    expect(await ledger.has('1')).toBe(false);
    await ledger.close();
  });
});

describe('MemoryDeliveryLedger', () => {
  it('records and erases like the file ledger', async () => {
    const ledger = new MemoryDeliveryLedger();
    await ledger.record(k('anna'), info('anna'));
    expect(await ledger.has(k('anna'))).toBe(true);
    expect(await ledger.eraseRecipient('anna')).toBe(1);
    expect(await ledger.has(k('anna'))).toBe(false);
  });
});
