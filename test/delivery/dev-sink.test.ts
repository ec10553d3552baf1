import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsFromEnv, closeChannels, isUnconfigured } from '../../src/delivery/channels';
import { DevOutbox, readOutboxFile } from '../../src/delivery/dev-sink';
import { MemoryDeliveryLedger } from '../../src/delivery/ledger';
import { sendMessage } from '../../src/delivery/send';
import { HOSTILE, item, message } from './fixtures';

let dir: string;
let file: string;
let outbox: DevOutbox;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'planvakt-outbox-'));
  file = join(dir, 'outbox.jsonl');
  outbox = await DevOutbox.start({ file });
});
afterAll(async () => {
  await outbox.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('DevOutbox (Utkorg)', () => {
  it('starts with nothing configured, and the channels built from its env deliver to it', async () => {
    expect(isUnconfigured({})).toBe(true);
    expect(isUnconfigured(outbox.env)).toBe(false);
    const channels = channelsFromEnv(outbox.env);
    expect(Object.keys(channels).sort()).toEqual(['email', 'teams', 'teamsChannel']);
    const ledger = new MemoryDeliveryLedger();
    const items = [item({ activityText: HOSTILE })];
    await sendMessage(message({ channel: 'email', items }), channels, ledger);
    await sendMessage(message({ channel: 'teams', items }), channels, ledger);
    await sendMessage(
      message({ channel: 'teamsChannel', items, recipient: { id: 'forskola', name: 'Förskola' } }),
      channels,
      ledger,
    );
    await closeChannels(channels);

    const list = outbox.listOutbox();
    expect(list.map((e) => e.channel)).toEqual(['teamsChannel', 'teams', 'email']);
    const [channelPost, personal, mail] = list;
    expect(mail).toMatchObject({
      to: '"Anna Andersson" <anna.andersson@kommun.se>',
      subject: `Påminnelse: ${HOSTILE.slice(0, 89)}…`,
    });
    expect(mail?.html).toContain('&lt;script&gt;');
    expect(mail?.text).toContain(HOSTILE);
    expect(personal).toMatchObject({
      to: '11111111-2222-3333-4444-555555555555',
      notification: { activityType: 'reminder' },
    });
    expect(channelPost).toMatchObject({ to: 'kanal', card: { type: 'AdaptiveCard', version: '1.4' } });
    expect(channelPost?.subject).toBe(`Påminnelse: ${HOSTILE.slice(0, 89)}…`);
  });

  it('keeps the messages in a JSON-lines file that another process can read and a restart reloads', async () => {
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    const fromFile = await readOutboxFile(file);
    expect(fromFile.map((e) => e.id)).toEqual(outbox.listOutbox().map((e) => e.id));

    const second = await DevOutbox.start({ file });
    expect(second.listOutbox().map((e) => e.id)).toEqual(fromFile.map((e) => e.id));
    await second.stop();
    expect(await readOutboxFile(join(dir, 'none.jsonl'))).toEqual([]);
  });

  it('listens on 127.0.0.1 only and lists its content over HTTP', async () => {
    expect(outbox.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${outbox.httpUrl}/outbox`);
    expect(((await res.json()) as unknown[]).length).toBe(3);
    expect((await fetch(`${outbox.httpUrl}/nowhere`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
