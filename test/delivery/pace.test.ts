import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailChannel, emailSettingsFromEnv } from '../../src/delivery/email';
import { DeliveryError } from '../../src/delivery/errors';
import { Pacer } from '../../src/delivery/pace';
import { message } from './fixtures';
import { startSmtp, type TestSmtp } from './servers';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2022-12-30T07:05:00Z'); // 08:05 Stockholm: a morning's digests all ready at once

/** At most `limit` times in any 60 seconds (a window [t, t + 60 s)). */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= MINUTE) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('Pacer: Exchange Online’s limits as sliding windows', () => {
  it('lets 250 messages ready at once go 30 a minute, each at the earliest minute the limit allows', () => {
    const pacer = new Pacer({ perMinute: 30, recipientsPerDay: 10_000 });
    const slots = Array.from({ length: 250 }, (_, i) => pacer.reserve(`digest-${i}`, 1, T0));
    expect(busiestMinute(slots)).toBe(30);
    // The requirement: message i (from 0) may not go before minute floor(i / 30), and need not wait longer.
    expect(slots.map((at) => at - T0)).toEqual(Array.from({ length: 250 }, (_, i) => Math.floor(i / 30) * MINUTE));
  });

  it('gives a retried attempt its own slot again instead of a second one', () => {
    const pacer = new Pacer({ perMinute: 2 });
    const a = pacer.reserve('a', 1, T0);
    const b = pacer.reserve('b', 1, T0);
    expect(pacer.reserve('a', 1, T0 + 5_000)).toBe(a);
    expect([a, b, pacer.reserve('c', 1, T0)]).toEqual([T0, T0, T0 + MINUTE]);
  });

  it('keeps the recipients of any 24 hours under the daily limit', () => {
    const pacer = new Pacer({ recipientsPerDay: 3 });
    const slots = [0, 1, 2, 3].map((k) => pacer.reserve(`m${k}`, 1, T0 + k * MINUTE));
    // The fourth recipient fits when the first leaves the window: a day after it.
    expect(slots).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE, T0 + DAY]);
  });
});

describe('EmailChannel with SMTP_MAX_PER_MINUTE=30 against a relay that enforces it', () => {
  let smtp: TestSmtp;
  let now = T0;
  let accepted: number[] = [];
  let refused: number[] = [];
  /** How long the relay takes to accept the n-th message (0-based), in the shared clock's time. */
  let acceptDelay: (n: number) => number = () => 0;

  beforeAll(async () => {
    // The relay counts accepted recipients on the same clock and refuses the 31st in a minute, as Exchange does.
    smtp = await startSmtp(() => {
      now += acceptDelay(accepted.length + refused.length);
      if (busiestMinute([...accepted.filter((t) => t > now - MINUTE), now]) > 30) {
        refused.push(now);
        return { code: 452, message: '4.3.2 Too many messages, try again later' };
      }
      accepted.push(now);
      return undefined;
    });
  });
  afterAll(() => smtp.close());

  /** Sends `count` digests ready at once, one after the other, retrying a paced attempt as Temporal would. */
  async function sendAll(count: number): Promise<number> {
    now = T0;
    accepted = [];
    refused = [];
    const settings = emailSettingsFromEnv({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Planvakt <planvakt@kommun.se>',
      SMTP_MAX_PER_MINUTE: '30',
      SMTP_MAX_RECIPIENTS_PER_DAY: '10000',
    })!;
    expect(settings.limits).toEqual({ perMinute: 30, recipientsPerDay: 10_000 });
    const channel = new EmailChannel(settings, {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    let retries = 0;
    try {
      for (let i = 0; i < count; i++) {
        const msg = message({
          key: `digest-p${i}`,
          recipient: { id: `p${i}`, name: `Person ${i}`, email: `p${i}@kommun.se` },
        });
        // What Temporal does with a paced attempt: the next one after its nextRetryDelay.
        for (;;) {
          try {
            await channel.send(msg);
            break;
          } catch (e) {
            if (!(e instanceof DeliveryError) || e.code !== 'paced') throw e;
            expect(e.retryable).toBe(true);
            now += e.retryAfterMs!;
            retries += 1;
          }
        }
      }
    } finally {
      channel.close();
    }
    return retries;
  }

  it('sends 75 digests ready at once with none refused and none later than the limit requires', async () => {
    const retries = await sendAll(75);
    expect(refused).toEqual([]);
    expect(accepted.map((t) => t - T0)).toEqual(Array.from({ length: 75 }, (_, i) => Math.floor(i / 30) * MINUTE));
    // A slot further off than an attempt waits (40 s outside an activity) is one retry, not a retry loop.
    expect(retries).toBeLessThanOrEqual(45);
  });

  it('counts a minute from the relay’s acceptance: a slow acceptance moves the 31st, none refused', async () => {
    // The relay takes 5 s to accept the first message: the 31st may go a minute after that, not before.
    acceptDelay = (n) => (n === 0 ? 5_000 : 0);
    try {
      await sendAll(45);
    } finally {
      acceptDelay = () => 0;
    }
    expect(refused).toEqual([]);
    expect(accepted.map((t) => t - T0)).toEqual(Array.from({ length: 45 }, (_, i) => (i < 30 ? 5_000 : 65_000)));
  });
});
