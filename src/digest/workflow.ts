import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { planClock } from '../domain/plan-clock';
import type { DigestActivities } from './activities';
import {
  addDigestItems,
  digestStateQuery,
  type DigestFailure,
  type DigestInput,
  type DigestItem,
  type DigestOutcome,
  type DigestPhase,
  type PersonalChannel,
} from './messages';

const { surfaceUndeliverable, forwardDigestItems } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  // Recording an undeliverable message and handing items on must never give up: nothing is dropped.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** However busy the morning, a digest waits at most this long after its send time. */
const MAX_GATHER_MS = 2 * 60 * 60_000;

/**
 * How long a surfaced digest keeps trying each channel that failed only for the time being. The
 * fallback budget (an hour by default) is how soon HR must hear of the gap, not how long a relay
 * may be down: an outage of a few hours, or a night, must still end in the person's message. A day
 * covers that, and a digest still open after it would otherwise hold the next day's late items.
 */
const AFTER_OUTAGE_BUDGET = '24 hours';

/**
 * One person's messages for one day (`digest-<person>-<date>`): gathers every item the lifecycles
 * hand it until the day's send time plus a short gathering window (all events of a day fire at
 * the same send time, so a few minutes catches them all), then sends ONE message on the preferred
 * channel, falling back to the other channel after the retry budget, and surfacing the message
 * when no channel takes it. Items that arrive after it has sent go to the next working day's
 * digest, so a person never gets two digests on one day and channel.
 */
export async function personDigest(input: DigestInput): Promise<DigestOutcome> {
  const { personId, date, settings } = input;
  const clock = planClock(input);
  const items = new Map<string, DigestItem>();
  const late: DigestItem[] = [];
  const lateIds = new Set<string>();
  const failures: DigestFailure[] = [];
  let phase: DigestPhase = 'gathering';
  let channel: PersonalChannel | undefined;
  let forwarded = 0;
  let deliveredAfterOutage = false;
  let lastArrivalMs = Date.now();

  setHandler(addDigestItems, (batch) => {
    for (const item of batch) {
      // A retried deliver activity signals the same items again: each counts once.
      if (items.has(item.id) || lateIds.has(item.id)) continue;
      if (phase === 'gathering') {
        items.set(item.id, item);
        lastArrivalMs = Date.now();
      } else {
        late.push(item);
        lateIds.add(item.id);
      }
    }
  });
  setHandler(digestStateQuery, () => ({
    personId,
    date,
    phase,
    items: [...items.values()],
    channel,
    failures,
    forwarded,
    ...(deliveredAfterOutage ? { deliveredAfterOutage } : {}),
  }));

  await condition(() => items.size > 0);
  if (!input.immediate) {
    // Send once the day's items have stopped arriving: `gatherMinutes` after the send time and
    // after the latest item (a morning of thousands of deliveries can take longer than the window
    // on a small server), but never later than MAX_GATHER after the send time.
    const gatherMs = settings.gatherMinutes * 60_000;
    const sendAtMs = Math.max(clock.toRunningMs(Date.parse(input.sendAt)), Date.now());
    const latestMs = sendAtMs + Math.max(gatherMs, MAX_GATHER_MS);
    for (;;) {
      const until = Math.min(Math.max(sendAtMs, lastArrivalMs) + gatherMs, latestMs);
      if (until <= Date.now()) break;
      await sleep(until - Date.now());
    }
  }

  phase = 'sending';
  const batch = [...items.values()];
  const digestId = workflowInfo().workflowId;
  const channels: PersonalChannel[] = [settings.preferredChannel];
  if (settings.fallbackChannel !== 'none' && settings.fallbackChannel !== settings.preferredChannel)
    channels.push(settings.fallbackChannel);

  /** One channel's send of the batch: attempts of the configured length, backoff capped at 10 minutes, within `budget`. */
  const sendVia = (ch: PersonalChannel, activityId: string, budget: string, maximumAttempts?: number) =>
    proxyActivities<DigestActivities>({
      startToCloseTimeout: `${settings.attemptTimeoutSeconds} seconds`,
      scheduleToCloseTimeout: budget,
      retry: {
        initialInterval: `${settings.initialIntervalSeconds} seconds`,
        backoffCoefficient: 2,
        maximumInterval: '10 minutes',
        maximumAttempts,
      },
      activityId,
    }).sendDigest({ digestId, personId, date, channel: ch, items: batch });

  let key: string | undefined;
  for (const [i, ch] of channels.entries()) {
    try {
      // The budget of the preferred channel; the last channel gets the same budget again.
      const result = await sendVia(
        ch,
        `send-${i}-${ch}`,
        `${settings.fallbackAfterMinutes} minutes`,
        settings.maxAttempts,
      );
      channel = ch;
      key = result.key;
      break;
    } catch (err) {
      failures.push({ channel: ch, error: failureText(err), temporary: isTemporary(err) });
    }
  }

  let retrying = false;
  if (channel) {
    phase = 'sent';
  } else {
    phase = 'undeliverable';
    upsertMemo({ undeliverable: true });
    await surfaceUndeliverable({ digestId, personId, date, items: batch, failures });
    const temporary = failures.filter((f) => f.temporary).map((f) => f.channel);
    // HR knows and the Utkorg lists it; the channels that were only down get their message when
    // they are back. The same delivery key (digest, person, day, channel) as the first try keeps
    // the ledger from sending twice when that try reached the server after all.
    if (temporary.length > 0 && patched('deliver-after-outage')) {
      retrying = true;
      void (async () => {
        for (const [i, ch] of temporary.entries()) {
          try {
            // No attempt limit: the budget ends it; maxAttempts was sized for the short one.
            const result = await sendVia(ch, `after-outage-${i}-${ch}`, AFTER_OUTAGE_BUDGET);
            channel = ch;
            key = result.key;
            phase = 'sent';
            deliveredAfterOutage = true;
            upsertMemo({ undeliverable: false, deliveredAfterOutage: true });
            break;
          } catch {
            // Still down after a day, or refused for good now: it stays surfaced as it was.
          }
        }
        retrying = false;
      })();
    }
  }

  // Late items (and any that arrive while handing them on, or while a surfaced message waits for
  // its channel) go to the next working day's digest.
  for (;;) {
    await condition(() => allHandlersFinished() && (late.length > 0 || !retrying));
    if (late.length === 0) break;
    const next = late.splice(0);
    await forwardDigestItems({ personId, fromDate: date, items: next, ...clock.carry() });
    forwarded += next.length;
  }

  return {
    phase,
    ...(channel ? { channel } : {}),
    ...(key ? { key } : {}),
    items: batch.length,
    itemIds: [...items.keys(), ...lateIds],
    failures,
    forwarded,
    ...(deliveredAfterOutage ? { deliveredAfterOutage } : {}),
  };
}

/** Whether trying the channel again later can help: not when the channel refused for good. */
function isTemporary(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  let cause: unknown = err.cause;
  // The budget's timeout wraps the last attempt's failure, when there was one.
  while (cause instanceof Error && cause.name === 'TimeoutFailure' && (cause as { cause?: unknown }).cause)
    cause = (cause as { cause?: unknown }).cause;
  return !(cause instanceof ApplicationFailure && cause.nonRetryable);
}

function failureText(err: unknown): string {
  if (err instanceof ActivityFailure) {
    let cause: Error | undefined = err.cause;
    // A timeout's cause is the last attempt's failure, when there was one.
    while (cause && (cause as { cause?: Error }).cause && cause.name === 'TimeoutFailure')
      cause = (cause as { cause?: Error }).cause;
    return cause ? `${cause.name}: ${cause.message}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
