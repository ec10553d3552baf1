/**
 * One send, idempotent under retry: ledger check, send, ledger write. The crash window between
 * a provider's acceptance and the ledger write is narrowed further by the channels themselves:
 * an email's Message-ID and a Teams notification's chainId are derived from the same key, so
 * Exchange and Teams treat a repeat as the same message.
 */
import { Context } from '@temporalio/activity';
import type { Channels } from './channel';
import { DeliveryError, isDeliveryError } from './errors';
import { isClaimingLedger, type ClaimWho, type DeliveryLedger, type DeliveryRecord } from './ledger';
import type { Message } from './message';

export type SendOutcome =
  | {
      status: 'sent';
      record: DeliveryRecord;
      /** The message went out but the ledger write failed: log it. */ ledgerError?: unknown;
    }
  | { status: 'alreadySent'; record: DeliveryRecord };

/** Two concurrent sends of one key in this process share one attempt instead of racing past the ledger. */
const inFlight = new WeakMap<DeliveryLedger, Map<string, Promise<SendOutcome>>>();

export async function sendMessage(
  message: Message,
  channels: Channels,
  ledger: DeliveryLedger,
  now: () => Date = () => new Date(),
): Promise<SendOutcome> {
  let pending = inFlight.get(ledger);
  if (!pending) inFlight.set(ledger, (pending = new Map()));
  const running = pending.get(message.key);
  if (running) return running;
  const attempt = sendOnce(message, channels, ledger, now).finally(() => pending.delete(message.key));
  pending.set(message.key, attempt);
  return attempt;
}

async function sendOnce(
  message: Message,
  channels: Channels,
  ledger: DeliveryLedger,
  now: () => Date,
): Promise<SendOutcome> {
  // A shared ledger decides by claiming the key (one atomic write); a process-local one by reading it.
  let token: string | undefined;
  if (isClaimingLedger(ledger)) {
    const attempt = activityAttempt();
    const claim = await ledger.claim(message.key, {
      recipientId: message.recipient.id,
      channel: message.channel,
      ...(attempt ? { attempt } : {}),
    });
    if (claim.status === 'sent') return { status: 'alreadySent', record: claim.record };
    if (claim.status === 'busy')
      throw new DeliveryError(`${message.channel}: another worker is sending this message right now`, {
        code: 'inFlight',
        retryable: true,
        channel: message.channel,
      });
    token = claim.token;
  } else {
    const previous = await ledger.get(message.key);
    if (previous) return { status: 'alreadySent', record: previous };
  }
  try {
    return await deliver(message, channels, ledger, now);
  } catch (err) {
    if (token && isClaimingLedger(ledger)) await ledger.release(message.key, token).catch(() => undefined);
    throw err;
  }
}

/** The Temporal activity attempt this send runs in; none outside an activity (the CLI, tests). */
function activityAttempt(): ClaimWho['attempt'] {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  if (!info.workflowExecution) return undefined; // a standalone activity: the lease alone
  return { holder: `${info.workflowExecution.workflowId}/${info.activityId}`, number: info.attempt };
}

async function deliver(
  message: Message,
  channels: Channels,
  ledger: DeliveryLedger,
  now: () => Date,
): Promise<SendOutcome> {
  const channel = channels[message.channel];
  if (!channel) {
    throw new DeliveryError(`${message.channel}: channel not configured`, {
      code: 'notConfigured',
      retryable: false,
      channel: message.channel,
    });
  }
  let providerMessageId: string | undefined;
  try {
    ({ providerMessageId } = await channel.send(message));
  } catch (e) {
    if (isDeliveryError(e)) throw e;
    throw new DeliveryError(`${message.channel}: ${e instanceof Error ? e.message : String(e)}`, {
      code: 'network',
      retryable: true,
      channel: message.channel,
      cause: e,
    });
  }
  const record: DeliveryRecord = {
    key: message.key,
    recipientId: message.recipient.id,
    channel: message.channel,
    sentAt: now().toISOString(),
    ...(providerMessageId ? { providerMessageId } : {}),
  };
  try {
    const { key, ...info } = record;
    await ledger.record(key, info);
  } catch (ledgerError) {
    // Failing here would make Temporal retry a send that already succeeded.
    return { status: 'sent', record, ledgerError };
  }
  return { status: 'sent', record };
}
